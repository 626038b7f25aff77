import { useEffect, useMemo, useState } from 'preact/hooks';
import { useT } from '../../core/i18n';
import { ClusterMap } from '../../map/ClusterMap';
import { clusterState, STATE_TONES, type MapCluster } from '../../map/cluster-state';
import { mapMessages } from '../../map/map-messages';
import { Badge } from '../../ui/components';
import type { CommuneData } from './data';
import { messages } from './messages';
import type { TargetMode } from './schedule-form';

/** Where a schedule plays: the whole commune, chosen villages, or chosen clusters (map and list). */
export function TargetPicker(props: {
  commune: CommuneData;
  mode: TargetMode;
  allowOther: boolean;
  villageIds: string[];
  clusterIds: string[];
  error?: string;
  onMode: (mode: TargetMode) => void;
  onVillages: (ids: string[]) => void;
  onClusters: (ids: string[]) => void;
}) {
  const t = useT(messages);
  const tm = useT(mapMessages);
  const { commune } = props;
  const villageName = useMemo(() => new Map(commune.villages.map((v) => [v.id, v.name])), [commune]);
  const perVillage = useMemo(() => {
    const counts = new Map<string, number>();
    for (const c of commune.clusters)
      if (c.villageId) counts.set(c.villageId, (counts.get(c.villageId) ?? 0) + 1);
    return counts;
  }, [commune]);
  const mapClusters: MapCluster[] = useMemo(
    () =>
      commune.clusters.map((c) => ({
        id: c.id,
        name: c.name,
        code: c.code,
        latitude: c.latitude,
        longitude: c.longitude,
        village: c.villageId ? (villageName.get(c.villageId) ?? null) : null,
        state: clusterState({ online: c.online, lastSeenAt: c.lastSeenAt, activeFaults: c.activeFaults }),
      })),
    [commune, villageName],
  );
  const selected = useMemo(() => new Set(props.clusterIds), [props.clusterIds]);
  // The map measures its box when created: create it once the dialog around it is shown.
  const [showMap, setShowMap] = useState(false);
  useEffect(() => {
    if (props.mode !== 'clusters') {
      setShowMap(false);
      return;
    }
    const id = requestAnimationFrame(() => setShowMap(true));
    return () => cancelAnimationFrame(id);
  }, [props.mode]);

  const toggle = (list: string[], id: string) =>
    list.includes(id) ? list.filter((x) => x !== id) : [...list, id];
  const modes: TargetMode[] = [
    'commune',
    'villages',
    'clusters',
    ...(props.allowOther ? ['other' as const] : []),
  ];
  const labels: Record<TargetMode, string> = {
    commune: t('tmCommune'),
    villages: t('tmVillages'),
    clusters: t('tmClusters'),
    other: t('tmOther'),
  };

  return (
    <fieldset class={`sched-targets${props.error ? ' field-invalid' : ''}`}>
      <legend>{t('fTargets')}</legend>
      <div class="sched-radios">
        {modes.map((mode) => (
          <label key={mode}>
            <input
              type="radio"
              name="sched-target-mode"
              value={mode}
              checked={props.mode === mode}
              onChange={() => props.onMode(mode)}
            />
            {labels[mode]}
          </label>
        ))}
      </div>
      {props.mode === 'villages' ? (
        <fieldset class="sched-checklist">
          <legend>
            {t('villagesLegend')}{' '}
            <span class="muted">({t('selectedCount', { n: props.villageIds.length })})</span>
          </legend>
          {commune.villages.length === 0 ? <p class="muted">{t('villagesNone')}</p> : null}
          {commune.villages.map((v) => (
            <label key={v.id}>
              <input
                type="checkbox"
                checked={props.villageIds.includes(v.id)}
                onChange={() => props.onVillages(toggle(props.villageIds, v.id))}
              />
              <span>{v.name}</span>
              <span class="muted"> · {t('clustersInVillage', { n: perVillage.get(v.id) ?? 0 })}</span>
            </label>
          ))}
        </fieldset>
      ) : null}
      {props.mode === 'clusters' ? (
        <div class="sched-clusterpick">
          <p class="muted sched-note">{t('mapHint')}</p>
          {showMap ? (
            <ClusterMap
              clusters={mapClusters}
              selected={selected}
              onToggle={(id) => props.onClusters(toggle(props.clusterIds, id))}
              height={260}
              label={t('mapLabel')}
            />
          ) : (
            <div class="sched-map-placeholder" style={{ height: '260px' }} />
          )}
          <fieldset class="sched-checklist">
            <legend>
              {t('clustersLegend')}{' '}
              <span class="muted">({t('selectedCount', { n: props.clusterIds.length })})</span>
            </legend>
            {commune.clusters.length === 0 ? <p class="muted">{t('clustersNone')}</p> : null}
            {mapClusters.map((c) => (
              <label key={c.id}>
                <input
                  type="checkbox"
                  checked={selected.has(c.id)}
                  onChange={() => props.onClusters(toggle(props.clusterIds, c.id))}
                />
                <span>{c.name}</span>
                <span class="muted"> · {c.village ?? t('noVillage')} </span>
                <Badge tone={STATE_TONES[c.state]}>{tm(`state_${c.state}` as 'state_online')}</Badge>
              </label>
            ))}
          </fieldset>
        </div>
      ) : null}
      {props.error ? (
        <small class="error-text" role="alert">
          {props.error}
        </small>
      ) : null}
    </fieldset>
  );
}
