import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { setLang, useLang, useT, type Lang } from '../core/i18n';
import { common } from '../core/messages';
import { LEVEL_LABEL, ROLE_LABEL } from '../core/roles';
import { useLocation } from '../core/router';
import { useSession } from '../core/session';
import { ROUTES } from '../routes';
import { Link } from '../ui/components';
import { Icon } from '../ui/icons';

/** Header, role-aware menu (a drawer on phones) and the page. */
export function Shell(props: { children: ComponentChildren }) {
  const t = useT(common);
  const session = useSession();
  const { me } = session;
  const loc = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [loc.path]);
  const items = ROUTES.filter((r) => r.nav && (!r.permission || session.can(r.permission)));
  const isActive = (path: string) =>
    path === '/' ? loc.path === '/' : loc.path === path || loc.path.startsWith(`${path}/`);

  return (
    <div class={`shell${menuOpen ? ' menu-open' : ''}`}>
      <a class="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header class="topbar">
        <button
          type="button"
          class="icon-btn menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="nav"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          <Icon name="menu" /> <span class="sr-only">{t('menu')}</span>
        </button>
        <Link href="/" class="brand">
          <Icon name="radio" size={28} class="brand-mark" />
          <span>
            <strong>{t('appName')}</strong>
            <small>{t('appTagline')}</small>
          </span>
        </Link>
        <div class="topbar-right">
          <Link href="/account" class="who" title={t('myAccount')}>
            <strong>{me.name}</strong>
            <small>
              {t(ROLE_LABEL[me.role] ?? 'roleViewer')} ·{' '}
              {me.scope
                ? `${t(LEVEL_LABEL[me.scope.level] ?? 'levelCommune')} ${me.scope.name}`
                : t('wholeServer')}
            </small>
          </Link>
          <LanguageSwitch />
          <button type="button" class="btn btn-ghost" onClick={() => void session.logout()}>
            {t('logout')}
          </button>
        </div>
      </header>
      <nav id="nav" class="sidenav" aria-label={t('menu')}>
        <ul>
          {items.map((r) => (
            <li key={r.path}>
              <Link href={r.path} aria-current={isActive(r.path) ? 'page' : undefined}>
                <Icon name={r.nav!.icon} class="nav-icon" />
                {t(r.nav!.label)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" class="content" tabIndex={-1}>
        {props.children}
      </main>
    </div>
  );
}

export function LanguageSwitch() {
  const t = useT(common);
  const lang = useLang();
  return (
    <label class="lang-switch">
      <span class="sr-only">{t('language')}</span>
      <select value={lang} onChange={(e) => setLang((e.target as HTMLSelectElement).value as Lang)}>
        <option value="vi" lang="vi">
          Tiếng Việt
        </option>
        <option value="en" lang="en">
          English
        </option>
      </select>
    </label>
  );
}
