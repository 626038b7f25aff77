import { useState } from 'preact/hooks';
import { api } from '../../core/api';
import { useT } from '../../core/i18n';
import { common } from '../../core/messages';
import { ROLE_LABEL } from '../../core/roles';
import { useSession } from '../../core/session';
import type { RouteParams } from '../../routes';
import { Field, PageHeader, toast, useId } from '../../ui/components';
import { passwordProblem, passwordProblemKey } from './admin-logic';
import { errorText, focusFirstInvalid } from './form-errors';
import { messages } from './messages';
import { PasswordInput } from './PasswordInput';
import { SubmitButton } from './SubmitButton';
import './admin.css';

/** "Tài khoản của tôi": who I am, and changing my own password. */
export function AccountPage(_props: { params: RouteParams }) {
  const t = useT(messages);
  const tc = useT(common);
  const { me } = useSession();
  return (
    <>
      <PageHeader title={t('accountTitle')} subtitle={t('accountSubtitle')} />
      <div class="grid grid-2 admin-account">
        <section class="card" aria-labelledby="account-who">
          <h2 id="account-who">{me.name}</h2>
          <dl class="props">
            <dt>{t('myRole')}</dt>
            <dd>{tc(ROLE_LABEL[me.role] ?? 'roleViewer')}</dd>
            <dt>{t('myScope')}</dt>
            <dd>{me.scope ? me.scope.name : tc('wholeServer')}</dd>
          </dl>
        </section>
        {me.kind === 'user' ? <ChangePassword /> : <p class="notice notice-info">{t('apiKeyAccount')}</p>}
      </div>
    </>
  );
}

function ChangePassword() {
  const t = useT(messages);
  const formId = useId('password');
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (!current) problems.currentPassword = t('required', { field: t('currentPassword').toLowerCase() });
    // The username is not known here: the server checks that part.
    const problem = passwordProblem(next, '');
    if (problem) problems.newPassword = t(passwordProblemKey(problem));
    else if (next !== again) problems.confirm = t('errConfirm');
    setErrors(problems);
    setGeneral(null);
    if (Object.keys(problems).length) return focusFirstInvalid(formId);
    setBusy(true);
    try {
      await api.post('/auth/password', { currentPassword: current, newPassword: next });
      toast(t('passwordChanged'));
      setCurrent('');
      setNext('');
      setAgain('');
    } catch (err) {
      const text = errorText(err, t);
      setErrors(text.fields);
      setGeneral(text.general);
      focusFirstInvalid(formId);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card" aria-labelledby="account-password">
      <h2 id="account-password">{t('changePassword')}</h2>
      <form id={formId} onSubmit={submit} noValidate>
        {general ? (
          <p class="notice notice-bad" role="alert">
            {general}
          </p>
        ) : null}
        <PasswordInput
          label={t('currentPassword')}
          value={current}
          error={errors.currentPassword}
          autocomplete="current-password"
          required
          onInput={(v) => {
            setCurrent(v);
            setErrors((x) => ({ ...x, currentPassword: '' }));
          }}
        />
        <PasswordInput
          label={t('newPassword')}
          hint={t('changePasswordHint')}
          value={next}
          error={errors.newPassword}
          required
          onInput={(v) => {
            setNext(v);
            setErrors((x) => ({ ...x, newPassword: '' }));
          }}
        />
        <Field label={t('confirmPassword')} error={errors.confirm} required>
          {(attrs) => (
            <input
              {...attrs}
              type="password"
              autocomplete="new-password"
              value={again}
              onInput={(e) => {
                setAgain((e.target as HTMLInputElement).value);
                setErrors((x) => ({ ...x, confirm: '' }));
              }}
            />
          )}
        </Field>
        <SubmitButton form={formId} busy={busy}>
          {t('changePassword')}
        </SubmitButton>
      </form>
    </section>
  );
}
