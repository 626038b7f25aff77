import { useState } from 'preact/hooks';
import { api } from '../../core/api';
import { config } from '../../core/config';
import { useT } from '../../core/i18n';
import { common } from '../../core/messages';
import { ROLE_LABEL } from '../../core/roles';
import { useSession } from '../../core/session';
import { Button, Field, Modal, toast, useId } from '../../ui/components';
import { UnitPicker } from '../../ui/UnitPicker';
import { localDayStart, nextDay, todayIn } from '../reports/period';
import { grantableRoles, needsScope } from './admin-logic';
import { errorText, focusFirstInvalid } from './form-errors';
import { messages } from './messages';
import { SecretValue } from './SecretOnce';
import { SubmitButton } from './SubmitButton';
import type { ApiKeyView } from './types';

/** Creates an API key with a role and scope, then shows the key this one time. */
export function ApiKeyForm(props: { onClose: () => void; onCreated: () => void }) {
  const t = useT(messages);
  const tc = useT(common);
  const { me } = useSession();
  const formId = useId('key-form');
  const roles = grantableRoles(me.role);
  const [name, setName] = useState('');
  const [role, setRole] = useState<string>(roles.includes('viewer') ? 'viewer' : (roles[0] ?? 'viewer'));
  const [scopeUnitId, setScopeUnitId] = useState<string | null>(me.scope?.unitId ?? null);
  const [expires, setExpires] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);

  async function submit(e: Event) {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (!name.trim()) problems.name = t('errName');
    if (needsScope(role) && !scopeUnitId) problems.scopeUnitId = t('errScopeRequired');
    if (expires && expires < todayIn(config.timeZone)) problems.expiresAt = t('errExpires');
    setErrors(problems);
    setGeneral(null);
    if (Object.keys(problems).length) return focusFirstInvalid(formId);
    setBusy(true);
    try {
      const created = await api.post<{ apiKey: ApiKeyView; key: string }>('/api-keys', {
        name: name.trim(),
        role,
        scopeUnitId: needsScope(role) ? scopeUnitId : undefined,
        // The key works through the whole chosen day (local time).
        expiresAt: expires ? localDayStart(nextDay(expires), config.timeZone) : undefined,
      });
      toast(t('keyCreated', { name: created.apiKey.name }));
      setSecret(created.key);
      props.onCreated();
    } catch (err) {
      const text = errorText(err, t);
      setErrors(text.fields);
      setGeneral(text.general);
      focusFirstInvalid(formId);
    } finally {
      setBusy(false);
    }
  }

  if (secret)
    return (
      <Modal
        open
        title={t('keyOnceTitle')}
        onClose={props.onClose}
        footer={
          <Button variant="primary" onClick={props.onClose}>
            {t('done')}
          </Button>
        }
      >
        <p class="notice notice-warn" role="alert">
          {t('keyOnceWarning')}
        </p>
        <SecretValue label={t('keyValue')} value={secret} />
        <p class="muted">{t('keyUsage')}</p>
      </Modal>
    );

  return (
    <Modal
      open
      title={t('newKey')}
      onClose={props.onClose}
      footer={
        <>
          <Button variant="ghost" onClick={props.onClose}>
            {tc('cancel')}
          </Button>
          <SubmitButton form={formId} busy={busy}>
            {t('newKey')}
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
        <Field label={t('keyName')} hint={t('keyNameHint')} error={errors.name} required>
          {(attrs) => (
            <input
              {...attrs}
              value={name}
              autocomplete="off"
              onInput={(e) => {
                setName((e.target as HTMLInputElement).value);
                setErrors((x) => ({ ...x, name: '' }));
              }}
            />
          )}
        </Field>
        <Field label={t('role')} hint={t('keyRoleHint')} error={errors.role} required>
          {(attrs) => (
            <select {...attrs} value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value)}>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {tc(ROLE_LABEL[r])}
                </option>
              ))}
            </select>
          )}
        </Field>
        {needsScope(role) ? (
          <UnitPicker
            label={t('scope')}
            value={scopeUnitId}
            error={errors.scopeUnitId}
            required
            onChange={(u) => {
              setScopeUnitId(u?.id ?? null);
              setErrors((x) => ({ ...x, scopeUnitId: '' }));
            }}
          />
        ) : (
          <p class="muted">{t('adminScope')}</p>
        )}
        <Field label={t('expiresAt')} hint={t('expiresHint')} error={errors.expiresAt}>
          {(attrs) => (
            <input
              {...attrs}
              type="date"
              value={expires}
              min={todayIn(config.timeZone)}
              onChange={(e) => setExpires((e.target as HTMLInputElement).value)}
            />
          )}
        </Field>
      </form>
    </Modal>
  );
}
