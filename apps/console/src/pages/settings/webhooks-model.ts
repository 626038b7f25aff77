/* Webhooks in words: events, delivery states. Pure; unit-tested in test/console/unit/registry-settings.spec.ts. */
import type { Words } from './rules-model';

export const WEBHOOK_EVENTS = [
  'alert.opened',
  'alert.acknowledged',
  'alert.resolved',
  'alert.updated',
  'alert.group',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const EVENT_WORDS: Record<string, Words> = {
  'alert.opened': { vi: 'Có cảnh báo mới', en: 'Alert opened' },
  'alert.acknowledged': { vi: 'Cảnh báo được xác nhận', en: 'Alert acknowledged' },
  'alert.resolved': { vi: 'Cảnh báo đã giải quyết', en: 'Alert resolved' },
  'alert.updated': { vi: 'Cảnh báo thay đổi mức độ, chi tiết', en: 'Alert changed' },
  'alert.group': {
    vi: 'Gộp nhiều cảnh báo cùng lúc thành một tin',
    en: 'Many alerts at once as one notification',
  },
  ping: { vi: 'Gửi thử', en: 'Test ping' },
};

export const DELIVERY_STATUS_WORDS: Record<string, Words> = {
  pending: { vi: 'Đang chờ gửi', en: 'Pending' },
  succeeded: { vi: 'Đã gửi được', en: 'Delivered' },
  failed: { vi: 'Gửi thất bại', en: 'Failed' },
};
export const DELIVERY_STATUS_TONE: Record<string, 'ok' | 'warn' | 'bad' | 'info' | 'muted'> = {
  pending: 'info',
  succeeded: 'ok',
  failed: 'bad',
};

export interface WebhookView {
  id: string;
  name: string;
  url: string;
  events: string[];
  minSeverity: 'critical' | 'major' | 'minor';
  unit: { id: string; name: string; type: string | null; level: string } | null;
  active: boolean;
  createdAt: string;
  consecutiveFailures: number;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  secret?: string;
}

export interface DeliveryAttempt {
  at: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface DeliveryView {
  id: string;
  event: string;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  attemptLog: DeliveryAttempt[];
  createdAt: string;
  deliveredAt: string | null;
}

/** The events of a webhook in a short phrase: "all", or the list. */
export function eventsSummary(events: readonly string[], lang: 'vi' | 'en'): string {
  const singles = WEBHOOK_EVENTS.filter((e) => e !== 'alert.group');
  if (singles.every((e) => events.includes(e)))
    return lang === 'vi'
      ? events.includes('alert.group')
        ? 'Mọi thay đổi (gộp khi nhiều)'
        : 'Mọi thay đổi'
      : events.includes('alert.group')
        ? 'Every change (grouped in storms)'
        : 'Every change';
  return events.map((e) => EVENT_WORDS[e]?.[lang] ?? e).join(', ');
}

/** The outcome of one attempt in words: "HTTP 200", or the error the server met. */
export function attemptOutcome(
  a: { statusCode: number | null; error: string | null },
  lang: 'vi' | 'en',
): string {
  if (a.statusCode !== null) return `HTTP ${a.statusCode}${a.error ? ` · ${a.error}` : ''}`;
  return a.error ?? (lang === 'vi' ? 'Không có phản hồi' : 'No answer');
}

/** Is the delivery log worth asking again soon (something is still on its way)? */
export function hasPending(items: readonly { status: string }[]): boolean {
  return items.some((d) => d.status === 'pending');
}
