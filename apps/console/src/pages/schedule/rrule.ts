/*
 * The recurrences the schedule form offers, to and from RFC 5545 RRULE text (local time, no DTSTART: the
 * server takes the start separately). Anything else the server accepts stays "custom": its text is kept
 * as written and shown in the advanced field.
 */

export const WEEKDAY_CODES = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type WeekdayCode = (typeof WEEKDAY_CODES)[number];

export type Repeat =
  | { kind: 'none' }
  | { kind: 'hourly'; minutes: number[] }
  | { kind: 'daily'; interval: number }
  /** days: 0 = Monday … 6 = Sunday */
  | { kind: 'weekly'; interval: number; days: number[] }
  /** monthDay null: the start date's day of the month */
  | { kind: 'monthly'; interval: number; monthDay: number | null }
  | { kind: 'custom'; rrule: string };

export type RepeatKind = Repeat['kind'];

const uniqueSorted = (values: number[]) => [...new Set(values)].sort((a, b) => a - b);

function withInterval(base: string, interval: number): string {
  return interval > 1 ? `${base};INTERVAL=${interval}` : base;
}

/**
 * RRULE text for a repeat, or null for "once". A weekly rule without days repeats on the start's weekday
 * (`startWeekday`, 0 = Monday), so it never turns into an empty rule.
 */
export function buildRrule(repeat: Repeat, startWeekday = 0): string | null {
  switch (repeat.kind) {
    case 'none':
      return null;
    case 'hourly': {
      const minutes = uniqueSorted(repeat.minutes.filter((m) => Number.isInteger(m) && m >= 0 && m <= 59));
      return minutes.length > 0 ? `FREQ=HOURLY;BYMINUTE=${minutes.join(',')}` : 'FREQ=HOURLY';
    }
    case 'daily':
      return withInterval('FREQ=DAILY', repeat.interval);
    case 'weekly': {
      const days = uniqueSorted(repeat.days.filter((d) => d >= 0 && d <= 6));
      const codes = (days.length ? days : [startWeekday]).map((d) => WEEKDAY_CODES[d]);
      return withInterval(`FREQ=WEEKLY;BYDAY=${codes.join(',')}`, repeat.interval);
    }
    case 'monthly': {
      const base = repeat.monthDay === null ? 'FREQ=MONTHLY' : `FREQ=MONTHLY;BYMONTHDAY=${repeat.monthDay}`;
      return withInterval(base, repeat.interval);
    }
    case 'custom':
      return repeat.rrule.trim() || null;
  }
}

function parts(text: string): Map<string, string> | null {
  const out = new Map<string, string>();
  for (const segment of text.split(';')) {
    if (segment === '') continue;
    const eq = segment.indexOf('=');
    if (eq <= 0) return null;
    const name = segment.slice(0, eq).trim().toUpperCase();
    if (out.has(name)) return null;
    out.set(
      name,
      segment
        .slice(eq + 1)
        .trim()
        .toUpperCase(),
    );
  }
  return out;
}

function numberList(value: string, min: number, max: number): number[] | null {
  const items = value.split(',');
  const out: number[] = [];
  for (const item of items) {
    if (!/^\d{1,2}$/.test(item)) return null;
    const n = Number(item);
    if (n < min || n > max) return null;
    out.push(n);
  }
  return uniqueSorted(out);
}

/** The repeat a stored RRULE means, as the form shows it; unknown shapes come back as custom. */
export function parseRrule(rrule: string | null | undefined): Repeat {
  if (rrule === null || rrule === undefined || rrule.trim() === '') return { kind: 'none' };
  const text = rrule.trim().replace(/^RRULE:/i, '');
  const custom: Repeat = { kind: 'custom', rrule: rrule.trim() };
  const p = parts(text);
  if (!p) return custom;
  const freq = p.get('FREQ');
  const intervalText = p.get('INTERVAL');
  let interval = 1;
  if (intervalText !== undefined) {
    if (!/^\d{1,3}$/.test(intervalText) || Number(intervalText) < 1) return custom;
    interval = Number(intervalText);
  }
  const known = (...names: string[]) =>
    [...p.keys()].every((k) => ['FREQ', 'INTERVAL', ...names].includes(k));
  switch (freq) {
    case 'HOURLY': {
      if (!known('BYMINUTE') || interval !== 1) return custom;
      const byminute = p.get('BYMINUTE');
      if (byminute === undefined) return { kind: 'hourly', minutes: [] };
      const minutes = numberList(byminute, 0, 59);
      return minutes ? { kind: 'hourly', minutes } : custom;
    }
    case 'DAILY':
      return known() ? { kind: 'daily', interval } : custom;
    case 'WEEKLY': {
      if (!known('BYDAY')) return custom;
      const byday = p.get('BYDAY');
      if (byday === undefined) return { kind: 'weekly', interval, days: [] };
      const days: number[] = [];
      for (const code of byday.split(',')) {
        const i = WEEKDAY_CODES.indexOf(code as WeekdayCode);
        if (i === -1) return custom;
        days.push(i);
      }
      return { kind: 'weekly', interval, days: uniqueSorted(days) };
    }
    case 'MONTHLY': {
      if (!known('BYMONTHDAY')) return custom;
      const bymonthday = p.get('BYMONTHDAY');
      if (bymonthday === undefined) return { kind: 'monthly', interval, monthDay: null };
      const days = numberList(bymonthday, 1, 31);
      return days && days.length === 1 ? { kind: 'monthly', interval, monthDay: days[0] } : custom;
    }
    default:
      return custom;
  }
}

/** "0, 15, 30,45" → [0, 15, 30, 45]; null when something is not a minute. */
export function parseMinuteList(text: string): number[] | null {
  const items = text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const out: number[] = [];
  for (const item of items) {
    if (!/^\d{1,2}$/.test(item) || Number(item) > 59) return null;
    out.push(Number(item));
  }
  return uniqueSorted(out);
}
