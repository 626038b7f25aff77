import { useState } from 'preact/hooks';
import { api } from '../../core/api';
import { useAsync } from '../../core/hooks';
import { formatAgo, useLang, useT } from '../../core/i18n';
import { setQuery, useLocation } from '../../core/router';
import { Button, Empty, ErrorNotice, Loading } from '../../ui/components';
import { SEVERITY_WORDS } from '../alerts/alerts-model';
import { messages } from './messages';
import { SecretDialog } from './SecretDialog';
import { WebhookDetail } from './WebhookDetail';
import { WebhookForm } from './WebhookForm';
import { WebhookState } from './WebhookState';
import { eventsSummary, type WebhookView } from './webhooks-model';

/** Where alert notifications go: other systems' HTTP endpoints (webhooks), with their delivery log. */
export function WebhooksTab() {
  const t = useT(messages);
  const lang = useLang();
  const loc = useLocation();
  const selected = loc.query.get('webhook');
  const list = useAsync((signal) => api.get<WebhookView[]>('/webhooks', undefined, signal), []);
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ name: string; secret: string; rotated: boolean } | null>(null);

  const current = selected ? list.data?.find((w) => w.id === selected) : undefined;
  const dialogs = (
    <>
      <WebhookForm
        open={creating}
        webhook={null}
        onClose={() => setCreating(false)}
        onSaved={(saved) => {
          setCreating(false);
          list.reload();
          setQuery({ webhook: saved.id });
          if (saved.secret) setSecret({ name: saved.name, secret: saved.secret, rotated: false });
        }}
      />
      <SecretDialog shown={secret} onClose={() => setSecret(null)} />
    </>
  );
  if (current)
    return (
      <>
        <WebhookDetail
          webhook={current}
          onBack={() => setQuery({ webhook: null })}
          onChanged={list.reload}
          onDeleted={() => {
            setQuery({ webhook: null });
            list.reload();
          }}
          onSecret={(s) => setSecret({ name: current.name, secret: s, rotated: true })}
        />
        {dialogs}
      </>
    );

  return (
    <section aria-labelledby="settings-webhooks-title">
      <div class="registry-toolbar">
        <h2 id="settings-webhooks-title">{t('webhooksTitle')}</h2>
        <Button variant="primary" onClick={() => setCreating(true)}>
          {t('newWebhook')}
        </Button>
      </div>
      <p class="muted">{t('webhooksIntro')}</p>
      {list.error ? <ErrorNotice error={list.error} onRetry={list.reload} /> : null}
      {list.loading && (!list.data || selected) ? <Loading /> : null}
      {selected && list.data && !list.loading ? <p class="notice notice-warn">{t('webhookGone')}</p> : null}
      {list.data ? (
        list.data.length === 0 ? (
          <Empty>{t('noWebhooks')}</Empty>
        ) : (
          <div class="table-wrap">
            <table class="data settings-webhooks">
              <thead>
                <tr>
                  <th scope="col">{t('webhookName')}</th>
                  <th scope="col">{t('webhookUnit')}</th>
                  <th scope="col">{t('webhookEvents')}</th>
                  <th scope="col">{t('minSeverity')}</th>
                  <th scope="col">{t('webhookState')}</th>
                  <th scope="col">{t('lastSuccess')}</th>
                </tr>
              </thead>
              <tbody>
                {list.data.map((w) => (
                  <tr key={w.id}>
                    <td>
                      <a
                        href={`/settings?tab=webhooks&webhook=${w.id}`}
                        onClick={(e) => {
                          e.preventDefault();
                          setQuery({ webhook: w.id });
                        }}
                      >
                        {w.name}
                      </a>
                      <small class="muted settings-url">{w.url}</small>
                    </td>
                    <td>{w.unit?.name ?? t('wholeServer')}</td>
                    <td>{eventsSummary(w.events, lang)}</td>
                    <td>
                      {w.minSeverity === 'minor'
                        ? t('severityAll')
                        : t('severityFrom', { s: SEVERITY_WORDS[w.minSeverity][lang] })}
                    </td>
                    <td>
                      <WebhookState webhook={w} />
                    </td>
                    <td>{w.lastSuccessAt ? formatAgo(w.lastSuccessAt, lang) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : null}
      {dialogs}
    </section>
  );
}
