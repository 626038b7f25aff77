import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type Page } from '../../core/api';
import { useAsync, useInterval } from '../../core/hooks';
import { formatDateTime, formatNumber, useLang, useT } from '../../core/i18n';
import { common } from '../../core/messages';
import {
  Badge,
  Button,
  Empty,
  ErrorNotice,
  Loading,
  Modal,
  Pager,
  toast,
  toastError,
} from '../../ui/components';
import { SEVERITY_WORDS } from '../alerts/alerts-model';
import { messages } from './messages';
import { WebhookForm } from './WebhookForm';
import { WebhookState } from './WebhookState';
import {
  attemptOutcome,
  DELIVERY_STATUS_TONE,
  DELIVERY_STATUS_WORDS,
  EVENT_WORDS,
  eventsSummary,
  hasPending,
  type DeliveryView,
  type WebhookView,
} from './webhooks-model';

const PAGE_SIZE = 20;

/** One webhook: its settings, a test ping, a new secret, and the delivery log with every attempt. */
export function WebhookDetail(props: {
  webhook: WebhookView;
  onBack: () => void;
  onChanged: () => void;
  onDeleted: () => void;
  onSecret: (secret: string) => void;
}) {
  const t = useT(messages);
  const c = useT(common);
  const lang = useLang();
  const w = props.webhook;
  const [page, setPage] = useState(1);
  const deliveries = useAsync(
    (signal) =>
      api.get<Page<DeliveryView>>(`/webhooks/${w.id}/deliveries`, { page, pageSize: PAGE_SIZE }, signal),
    [w.id, page],
  );
  const pending = hasPending(deliveries.data?.items ?? []);
  // Follow deliveries on their way; otherwise look again now and then.
  useInterval(() => deliveries.reload(), pending ? 2000 : 15_000);
  // A delivery just finished: the webhook's health (last success, failures) changed too.
  const wasPending = useRef(false);
  useEffect(() => {
    if (wasPending.current && !pending) props.onChanged();
    wasPending.current = pending;
  }, [pending]);

  const [busy, setBusy] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [confirm, setConfirm] = useState<'rotate' | 'delete' | null>(null);
  const [open, setOpen] = useState<string | null>(null);

  const act = async (what: string, run: () => Promise<void>) => {
    setBusy(what);
    try {
      await run();
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) toast(t('stillPending'), 'warn');
      else toastError(err);
    } finally {
      setBusy(null);
    }
  };

  const ping = () =>
    act('ping', async () => {
      await api.post(`/webhooks/${w.id}/test`);
      toast(t('pingQueued'));
      setPage(1);
      deliveries.reload();
    });
  const toggleActive = () =>
    act('active', async () => {
      await api.patch(`/webhooks/${w.id}`, { active: !w.active });
      toast(w.active ? t('pausedDone') : t('resumedDone'));
      props.onChanged();
    });
  const rotate = () =>
    act('rotate', async () => {
      const res = await api.post<{ secret: string }>(`/webhooks/${w.id}/rotate-secret`);
      setConfirm(null);
      props.onSecret(res.secret);
    });
  const remove = () =>
    act('delete', async () => {
      await api.delete(`/webhooks/${w.id}`);
      toast(t('webhookDeleted', { name: w.name }));
      setConfirm(null);
      props.onDeleted();
    });
  const redeliver = (d: DeliveryView) =>
    act(`redeliver-${d.id}`, async () => {
      await api.post(`/webhooks/${w.id}/deliveries/${d.id}/redeliver`);
      toast(t('redeliverQueued'));
      deliveries.reload();
    });

  return (
    <section aria-labelledby="settings-webhook-title">
      <p>
        <Button variant="ghost" onClick={props.onBack}>
          ‹ {t('backToWebhooks')}
        </Button>
      </p>
      <div class="card">
        <div class="registry-toolbar">
          <h2 id="settings-webhook-title">{w.name}</h2>
          <WebhookState webhook={w} />
        </div>
        <dl class="props">
          <dt>{t('webhookUrl')}</dt>
          <dd class="settings-url">{w.url}</dd>
          <dt>{t('webhookUnit')}</dt>
          <dd>{w.unit?.name ?? t('wholeServer')}</dd>
          <dt>{t('webhookEvents')}</dt>
          <dd>{eventsSummary(w.events, lang)}</dd>
          <dt>{t('minSeverity')}</dt>
          <dd>
            {w.minSeverity === 'minor'
              ? t('severityAll')
              : t('severityFrom', { s: SEVERITY_WORDS[w.minSeverity][lang] })}
          </dd>
          <dt>{t('lastSuccess')}</dt>
          <dd>{formatDateTime(w.lastSuccessAt, lang)}</dd>
          <dt>{t('lastFailure')}</dt>
          <dd>{formatDateTime(w.lastFailureAt, lang)}</dd>
        </dl>
        <div class="row settings-webhook-actions">
          <Button variant="primary" busy={busy === 'ping'} onClick={ping}>
            {t('ping')}
          </Button>
          <Button variant="secondary" onClick={() => setEditing(true)}>
            {c('edit')}
          </Button>
          <Button variant="secondary" busy={busy === 'active'} onClick={toggleActive}>
            {w.active ? t('pause') : t('resume')}
          </Button>
          <Button variant="secondary" onClick={() => setConfirm('rotate')}>
            {t('rotateSecret')}
          </Button>
          <Button variant="danger" onClick={() => setConfirm('delete')}>
            {c('delete')}
          </Button>
        </div>
      </div>

      <div class="registry-toolbar settings-log-head">
        <h3>{t('deliveries')}</h3>
        <Button variant="ghost" onClick={deliveries.reload}>
          {t('refresh')}
        </Button>
      </div>
      {deliveries.error ? <ErrorNotice error={deliveries.error} onRetry={deliveries.reload} /> : null}
      {deliveries.loading && !deliveries.data ? <Loading /> : null}
      {deliveries.data ? (
        deliveries.data.items.length === 0 ? (
          <Empty>{t('noDeliveries')}</Empty>
        ) : (
          <>
            <div class="table-wrap" aria-live="polite">
              <table class="data settings-deliveries">
                <thead>
                  <tr>
                    <th scope="col">{t('deliveryAt')}</th>
                    <th scope="col">{t('deliveryEvent')}</th>
                    <th scope="col">{t('deliveryStatus')}</th>
                    <th scope="col" class="num">
                      {t('deliveryAttempts')}
                    </th>
                    <th scope="col">{t('deliveryLast')}</th>
                    <th scope="col">
                      <span class="sr-only">{t('colActions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {deliveries.data.items.map((d) => [
                    <tr key={d.id}>
                      <td>{formatDateTime(d.createdAt, lang)}</td>
                      <td>{EVENT_WORDS[d.event]?.[lang] ?? d.event}</td>
                      <td>
                        <Badge tone={DELIVERY_STATUS_TONE[d.status] ?? 'muted'}>
                          {DELIVERY_STATUS_WORDS[d.status]?.[lang] ?? d.status}
                        </Badge>
                        {d.status === 'pending' && d.nextAttemptAt && d.attempts > 0 ? (
                          <small class="muted settings-sub">
                            {t('nextAttempt', { at: formatDateTime(d.nextAttemptAt, lang) })}
                          </small>
                        ) : null}
                      </td>
                      <td class="num">{formatNumber(d.attempts)}</td>
                      <td>
                        {d.lastAttemptAt
                          ? attemptOutcome({ statusCode: d.lastStatusCode, error: d.lastError }, lang)
                          : '—'}
                      </td>
                      <td class="registry-actions">
                        {d.attemptLog.length ? (
                          <Button
                            variant="ghost"
                            aria-expanded={open === d.id}
                            onClick={() => setOpen(open === d.id ? null : d.id)}
                          >
                            {t('attempts')}
                          </Button>
                        ) : null}
                        {d.status !== 'pending' ? (
                          <Button
                            variant="ghost"
                            busy={busy === `redeliver-${d.id}`}
                            onClick={() => redeliver(d)}
                          >
                            {t('redeliver')}
                          </Button>
                        ) : null}
                      </td>
                    </tr>,
                    open === d.id ? (
                      <tr key={`${d.id}-log`} class="settings-attempts">
                        <td colSpan={6}>
                          <ol>
                            {d.attemptLog.map((a, i) => (
                              <li key={i}>
                                {formatDateTime(a.at, lang)} · {attemptOutcome(a, lang)} ·{' '}
                                {t('duration', { ms: formatNumber(a.durationMs) })}
                              </li>
                            ))}
                          </ol>
                        </td>
                      </tr>
                    ) : null,
                  ])}
                </tbody>
              </table>
            </div>
            <Pager page={page} pageSize={PAGE_SIZE} total={deliveries.data.total} onPage={setPage} />
          </>
        )
      ) : null}

      <WebhookForm
        open={editing}
        webhook={w}
        onClose={() => setEditing(false)}
        onSaved={() => {
          setEditing(false);
          props.onChanged();
        }}
      />
      <Modal
        open={confirm !== null}
        title={confirm === 'delete' ? t('deleteWebhookTitle') : t('rotateSecretTitle')}
        onClose={() => setConfirm(null)}
        footer={
          <>
            <Button variant="ghost" onClick={() => setConfirm(null)}>
              {c('cancel')}
            </Button>
            {confirm === 'delete' ? (
              <Button variant="danger" busy={busy === 'delete'} onClick={remove}>
                {c('delete')}
              </Button>
            ) : (
              <Button variant="primary" busy={busy === 'rotate'} onClick={rotate}>
                {t('rotateSecret')}
              </Button>
            )}
          </>
        }
      >
        <p>
          {confirm === 'delete'
            ? t('deleteWebhookIntro', { name: w.name })
            : t('rotateSecretIntro', { name: w.name })}
        </p>
      </Modal>
    </section>
  );
}
