import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../core/api';
import { useT } from '../core/i18n';
import { common } from '../core/messages';
import { linkClick } from '../core/router';
import { Icon } from './icons';

/** In-app link: a real <a href> (open in new tab works), routed without reload on plain click. */
export function Link(props: JSX.HTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const { href, onClick, ...rest } = props;
  return (
    <a
      {...rest}
      href={href}
      onClick={(e) => {
        if (typeof onClick === 'function') onClick(e);
        linkClick(e, href);
      }}
    />
  );
}

export function PageHeader(props: {
  title: string;
  subtitle?: ComponentChildren;
  actions?: ComponentChildren;
}) {
  useEffect(() => {
    document.title = `${props.title} · Loa xã`;
  }, [props.title]);
  return (
    <header class="page-header">
      <div>
        <h1 id="page-title" tabIndex={-1}>
          {props.title}
        </h1>
        {props.subtitle ? <p class="muted">{props.subtitle}</p> : null}
      </div>
      {props.actions ? <div class="page-actions">{props.actions}</div> : null}
    </header>
  );
}

type ButtonProps = JSX.HTMLAttributes<HTMLButtonElement> & {
  variant?: 'primary' | 'secondary' | 'danger' | 'ghost';
  busy?: boolean;
  type?: 'button' | 'submit' | 'reset';
  disabled?: boolean;
  /** Submits the form with this id from outside it (a dialog's footer). */
  form?: string;
};

export function Button({
  variant = 'secondary',
  busy,
  type = 'button',
  disabled,
  children,
  ...rest
}: ButtonProps) {
  return (
    <button
      {...rest}
      type={type}
      class={`btn btn-${variant} ${(rest.class as string) ?? ''}`}
      disabled={disabled || busy}
      aria-busy={busy ? 'true' : undefined}
    >
      {busy ? <span class="spinner" aria-hidden="true" /> : null}
      {children}
    </button>
  );
}

let fieldSeq = 0;
/** Stable id for a label/control pair. */
export function useId(prefix = 'f'): string {
  const ref = useRef<string>();
  if (!ref.current) ref.current = `${prefix}-${++fieldSeq}`;
  return ref.current;
}

/**
 * A labelled form control with its hint and error. The child receives the id and the aria wiring
 * through a render function so any input, select or textarea fits.
 */
export function Field(props: {
  label: string;
  hint?: string;
  error?: string;
  required?: boolean;
  children: (attrs: {
    id: string;
    'aria-describedby'?: string;
    'aria-invalid'?: 'true';
  }) => ComponentChildren;
}) {
  const id = useId();
  const described = [props.hint ? `${id}-hint` : '', props.error ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div class={`field${props.error ? ' field-invalid' : ''}`}>
      <label for={id}>
        {props.label}
        {props.required ? (
          <span class="required" aria-hidden="true">
            {' '}
            *
          </span>
        ) : null}
      </label>
      {props.children({
        id,
        'aria-describedby': described || undefined,
        'aria-invalid': props.error ? 'true' : undefined,
      })}
      {props.hint ? (
        <small id={`${id}-hint`} class="hint">
          {props.hint}
        </small>
      ) : null}
      {props.error ? (
        <small id={`${id}-error`} class="error-text" role="alert">
          {props.error}
        </small>
      ) : null}
    </div>
  );
}

export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'muted';

export function Badge(props: { tone?: Tone; children: ComponentChildren; title?: string }) {
  return (
    <span class={`badge badge-${props.tone ?? 'muted'}`} title={props.title}>
      {props.children}
    </span>
  );
}

export function Loading(props: { label?: string }) {
  const t = useT(common);
  return (
    <p class="loading" role="status">
      <span class="spinner" aria-hidden="true" /> {props.label ?? t('loading')}
    </p>
  );
}

export function ErrorNotice(props: { error: unknown; onRetry?: () => void }) {
  const t = useT(common);
  const message =
    props.error instanceof ApiError || props.error instanceof Error
      ? props.error.message
      : String(props.error);
  return (
    <div class="notice notice-bad" role="alert">
      <strong>{t('errorTitle')}:</strong> {message}
      {props.onRetry ? (
        <Button variant="ghost" onClick={props.onRetry}>
          {t('retry')}
        </Button>
      ) : null}
    </div>
  );
}

export function Empty(props: { children?: ComponentChildren }) {
  const t = useT(common);
  return <p class="empty muted">{props.children ?? t('empty')}</p>;
}

export function Pager(props: {
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
}) {
  const t = useT(common);
  const pages = Math.max(1, Math.ceil(props.total / props.pageSize));
  if (props.total <= props.pageSize && props.page === 1) return null;
  return (
    <nav class="pager" aria-label="pagination">
      <Button variant="ghost" disabled={props.page <= 1} onClick={() => props.onPage(props.page - 1)}>
        ‹ {t('previous')}
      </Button>
      <span>{t('pageOf', { page: props.page, pages, total: props.total })}</span>
      <Button variant="ghost" disabled={props.page >= pages} onClick={() => props.onPage(props.page + 1)}>
        {t('next')} ›
      </Button>
    </nav>
  );
}

/** Native <dialog>: focus moves in and is trapped, Esc closes, focus returns to the opener. */
export function Modal(props: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  footer?: ComponentChildren;
  wide?: boolean;
}) {
  const t = useT(common);
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId('dlg');
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      class={`modal${props.wide ? ' modal-wide' : ''}`}
      aria-labelledby={`${id}-title`}
      onClose={() => props.open && props.onClose()}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      {props.open ? (
        <>
          <header class="modal-header">
            <h2 id={`${id}-title`}>{props.title}</h2>
            <button type="button" class="icon-btn" aria-label={t('close')} onClick={props.onClose}>
              <Icon name="close" />
            </button>
          </header>
          <div class="modal-body">{props.children}</div>
          {props.footer ? <footer class="modal-footer">{props.footer}</footer> : null}
        </>
      ) : null}
    </dialog>
  );
}

// ---- toasts: short confirmations and errors announced to screen readers ----

interface Toast {
  id: number;
  tone: Tone;
  text: string;
}
let toastSeq = 0;
const toastListeners = new Set<(toasts: Toast[]) => void>();
let toasts: Toast[] = [];

export function toast(text: string, tone: Tone = 'ok'): void {
  const item = { id: ++toastSeq, tone, text };
  toasts = [...toasts, item];
  for (const l of toastListeners) l(toasts);
  setTimeout(
    () => {
      toasts = toasts.filter((t) => t.id !== item.id);
      for (const l of toastListeners) l(toasts);
    },
    tone === 'bad' ? 8000 : 4000,
  );
}

export function toastError(err: unknown): void {
  toast(err instanceof Error ? err.message : String(err), 'bad');
}

export function Toasts() {
  const [items, setItems] = useState<Toast[]>(toasts);
  useEffect(() => {
    toastListeners.add(setItems);
    return () => toastListeners.delete(setItems);
  }, []);
  return (
    <div class="toasts" role="status" aria-live="polite">
      {items.map((t) => (
        <div key={t.id} class={`toast toast-${t.tone}`}>
          {t.text}
        </div>
      ))}
    </div>
  );
}

export function Tabs<K extends string>(props: {
  label: string;
  tabs: { key: K; label: string }[];
  active: K;
  onChange: (key: K) => void;
}) {
  return (
    <div class="tabs" role="tablist" aria-label={props.label}>
      {props.tabs.map((tab) => (
        <button
          type="button"
          role="tab"
          key={tab.key}
          aria-selected={tab.key === props.active}
          tabIndex={tab.key === props.active ? 0 : -1}
          class={tab.key === props.active ? 'tab active' : 'tab'}
          onClick={() => props.onChange(tab.key)}
          onKeyDown={(e) => {
            const i = props.tabs.findIndex((x) => x.key === props.active);
            if (e.key === 'ArrowRight') props.onChange(props.tabs[(i + 1) % props.tabs.length].key);
            if (e.key === 'ArrowLeft')
              props.onChange(props.tabs[(i - 1 + props.tabs.length) % props.tabs.length].key);
          }}
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}

/** A stat tile on overview pages. */
export function Stat(props: { label: string; value: ComponentChildren; tone?: Tone; href?: string }) {
  const body = (
    <>
      <span class="stat-value">{props.value}</span>
      <span class="stat-label">{props.label}</span>
    </>
  );
  return props.href ? (
    <Link class={`stat stat-${props.tone ?? 'muted'}`} href={props.href}>
      {body}
    </Link>
  ) : (
    <div class={`stat stat-${props.tone ?? 'muted'}`}>{body}</div>
  );
}
