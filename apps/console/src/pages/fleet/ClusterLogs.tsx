import { useState } from 'preact/hooks';
import { api, type Page } from '../../core/api';
import { formatDateTime, formatDuration, useT } from '../../core/i18n';
import { useAsync, useInterval } from '../../core/hooks';
import { Badge, Empty, ErrorNotice, Link, Loading, Pager, type Tone } from '../../ui/components';
import { clusterMessages } from './cluster-messages';
import { labelOf } from './cluster-types';

interface PlayLogRow {
  id: string;
  source: string;
  event: string;
  reason: string | null;
  detail: string | null;
  playedMs: number | null;
  occurredAt: string;
}

const EVENT_TONES: Record<string, Tone> = {
  started: 'info',
  finished: 'ok',
  interrupted: 'warn',
  failed: 'bad',
};

/** What the cluster reported playing, newest first. */
export function PlayLog(props: { clusterId: string }) {
  const t = useT(clusterMessages);
  const [page, setPage] = useState(1);
  const logs = useAsync(
    (signal) =>
      api.get<Page<PlayLogRow>>('/play-logs', { clusterId: props.clusterId, page, pageSize: 10 }, signal),
    [props.clusterId, page],
  );
  useInterval(() => page === 1 && !logs.loading && logs.reload(), 30_000);
  if (logs.error && !logs.data) return <ErrorNotice error={logs.error} onRetry={logs.reload} />;
  if (!logs.data) return <Loading />;
  if (logs.data.total === 0) return <Empty>{t('noPlayLog')}</Empty>;
  return (
    <>
      <div class="table-wrap">
        <table class="data">
          <thead>
            <tr>
              <th scope="col">{t('colTime')}</th>
              <th scope="col">{t('colSource')}</th>
              <th scope="col">{t('colEvent')}</th>
              <th scope="col" class="num">
                {t('colPlayed')}
              </th>
            </tr>
          </thead>
          <tbody>
            {logs.data.items.map((row) => (
              <tr key={row.id}>
                <td>{formatDateTime(row.occurredAt)}</td>
                <td>{labelOf(t, 'source_', row.source)}</td>
                <td>
                  <Badge tone={EVENT_TONES[row.event] ?? 'muted'}>{labelOf(t, 'event_', row.event)}</Badge>
                  {row.reason ? <span class="muted"> · {labelOf(t, 'reason_', row.reason)}</span> : null}
                </td>
                <td class="num">{row.playedMs !== null ? formatDuration(row.playedMs / 1000) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager page={page} pageSize={10} total={logs.data.total} onPage={setPage} />
    </>
  );
}

interface AlertRow {
  id: string;
  rule: string;
  severity: string;
  state: string;
  since: string;
  detail: string | null;
}

const SEVERITY_TONES: Record<string, Tone> = { critical: 'bad', major: 'warn', minor: 'info' };

/** The cluster's active alerts (open or acknowledged). */
export function ClusterAlerts(props: { clusterId: string; refreshKey: string }) {
  const t = useT(clusterMessages);
  const alerts = useAsync(
    (signal) => api.get<Page<AlertRow>>('/alerts', { clusterId: props.clusterId, pageSize: 20 }, signal),
    [props.clusterId, props.refreshKey],
  );
  useInterval(() => !alerts.loading && alerts.reload(), 30_000);
  if (alerts.error && !alerts.data) return <ErrorNotice error={alerts.error} onRetry={alerts.reload} />;
  if (!alerts.data) return <Loading />;
  return (
    <>
      {alerts.data.items.length === 0 ? (
        <p class="muted">{t('noAlerts')}</p>
      ) : (
        <ul class="cluster-alerts">
          {alerts.data.items.map((a) => (
            <li key={a.id}>
              <Badge tone={SEVERITY_TONES[a.severity] ?? 'muted'}>
                {labelOf(t, 'severity_', a.severity)}
              </Badge>{' '}
              <strong>{labelOf(t, 'rule_', a.rule)}</strong>{' '}
              <span class="muted">
                · {labelOf(t, 'alertState_', a.state)} · {t('faultSince', { time: formatDateTime(a.since) })}
              </span>
            </li>
          ))}
        </ul>
      )}
      <Link href="/alerts">{t('allAlerts')}</Link>
    </>
  );
}
