import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { apiUrl, type Query } from './api';

export interface AsyncState<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload(): void;
  /** Replace the data locally (after a mutation or an SSE event) without a request. */
  set(update: T | ((previous: T | undefined) => T)): void;
}

/** Runs `load` now and whenever `deps` change; the latest call wins. */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): AsyncState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    load(controller.signal)
      .then((value) => {
        if (controller.signal.aborted) return;
        setData(value);
        setError(undefined);
      })
      .catch((err: unknown) => {
        if (controller.signal.aborted) return;
        setError(err instanceof Error ? err : new Error(String(err)));
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
    // deps are the caller's: `load` is a fresh closure on every render
  }, [...deps, nonce]);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  const set = useCallback((update: T | ((previous: T | undefined) => T)) => {
    setData((prev) => (typeof update === 'function' ? (update as (p: T | undefined) => T)(prev) : update));
  }, []);
  return { data, error, loading, reload, set };
}

/** Calls `tick` every `ms` while the page is visible. */
export function useInterval(tick: () => void, ms: number | null): void {
  const saved = useRef(tick);
  saved.current = tick;
  useEffect(() => {
    if (ms === null) return;
    const id = setInterval(() => {
      if (document.visibilityState === 'visible') saved.current();
    }, ms);
    return () => clearInterval(id);
  }, [ms]);
}

/**
 * Subscribes to a server-sent event stream of the API (same origin: the session cookie goes along).
 * `handlers` maps event names to callbacks; EventSource reconnects by itself with Last-Event-ID.
 */
export function useEventStream(
  path: string | null,
  handlers: Record<string, (data: unknown, event: MessageEvent) => void>,
  query?: Query,
): { connected: boolean } {
  const [connected, setConnected] = useState(false);
  const saved = useRef(handlers);
  saved.current = handlers;
  const url = path ? apiUrl(path, query) : null;
  useEffect(() => {
    if (!url) return;
    const source = new EventSource(url, { withCredentials: true });
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(source.readyState === EventSource.OPEN);
    const names = Object.keys(saved.current);
    const listeners = names.map((name) => {
      const listener = (event: MessageEvent) => {
        let data: unknown = event.data;
        try {
          data = JSON.parse(event.data as string);
        } catch {
          /* plain text event */
        }
        saved.current[name]?.(data, event);
      };
      source.addEventListener(name, listener as EventListener);
      return [name, listener] as const;
    });
    return () => {
      for (const [name, listener] of listeners) source.removeEventListener(name, listener as EventListener);
      source.close();
      setConnected(false);
    };
  }, [url]);
  return { connected };
}
