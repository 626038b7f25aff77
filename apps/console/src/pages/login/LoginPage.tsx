import { useState } from 'preact/hooks';
import { ApiError } from '../../core/api';
import { defineMessages, useT } from '../../core/i18n';
import { common } from '../../core/messages';
import { login, type Me } from '../../core/session';
import { LanguageSwitch } from '../../layout/Shell';
import { Button, Field } from '../../ui/components';
import { Icon } from '../../ui/icons';

const messages = defineMessages({
  vi: {
    title: 'Đăng nhập',
    intro: 'Hệ thống quản lý đài truyền thanh cấp xã ứng dụng công nghệ thông tin – viễn thông',
    username: 'Tên đăng nhập',
    password: 'Mật khẩu',
    submit: 'Đăng nhập',
    wrong: 'Sai tên đăng nhập hoặc mật khẩu.',
    locked: 'Tài khoản tạm khoá do nhập sai nhiều lần. Vui lòng thử lại sau hoặc liên hệ quản trị viên.',
    tooMany: 'Quá nhiều lần thử. Vui lòng đợi một phút rồi thử lại.',
    required: 'Vui lòng nhập {field}.',
  },
  en: {
    title: 'Sign in',
    intro: 'Commune radio stations on IT-telecom: control console',
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    wrong: 'Wrong username or password.',
    locked: 'This account is locked after too many wrong passwords. Try later or ask an administrator.',
    tooMany: 'Too many attempts. Please wait a minute and try again.',
    required: 'Please enter the {field}.',
  },
});

export function LoginPage(props: { onSignedIn: (me: Me) => void; notice?: string }) {
  const t = useT(messages);
  const tc = useT(common);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<{ username?: string; password?: string }>({});

  async function submit(e: Event) {
    e.preventDefault();
    const missing = {
      username: username.trim() ? undefined : t('required', { field: t('username').toLowerCase() }),
      password: password ? undefined : t('required', { field: t('password').toLowerCase() }),
    };
    setFieldErrors(missing);
    if (missing.username || missing.password) return;
    setBusy(true);
    setError(null);
    try {
      props.onSignedIn(await login(username.trim(), password));
    } catch (err) {
      if (err instanceof ApiError && err.status === 429)
        setError(/locked/.test(err.message) ? t('locked') : t('tooMany'));
      else if (err instanceof ApiError && (err.status === 401 || err.status === 400)) setError(t('wrong'));
      else setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" class="login">
      <form class="login-card" onSubmit={submit} noValidate aria-labelledby="login-title">
        <Icon name="radio" size={40} class="login-brand" />
        <h1 id="login-title">
          {tc('appName')} · {t('title')}
        </h1>
        <p class="muted">{t('intro')}</p>
        {props.notice ? (
          <p class="notice notice-info" role="status">
            {props.notice}
          </p>
        ) : null}
        {error ? (
          <p class="notice notice-bad" role="alert">
            {error}
          </p>
        ) : null}
        <Field label={t('username')} required error={fieldErrors.username}>
          {(a) => (
            <input
              {...a}
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              value={username}
              onInput={(e) => setUsername((e.target as HTMLInputElement).value)}
            />
          )}
        </Field>
        <Field label={t('password')} required error={fieldErrors.password}>
          {(a) => (
            <input
              {...a}
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
            />
          )}
        </Field>
        <Button variant="primary" type="submit" busy={busy} class="block">
          {t('submit')}
        </Button>
        <div class="login-foot">
          <LanguageSwitch />
        </div>
      </form>
    </main>
  );
}
