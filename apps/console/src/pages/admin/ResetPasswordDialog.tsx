import { useState } from 'preact/hooks';
import { api } from '../../core/api';
import { useT } from '../../core/i18n';
import { common } from '../../core/messages';
import { Button, Modal, toast, useId } from '../../ui/components';
import { generatePassword, passwordProblem, passwordProblemKey } from './admin-logic';
import { errorText } from './form-errors';
import { messages } from './messages';
import { PasswordInput } from './PasswordInput';
import { SecretValue } from './SecretOnce';
import { SubmitButton } from './SubmitButton';
import type { UserView } from './types';

/** Sets a new password for someone who forgot theirs, then shows it once to hand over. */
export function ResetPasswordDialog(props: { user: UserView; onClose: () => void }) {
  const t = useT(messages);
  const tc = useT(common);
  const formId = useId('reset');
  const [password, setPassword] = useState(() => generatePassword((b) => crypto.getRandomValues(b)));
  const [error, setError] = useState<string | undefined>();
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    const problem = passwordProblem(password, props.user.username);
    if (problem) {
      setError(t(passwordProblemKey(problem)));
      return;
    }
    setBusy(true);
    setGeneral(null);
    try {
      await api.post(`/users/${props.user.id}/password`, { password });
      toast(t('passwordReset', { name: props.user.displayName }));
      setDone(true);
    } catch (err) {
      const text = errorText(err, t);
      setError(text.fields.password);
      setGeneral(text.general);
    } finally {
      setBusy(false);
    }
  }

  if (done)
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
        <SecretValue label={t('onceUser')} value={props.user.username} />
        <SecretValue label={t('oncePassword')} value={password} />
      </Modal>
    );
  return (
    <Modal
      open
      title={t('resetPasswordOf', { name: props.user.displayName })}
      onClose={props.onClose}
      footer={
        <>
          <Button variant="ghost" onClick={props.onClose}>
            {tc('cancel')}
          </Button>
          <SubmitButton form={formId} busy={busy}>
            {t('resetPassword')}
          </SubmitButton>
        </>
      }
    >
      <form id={formId} onSubmit={submit} noValidate>
        {general ? (
          <p class="notice notice-bad" role="alert">
            {general}
          </p>
        ) : null}
        <p class="muted">{t('resetHint')}</p>
        <PasswordInput
          label={t('newPassword')}
          hint={t('passwordHint')}
          value={password}
          error={error}
          required
          generator
          onInput={(v) => {
            setPassword(v);
            setError(undefined);
          }}
        />
      </form>
    </Modal>
  );
}
