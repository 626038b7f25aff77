import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import './styles.css';
import { onUnauthorized } from './core/api';
import { getLang, useT } from './core/i18n';
import { common } from './core/messages';
import { matchPath, navigate, useLocation } from './core/router';
import { fetchMe, makeSession, SessionContext, type Me } from './core/session';
import { Shell } from './layout/Shell';
import { LoginPage } from './pages/login/LoginPage';
import { ROUTES } from './routes';
import { Link, Loading, Toasts } from './ui/components';

function App() {
  const t = useT(common);
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>();
  const loc = useLocation();

  useEffect(() => {
    void fetchMe().then(setMe);
    return onUnauthorized(() => {
      setMe((current) => {
        if (current) setNotice(t('sessionEnded'));
        return null;
      });
    });
    // once: the session is read at start and ended by any 401
  }, []);

  const session = useMemo(
    () =>
      me
        ? makeSession(me, () => {
            setMe(null);
            setNotice(undefined);
            navigate('/');
          })
        : null,
    [me],
  );

  // Move focus to the new page's heading so keyboard and screen-reader users land on it.
  useEffect(() => {
    document.getElementById('page-title')?.focus({ preventScroll: true });
  }, [loc.path]);

  if (me === undefined) return <Loading />;
  if (!me || !session)
    return (
      <>
        <LoginPage
          notice={notice}
          onSignedIn={(signedIn) => {
            setNotice(undefined);
            setMe(signedIn);
          }}
        />
        <Toasts />
      </>
    );

  let page = <NotFound />;
  for (const route of ROUTES) {
    const params = matchPath(route.path, loc.path);
    if (!params) continue;
    page =
      route.permission && !session.can(route.permission) ? (
        <Forbidden />
      ) : (
        <route.component key={route.path} params={params} />
      );
    break;
  }
  return (
    <SessionContext.Provider value={session}>
      <Shell>{page}</Shell>
      <Toasts />
    </SessionContext.Provider>
  );
}

function NotFound() {
  const t = useT(common);
  return (
    <section class="center-message">
      <h1 id="page-title" tabIndex={-1}>
        404
      </h1>
      <p>{t('notFound')}</p>
      <Link href="/">{t('backHome')}</Link>
    </section>
  );
}

function Forbidden() {
  const t = useT(common);
  return (
    <section class="center-message">
      <h1 id="page-title" tabIndex={-1}>
        403
      </h1>
      <p>{t('forbidden')}</p>
      <Link href="/">{t('backHome')}</Link>
    </section>
  );
}

document.documentElement.lang = getLang();
const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}
