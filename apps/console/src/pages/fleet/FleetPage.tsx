import { useMemo } from 'preact/hooks';
import { formatAgo, formatDateTime, formatTime, useT } from '../../core/i18n';
import { useAsync, useInterval } from '../../core/hooks';
import { common } from '../../core/messages';
import { setQuery, useLocation } from '../../core/router';
import { ClusterMap } from '../../map/ClusterMap';
import { CLUSTER_STATES, STATE_COLORS, STATE_TONES, countStates } from '../../map/cluster-state';
import { mapMessages } from '../../map/map-messages';
import type { RouteParams } from '../../routes';
import {
  Badge,
  Button,
  Empty,
  ErrorNotice,
  Field,
  Link,
  Loading,
  PageHeader,
  Pager,
  Tabs,
  toast,
} from '../../ui/components';
import { loadAllClusters, saveText } from './fleet-data';
import { faultLabel, fleetMessages, type FleetKey } from './fleet-messages';
import {
  KINDS,
  LIFECYCLES,
  PAGE_SIZE,
  filterBase,
  filterClusters,
  pageOf,
  parseFilters,
  signalLevel,
  stateOf,
  toCsv,
  toMapClusters,
  unitOptions,
  type ClusterItem,
} from './fleet-model';
import './fleet.css';

type View = 'map' | 'list';
type MapKey = keyof (typeof mapMessages)['vi'];

/** Small screens open on the list (a map of dots is hard to use on a phone); the URL can say otherwise. */
function defaultView(): View {
  return window.matchMedia('(max-width: 700px)').matches ? 'list' : 'map';
}

export function FleetPage(_props: { params: RouteParams }) {
  const t = useT(fleetMessages);
  const tm = useT(mapMessages);
  const tc = useT(common);
  const { query } = useLocation();
  const filters = parseFilters(query);
  const view: View =
    query.get('view') === 'list' ? 'list' : query.get('view') === 'map' ? 'map' : defaultView();
  const clusters = useAsync((signal) => loadAllClusters(signal), []);
  const all = clusters.data ?? [];
  // Live refresh: every 15 s, less often for a whole province (the whole set is re-read; 304 if unchanged).
  useInterval(() => !clusters.loading && clusters.reload(), all.length > 1000 ? 60_000 : 15_000);

  const base = useMemo(() => filterBase(all, filters), [all, query.toString()]);
  const shown = useMemo(() => filterClusters(all, filters), [all, query.toString()]);
  const mapClusters = useMemo(() => toMapClusters(shown), [shown]);
  const counts = useMemo(() => countStates(toMapClusters(base)), [base]);
  const options = useMemo(() => unitOptions(all, filters.commune), [all, filters.commune]);
  const online = all.filter((c) => c.online).length;
  const stateText = (s: string) => tm(`state_${s}` as MapKey);

  const set = (values: Record<string, string | number | null>) => setQuery({ page: null, ...values });
  const anyFilter =
    filters.q ||
    filters.commune ||
    filters.village ||
    filters.state ||
    filters.faults ||
    filters.kind ||
    filters.lifecycle;

  function exportCsv() {
    const rows = shown.map((c) => [
      c.code,
      c.name,
      t(`kind_${c.kind}` as FleetKey),
      t(`lifecycle_${c.lifecycle}` as FleetKey),
      c.commune?.name ?? null,
      c.village?.name ?? null,
      stateText(stateOf(c)),
      c.lastSeenAt ? formatDateTime(c.lastSeenAt) : null,
      c.vitals?.rsrp ?? null,
      c.vitals ? t(`power_${c.vitals.powerSource}` as FleetKey) : null,
      c.vitals?.batteryPct ?? null,
      c.vitals?.volume ?? null,
      c.activeFaults.map((code) => faultLabel(t, code)).join('; ') || null,
      c.latitude,
      c.longitude,
    ]);
    const header = [
      t('csvCode'),
      t('csvName'),
      t('csvKind'),
      t('csvLifecycle'),
      t('csvCommune'),
      t('csvVillage'),
      t('csvState'),
      t('csvLastSeen'),
      t('csvRsrp'),
      t('csvPower'),
      t('csvBattery'),
      t('csvVolume'),
      t('csvFaults'),
      t('csvLatitude'),
      t('csvLongitude'),
    ];
    saveText(t('csvFile'), toCsv([header, ...rows]));
    toast(t('csvDone', { n: rows.length }));
  }

  return (
    <div class="fleet">
      <PageHeader
        title={t('title')}
        subtitle={clusters.data ? t('subtitle', { n: all.length, online }) : undefined}
        actions={
          <Button onClick={exportCsv} disabled={!clusters.data || shown.length === 0}>
            {tc('downloadCsv')}
          </Button>
        }
      />
      {clusters.error && !clusters.data ? (
        <ErrorNotice error={clusters.error} onRetry={clusters.reload} />
      ) : !clusters.data ? (
        <Loading />
      ) : (
        <>
          <div class="fleet-states" role="group" aria-label={t('summary')}>
            {CLUSTER_STATES.map((s) => (
              <button
                type="button"
                key={s}
                class={`fleet-state${filters.state === s ? ' active' : ''}`}
                aria-pressed={filters.state === s}
                onClick={() => set({ state: filters.state === s ? null : s })}
              >
                <span class="fleet-state-dot" style={{ background: STATE_COLORS[s] }} aria-hidden="true" />
                <span class="fleet-state-count">{counts[s]}</span>
                <span class="fleet-state-label">{stateText(s)}</span>
              </button>
            ))}
          </div>
          <form
            class="filters fleet-filters"
            role="search"
            aria-label={t('filters')}
            onSubmit={(e) => e.preventDefault()}
          >
            <Field label={t('search')}>
              {(a) => (
                <input
                  {...a}
                  type="search"
                  value={filters.q}
                  maxLength={100}
                  onInput={(e) => set({ q: e.currentTarget.value })}
                />
              )}
            </Field>
            {options.communes.length > 1 ? (
              <Field label={t('commune')}>
                {(a) => (
                  <select
                    {...a}
                    value={filters.commune}
                    onChange={(e) => set({ commune: e.currentTarget.value, village: null })}
                  >
                    <option value="">{t('allCommunes')}</option>
                    {options.communes.map((u) => (
                      <option key={u.id} value={u.id}>
                        {u.name}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            ) : null}
            {filters.commune || options.communes.length === 1 ? (
              <VillageSelect
                label={t('village')}
                allLabel={t('allVillages')}
                value={filters.village}
                villages={unitOptions(all, filters.commune || options.communes[0]?.id).villages}
                onChange={(v) => set({ village: v })}
              />
            ) : null}
            <label class="fleet-check">
              <input
                type="checkbox"
                checked={filters.faults}
                onChange={(e) => set({ faults: e.currentTarget.checked ? '1' : null })}
              />
              {t('withFaults')}
            </label>
            <details class="fleet-more" open={!!(filters.kind || filters.lifecycle)}>
              <summary>{t('moreFilters')}</summary>
              <div class="fleet-more-body">
                <Field label={t('kind')}>
                  {(a) => (
                    <select
                      {...a}
                      value={filters.kind}
                      onChange={(e) => set({ kind: e.currentTarget.value })}
                    >
                      <option value="">{t('anyKind')}</option>
                      {KINDS.map((k) => (
                        <option key={k} value={k}>
                          {t(`kind_${k}` as FleetKey)}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field label={t('lifecycle')}>
                  {(a) => (
                    <select
                      {...a}
                      value={filters.lifecycle}
                      onChange={(e) => set({ lifecycle: e.currentTarget.value })}
                    >
                      <option value="">{t('inService')}</option>
                      <option value="all">{t('allLifecycles')}</option>
                      {LIFECYCLES.map((l) => (
                        <option key={l} value={l}>
                          {t(`lifecycle_${l}` as FleetKey)}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
              </div>
            </details>
            {anyFilter ? (
              <Button
                variant="ghost"
                onClick={() =>
                  set({
                    q: null,
                    commune: null,
                    village: null,
                    state: null,
                    faults: null,
                    kind: null,
                    lifecycle: null,
                  })
                }
              >
                {t('clearFilters')}
              </Button>
            ) : null}
          </form>
          <p class="sr-only" role="status">
            {t('matching', { n: shown.length })}
          </p>
          <Tabs
            label={t('views')}
            tabs={[
              { key: 'map', label: t('viewMap') },
              { key: 'list', label: t('viewList') },
            ]}
            active={view}
            onChange={(v) => setQuery({ view: v })}
          />
          {all.length === 0 ? (
            <Empty>{t('noClusters')}</Empty>
          ) : view === 'map' ? (
            <ClusterMap clusters={mapClusters} label={t('mapLabel')} height="min(64vh, 620px)" />
          ) : (
            <FleetTable items={shown} page={filters.page} />
          )}
          <p class="muted fleet-updated">{t('updated', { time: formatTime(new Date()) })}</p>
        </>
      )}
    </div>
  );
}

function VillageSelect(props: {
  label: string;
  allLabel: string;
  value: string;
  villages: { id: string; name: string }[];
  onChange: (id: string | null) => void;
}) {
  if (props.villages.length === 0) return null;
  return (
    <Field label={props.label}>
      {(a) => (
        <select {...a} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value || null)}>
          <option value="">{props.allLabel}</option>
          {props.villages.map((v) => (
            <option key={v.id} value={v.id}>
              {v.name}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function FleetTable(props: { items: ClusterItem[]; page: number }) {
  const t = useT(fleetMessages);
  const tm = useT(mapMessages);
  if (props.items.length === 0) return <Empty>{t('noMatch')}</Empty>;
  const rows = pageOf(props.items, props.page);
  return (
    <>
      <div class="table-wrap">
        <table class="data fleet-table">
          <thead>
            <tr>
              <th scope="col">{t('colName')}</th>
              <th scope="col">{t('colPlace')}</th>
              <th scope="col">{t('colState')}</th>
              <th scope="col">{t('colLastSeen')}</th>
              <th scope="col">{t('colSignal')}</th>
              <th scope="col">{t('colPower')}</th>
              <th scope="col">{t('colFaults')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => {
              const state = stateOf(c);
              const v = c.vitals;
              const level = signalLevel(v?.rsrp, v?.rssi);
              return (
                <tr key={c.id}>
                  <td data-label={t('colName')}>
                    <Link href={`/fleet/${c.id}`}>{c.name}</Link>
                    <div class="muted fleet-code">{c.code}</div>
                  </td>
                  <td data-label={t('colPlace')}>
                    {c.commune?.name ?? '—'}
                    {c.village ? <div class="muted">{c.village.name}</div> : null}
                  </td>
                  <td data-label={t('colState')}>
                    {c.kind === 'ip' ? (
                      <Badge tone={STATE_TONES[state]}>{tm(`state_${state}` as MapKey)}</Badge>
                    ) : (
                      <Badge tone="muted">{t('notMonitored')}</Badge>
                    )}
                  </td>
                  <td
                    title={c.lastSeenAt ? formatDateTime(c.lastSeenAt) : undefined}
                    data-label={t('colLastSeen')}
                  >
                    {formatAgo(c.lastSeenAt)}
                  </td>
                  <td data-label={t('colSignal')}>
                    {v ? (
                      <span class={`fleet-signal fleet-signal-${level}`}>
                        <SignalBars level={level} />
                        {t(`signal_${level}` as FleetKey)}
                        {v.rsrp !== null ? <span class="muted"> ({v.rsrp} dBm)</span> : null}
                      </span>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td data-label={t('colPower')}>
                    {v
                      ? v.powerSource === 'battery'
                        ? `${t('power_battery')}${v.batteryPct !== null ? ` ${v.batteryPct}%` : ''}`
                        : t('power_mains')
                      : '—'}
                  </td>
                  <td data-label={t('colFaults')}>
                    {c.activeFaults.length ? (
                      <ul class="fleet-faults">
                        {c.activeFaults.map((code) => (
                          <li key={code}>{faultLabel(t, code)}</li>
                        ))}
                      </ul>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <Pager
        page={props.page}
        pageSize={PAGE_SIZE}
        total={props.items.length}
        onPage={(p) => setQuery({ page: p === 1 ? null : p })}
      />
    </>
  );
}

/** Four bars, filled by level; decorative (the word beside it says the level). */
function SignalBars(props: { level: 'good' | 'fair' | 'poor' | 'none' }) {
  const filled = { good: 4, fair: 3, poor: 1, none: 0 }[props.level];
  return (
    <svg class="fleet-bars" width="16" height="12" viewBox="0 0 16 12" aria-hidden="true">
      {[0, 1, 2, 3].map((i) => (
        <rect
          key={i}
          x={i * 4}
          y={9 - i * 3}
          width="3"
          height={3 + i * 3}
          rx="0.5"
          fill={i < filled ? 'currentColor' : '#c9d3dc'}
        />
      ))}
    </svg>
  );
}
