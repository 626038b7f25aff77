import { useState } from 'preact/hooks';
import { api } from '../../core/api';
import { useAsync } from '../../core/hooks';
import { formatAgo, formatDate, formatDateTime, useT } from '../../core/i18n';
import { common } from '../../core/messages';
import { ROLE_LABEL } from '../../core/roles';
import { useSession } from '../../core/session';
import type { RouteParams } from '../../routes';
import { Badge, Button, Empty, ErrorNotice, Loading, PageHeader, toast } from '../../ui/components';
import { apiKeyStatus, canGrant, type KeyStatus } from './admin-logic';
import { ApiKeyForm } from './ApiKeyForm';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { messages, type AdminKey } from './messages';
import type { ApiKeyView } from './types';
import './admin.css';

const STATUS: Record<KeyStatus, { tone: 'ok' | 'bad' | 'muted'; label: AdminKey }> = {
  active: { tone: 'ok', label: 'keyActive' },
  revoked: { tone: 'bad', label: 'keyRevoked' },
  expired: { tone: 'muted', label: 'keyExpired' },
};

/** API keys of machine clients: who may call the API, when each key was last used, and revoking one. */
export function ApiKeysPage(_props: { params: RouteParams }) {
  const t = useT(messages);
  const tc = useT(common);
  const { me } = useSession();
  const keys = useAsync((signal) => api.get<ApiKeyView[]>('/api-keys', undefined, signal), []);
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKeyView | null>(null);
  // Newest first, revoked ones after the keys in use.
  const sorted = (keys.data ?? [])
    .slice()
    .sort(
      (a, b) =>
        Number(apiKeyStatus(a) !== 'active') - Number(apiKeyStatus(b) !== 'active') ||
        b.createdAt.localeCompare(a.createdAt),
    );

  return (
    <>
      <PageHeader
        title={t('keysTitle')}
        subtitle={t('keysSubtitle')}
        actions={
          <Button variant="primary" onClick={() => setCreating(true)}>
            {t('newKey')}
          </Button>
        }
      />
      {keys.error ? <ErrorNotice error={keys.error} onRetry={keys.reload} /> : null}
      {!keys.data && !keys.error ? <Loading /> : null}
      {keys.data && keys.data.length === 0 ? <Empty>{t('noKeys')}</Empty> : null}
      {sorted.length > 0 ? (
        <div
          class="table-wrap"
          tabIndex={0}
          role="region"
          aria-label={t('keysCaption')}
          aria-busy={keys.loading ? 'true' : undefined}
        >
          <table class="data admin-table">
            <caption class="sr-only">{t('keysCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('colKeyName')}</th>
                <th scope="col">{t('role')}</th>
                <th scope="col">{t('colScope')}</th>
                <th scope="col">{t('status')}</th>
                <th scope="col">{t('colCreated')}</th>
                <th scope="col">{t('colLastUsed')}</th>
                <th scope="col">{t('colExpires')}</th>
                <th scope="col">
                  <span class="sr-only">{t('colActions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((k) => {
                const status = apiKeyStatus(k);
                return (
                  <tr key={k.id} class={status !== 'active' ? 'admin-inactive' : undefined}>
                    <th scope="row" class="admin-name">
                      <span>{k.name}</span>
                      <small class="muted">
                        <code>lxk_{k.id}_…</code>
                      </small>
                    </th>
                    <td>{tc(ROLE_LABEL[k.role] ?? 'roleViewer')}</td>
                    <td>{k.scope ? k.scope.name : <span class="muted">{tc('wholeServer')}</span>}</td>
                    <td>
                      <Badge tone={STATUS[status].tone}>{t(STATUS[status].label)}</Badge>
                      {k.revokedAt ? (
                        <small class="muted admin-sub">
                          {t('revokedAt', { at: formatDateTime(k.revokedAt) })}
                        </small>
                      ) : null}
                    </td>
                    <td>{formatDate(k.createdAt)}</td>
                    <td>
                      {k.lastUsedAt ? (
                        <>
                          <time dateTime={k.lastUsedAt} title={formatDateTime(k.lastUsedAt)}>
                            {formatAgo(k.lastUsedAt)}
                          </time>
                          {k.lastUsedIp ? (
                            <small class="muted admin-sub">{t('fromIp', { ip: k.lastUsedIp })}</small>
                          ) : null}
                        </>
                      ) : (
                        <span class="muted">{t('neverUsed')}</span>
                      )}
                    </td>
                    <td>{k.expiresAt ? formatDate(k.expiresAt) : <span class="muted">—</span>}</td>
                    <td class="admin-actions">
                      {status !== 'revoked' && canGrant(me.role, k.role) ? (
                        <Button
                          variant="ghost"
                          class="admin-danger-text"
                          aria-label={`${t('revoke')} ${k.name}`}
                          onClick={() => setRevoking(k)}
                        >
                          {t('revoke')}
                        </Button>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {creating ? <ApiKeyForm onClose={() => setCreating(false)} onCreated={keys.reload} /> : null}
      {revoking ? (
        <ConfirmDialog
          title={t('revokeTitle', { name: revoking.name })}
          text={t('revokeText')}
          confirm={t('revoke')}
          onConfirm={async () => {
            await api.delete(`/api-keys/${revoking.id}`);
            toast(t('revoked', { name: revoking.name }));
            keys.reload();
          }}
          onClose={() => setRevoking(null)}
        />
      ) : null}
    </>
  );
}
