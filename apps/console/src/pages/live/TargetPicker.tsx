import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, type Page } from '../../core/api';
import { useAsync } from '../../core/hooks';
import { useLang, useT } from '../../core/i18n';
import { common } from '../../core/messages';
import { LEVEL_LABEL } from '../../core/roles';
import { useSession } from '../../core/session';
import { Badge, Button, ErrorNotice, Field, Loading } from '../../ui/components';
import { messages } from './messages';
import {
  areaPhrase,
  buildTarget,
  groupClusters,
  villageCheckState,
  type CommuneGroup,
  type Target,
  type TargetChoice,
  type TargetCluster,
} from './targets';

const MAX_CLUSTERS = 500;

export interface TargetValue {
  target: Target;
  /** Clusters of the list the target reaches. */
  count: number;
  /** In words, for the confirmation ("Toàn xã Hoàng Đồng", "2 thôn và 1 cụm loa lẻ"). */
  description: string;
}

interface Area {
  id: string;
  level: 'province' | 'district' | 'commune' | 'village';
  /** Where it plays, in words that follow "tại" ("toàn xã Hoàng Đồng"). */
  name: string;
  /** The option's text (with its number of clusters). */
  label: string;
}

/**
 * Where a broadcast plays: a whole area (the user's scope, or one commune of it) or villages and clusters
 * ticked in a list grouped by village. Lists the scope's IP clusters that take broadcasts.
 */
export function TargetPicker(props: {
  onChange: (value: TargetValue | null) => void;
  disabled?: boolean;
  idPrefix: string;
}) {
  const t = useT(messages);
  const tc = useT(common);
  const { me } = useSession();
  const lang = useLang();
  const clusters = useAsync(
    (signal) =>
      api.get<Page<TargetCluster>>(
        '/clusters',
        { kind: 'ip', lifecycle: 'planned,active,faulty', pageSize: MAX_CLUSTERS, sort: 'name' },
        signal,
      ),
    [],
  );
  const groups = useMemo(() => groupClusters(clusters.data?.items ?? []), [clusters.data]);

  const areas = useMemo<Area[]>(() => {
    const list: Area[] = [];
    const scope = me.scope;
    if (scope) {
      const level = tc(LEVEL_LABEL[scope.level] ?? 'levelCommune');
      const area = areaPhrase(scope.name, level);
      list.push({
        id: scope.unitId,
        level: scope.level,
        name: t('wholeWhere', { area, name: scope.name }),
        label: t('wholeUnit', { area, name: scope.name }),
      });
    }
    if (!scope || scope.level === 'province' || scope.level === 'district')
      for (const g of groups)
        list.push({
          id: g.id,
          level: 'commune',
          name: lang === 'vi' ? areaPhrase(g.name, tc('levelCommune')) : g.name,
          label: t('areaCount', { name: g.name, n: g.clusterIds.length }),
        });
    return list;
  }, [me.scope, groups, lang]);

  const [mode, setMode] = useState<'unit' | 'pick'>('unit');
  const [areaId, setAreaId] = useState<string>('');
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [count, setCount] = useState<number | null>(null);
  const area = areas.find((a) => a.id === areaId) ?? areas[0];

  useEffect(() => {
    if (!clusters.data) return;
    const choice: TargetChoice | null =
      mode === 'unit'
        ? area
          ? { mode: 'unit', unitId: area.id, level: area.level }
          : null
        : { mode: 'pick', clusterIds: picked };
    if (!choice) {
      setCount(null);
      return props.onChange(null);
    }
    const built = buildTarget(choice, groups);
    setCount(built.count);
    if (built.count === 0 && choice.mode === 'pick') return props.onChange(null);
    const description =
      choice.mode === 'unit'
        ? area!.name
        : t('targetSummaryPick', {
            villages: built.target.villageIds?.length ?? 0,
            clusters: built.target.clusterIds?.length ?? 0,
          });
    props.onChange({ ...built, description });
  }, [mode, area?.id, picked, groups]);

  function toggle(ids: string[], on: boolean) {
    setPicked((prev) => {
      const next = new Set(prev);
      for (const id of ids) {
        if (on) next.add(id);
        else next.delete(id);
      }
      return next;
    });
  }

  if (clusters.error) return <ErrorNotice error={clusters.error} onRetry={clusters.reload} />;
  if (!clusters.data) return <Loading />;
  const total = clusters.data.total;

  return (
    <fieldset class="live-targets" disabled={props.disabled}>
      <legend>{t('targetLegend')}</legend>
      {total === 0 ? <p class="notice notice-warn">{t('noClusters')}</p> : null}
      <div class="live-target-modes" role="radiogroup" aria-label={t('targetLegend')}>
        <label class="live-radio">
          <input
            type="radio"
            name={`${props.idPrefix}-mode`}
            checked={mode === 'unit'}
            onChange={() => setMode('unit')}
          />
          {t('targetWhole')}
        </label>
        <label class="live-radio">
          <input
            type="radio"
            name={`${props.idPrefix}-mode`}
            checked={mode === 'pick'}
            onChange={() => setMode('pick')}
          />
          {t('targetPick')}
        </label>
      </div>
      {mode === 'unit' && areas.length > 1 ? (
        <Field label={t('targetArea')}>
          {(attrs) => (
            <select {...attrs} value={area?.id} onChange={(e) => setAreaId(e.currentTarget.value)}>
              {areas.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      ) : null}
      {mode === 'unit' && areas.length === 1 ? <p class="live-area-one">{areas[0].label}</p> : null}
      {mode === 'pick' ? (
        <ClusterChecklist groups={groups} picked={picked} onToggle={toggle} idPrefix={props.idPrefix} />
      ) : null}
      {total > MAX_CLUSTERS ? <p class="muted">{t('tooMany', { n: MAX_CLUSTERS })}</p> : null}
      {count !== null ? (
        <p class={`live-target-count${count === 0 ? ' error-text' : ''}`} role="status">
          {count === 0 ? t('errNoTarget') : t('targetCount', { n: count })}
        </p>
      ) : null}
    </fieldset>
  );
}

function ClusterChecklist(props: {
  groups: CommuneGroup[];
  picked: Set<string>;
  onToggle: (ids: string[], on: boolean) => void;
  idPrefix: string;
}) {
  const t = useT(messages);
  const all = props.groups.flatMap((g) => g.clusterIds);
  return (
    <div class="live-checklist">
      <div class="row">
        <Button variant="ghost" onClick={() => props.onToggle(all, true)}>
          {t('pickAll')}
        </Button>
        <Button variant="ghost" onClick={() => props.onToggle(all, false)}>
          {t('pickNone')}
        </Button>
      </div>
      {props.groups.map((commune) => (
        <div key={commune.id} class="live-commune">
          {props.groups.length > 1 ? <h3>{commune.name}</h3> : null}
          <ul class="live-villages">
            {commune.villages.map((village) => {
              const state = villageCheckState(village, props.picked);
              const ids = village.clusters.map((c) => c.id);
              const name = village.name || t('noVillage');
              const picked = ids.filter((id) => props.picked.has(id)).length;
              return (
                <li key={village.id ?? `none-${commune.id}`} class="live-village">
                  <label class="live-check live-check-village">
                    <input
                      type="checkbox"
                      checked={state === 'all'}
                      indeterminate={state === 'some'}
                      onChange={(e) => props.onToggle(ids, e.currentTarget.checked)}
                    />
                    <span>{name}</span>
                    <small class="muted" aria-hidden="true">
                      {picked}/{ids.length}
                    </small>
                  </label>
                  <ul class="live-clusters">
                    {village.clusters.map((c) => (
                      <li key={c.id}>
                        <label class="live-check">
                          <input
                            type="checkbox"
                            checked={props.picked.has(c.id)}
                            onChange={(e) => props.onToggle([c.id], e.currentTarget.checked)}
                          />
                          <span>{c.name}</span>
                          <Badge tone={c.online ? 'ok' : 'muted'}>
                            {c.online ? t('online') : t('offline')}
                          </Badge>
                        </label>
                      </li>
                    ))}
                  </ul>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </div>
  );
}
