import { useEffect, useState } from 'preact/hooks';
import { api, type Page } from '../../core/api';
import { useAsync, useEventStream, useInterval } from '../../core/hooks';
import { formatDateTime, useLang, useT } from '../../core/i18n';
import { common } from '../../core/messages';
import { useSession } from '../../core/session';
import { Badge, Button, ErrorNotice, Loading, Modal, toast, toastError } from '../../ui/components';
import type { Target } from '../live/targets';
import { headline, type Delivery, type RolloutSummary } from '../live/rollout';
import { RolloutStats, RolloutTable } from '../live/RolloutTable';
import { messages } from './messages';

/** The API's BroadcastView. */
export interface BroadcastView {
  id: string;
  kind: 'play_now' | 'stop';
  title: string | null;
  priority: string;
  volume: number | null;
  assetIds: string[];
  target: Target;
  createdBy: string;
  createdAt: string;
  summary: RolloutSummary;
}

/**
 * One emergency rollout as it happens: the summary pushed by the server each second (SSE) until every
 * cluster answered, the per-cluster table polled alongside, and "stop".
 */
export function FollowRollout(props: { id: string }) {
  const t = useT(messages);
  const tc = useT(common);
  const lang = useLang();
  const { can } = useSession();
  const broadcast = useAsync(
    (signal) => api.get<BroadcastView>(`/broadcasts/${props.id}`, undefined, signal),
    [props.id],
  );
  const deliveries = useAsync(
    (signal) => api.get<Page<Delivery>>(`/broadcasts/${props.id}/deliveries`, { pageSize: 500 }, signal),
    [props.id],
  );
  const complete = broadcast.data?.summary.complete ?? false;
  // The stream ends by itself once complete; closing it here keeps EventSource from reconnecting.
  useEventStream(broadcast.data && !complete ? `/broadcasts/${props.id}/events` : null, {
    message: (data) => broadcast.set(data as BroadcastView),
  });
  useInterval(deliveries.reload, broadcast.data && !complete ? 1500 : null);
  useEffect(() => {
    if (complete) deliveries.reload();
  }, [complete]);

  const [stopAsk, setStopAsk] = useState(false);
  const [stopping, setStopping] = useState(false);
  const [stopped, setStopped] = useState<number | null>(null);
  async function stop() {
    setStopping(true);
    try {
      const result = await api.post<BroadcastView>(`/broadcasts/${props.id}/stop`);
      setStopped(result.summary.targets);
      toast(t('stopSent', { n: result.summary.targets }));
      setStopAsk(false);
    } catch (err) {
      toastError(err);
    } finally {
      setStopping(false);
    }
  }

  if (broadcast.error) return <ErrorNotice error={broadcast.error} onRetry={broadcast.reload} />;
  if (!broadcast.data) return <Loading />;
  const b = broadcast.data;
  const h = headline(b.summary);
  const answered = b.summary.targets - b.summary.pending - b.summary.delivered;
  return (
    <section class="card emergency-follow" aria-labelledby="emergency-follow-title">
      <div class="emergency-follow-head">
        <div>
          <h2 id="emergency-follow-title">
            <Badge tone="bad">{t('title')}</Badge> {b.title ?? t('followTitle')}
          </h2>
          <p class="muted">
            {t('startedAt', { time: formatDateTime(b.createdAt, lang), name: b.createdBy })}
          </p>
        </div>
        <span class="spacer" />
        {b.kind === 'play_now' && can('broadcasts.send') ? (
          stopped === null ? (
            <Button variant="danger" onClick={() => setStopAsk(true)}>
              <span class="live-stop-square" aria-hidden="true" /> {t('stopEmergency')}
            </Button>
          ) : (
            <Badge tone="muted">{t('stopped')}</Badge>
          )
        ) : null}
      </div>
      <div
        class="emergency-progress"
        role="progressbar"
        aria-label={t('progress', { done: answered, total: b.summary.targets })}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={h.percentDone}
      >
        <div class="emergency-progress-bar" style={{ width: `${h.percentDone}%` }} />
      </div>
      <p class="emergency-progress-text">
        {complete ? t('completeAll') : t('progress', { done: answered, total: b.summary.targets })}
      </p>
      {/* A clip's command stays "started" once on air: say it played, not that it is still playing. */}
      <RolloutStats summary={b.summary} finished />
      {deliveries.error ? <ErrorNotice error={deliveries.error} onRetry={deliveries.reload} /> : null}
      {deliveries.data ? (
        <RolloutTable deliveries={deliveries.data.items} caption={t('rolloutCaption')} finished />
      ) : (
        <Loading />
      )}
      {stopped !== null ? (
        <p class="notice notice-info" role="status">
          {t('stopSent', { n: stopped })}
        </p>
      ) : null}
      <Modal
        open={stopAsk}
        title={t('stopConfirmTitle')}
        onClose={() => setStopAsk(false)}
        footer={
          <>
            <Button variant="ghost" onClick={() => setStopAsk(false)}>
              {tc('cancel')}
            </Button>
            <Button variant="danger" busy={stopping} onClick={() => void stop()}>
              {t('stopEmergency')}
            </Button>
          </>
        }
      >
        <p>{t('stopConfirm')}</p>
      </Modal>
    </section>
  );
}
