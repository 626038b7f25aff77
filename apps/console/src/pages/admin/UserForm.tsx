import { useState } from 'preact/hooks';
import { api } from '../../core/api';
import { useT } from '../../core/i18n';
import { common } from '../../core/messages';
import { ROLE_LABEL } from '../../core/roles';
import { useSession } from '../../core/session';
import { Button, Field, Modal, toast, useId } from '../../ui/components';
import { UnitPicker } from '../../ui/UnitPicker';
import { grantableRoles, needsScope, passwordProblem, passwordProblemKey } from './admin-logic';
import { errorText, focusFirstInvalid } from './form-errors';
import { messages } from './messages';
import { PasswordInput } from './PasswordInput';
import { SecretValue } from './SecretOnce';
import { SubmitButton } from './SubmitButton';
import type { UserView } from './types';

interface Draft {
  username: string;
  displayName: string;
  phone: string;
  email: string;
  role: string;
  scopeUnitId: string | null;
  password: string;
}

/**
 * Creates an account (then shows its initial password once) or edits one: name and contacts, and role,
 * scope and active state when it is not the signed-in user's own account.
 */
export function UserForm(props: {
  user: UserView | null;
  onClose: () => void;
  onSaved: (user: UserView) => void;
}) {
  const t = useT(messages);
  const tc = useT(common);
  const { me } = useSession();
  const formId = useId('user-form');
  const editing = props.user;
  const self = editing?.id === me.id;
  const roles = grantableRoles(me.role);
  const [draft, setDraft] = useState<Draft>(() => ({
    username: editing?.username ?? '',
    displayName: editing?.displayName ?? '',
    phone: editing?.phone ?? '',
    email: editing?.email ?? '',
    role:
      editing?.role ??
      (roles.includes('commune_operator') ? 'commune_operator' : (roles[roles.length - 1] ?? 'viewer')),
    scopeUnitId: editing ? (editing.scope?.unitId ?? null) : (me.scope?.unitId ?? null),
    password: '',
  }));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<{ username: string; password: string } | null>(null);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setErrors((e) => ({ ...e, [key]: '' }));
  };

  /** What the form can tell before asking the server. */
  function check(): Record<string, string> {
    const out: Record<string, string> = {};
    if (!editing) {
      if (!/^[a-z0-9][a-z0-9._-]{1,63}$/.test(draft.username.trim().toLowerCase()))
        out.username = draft.username.trim()
          ? t('errUsernameFormat')
          : t('required', { field: t('username').toLowerCase() });
      const problem = passwordProblem(draft.password, draft.username.trim().toLowerCase());
      if (problem) out.password = t(passwordProblemKey(problem));
    }
    if (!draft.displayName.trim()) out.displayName = t('errDisplayName');
    if (needsScope(draft.role) && !draft.scopeUnitId) out.scopeUnitId = t('errScopeRequired');
    return out;
  }

  async function submit(e?: Event) {
    e?.preventDefault();
    const problems = check();
    setErrors(problems);
    setGeneral(null);
    if (Object.keys(problems).length) return focusFirstInvalid(formId);
    setBusy(true);
    const contact = (v: string) => (v.trim() ? v.trim() : undefined);
    const scope = needsScope(draft.role) ? (draft.scopeUnitId ?? undefined) : undefined;
    try {
      if (editing) {
        const body: Record<string, unknown> = {
          displayName: draft.displayName.trim(),
          phone: contact(draft.phone) ?? null,
          email: contact(draft.email) ?? null,
        };
        if (!self && (draft.role !== editing.role || (scope ?? null) !== (editing.scope?.unitId ?? null))) {
          body.role = draft.role;
          body.scopeUnitId = scope ?? null;
        }
        const saved = await api.patch<UserView>(`/users/${editing.id}`, body);
        toast(t('saved', { name: saved.displayName }));
        props.onSaved(saved);
        props.onClose();
      } else {
        const saved = await api.post<UserView>('/users', {
          username: draft.username.trim().toLowerCase(),
          displayName: draft.displayName.trim(),
          phone: contact(draft.phone),
          email: contact(draft.email),
          role: draft.role,
          scopeUnitId: scope,
          password: draft.password,
        });
        toast(t('created', { name: saved.displayName }));
        props.onSaved(saved);
        setCreated({ username: saved.username, password: draft.password });
      }
    } catch (err) {
      const text = errorText(err, t);
      setErrors(text.fields);
      setGeneral(text.general);
      focusFirstInvalid(formId);
    } finally {
      setBusy(false);
    }
  }

  if (created)
    return (
      <Modal
        open
        title={t('onceTitle')}
        onClose={props.onClose}
        footer={
          <Button variant="primary" onClick={props.onClose}>
            {t('done')}
          </Button>
        }
      >
        <p class="notice notice-warn" role="alert">
          {t('onceWarning')}
        </p>
        <SecretValue label={t('onceUser')} value={created.username} />
        <SecretValue label={t('oncePassword')} value={created.password} />
      </Modal>
    );

  return (
    <Modal
      open
      wide
      title={editing ? t('editUser', { name: editing.displayName }) : t('newUser')}
      onClose={props.onClose}
      footer={
        <>
          <Button variant="ghost" onClick={props.onClose}>
            {tc('cancel')}
          </Button>
          <SubmitButton form={formId} busy={busy}>
            {editing ? t('save') : t('create')}
          </SubmitButton>
        </>
      }
    >
      <form id={formId} class="admin-form" onSubmit={submit} noValidate>
        {general ? (
          <p class="notice notice-bad" role="alert">
            {general}
          </p>
        ) : null}
        <div class="grid grid-2 admin-form-grid">
          {editing ? (
            <Field label={t('username')}>
              {(attrs) => <input {...attrs} value={editing.username} readOnly />}
            </Field>
          ) : (
            <Field label={t('username')} hint={t('usernameHint')} error={errors.username} required>
              {(attrs) => (
                <input
                  {...attrs}
                  value={draft.username}
                  autocomplete="off"
                  autocapitalize="none"
                  spellcheck={false}
                  onInput={(e) => set('username', (e.target as HTMLInputElement).value)}
                />
              )}
            </Field>
          )}
          <Field label={t('displayName')} error={errors.displayName} required>
            {(attrs) => (
              <input
                {...attrs}
                value={draft.displayName}
                autocomplete="off"
                onInput={(e) => set('displayName', (e.target as HTMLInputElement).value)}
              />
            )}
          </Field>
          <Field label={t('phone')} error={errors.phone}>
            {(attrs) => (
              <input
                {...attrs}
                type="tel"
                value={draft.phone}
                autocomplete="off"
                onInput={(e) => set('phone', (e.target as HTMLInputElement).value)}
              />
            )}
          </Field>
          <Field label={t('email')} error={errors.email}>
            {(attrs) => (
              <input
                {...attrs}
                type="email"
                value={draft.email}
                autocomplete="off"
                onInput={(e) => set('email', (e.target as HTMLInputElement).value)}
              />
            )}
          </Field>
        </div>
        {self ? <p class="notice notice-info">{t('selfNote')}</p> : null}
        <Field label={t('role')} error={errors.role} required>
          {(attrs) => (
            <select
              {...attrs}
              value={draft.role}
              disabled={self}
              onChange={(e) => set('role', (e.target as HTMLSelectElement).value)}
            >
              {(roles.includes(draft.role as never) ? roles : [draft.role, ...roles]).map((r) => (
                <option key={r} value={r}>
                  {tc(ROLE_LABEL[r] ?? 'roleViewer')}
                </option>
              ))}
            </select>
          )}
        </Field>
        {needsScope(draft.role) ? (
          <UnitPicker
            label={t('scope')}
            hint={t('scopeHint')}
            value={draft.scopeUnitId}
            error={errors.scopeUnitId}
            required
            disabled={self}
            onChange={(u) => set('scopeUnitId', u?.id ?? null)}
          />
        ) : (
          <p class="muted">{t('adminScope')}</p>
        )}
        {!editing ? (
          <PasswordInput
            label={t('password')}
            hint={t('passwordHint')}
            value={draft.password}
            error={errors.password}
            required
            generator
            onInput={(v) => set('password', v)}
          />
        ) : null}
      </form>
    </Modal>
  );
}
