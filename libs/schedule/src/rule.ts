/*
 * Reads an RRULE value (RFC 5545 §3.3.10) strictly, so every mistake gets a plain-English message naming the
 * part, and so nothing reaches the rrule package that could make it run for ages (MINUTELY/SECONDLY,
 * unreachable BYHOUR, endless COUNT). Produces rrule options without DTSTART/UNTIL: those are set by the
 * caller in floating (wall-clock) time.
 */
import { Frequency, Weekday, type Options } from 'rrule';
import { parseLocal, wallToFloating, type WallClock } from './time';

export const MAX_COUNT = 10_000;
export const MAX_INTERVAL = 1_000;
/** More starts a day than this is not a broadcast schedule (every 15 minutes at most, on average). */
export const MAX_STARTS_PER_DAY = 96;

const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const; // rrule numbering: MO = 0
const FREQS: Record<string, Frequency> = {
  YEARLY: Frequency.YEARLY,
  MONTHLY: Frequency.MONTHLY,
  WEEKLY: Frequency.WEEKLY,
  DAILY: Frequency.DAILY,
  HOURLY: Frequency.HOURLY,
};
const PARTS = [
  'FREQ',
  'INTERVAL',
  'COUNT',
  'UNTIL',
  'BYSECOND',
  'BYMINUTE',
  'BYHOUR',
  'BYDAY',
  'BYMONTHDAY',
  'BYYEARDAY',
  'BYWEEKNO',
  'BYMONTH',
  'BYSETPOS',
  'WKST',
] as const;
type Part = (typeof PARTS)[number];

/** UNTIL as written: an instant (trailing Z), a local wall-clock time, or a local date (the whole day counts). */
export type Until =
  { kind: 'utc'; ms: number } | { kind: 'local'; floating: number } | { kind: 'date'; floating: number };

export interface ParsedRule {
  freq: Frequency;
  interval: number;
  count: number | null;
  until: Until | null;
  wkst: number;
  byhour: number[] | null;
  byminute: number[] | null;
  bysecond: number[] | null;
  /** Options for rrule's constructor, without dtstart, until and count. */
  options: Partial<Options>;
}

export type RuleResult = { rule: ParsedRule; problems: [] } | { rule: null; problems: string[] };

function intList(part: Part, value: string, min: number, max: number, nonZero = false): number[] | string {
  const items = value.split(',');
  const out: number[] = [];
  for (const item of items) {
    if (!/^[+-]?\d{1,4}$/.test(item)) return `${part}=${value}: '${item}' is not a whole number`;
    const n = Number(item);
    if (n < min || n > max || (nonZero && n === 0)) {
      const range = nonZero ? `${min} to -1 or 1 to ${max}` : `${min} to ${max}`;
      return `${part}=${value}: ${n} is out of range (${range})`;
    }
    if (!out.includes(n)) out.push(n);
  }
  return out;
}

function parseUntil(value: string): Until | string {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(value);
  if (!m)
    return `UNTIL=${value}: expected a date like 20261231 or a time like 20261231T235959 (optionally ending in Z)`;
  const local = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}`;
  const w = parseLocal(local);
  if (typeof w === 'string') return `UNTIL=${value}: ${w}`;
  const floating = wallToFloating(w);
  if (m[4] === undefined) return { kind: 'date', floating };
  return m[7] ? { kind: 'utc', ms: floating } : { kind: 'local', floating };
}

export function parseRule(text: string): RuleResult {
  const problems: string[] = [];
  const fail = (): RuleResult => ({ rule: null, problems });
  if (typeof text !== 'string') return { rule: null, problems: ['RRULE must be text'] };
  let body = text.trim();
  if (/^RRULE:/i.test(body)) body = body.slice(6);
  if (/DTSTART/i.test(body))
    problems.push('DTSTART does not belong in the RRULE: the start is set separately');
  if (/TZID/i.test(body)) problems.push('TZID does not belong in the RRULE: the time zone is set separately');
  if (!problems.length && /[\r\n]/.test(body))
    problems.push('RRULE must be a single rule on one line (no EXDATE or other lines)');
  if (problems.length) return fail();
  if (body.length === 0)
    return { rule: null, problems: ['RRULE is empty: give at least FREQ, e.g. FREQ=DAILY'] };
  if (body.length > 1000) return { rule: null, problems: ['RRULE is too long (at most 1000 characters)'] };

  const raw = new Map<Part, string>();
  const segments = body.split(';');
  if (segments[segments.length - 1] === '') segments.pop();
  for (const segment of segments) {
    const eq = segment.indexOf('=');
    if (eq <= 0) {
      problems.push(`RRULE part '${segment}' is not NAME=VALUE`);
      continue;
    }
    const name = segment.slice(0, eq).trim().toUpperCase();
    const value = segment
      .slice(eq + 1)
      .trim()
      .toUpperCase();
    if (!(PARTS as readonly string[]).includes(name)) {
      problems.push(`RRULE part ${name} is not supported`);
      continue;
    }
    if (raw.has(name as Part)) {
      problems.push(`RRULE part ${name} appears more than once`);
      continue;
    }
    if (value === '') {
      problems.push(`RRULE part ${name} has no value`);
      continue;
    }
    raw.set(name as Part, value);
  }
  if (problems.length) return fail();

  const freqText = raw.get('FREQ');
  if (freqText === undefined) return { rule: null, problems: ['RRULE needs FREQ, e.g. FREQ=DAILY'] };
  if (freqText === 'MINUTELY' || freqText === 'SECONDLY') {
    return {
      rule: null,
      problems: [`FREQ=${freqText} is not allowed: a broadcast may repeat at most hourly (FREQ=HOURLY)`],
    };
  }
  const freq = FREQS[freqText];
  if (freq === undefined) {
    return { rule: null, problems: [`FREQ=${freqText}: must be YEARLY, MONTHLY, WEEKLY, DAILY or HOURLY`] };
  }

  const options: Partial<Options> = { freq };
  let interval = 1;
  let count: number | null = null;
  let until: Until | null = null;
  let wkst = 0;
  let byhour: number[] | null = null;
  let byminute: number[] | null = null;
  let bysecond: number[] | null = null;
  const take = <T>(v: T | string, set: (v: T) => void) => (typeof v === 'string' ? problems.push(v) : set(v));

  const intervalText = raw.get('INTERVAL');
  if (intervalText !== undefined) {
    if (!/^\d{1,6}$/.test(intervalText) || Number(intervalText) < 1 || Number(intervalText) > MAX_INTERVAL) {
      problems.push(`INTERVAL=${intervalText}: must be a whole number from 1 to ${MAX_INTERVAL}`);
    } else interval = Number(intervalText);
  }
  options.interval = interval;

  const countText = raw.get('COUNT');
  if (countText !== undefined) {
    if (!/^\d{1,9}$/.test(countText) || Number(countText) < 1) {
      problems.push(`COUNT=${countText}: must be a whole number from 1 to ${MAX_COUNT}`);
    } else if (Number(countText) > MAX_COUNT) {
      problems.push(`COUNT=${countText}: at most ${MAX_COUNT} occurrences are allowed`);
    } else count = Number(countText);
  }
  const untilText = raw.get('UNTIL');
  if (untilText !== undefined) take(parseUntil(untilText), (u) => (until = u));
  if (countText !== undefined && untilText !== undefined)
    problems.push('RRULE may have COUNT or UNTIL, not both');

  const wkstText = raw.get('WKST');
  if (wkstText !== undefined) {
    const i = WEEKDAYS.indexOf(wkstText as (typeof WEEKDAYS)[number]);
    if (i < 0) problems.push(`WKST=${wkstText}: must be one of MO, TU, WE, TH, FR, SA, SU`);
    else wkst = i;
  }
  options.wkst = wkst;

  const list = (part: Part, min: number, max: number, nonZero: boolean, set: (v: number[]) => void) => {
    const text = raw.get(part);
    if (text !== undefined) take(intList(part, text, min, max, nonZero), set);
  };
  list('BYSECOND', 0, 59, false, (v) => (bysecond = options.bysecond = v));
  list('BYMINUTE', 0, 59, false, (v) => (byminute = options.byminute = v));
  list('BYHOUR', 0, 23, false, (v) => (byhour = options.byhour = v));
  list('BYMONTH', 1, 12, false, (v) => (options.bymonth = v));
  list('BYMONTHDAY', -31, 31, true, (v) => (options.bymonthday = v));
  list('BYYEARDAY', -366, 366, true, (v) => (options.byyearday = v));
  list('BYWEEKNO', -53, 53, true, (v) => (options.byweekno = v));
  list('BYSETPOS', -366, 366, true, (v) => (options.bysetpos = v));

  const bydayText = raw.get('BYDAY');
  if (bydayText !== undefined) {
    const days: Weekday[] = [];
    for (const item of bydayText.split(',')) {
      const m = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(item);
      if (!m) {
        problems.push(
          `BYDAY=${bydayText}: '${item}' is not a weekday like MO, or an ordinal weekday like 1MO or -1FR`,
        );
        continue;
      }
      const weekday = WEEKDAYS.indexOf(m[2] as (typeof WEEKDAYS)[number]);
      if (m[1] === undefined) {
        days.push(new Weekday(weekday));
        continue;
      }
      const n = Number(m[1]);
      const max = freq === Frequency.MONTHLY ? 5 : 53;
      if (freq !== Frequency.MONTHLY && freq !== Frequency.YEARLY) {
        problems.push(
          `BYDAY=${bydayText}: an ordinal weekday like ${item} needs FREQ=MONTHLY or FREQ=YEARLY`,
        );
      } else if (n === 0 || Math.abs(n) > max) {
        problems.push(`BYDAY=${bydayText}: the ordinal in ${item} must be from -${max} to -1 or 1 to ${max}`);
      } else if (raw.has('BYWEEKNO')) {
        problems.push(`BYDAY=${bydayText}: an ordinal weekday like ${item} cannot be combined with BYWEEKNO`);
      } else days.push(new Weekday(weekday, n));
    }
    options.byweekday = days;
  }

  // Combinations RFC 5545 forbids, which rrule would silently misread.
  if (raw.has('BYMONTHDAY') && freq === Frequency.WEEKLY) {
    problems.push('BYMONTHDAY cannot be used with FREQ=WEEKLY');
  }
  if (raw.has('BYYEARDAY') && [Frequency.MONTHLY, Frequency.WEEKLY, Frequency.DAILY].includes(freq)) {
    problems.push(`BYYEARDAY cannot be used with FREQ=${freqText}`);
  }
  if (raw.has('BYWEEKNO') && freq !== Frequency.YEARLY) problems.push('BYWEEKNO needs FREQ=YEARLY');
  if (raw.has('BYSETPOS') && ![...raw.keys()].some((k) => k.startsWith('BY') && k !== 'BYSETPOS')) {
    problems.push('BYSETPOS needs another BY… part to pick from (e.g. BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1)');
  }
  if (problems.length) return fail();
  return { rule: { freq, interval, count, until, wkst, byhour, byminute, bysecond, options }, problems: [] };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * Problems that depend on the start: an HOURLY rule whose BYHOUR can never be reached from the start hour
 * (rrule would spin forever looking for it), and too many starts a day.
 */
export function ruleStartProblems(rule: ParsedRule, start: WallClock): string[] {
  const problems: string[] = [];
  if (rule.freq === Frequency.HOURLY && rule.byhour) {
    const g = gcd(rule.interval, 24);
    if (!rule.byhour.some((h) => (h - start.hour) % g === 0)) {
      problems.push(
        `BYHOUR=${rule.byhour.join(',')}: none of these hours is ever reached every ${rule.interval} hours from the start at ${String(start.hour).padStart(2, '0')}:00`,
      );
    }
  }
  const hours =
    rule.freq === Frequency.HOURLY
      ? (rule.byhour?.length ?? Math.ceil(24 / rule.interval))
      : (rule.byhour?.length ?? 1);
  const perDay = hours * (rule.byminute?.length ?? 1) * (rule.bysecond?.length ?? 1);
  if (perDay > MAX_STARTS_PER_DAY) {
    problems.push(
      `the RRULE starts up to ${perDay} times a day (BYHOUR × BYMINUTE × BYSECOND); at most ${MAX_STARTS_PER_DAY} are allowed`,
    );
  }
  return problems;
}
