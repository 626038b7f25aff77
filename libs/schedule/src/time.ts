/*
 * Wall-clock helpers for an IANA time zone, built on Intl only.
 *
 * A "floating" time is a wall-clock reading (no zone) stored as the epoch ms it would have in UTC; it lets
 * plain arithmetic (add a day, compare) work on local times without any zone rule.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export interface WallClock {
  year: number;
  month: number; // 1–12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(2001, month, 0)).getUTCDate() + (month === 2 && isLeapYear(year) ? 1 : 0);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Why a date is impossible, or null. Years are limited to 1000–9999 (four digits, as the formats say). */
function dateProblem(year: number, month: number, day: number): string | null {
  if (year < 1000) return 'the year must be between 1000 and 9999';
  if (month < 1 || month > 12) return `month ${month} does not exist`;
  if (day < 1 || day > daysInMonth(year, month)) {
    return `day ${day} does not exist in ${year}-${String(month).padStart(2, '0')}`;
  }
  return null;
}

/** Parses 'YYYY-MM-DDTHH:mm' or 'YYYY-MM-DDTHH:mm:ss'; a string explains what is wrong. */
export function parseLocal(local: string): WallClock | string {
  const m = typeof local === 'string' ? LOCAL_RE.exec(local) : null;
  if (!m) return 'expected a local date and time like 2026-01-31T05:30 (YYYY-MM-DDTHH:mm[:ss])';
  const [year, month, day, hour, minute] = [1, 2, 3, 4, 5].map((i) => Number(m[i]));
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const bad = dateProblem(year, month, day);
  if (bad) return bad;
  if (hour > 23 || minute > 59 || second > 59) return `${m[4]}:${m[5]}:${m[6] ?? '00'} is not a time of day`;
  return { year, month, day, hour, minute, second };
}

/** Parses 'YYYY-MM-DD'; a string explains what is wrong. */
export function parseDate(date: string): { year: number; month: number; day: number } | string {
  const m = typeof date === 'string' ? DATE_RE.exec(date) : null;
  if (!m) return 'expected a date like 2026-01-31 (YYYY-MM-DD)';
  const [year, month, day] = [1, 2, 3].map((i) => Number(m[i]));
  return dateProblem(year, month, day) ?? { year, month, day };
}

export function wallToFloating(w: WallClock): number {
  const d = new Date(0);
  d.setUTCFullYear(w.year, w.month - 1, w.day);
  d.setUTCHours(w.hour, w.minute, w.second, 0);
  return d.getTime();
}

export function floatingToWall(f: number): WallClock {
  const d = new Date(f);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

export function formatFloating(f: number): string {
  const w = floatingToWall(f);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws RangeError for an unknown zone.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    if (formatters.size > 500) formatters.clear();
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: unknown): timeZone is string {
  if (typeof timeZone !== 'string' || timeZone.length === 0 || timeZone.length > 64) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

const EN_US_RE = /^(\d{2})\/(\d{2})\/(\d{4}), (\d{2}):(\d{2}):(\d{2})$/;

/** The wall clock in `timeZone` at instant `ms`, as a floating time (whole seconds). */
function floatingAt(ms: number, timeZone: string): number {
  const f = formatter(timeZone);
  const m = EN_US_RE.exec(f.format(ms));
  if (m) {
    return wallToFloating({
      year: Number(m[3]),
      month: Number(m[1]),
      day: Number(m[2]),
      hour: Number(m[4]),
      minute: Number(m[5]),
      second: Number(m[6]),
    });
  }
  // Unusual output (e.g. a year below 1000): read the parts.
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(ms)) parts[p.type] = p.value;
  return wallToFloating({
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    second: Number(parts.second),
  });
}

/** UTC offset of `timeZone` at instant `ms`, in ms (east positive). */
export function offsetAt(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return floatingAt(whole, timeZone) - whole;
}

/**
 * The instant a floating wall-clock time names in `timeZone`. In a gap (spring forward) the wall time is read
 * with the offset in force before the gap, which lands after it (02:30 → 03:30, like Temporal's 'compatible');
 * in an overlap (fall back) the earlier instant wins.
 */
export function floatingToUtc(floating: number, timeZone: string): number {
  const before = offsetAt(floating - DAY_MS, timeZone);
  const after = offsetAt(floating + DAY_MS, timeZone);
  let best: number | null = null;
  for (const offset of before === after ? [before] : [before, after]) {
    const t = floating - offset;
    if (offsetAt(t, timeZone) === offset && (best === null || t < best)) best = t;
  }
  // A gap: read it with the earlier offset, which lands just after the gap.
  return best ?? floating - before;
}

export function utcToFloating(ms: number, timeZone: string): number {
  return floatingAt(ms, timeZone) + (ms - Math.floor(ms / 1000) * 1000);
}

/** Epoch ms of a local wall-clock time ('YYYY-MM-DDTHH:mm[:ss]') in `timeZone`; RangeError when malformed. */
export function localToUtc(local: string, timeZone: string): number {
  const w = parseLocal(local);
  if (typeof w === 'string') throw new RangeError(`Invalid local time '${local}': ${w}`);
  return floatingToUtc(wallToFloating(w), timeZone);
}

/** 'YYYY-MM-DDTHH:mm:ss' wall clock in `timeZone` at instant `ms` (milliseconds dropped). */
export function utcToLocal(ms: number, timeZone: string): string {
  return formatFloating(floatingAt(ms, timeZone));
}

/** 'YYYY-MM-DD' local date in `timeZone` at instant `ms`. */
export function localDate(ms: number, timeZone: string): string {
  return utcToLocal(ms, timeZone).slice(0, 10);
}

/** The instants [from, to) of one local calendar day; 23 or 25 hours long on DST change days. */
export function localDayBounds(date: string, timeZone: string): { from: number; to: number } {
  const d = parseDate(date);
  if (typeof d === 'string') throw new RangeError(`Invalid date '${date}': ${d}`);
  const midnight = wallToFloating({ ...d, hour: 0, minute: 0, second: 0 });
  return { from: floatingToUtc(midnight, timeZone), to: floatingToUtc(midnight + DAY_MS, timeZone) };
}
