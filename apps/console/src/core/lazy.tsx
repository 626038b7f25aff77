import type { ComponentType, FunctionComponent } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ErrorNotice, Loading } from '../ui/components';
import { defineMessages, useT } from './i18n';

const messages = defineMessages({
  vi: { failed: 'Không tải được trang này. Hãy kiểm tra kết nối mạng rồi thử lại.' },
  en: { failed: 'Could not load this page. Check the network connection and try again.' },
});

/** The page the document opened on: like the shell, focus moves to a heading only after a navigation. */
const firstPath = location.pathname;
let navigated = false;

export type LazyPage<P> = FunctionComponent<P> & {
  /** Starts fetching the page's code (e.g. when its link is hovered); resolves when it is ready. */
  preload(): Promise<unknown>;
};

/**
 * A page whose code is a separate chunk, fetched the first time it is shown (esbuild code splitting):
 * `lazyPage(() => import('./pages/fleet/FleetPage').then((m) => m.FleetPage))`. Shows <Loading/> while the
 * chunk downloads and an error with a retry if it fails; once loaded it renders synchronously. Page CSS is
 * not in the chunk: the build keeps every stylesheet in the entry's CSS, so a page never shows unstyled.
 */
export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>): LazyPage<P> {
  let loaded: ComponentType<P> | undefined;
  let pending: Promise<ComponentType<P>> | undefined;
  const fetchPage = (): Promise<ComponentType<P>> => {
    pending ??= load().then(
      (component) => (loaded = component),
      (err: unknown) => {
        pending = undefined; // the next attempt fetches again
        throw err;
      },
    );
    return pending;
  };

  function Lazy(props: P) {
    const t = useT(messages);
    const [, setReady] = useState(false);
    const [failures, setFailures] = useState(0);
    const [failed, setFailed] = useState(false);
    // After a navigation the shell moves focus to the new page's heading, which a page still loading does
    // not have yet: this does it once the page renders, unless the user has moved focus meanwhile.
    const focusAtStart = useRef<Element | null>(null);
    const waited = useRef(false);

    useEffect(() => {
      if (loaded || failed) return;
      let alive = true;
      navigated ||= location.pathname !== firstPath;
      waited.current = navigated;
      focusAtStart.current = document.activeElement;
      fetchPage().then(
        () => alive && setReady(true),
        () => {
          if (!alive) return;
          setFailures((n) => n + 1);
          setFailed(true);
        },
      );
      return () => {
        alive = false;
      };
    }, [failed]);

    useEffect(() => {
      if (!loaded || !waited.current) return;
      waited.current = false;
      const active = document.activeElement;
      if (!active || active === document.body || active === focusAtStart.current)
        document.getElementById('page-title')?.focus({ preventScroll: true });
    });

    if (loaded) {
      const Page = loaded;
      return <Page {...props} />;
    }
    if (failed)
      return (
        <ErrorNotice
          error={new Error(t('failed'))}
          // A browser may keep a failed module fetch; a second failure (or a new build that renamed the
          // chunks) is cured by reloading the page, which keeps its address.
          onRetry={() => (failures > 1 ? window.location.reload() : setFailed(false))}
        />
      );
    return <Loading />;
  }
  const page = Lazy as LazyPage<P>;
  page.preload = () => fetchPage().catch(() => undefined);
  return page;
}
