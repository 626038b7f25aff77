import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Page } from '../../core/api';
import { config } from '../../core/config';
import { useAsync, useEventStream, useInterval } from '../../core/hooks';
import { formatDate, useLang, useT } from '../../core/i18n';
import { useSession } from '../../core/session';
import type { RouteParams } from '../../routes';
import { ErrorNotice, PageHeader, Stat } from '../../ui/components';
import {
  countBySeverity,
  SEVERITIES,
  SEVERITY_TONE,
  SEVERITY_WORDS,
  type AlertView,
} from '../alerts/alerts-model';
import type { AlertSummary } from '../alerts/AlertSummaryStrip';
import { overviewMessages } from './overview-messages';
import {
  clustersWithAlerts,
  localDate,
  playTotals,
  todaysBroadcasts,
  verdict,
  type CommunePlay,
  type ScheduleLite,
} from './overview-model';
import { MyClustersCard, RecentAlertsCard, TodayCard, type ClusterLite } from './OverviewSections';
import './overview.css';

const LIST_LIMIT = 200;
const REFRESH_MS = 60_000;
const IP_IN_SERVICE = { kind: 'ip', lifecycle: 'active,faulty' };

interface FleetState {
  online: number;
  offline: number;
  /** The clusters themselves, for a commune or village (a handful). */
  list: ClusterLite[] | null;
}

/** What someone needs on opening the console: are the loudspeakers working, what plays today, what broke. */
export function OverviewPage(_props: { params: RouteParams }) {
  const t = useT(overviewMessages);
  const lang = useLang();
  const { me, can } = useSession();
  const small = me.scope?.level === 'commune' || me.scope?.level === 'village';
  const [tick, setTick] = useState(0);
  const [alertTick, setAlertTick] = useState(0);
  useInterval(() => setTick((n) => n + 1), REFRESH_MS);

  const fleet = useAsync(
    async (signal): Promise<FleetState | null> => {
      if (!can('clusters.read')) return null;
      if (small) {
        const page = await api.get<Page<ClusterLite>>(
          '/clusters',
          { ...IP_IN_SERVICE, pageSize: LIST_LIMIT, sort: 'name' },
          signal,
        );
        if (page.total <= page.items.length) {
          const online = page.items.filter((c) => c.online).length;
          return { online, offline: page.items.length - online, list: page.items };
        }
      }
      const [on, off] = await Promise.all([
        api.get<Page<unknown>>('/clusters', { ...IP_IN_SERVICE, online: true, pageSize: 1 }, signal),
        api.get<Page<unknown>>('/clusters', { ...IP_IN_SERVICE, online: false, pageSize: 1 }, signal),
      ]);
      return { online: on.total, offline: off.total, list: null };
    },
    [tick],
  );

  const alerts = useAsync(
    async (signal) => {
      if (!can('alerts.read')) return null;
      const [summary, recent] = await Promise.all([
        api.get<AlertSummary>('/alerts/summary', undefined, signal),
        api.get<Page<AlertView>>('/alerts', { state: 'all', pageSize: 6 }, signal),
      ]);
      return { summary, recent: recent.items };
    },
    [tick, alertTick],
  );

  // Alerts change by themselves: follow them, and ask again once a burst is over.
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(timer.current), []);
  const bump = () => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setAlertTick((n) => n + 1), 1000);
  };
  useEventStream(can('alerts.read') ? '/alerts/stream' : null, {
    opened: bump,
    acknowledged: bump,
    resolved: bump,
  });

  const today = localDate(new Date(), config.timeZone);
  const schedules = useAsync(
    (signal) =>
      can('schedules.read')
        ? api.get<Page<ScheduleLite>>('/schedules', { enabled: true, pageSize: 200 }, signal)
        : Promise.resolve(null),
    [tick],
  );
  const play = useAsync(
    (signal) =>
      can('playlogs.read')
        ? api.get<{ communes: CommunePlay[] }>('/play-logs/summary', { date: today }, signal)
        : Promise.resolve(null),
    [tick, today],
  );

  const withAlerts = alerts.data ? clustersWithAlerts(alerts.data.summary.byCommune) : 0;
  const bySeverity = alerts.data ? countBySeverity(alerts.data.summary.byRule) : null;
  const v = fleet.data ? verdict({ ...fleet.data, withAlerts }) : null;
  const todayItems = schedules.data
    ? todaysBroadcasts(schedules.data.items, new Date(), config.timeZone)
    : null;
  const totals = play.data ? playTotals(play.data.communes) : null;

  return (
    <>
      <PageHeader
        title={t('title')}
        subtitle={`${me.scope?.name ?? t('wholeServer')} · ${t('today', { date: formatDate(today, lang) })}`}
      />

      {v ? (
        <p
          role="status"
          class={`notice ${v.kind === 'problems' ? 'notice-warn' : v.kind === 'allWell' ? 'notice-ok' : 'notice-info'} overview-verdict`}
        >
          {v.kind === 'allWell'
            ? t('allWell', { n: v.n })
            : v.kind === 'problems'
              ? t('problems', {
                  what: [
                    v.offline ? t('problemOffline', { n: v.offline }) : '',
                    v.withAlerts ? t('problemAlerts', { n: v.withAlerts }) : '',
                  ]
                    .filter(Boolean)
                    .join(', '),
                })
              : t('noClusters')}
        </p>
      ) : null}

      {fleet.error ? <ErrorNotice error={fleet.error} onRetry={fleet.reload} /> : null}
      {fleet.data ? (
        <section aria-label={t('loudspeakersLabel')} class="overview-tiles">
          <Stat label={t('online')} value={fleet.data.online} tone="ok" href="/fleet?kind=ip&state=online" />
          <Stat
            label={t('offline')}
            value={fleet.data.offline}
            tone={fleet.data.offline ? 'bad' : 'muted'}
            href="/fleet?kind=ip&state=offline"
          />
          {alerts.data ? (
            <Stat
              label={t('withAlerts')}
              value={withAlerts}
              tone={withAlerts ? 'warn' : 'muted'}
              href="/alerts"
            />
          ) : null}
        </section>
      ) : null}

      {alerts.error ? <ErrorNotice error={alerts.error} onRetry={alerts.reload} /> : null}
      {bySeverity ? (
        <section aria-labelledby="ov-alerts" class="overview-alerts">
          <h2 id="ov-alerts" class="overview-subtitle">
            {t('alerts')}
          </h2>
          <div class="overview-tiles">
            {SEVERITIES.map((s) => (
              <Stat
                key={s}
                label={SEVERITY_WORDS[s][lang]}
                value={bySeverity[s]}
                tone={bySeverity[s] ? SEVERITY_TONE[s] : 'muted'}
                href={`/alerts?severity=${s}`}
              />
            ))}
          </div>
        </section>
      ) : null}

      <div class="grid grid-2 overview-cards">
        {todayItems || totals ? (
          <TodayCard items={todayItems} play={totals} canSchedule={can('schedules.read')} />
        ) : null}
        {fleet.data?.list ? <MyClustersCard clusters={fleet.data.list} /> : null}
        {alerts.data ? <RecentAlertsCard items={alerts.data.recent} /> : null}
      </div>
      {schedules.error ? <ErrorNotice error={schedules.error} onRetry={schedules.reload} /> : null}
      {play.error ? <ErrorNotice error={play.error} onRetry={play.reload} /> : null}
    </>
  );
}
