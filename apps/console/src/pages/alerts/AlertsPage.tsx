import { useEffect, useRef, useState } from 'preact/hooks';
import { api, download, type Page } from '../../core/api';
import { useAsync, useEventStream, useInterval } from '../../core/hooks';
import { useLang, useT } from '../../core/i18n';
import { setQuery, useLocation } from '../../core/router';
import { useSession } from '../../core/session';
import type { RouteParams } from '../../routes';
import {
  Button,
  Empty,
  ErrorNotice,
  Field,
  Loading,
  PageHeader,
  Pager,
  Tabs,
  toastError,
} from '../../ui/components';
import { AcknowledgeDialog, ResolveDialog } from './AlertDialogs';
import { alertMessages } from './alerts-messages';
import {
  acknowledgeable,
  apiQuery,
  applyChange,
  CHANGE_KINDS,
  filterFromQuery,
  learnNames,
  RULE_IDS,
  ruleLabel,
  SEVERITIES,
  SEVERITY_WORDS,
  STATE_WORDS,
  unknownActors,
  type ActorNames,
  type AlertChange,
  type AlertView,
  type Severity,
} from './alerts-model';
import { AlertSummaryStrip, type AlertSummary } from './AlertSummaryStrip';
import { AlertTable } from './AlertTable';
import { UnitPicker } from '../../ui/UnitPicker';
import './alerts.css';

const PAGE_SIZE = 50;
type Tab = 'active' | 'resolved' | 'all';

/** The alerts inbox: what is broken where, live, with acknowledge and resolve. */
export function AlertsPage(_props: { params: RouteParams }) {
  const t = useT(alertMessages);
  const lang = useLang();
  const { me, can } = useSession();
  const manage = can('alerts.manage');
  const loc = useLocation();
  const filter = filterFromQuery(loc.query);
  const page = Math.max(1, Number(loc.query.get('page')) || 1);
  const key = JSON.stringify([filter, page]);

  const list = useAsync(
    (signal) =>
      api.get<Page<AlertView>>('/alerts', { ...apiQuery(filter), page, pageSize: PAGE_SIZE }, signal),
    [key],
  );
  const summary = useAsync(
    (signal) =>
      api.get<AlertSummary>('/alerts/summary', filter.unitId ? { unitId: filter.unitId } : undefined, signal),
    [filter.unitId],
  );

  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [resolvedLive, setResolvedLive] = useState(0);
  const [ackTargets, setAckTargets] = useState<AlertView[] | null>(null);
  const [resolveTarget, setResolveTarget] = useState<AlertView | null>(null);
  useEffect(() => {
    setSelected(new Set());
    setFresh(new Set());
    setResolvedLive(0);
  }, [key]);

  // The list as last applied: several events may arrive between two renders.
  const current = useRef<Page<AlertView> | undefined>(undefined);
  current.current = list.data;
  const summaryTimer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(summaryTimer.current), []);

  // Who acknowledged/closed, by name: HTTP answers carry names, stream changes only `user:<id>`.
  const names = useRef<ActorNames>(new Map());
  const askedNames = useRef(new Set<string>());
  const [, setNamesLearnt] = useState(0);
  const unmounted = useRef(new AbortController());
  useEffect(() => () => unmounted.current.abort(), []);
  useEffect(() => {
    if (list.data) learnNames(names.current, list.data.items);
  }, [list.data]);
  /** One question per unknown actor (a bulk acknowledge by one person is one request, not one per alert). */
  const askNames = (alert: AlertView) => {
    for (const actor of unknownActors(alert, names.current, me.id)) {
      if (askedNames.current.has(actor)) continue;
      askedNames.current.add(actor);
      api
        .get<AlertView>(`/alerts/${alert.id}`, undefined, unmounted.current.signal)
        .then((named) => {
          learnNames(names.current, [named]);
          setNamesLearnt((n) => n + 1);
        })
        .catch(() => undefined);
    }
  };

  const onChange = (data: unknown) => {
    const change = data as AlertChange;
    if (!change?.alert) return;
    learnNames(names.current, [change.alert]);
    const base = current.current;
    if (base) {
      const update = applyChange(base.items, change, filter, page === 1);
      const next = { ...base, items: update.items, total: Math.max(0, base.total + update.totalDelta) };
      current.current = next;
      list.set(next);
      if (next.items.some((a) => a.id === change.alert.id)) askNames(change.alert);
      if (update.added) setFresh((f) => new Set(f).add(change.alert.id));
      if (update.removed) {
        setSelected((s) =>
          s.has(change.alert.id) ? new Set([...s].filter((id) => id !== change.alert.id)) : s,
        );
        if (change.kind === 'resolved') setResolvedLive((n) => n + 1);
      }
    }
    // The summary is counted by the server: ask again once a burst of changes is over.
    clearTimeout(summaryTimer.current);
    summaryTimer.current = setTimeout(() => summary.reload(), 800);
  };
  const handlers = Object.fromEntries(CHANGE_KINDS.map((k) => [k, onChange]));
  const stream = useEventStream(
    '/alerts/stream',
    handlers,
    filter.unitId ? { unitId: filter.unitId } : undefined,
  );

  // "5 phút trước" keeps moving.
  const [, setTick] = useState(0);
  useInterval(() => setTick((n) => n + 1), 30_000);

  const tab: Tab = filter.state === 'resolved' ? 'resolved' : filter.state === 'all' ? 'all' : 'active';
  const hrefFor = (q: { severity?: Severity; unit?: string }) => {
    const params = new URLSearchParams(loc.query);
    params.delete('page');
    params.set('state', 'active');
    if (q.severity) params.set('severity', q.severity);
    if (q.unit) params.set('unit', q.unit);
    return `/alerts?${params.toString()}`;
  };
  const hasFilters = !!(filter.severity || filter.rule || filter.unitId);

  const replaceOne = (updated: AlertView | null) => {
    if (updated) onChange({ alert: updated, kind: 'updated' });
    else list.reload();
    setSelected(new Set());
    summary.reload();
  };
  const selectedIds = list.data ? acknowledgeable(list.data.items, selected) : [];

  const exportCsv = () => {
    download('/alerts', { ...apiQuery(filter), format: 'csv' }, 'canh-bao.csv').catch(toastError);
  };

  return (
    <>
      <PageHeader
        title={t('title')}
        subtitle={
          <span class="alerts-live">
            <span class={`alerts-dot${stream.connected ? ' on' : ''}`} aria-hidden="true" />
            {stream.connected ? t('liveOn') : t('liveOff')}
          </span>
        }
        actions={
          <Button variant="secondary" onClick={exportCsv}>
            {t('downloadCsv')}
          </Button>
        }
      />

      {summary.data ? <AlertSummaryStrip summary={summary.data} hrefFor={hrefFor} /> : null}

      <Tabs<Tab>
        label={t('tabsLabel')}
        tabs={[
          { key: 'active', label: t('tabActive') },
          { key: 'resolved', label: t('tabResolved') },
          { key: 'all', label: t('tabAll') },
        ]}
        active={tab}
        onChange={(k) => setQuery({ state: k === 'active' ? null : k, page: null })}
      />

      <form
        class="filters alerts-filters"
        aria-label={t('filtersLabel')}
        onSubmit={(e) => e.preventDefault()}
      >
        {tab === 'active' ? (
          <Field label={t('state')}>
            {(attrs) => (
              <select
                {...attrs}
                value={filter.state}
                onChange={(e) => {
                  const v = (e.target as HTMLSelectElement).value;
                  setQuery({ state: v === 'active' ? null : v, page: null });
                }}
              >
                <option value="active">{t('stateAny')}</option>
                <option value="open">{STATE_WORDS.open[lang]}</option>
                <option value="acknowledged">{STATE_WORDS.acknowledged[lang]}</option>
              </select>
            )}
          </Field>
        ) : null}
        <Field label={t('severity')}>
          {(attrs) => (
            <select
              {...attrs}
              value={filter.severity ?? ''}
              onChange={(e) => setQuery({ severity: (e.target as HTMLSelectElement).value, page: null })}
            >
              <option value="">{t('all')}</option>
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {SEVERITY_WORDS[s][lang]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('rule')}>
          {(attrs) => (
            <select
              {...attrs}
              value={filter.rule ?? ''}
              onChange={(e) => setQuery({ rule: (e.target as HTMLSelectElement).value, page: null })}
            >
              <option value="">{t('all')}</option>
              {RULE_IDS.map((r) => (
                <option key={r} value={r}>
                  {ruleLabel(r, lang)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {hasFilters ? (
          <Button
            variant="ghost"
            onClick={() => setQuery({ severity: null, rule: null, unit: null, page: null })}
          >
            {t('clearFilters')}
          </Button>
        ) : null}
        <UnitPicker
          label={t('place')}
          deepest="village"
          value={filter.unitId ?? null}
          onChange={(u) => setQuery({ unit: u && u.id !== me.scope?.unitId ? u.id : null, page: null })}
        />
      </form>

      <div role="status" class="alerts-notices">
        {fresh.size > 0 ? (
          <div class="notice notice-info alerts-new">
            <strong>
              {page === 1 ? t('newAlerts', { n: fresh.size }) : t('newAlertsOther', { n: fresh.size })}
            </strong>
            {page === 1 ? (
              <Button variant="ghost" onClick={() => setFresh(new Set())}>
                {t('dismiss')}
              </Button>
            ) : (
              <Button variant="ghost" onClick={() => setQuery({ page: null })}>
                {t('goFirst')}
              </Button>
            )}
          </div>
        ) : null}
        {resolvedLive > 0 ? (
          <div class="notice notice-ok alerts-new">
            {t('resolvedLive', { n: resolvedLive })}
            <Button variant="ghost" onClick={() => setResolvedLive(0)}>
              {t('dismiss')}
            </Button>
          </div>
        ) : null}
      </div>

      {manage && selectedIds.length > 0 ? (
        <div class="alerts-bulk row">
          <Button
            variant="primary"
            onClick={() => setAckTargets(list.data!.items.filter((a) => selectedIds.includes(a.id)))}
          >
            {t('acknowledgeSelected', { n: selectedIds.length })}
          </Button>
        </div>
      ) : null}

      {list.error ? <ErrorNotice error={list.error} onRetry={list.reload} /> : null}
      {list.loading && !list.data ? <Loading /> : null}
      {list.data ? (
        list.data.items.length === 0 ? (
          <Empty>{hasFilters || tab !== 'active' ? t('emptyFiltered') : t('emptyActive')}</Empty>
        ) : (
          <>
            <p class="muted alerts-total">{t('total', { n: list.data.total })}</p>
            <AlertTable
              items={list.data.items}
              meId={me.id}
              names={names.current}
              manage={manage}
              selected={selected}
              fresh={fresh}
              onSelect={(ids, on) =>
                setSelected((s) => {
                  const next = new Set(s);
                  for (const id of ids) {
                    if (on) next.add(id);
                    else next.delete(id);
                  }
                  return next;
                })
              }
              onAcknowledge={(a) => setAckTargets([a])}
              onResolve={(a) => setResolveTarget(a)}
            />
            <Pager
              page={page}
              pageSize={PAGE_SIZE}
              total={list.data.total}
              onPage={(p) => setQuery({ page: p === 1 ? null : p })}
            />
          </>
        )
      ) : null}

      {manage ? (
        <>
          <AcknowledgeDialog
            alerts={ackTargets}
            onClose={() => setAckTargets(null)}
            onDone={(updated) => {
              setAckTargets(null);
              replaceOne(updated);
            }}
          />
          <ResolveDialog
            alert={resolveTarget}
            onClose={() => setResolveTarget(null)}
            onDone={(updated) => {
              setResolveTarget(null);
              replaceOne(updated);
            }}
          />
        </>
      ) : null}
    </>
  );
}
