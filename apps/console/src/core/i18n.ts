import { useEffect, useState } from 'preact/hooks';
import { config } from './config';

/**
 * Vietnamese first, English second. Each page keeps its own dictionary next to it
 * (`defineMessages({ vi, en })`); the compiler makes sure every Vietnamese key has an English twin.
 */
export type Lang = 'vi' | 'en';
export const LANGS: Lang[] = ['vi', 'en'];

const STORAGE_KEY = 'loa-xa.lang';
let current: Lang = readStoredLang();
const listeners = new Set<(lang: Lang) => void>();

function readStoredLang(): Lang {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return stored === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

export function getLang(): Lang {
  return current;
}

export function setLang(lang: Lang): void {
  current = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
  document.documentElement.lang = lang;
  for (const listener of listeners) listener(lang);
}

/** Re-renders the caller when the language changes. */
export function useLang(): Lang {
  const [lang, setState] = useState(current);
  useEffect(() => {
    listeners.add(setState);
    return () => listeners.delete(setState);
  }, []);
  return lang;
}

export type Messages<K extends string> = { vi: Record<K, string>; en: Record<K, string> };

export function defineMessages<K extends string>(messages: Messages<K>): Messages<K> {
  return messages;
}

export type Params = Record<string, string | number>;
export type Translate<K extends string> = (key: K, params?: Params) => string;

/** `{name}` placeholders are replaced by params. */
export function interpolate(text: string, params?: Params): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function translator<K extends string>(messages: Messages<K>, lang: Lang): Translate<K> {
  return (key, params) => interpolate(messages[lang][key] ?? messages.vi[key] ?? key, params);
}

/** `const t = useT(messages); t('title')`: re-renders on language change. */
export function useT<K extends string>(messages: Messages<K>): Translate<K> {
  const lang = useLang();
  return translator(messages, lang);
}

// ---- formatting (always in the server's time zone: a commune's schedule is local time there) ----

const locale = (lang: Lang) => (lang === 'vi' ? 'vi-VN' : 'en-GB');

export function formatDateTime(value: string | Date | null | undefined, lang: Lang = current): string {
  if (!value) return '—';
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return '—';
  return new Intl.DateTimeFormat(locale(lang), {
    timeZone: config.timeZone,
    dateStyle: 'short',
    timeStyle: 'medium',
  }).format(date);
}

export function formatTime(value: string | Date | null | undefined, lang: Lang = current): string {
  if (!value) return '—';
  const date = typeof value === 'string' ? new Date(value) : value;
  return new Intl.DateTimeFormat(locale(lang), {
    timeZone: config.timeZone,
    hour: '2-digit',
    minute: '2-digit',
  }).format(date);
}

export function formatDate(value: string | Date | null | undefined, lang: Lang = current): string {
  if (!value) return '—';
  const date =
    typeof value === 'string' ? new Date(value.length === 10 ? `${value}T12:00:00Z` : value) : value;
  return new Intl.DateTimeFormat(locale(lang), { timeZone: config.timeZone, dateStyle: 'medium' }).format(
    date,
  );
}

export function formatNumber(value: number | null | undefined, digits = 0, lang: Lang = current): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return new Intl.NumberFormat(locale(lang), {
    maximumFractionDigits: digits,
    minimumFractionDigits: 0,
  }).format(value);
}

/** 75 → "1:15", 3725 → "1:02:05". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

export function formatBytes(bytes: number | null | undefined, lang: Lang = current): string {
  if (bytes === null || bytes === undefined) return '—';
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${formatNumber(value, unit ? 1 : 0, lang)} ${units[unit]}`;
}

/** "3 phút trước" / "3 min ago". */
export function formatAgo(value: string | null | undefined, lang: Lang = current, now = Date.now()): string {
  if (!value) return '—';
  const seconds = Math.round((new Date(value).getTime() - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale(lang), { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return rtf.format(seconds, 'second');
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(seconds / 3600), 'hour');
  return rtf.format(Math.round(seconds / 86400), 'day');
}
