/*
 * Occurrences of a schedule. The RRULE runs in floating wall-clock time (a daily 05:30 stays 05:30 local
 * across DST changes) and each start is then placed in the zone.
 *
 * The start anchors the rule (its time of day, and its day when the rule names none); with a rule it is itself
 * an occurrence only when it matches the rule, as in python-dateutil and rrule.js.
 */
import { Frequency, RRule, Weekday, type Options } from 'rrule';
import { parseRule, ruleStartProblems, type ParsedRule } from './rule';
import {
  DAY_MS,
  HOUR_MS,
  floatingToUtc,
  isValidTimeZone,
  parseDate,
  parseLocal,
  utcToFloating,
  wallToFloating,
  type WallClock,
} from './time';

export interface RecurrenceSpec {
  /** Local wall-clock start of the first occurrence, 'YYYY-MM-DDTHH:mm[:ss]', in timeZone. */
  start: string;
  /** IANA zone, e.g. Asia/Ho_Chi_Minh. */
  timeZone: string;
  /** RFC 5545 RRULE value without DTSTART, e.g. 'FREQ=WEEKLY;BYDAY=MO,WE,FR'; absent/null/blank = once. */
  rrule?: string | null;
  /** 'YYYY-MM-DD' local, inclusive, compared with each occurrence's local start date. */
  validFrom?: string | null;
  /** 'YYYY-MM-DD' local, inclusive, compared with each occurrence's local start date. */
  validUntil?: string | null;
  /** Local wall-clock starts removed (EXDATE), same format as start. */
  exdates?: string[];
}

/** One occurrence skipped (start null) or moved to another instant; epoch ms. */
export interface OccurrenceOverride {
  originalStart: number;
  start: number | null;
}

/** key = original start, epoch ms: the occurrence's identity, kept when it is moved. */
export interface Occurrence {
  key: number;
  start: number;
  end: number;
  moved: boolean;
}

export type RecurrenceProblem = {
  field: 'start' | 'timeZone' | 'rrule' | 'validFrom' | 'validUntil' | 'exdates';
  message: string;
};

/** `expand` never returns more than this. */
export const MAX_OCCURRENCES = 10_000;
export const MAX_EXDATES = 1_000;
/** A rule must produce something within this many years of its start. */
export const PROBE_YEARS = 10;
/** Hard stop for one rrule walk, in recurrence periods (days for DAILY …), whatever the window. */
const MAX_PERIODS = 50_000;
/** Starts and windows are limited to four-digit years. */
const MIN_MS = Date.UTC(1000, 0, 2);
const MAX_MS = Date.UTC(9999, 11, 30);

/** Thrown by `expand` for a spec that `checkRecurrence` refuses. */
export class RecurrenceError extends RangeError {
  constructor(readonly problems: RecurrenceProblem[]) {
    super(`Invalid recurrence: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
    this.name = 'RecurrenceError';
  }
}

interface Compiled {
  timeZone: string;
  startWall: WallClock;
  start: number; // floating
  rule: ParsedRule | null;
  /** rrule options with every start-derived default spelled out, so dtstart may move. */
  options: Partial<Options> | null;
  /** Latest floating start allowed by UNTIL (a little generous for a UTC UNTIL; checked exactly later). */
  untilFloating: number | null;
  untilUtc: number | null;
  validFrom: number | null; // floating midnight
  validUntilEnd: number | null; // floating midnight after the last valid day
  exdates: ReadonlySet<number>; // floating
}

function compile(spec: RecurrenceSpec): { compiled: Compiled | null; problems: RecurrenceProblem[] } {
  const problems: RecurrenceProblem[] = [];
  const add = (field: RecurrenceProblem['field'], message: string) => problems.push({ field, message });

  const startWall = parseLocal(spec.start);
  if (typeof startWall === 'string') add('start', startWall);
  const zoneOk = isValidTimeZone(spec.timeZone);
  if (!zoneOk) {
    add(
      'timeZone',
      `unknown time zone '${String(spec.timeZone)}' (expected an IANA name like Asia/Ho_Chi_Minh)`,
    );
  }

  let rule: ParsedRule | null = null;
  const ruleText = spec.rrule;
  if (
    ruleText !== undefined &&
    ruleText !== null &&
    (typeof ruleText !== 'string' || ruleText.trim() !== '')
  ) {
    const parsed = parseRule(ruleText);
    for (const message of parsed.problems) add('rrule', message);
    rule = parsed.rule;
  }

  const dateOf = (field: 'validFrom' | 'validUntil'): number | null => {
    const text = spec[field];
    if (text === undefined || text === null) return null;
    const d = parseDate(text);
    if (typeof d === 'string') {
      add(field, d);
      return null;
    }
    return wallToFloating({ ...d, hour: 0, minute: 0, second: 0 });
  };
  const validFrom = dateOf('validFrom');
  const validUntil = dateOf('validUntil');
  if (validFrom !== null && validUntil !== null && validUntil < validFrom) {
    add('validUntil', `validUntil ${spec.validUntil} is before validFrom ${spec.validFrom}`);
  }

  const exdates = new Set<number>();
  if (spec.exdates !== undefined && spec.exdates !== null) {
    if (!Array.isArray(spec.exdates)) add('exdates', 'exdates must be a list of local times');
    else if (spec.exdates.length > MAX_EXDATES) add('exdates', `at most ${MAX_EXDATES} exdates are allowed`);
    else {
      spec.exdates.forEach((text, i) => {
        const w = parseLocal(text);
        if (typeof w === 'string') add('exdates', `exdates[${i}] '${String(text)}': ${w}`);
        else exdates.add(wallToFloating(w));
      });
    }
  }

  if (typeof startWall === 'string' || !zoneOk) return { compiled: null, problems };
  const start = wallToFloating(startWall);
  if (validUntil !== null && validUntil + DAY_MS <= start) {
    add('validUntil', `validUntil ${spec.validUntil} is before the start ${spec.start.slice(0, 10)}`);
  }

  let untilFloating: number | null = null;
  let untilUtc: number | null = null;
  if (rule) {
    for (const message of ruleStartProblems(rule, startWall)) add('rrule', message);
    const u = rule.until;
    if (u) {
      if (u.kind === 'utc') {
        untilUtc = u.ms;
        untilFloating = utcToFloating(Math.min(Math.max(u.ms, MIN_MS), MAX_MS), spec.timeZone) + 3 * HOUR_MS;
      } else untilFloating = u.kind === 'date' ? u.floating + DAY_MS - 1 : u.floating;
      const tooEarly = u.kind === 'utc' ? u.ms < floatingToUtc(start, spec.timeZone) : untilFloating < start;
      if (tooEarly) add('rrule', `UNTIL is before the start ${spec.start}: the rule would never occur`);
    }
  }
  if (problems.length) return { compiled: null, problems };
  return {
    compiled: {
      timeZone: spec.timeZone,
      startWall,
      start,
      rule,
      options: rule ? explicitOptions(rule, startWall) : null,
      untilFloating,
      untilUtc,
      validFrom,
      validUntilEnd: validUntil === null ? null : validUntil + DAY_MS,
      exdates,
    },
    problems,
  };
}

/** rrule fills some options from DTSTART (parseoptions.ts); spell them out so DTSTART can be moved forward. */
function explicitOptions(rule: ParsedRule, start: WallClock): Partial<Options> {
  const o: Partial<Options> = { ...rule.options };
  const hasDayPart = o.byweekno != null || o.byyearday != null || o.bymonthday != null || o.byweekday != null;
  if (!hasDayPart) {
    if (rule.freq === Frequency.YEARLY) {
      o.bymonth ??= start.month;
      o.bymonthday = start.day;
    } else if (rule.freq === Frequency.MONTHLY) o.bymonthday = start.day;
    else if (rule.freq === Frequency.WEEKLY) o.byweekday = [new Weekday(weekdayOf(wallToFloating(start)))];
  }
  if (rule.freq !== Frequency.HOURLY) o.byhour ??= [start.hour];
  o.byminute ??= [start.minute];
  o.bysecond ??= [start.second];
  return o;
}

/** rrule numbering: Monday 0 … Sunday 6. */
function weekdayOf(floating: number): number {
  return (new Date(floating).getUTCDay() + 6) % 7;
}

function midnight(floating: number): number {
  return Math.floor(floating / DAY_MS) * DAY_MS;
}

function monthIndex(floating: number): number {
  const d = new Date(floating);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

function monthStart(index: number): number {
  return wallToFloating({
    year: Math.floor(index / 12),
    month: (index % 12) + 1,
    day: 1,
    hour: 0,
    minute: 0,
    second: 0,
  });
}

/**
 * The latest start of a whole recurrence period (as rrule counts them from DTSTART, INTERVAL apart) that is
 * not after `target`, and how many periods run from there to `end`. Starting rrule there instead of at the
 * first DTSTART skips the years in between; for a rule without COUNT the result is the same.
 */
function periodPlan(
  c: Compiled,
  rule: ParsedRule,
  target: number,
  end: number,
): { dtstart: number; periods: number } {
  const n = rule.interval;
  let first: number; // start of the period containing the original DTSTART
  let at: (k: number) => number;
  let index: (f: number) => number; // periods from `first`, fractional
  switch (rule.freq) {
    case Frequency.YEARLY: {
      const y0 = c.startWall.year;
      first = monthStart(y0 * 12);
      at = (k) => monthStart((y0 + k * n) * 12);
      index = (f) => (monthIndex(f) / 12 - y0) / n;
      break;
    }
    case Frequency.MONTHLY: {
      const m0 = monthIndex(c.start);
      first = monthStart(m0);
      at = (k) => monthStart(m0 + k * n);
      index = (f) => (monthIndex(f) - m0) / n;
      break;
    }
    default: {
      const len =
        rule.freq === Frequency.HOURLY
          ? n * HOUR_MS
          : rule.freq === Frequency.WEEKLY
            ? 7 * n * DAY_MS
            : n * DAY_MS;
      if (rule.freq === Frequency.HOURLY) first = Math.floor(c.start / HOUR_MS) * HOUR_MS;
      else if (rule.freq === Frequency.WEEKLY) {
        first = midnight(c.start) - ((weekdayOf(c.start) - rule.wkst + 7) % 7) * DAY_MS;
      } else first = midnight(c.start);
      at = (k) => first + k * len;
      index = (f) => (f - first) / len;
    }
  }
  const k = rule.count === null ? Math.floor(index(target)) : 0;
  const dtstart = k > 0 ? at(k) : c.start;
  const periods = Math.ceil(index(end) - (k > 0 ? k : 0)) + 2;
  return { dtstart, periods: Math.min(Math.max(periods, 1), MAX_PERIODS) };
}

/**
 * rrule walks period after period until it finds a date past the range, so a rule that matches nothing (or
 * only rarely) would walk to the year 9999. It reads `options.interval` exactly once on entry and twice per
 * period (the end-of-period check, then the step); answering 0 at a check ends the walk cleanly. Exported
 * for its test only, which fails if an rrule upgrade changes this.
 */
export function limitPeriods(rule: RRule, periods: number): void {
  let reads = 0;
  const maxReads = 2 * periods - 1; // the check after period P is read 2P
  const interval = rule.options.interval;
  // An accessor on this one key only: a Proxy would slow down every other option read in the walk.
  Object.defineProperty(rule.options, 'interval', {
    get: () => (++reads > maxReads ? 0 : interval),
    configurable: true,
    enumerable: true,
  });
}

/** Floating starts in [from, to] allowed by the rule, UNTIL and (unless `ruleOnly`) validity and EXDATEs. */
function floatingStarts(c: Compiled, from: number, to: number, limit: number, ruleOnly = false): number[] {
  let lo = Math.max(from, c.start);
  let hi = to;
  if (c.untilFloating !== null) hi = Math.min(hi, c.untilFloating);
  if (!ruleOnly) {
    if (c.validFrom !== null) lo = Math.max(lo, c.validFrom);
    if (c.validUntilEnd !== null) hi = Math.min(hi, c.validUntilEnd - 1);
  }
  if (lo > hi || limit <= 0) return [];
  let starts: number[];
  if (!c.rule || !c.options) {
    starts = c.start >= lo && c.start <= hi ? [c.start] : [];
  } else {
    const plan = periodPlan(c, c.rule, lo, hi);
    const options: Partial<Options> = { ...c.options, dtstart: new Date(plan.dtstart), count: c.rule.count };
    const rrule = new RRule(options, true);
    limitPeriods(rrule, plan.periods);
    starts = rrule
      .between(new Date(lo), new Date(hi), true, (_d, len) => len < limit)
      .map((d) => d.getTime());
  }
  return ruleOnly ? starts : starts.filter((f) => !c.exdates.has(f));
}

function compileOrThrow(spec: RecurrenceSpec): Compiled {
  const { compiled, problems } = compile(spec);
  if (!compiled) throw new RecurrenceError(problems);
  return compiled;
}

/** Everything wrong with a spec, in plain English per field; [] when valid. */
export function checkRecurrence(spec: RecurrenceSpec): RecurrenceProblem[] {
  const { compiled, problems } = compile(spec);
  if (!compiled || !compiled.rule) return problems;
  const horizon = wallToFloating({
    ...compiled.startWall,
    year: compiled.startWall.year + PROBE_YEARS,
    day: 1,
  });
  if (floatingStarts(compiled, compiled.start, horizon, 1, true).length === 0) {
    const untilFirst = compiled.untilFloating !== null && compiled.untilFloating < horizon;
    return [
      {
        field: 'rrule',
        message: untilFirst
          ? 'the RRULE has no occurrence between the start and UNTIL'
          : `the RRULE has no occurrence in the ${PROBE_YEARS} years after the start`,
      },
    ];
  }
  return [];
}

/** The instant of a floating start, or null when a UTC UNTIL excludes it. */
function instantOf(c: Compiled, floating: number): number | null {
  const t = floatingToUtc(floating, c.timeZone);
  return c.untilUtc !== null && t > c.untilUtc ? null : t;
}

function isOccurrence(c: Compiled, key: number): boolean {
  if (key < MIN_MS || key > MAX_MS) return false;
  const f = utcToFloating(key, c.timeZone);
  return floatingStarts(c, f, f, 1).includes(f) && instantOf(c, f) === key;
}

/**
 * Occurrences overlapping [from, to) (start < to && end > from), sorted by start, at most MAX_OCCURRENCES.
 * Overrides apply to real occurrences only: a skipped one disappears; a moved one keeps its key and is
 * listed when its new interval overlaps the window, wherever the original was. Throws RecurrenceError for a
 * spec `checkRecurrence` refuses.
 */
export function expand(
  spec: RecurrenceSpec,
  durationMs: number,
  window: { from: number; to: number },
  overrides: readonly OccurrenceOverride[] = [],
): Occurrence[] {
  const c = compileOrThrow(spec);
  if (!Number.isFinite(durationMs) || durationMs < 0) throw new RangeError(`Invalid duration ${durationMs}`);
  if (!(window.to > window.from)) return [];
  const overlaps = (start: number) => start < window.to && start + durationMs > window.from;
  const byOriginal = new Map<number, OccurrenceOverride>();
  for (const o of overrides) byOriginal.set(o.originalStart, o);

  const out: Occurrence[] = [];
  const seen = new Set<number>();
  const lo = Math.max(window.from - durationMs, MIN_MS);
  const hi = Math.min(window.to, MAX_MS);
  if (lo < hi) {
    // A day either side covers any zone offset; the exact test is on instants below.
    const from = utcToFloating(lo, c.timeZone) - DAY_MS;
    const to = utcToFloating(hi, c.timeZone) + DAY_MS;
    for (const f of floatingStarts(c, from, to, MAX_OCCURRENCES + byOriginal.size + 1_000)) {
      const key = instantOf(c, f);
      if (key === null || seen.has(key)) continue; // a wall time in a DST gap can land on the next one
      seen.add(key);
      const override = byOriginal.get(key);
      const start = override ? override.start : key;
      if (start !== null && overlaps(start)) {
        out.push({ key, start, end: start + durationMs, moved: start !== key });
      }
    }
  }
  for (const o of byOriginal.values()) {
    if (o.start === null || seen.has(o.originalStart) || !overlaps(o.start)) continue;
    if (!isOccurrence(c, o.originalStart)) continue;
    seen.add(o.originalStart);
    out.push({
      key: o.originalStart,
      start: o.start,
      end: o.start + durationMs,
      moved: o.start !== o.originalStart,
    });
  }
  out.sort((a, b) => a.start - b.start || a.key - b.key);
  return out.length > MAX_OCCURRENCES ? out.slice(0, MAX_OCCURRENCES) : out;
}

/** Stable id of one occurrence: `${scheduleId}@${key}` (the manifest item id). */
export function occurrenceId(scheduleId: string, key: number): string {
  return `${scheduleId}@${key}`;
}

export function parseOccurrenceId(id: string): { scheduleId: string; key: number } | null {
  if (typeof id !== 'string') return null;
  const at = id.lastIndexOf('@');
  if (at <= 0) return null;
  const keyText = id.slice(at + 1);
  if (!/^-?\d{1,16}$/.test(keyText)) return null;
  const key = Number(keyText);
  if (!Number.isSafeInteger(key)) return null;
  return { scheduleId: id.slice(0, at), key };
}
