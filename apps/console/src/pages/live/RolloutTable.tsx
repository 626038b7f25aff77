import { config } from '../../core/config';
import { useLang, useT, type Lang } from '../../core/i18n';
import { Badge, Stat } from '../../ui/components';
import { messages, type LiveKey } from './messages';
import {
  DELIVERY_TONE,
  errorKey,
  headline,
  sortDeliveries,
  type Delivery,
  type DeliveryStatus,
  type RolloutSummary,
} from './rollout';

const STATUS_KEY: Record<DeliveryStatus, LiveKey> = {
  pending: 'dPending',
  delivered: 'dDelivered',
  started: 'dStarted',
  acked: 'dAcked',
  failed: 'dFailed',
  expired: 'dExpired',
};

/** "10:08:42": a rollout moves by the second. */
function clock(value: string | null, lang: Lang): string {
  if (!value) return '—';
  return new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', {
    timeZone: config.timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(new Date(value));
}

/**
 * The rollout's counts: sent, answered, playing, failed. `finished`: the broadcast is over, so "playing"
 * reads "played".
 */
export function RolloutStats(props: { summary: RolloutSummary; finished?: boolean }) {
  const t = useT(messages);
  const h = headline(props.summary);
  return (
    <div class="grid live-stats" role="status" aria-live="polite">
      <Stat label={t('statSent')} value={h.sent} tone="info" />
      <Stat label={t('statAcked')} value={h.acked} tone="info" />
      <Stat label={t(props.finished ? 'statPlayed' : 'statStarted')} value={h.started} tone="ok" />
      <Stat label={t('statFailed')} value={h.failed} tone={h.failed ? 'bad' : 'muted'} />
    </div>
  );
}

/** One row per target cluster: its command's state, when it last moved, and why it failed. */
export function RolloutTable(props: { deliveries: Delivery[]; caption: string; finished?: boolean }) {
  const t = useT(messages);
  const lang = useLang();
  return (
    <div class="table-wrap">
      <table class="data live-rollout">
        <caption class="sr-only">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('colCluster')}</th>
            <th scope="col">{t('colState')}</th>
            <th scope="col">{t('colSince')}</th>
            <th scope="col">{t('colDetail')}</th>
          </tr>
        </thead>
        <tbody>
          {sortDeliveries(props.deliveries).map((d) => (
            <tr key={d.clusterId} data-cluster-id={d.clusterId}>
              <th scope="row" class="live-cluster-name">
                {d.clusterName}
                <small class="muted">{d.clusterCode}</small>
              </th>
              <td>
                <Badge tone={DELIVERY_TONE[d.status]}>
                  {t(props.finished && d.status === 'started' ? 'dPlayed' : STATUS_KEY[d.status])}
                </Badge>
              </td>
              <td>{clock(d.completedAt ?? d.deliveredAt, lang)}</td>
              <td>
                {d.status === 'failed' || d.status === 'expired' ? (
                  <span title={d.errorMessage ?? undefined}>{t(errorKey(d.errorCode))}</span>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
