import { useRef, useState } from 'preact/hooks';
import { api, type Page } from '../../core/api';
import { useAsync } from '../../core/hooks';
import { formatAgo, formatDateTime, useT } from '../../core/i18n';
import { common } from '../../core/messages';
import { ROLE_LABEL } from '../../core/roles';
import { setQuery, useLocation } from '../../core/router';
import { useSession } from '../../core/session';
import type { RouteParams } from '../../routes';
import {
  Badge,
  Button,
  Empty,
  ErrorNotice,
  Field,
  Loading,
  PageHeader,
  Pager,
  toast,
  toastError,
} from '../../ui/components';
import { canGrant, ROLES, userStatus, type UserStatus } from './admin-logic';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { messages, type AdminKey } from './messages';
import { ResetPasswordDialog } from './ResetPasswordDialog';
import type { UserView } from './types';
import { UserForm } from './UserForm';
import './admin.css';

const PAGE_SIZE = 50;
const STATUS: Record<UserStatus, { tone: 'ok' | 'warn' | 'muted'; label: AdminKey }> = {
  active: { tone: 'ok', label: 'statusActive' },
  locked: { tone: 'warn', label: 'statusLocked' },
  disabled: { tone: 'muted', label: 'statusDisabled' },
};

type Dialog =
  | { kind: 'create' }
  | { kind: 'edit'; user: UserView }
  | { kind: 'reset'; user: UserView }
  | { kind: 'toggle'; user: UserView };

/** Accounts inside my scope; administrators (users.manage) create, edit, reset and disable them. */
export function UsersPage(_props: { params: RouteParams }) {
  const t = useT(messages);
  const tc = useT(common);
  const session = useSession();
  const { me } = session;
  const manage = session.can('users.manage');
  const { query } = useLocation();
  const q = query.get('q') ?? '';
  const role = query.get('role') ?? '';
  const active = query.get('active') ?? '';
  const page = Math.max(1, Number(query.get('page')) || 1);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const list = useAsync(
    (signal) =>
      api.get<Page<UserView>>(
        '/users',
        {
          q: q || undefined,
          role: role || undefined,
          active: active || undefined,
          page,
          pageSize: PAGE_SIZE,
        },
        signal,
      ),
    [q, role, active, page],
  );
  const typing = useRef<ReturnType<typeof setTimeout>>();
  const canManage = (u: UserView) => manage && canGrant(me.role, u.role);

  async function toggle(user: UserView) {
    const saved = await api.patch<UserView>(`/users/${user.id}`, { active: !user.active });
    toast(t(saved.active ? 'enabled' : 'disabled', { name: saved.displayName }));
    list.reload();
  }

  return (
    <>
      <PageHeader
        title={t('usersTitle')}
        subtitle={t('usersSubtitle')}
        actions={
          manage ? (
            <Button variant="primary" onClick={() => setDialog({ kind: 'create' })}>
              {t('newUser')}
            </Button>
          ) : null
        }
      />
      {!manage ? <p class="notice notice-info">{t('usersReadOnly')}</p> : null}
      <div class="filters card admin-filters">
        <Field label={tc('search')}>
          {(attrs) => (
            <input
              {...attrs}
              type="search"
              defaultValue={q}
              placeholder={t('searchUsers')}
              onInput={(e) => {
                const value = (e.target as HTMLInputElement).value.trim();
                clearTimeout(typing.current);
                typing.current = setTimeout(() => setQuery({ q: value || null, page: null }), 300);
              }}
            />
          )}
        </Field>
        <Field label={t('role')}>
          {(attrs) => (
            <select
              {...attrs}
              value={role}
              onChange={(e) => setQuery({ role: (e.target as HTMLSelectElement).value || null, page: null })}
            >
              <option value="">{t('anyRole')}</option>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {tc(ROLE_LABEL[r])}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('status')}>
          {(attrs) => (
            <select
              {...attrs}
              value={active}
              onChange={(e) =>
                setQuery({ active: (e.target as HTMLSelectElement).value || null, page: null })
              }
            >
              <option value="">{t('anyStatus')}</option>
              <option value="true">{t('statusActive')}</option>
              <option value="false">{t('statusDisabled')}</option>
            </select>
          )}
        </Field>
      </div>
      {list.error ? <ErrorNotice error={list.error} onRetry={list.reload} /> : null}
      {!list.data && !list.error ? <Loading /> : null}
      {list.data && list.data.items.length === 0 ? <Empty>{t('noUsers')}</Empty> : null}
      {list.data && list.data.items.length > 0 ? (
        <>
          <div
            class="table-wrap"
            tabIndex={0}
            role="region"
            aria-label={t('usersCaption')}
            aria-busy={list.loading ? 'true' : undefined}
          >
            <table class="data admin-table">
              <caption class="sr-only">{t('usersCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('colName')}</th>
                  <th scope="col">{t('role')}</th>
                  <th scope="col">{t('colScope')}</th>
                  <th scope="col">{t('status')}</th>
                  <th scope="col">{t('colLastLogin')}</th>
                  {manage ? <th scope="col">{t('colActions')}</th> : null}
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((u) => {
                  const status = STATUS[userStatus(u)];
                  const self = u.id === me.id;
                  return (
                    <tr key={u.id}>
                      <th scope="row" class="admin-name">
                        <span>
                          {u.displayName} {self ? <span class="muted">{t('you')}</span> : null}
                        </span>
                        <small class="muted">{u.username}</small>
                      </th>
                      <td>{tc(ROLE_LABEL[u.role] ?? 'roleViewer')}</td>
                      <td>{u.scope ? u.scope.name : <span class="muted">{tc('wholeServer')}</span>}</td>
                      <td>
                        <Badge tone={status.tone}>{t(status.label)}</Badge>
                      </td>
                      <td>
                        {u.lastLoginAt ? (
                          <time dateTime={u.lastLoginAt} title={formatDateTime(u.lastLoginAt)}>
                            {formatAgo(u.lastLoginAt)}
                          </time>
                        ) : (
                          <span class="muted">{t('never')}</span>
                        )}
                      </td>
                      {manage ? (
                        <td class="admin-actions">
                          {canManage(u) ? (
                            <>
                              <Button
                                variant="ghost"
                                aria-label={`${t('edit')} ${u.displayName}`}
                                onClick={() => setDialog({ kind: 'edit', user: u })}
                              >
                                {t('edit')}
                              </Button>
                              <Button
                                variant="ghost"
                                aria-label={`${t('resetPassword')} ${u.displayName}`}
                                onClick={() => setDialog({ kind: 'reset', user: u })}
                              >
                                {t('resetPassword')}
                              </Button>
                              {!self ? (
                                <Button
                                  variant="ghost"
                                  class={u.active ? 'admin-danger-text' : ''}
                                  aria-label={`${u.active ? t('disable') : t('enable')} ${u.displayName}`}
                                  onClick={() =>
                                    u.active
                                      ? setDialog({ kind: 'toggle', user: u })
                                      : void toggle(u).catch(toastError)
                                  }
                                >
                                  {u.active ? t('disable') : t('enable')}
                                </Button>
                              ) : null}
                            </>
                          ) : null}
                        </td>
                      ) : null}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pager
            page={list.data.page}
            pageSize={list.data.pageSize}
            total={list.data.total}
            onPage={(p) => setQuery({ page: p === 1 ? null : p })}
          />
        </>
      ) : null}
      {dialog?.kind === 'create' || dialog?.kind === 'edit' ? (
        <UserForm
          user={dialog.kind === 'edit' ? dialog.user : null}
          onClose={() => setDialog(null)}
          onSaved={() => list.reload()}
        />
      ) : null}
      {dialog?.kind === 'reset' ? (
        <ResetPasswordDialog user={dialog.user} onClose={() => setDialog(null)} />
      ) : null}
      {dialog?.kind === 'toggle' ? (
        <ConfirmDialog
          title={t('disableTitle', { name: dialog.user.displayName })}
          text={t('disableText')}
          confirm={t('disable')}
          onConfirm={() => toggle(dialog.user)}
          onClose={() => setDialog(null)}
        />
      ) : null}
    </>
  );
}
