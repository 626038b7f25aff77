/*
 * Week calendar arithmetic, pure (no DOM, no preact): local days and minutes of instants in the server's
 * time zone, the week window to ask the API for, dense occurrences grouped per hour, overlap lanes, and
 * what an occurrence's counters mean for the people who run it.
 */

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
export const DAY_MINUTES = 1440;

// ---- local time in an IANA zone ----

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
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
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall clock in `timeZone` at `ms`, as the epoch ms that reading would have in UTC ("floating"). */
function floatingAt(ms: number, timeZone: string): number {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(ms))
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  const whole = Date.UTC(p.year, p.month - 1, p.day, p.hour % 24, p.minute, p.second);
  return whole + (((ms % 1000) + 1000) % 1000);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function floatingDate(f: number): string {
  const d = new Date(f);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** 'YYYY-MM-DD' local date of an instant. */
export function localDateOf(ms: number, timeZone: string): string {
  return floatingDate(floatingAt(ms, timeZone));
}

/** Minutes since local midnight of an instant (fractional: seconds count). */
export function localMinuteOf(ms: number, timeZone: string): number {
  const f = floatingAt(ms, timeZone);
  return (((f % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS;
}

/** 'YYYY-MM-DDTHH:mm' local wall clock of an instant (what a datetime field shows). */
export function localDateTimeOf(ms: number, timeZone: string): string {
  const f = floatingAt(ms, timeZone);
  const d = new Date(f);
  return `${floatingDate(f)}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** The instant a local wall clock ('YYYY-MM-DD' or 'YYYY-MM-DDTHH:mm[:ss]') names in `timeZone`. */
export function localToInstant(local: string, timeZone: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(local);
  if (!m) return NaN;
  const floating = Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  // Two rounds settle the offset, also next to a daylight-saving change.
  let guess = floating - (floatingAt(floating, timeZone) - floating);
  guess = floating - (floatingAt(guess, timeZone) - guess);
  return guess;
}

// ---- calendar dates (zone-free 'YYYY-MM-DD' arithmetic) ----

export function isDate(value: string | null | undefined): value is string {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Monday … 6 = Sunday (Vietnamese weeks start on Monday: Thứ Hai). */
export function weekdayOf(date: string): number {
  return (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
}

export function mondayOf(date: string): string {
  return addDays(date, -weekdayOf(date));
}

export function weekDates(monday: string): string[] {
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

/** The instants of a local week, Monday 00:00 to the next Monday 00:00. */
export function weekWindow(monday: string, timeZone: string): { from: number; to: number } {
  return { from: localToInstant(monday, timeZone), to: localToInstant(addDays(monday, 7), timeZone) };
}

/** The week a URL asks for (any day of it), or the current one. */
export function resolveWeek(param: string | null | undefined, now: number, timeZone: string): string {
  return mondayOf(isDate(param) ? param : localDateOf(now, timeZone));
}

// ---- layout ----

export interface CalendarItem {
  /** Unique per occurrence. */
  key: string;
  /** Occurrences of the same group (schedule) within one hour may share a block. */
  group: string;
  start: number;
  end: number;
}

export interface Block<T extends CalendarItem> {
  key: string;
  /** 0 = Monday … 6 = Sunday of the week laid out. */
  day: number;
  date: string;
  items: T[];
  /** Minutes since local midnight: first start, last end (clipped to the day). */
  startMin: number;
  endMin: number;
  /** Drawn extent in minutes (at least minMinutes tall, so a short chime can still be read and clicked). */
  top: number;
  bottom: number;
  lane: number;
  lanes: number;
}

export interface LayoutOptions {
  /** Smallest drawn height, minutes. */
  minMinutes: number;
  /** Put several occurrences of one group in the same local hour into one block (a 15-minute chime). */
  groupPerHour: boolean;
}

/** Places occurrences of one week: a block per occurrence (or per group and hour), side by side in lanes. */
export function layoutWeek<T extends CalendarItem>(
  items: readonly T[],
  monday: string,
  timeZone: string,
  options: LayoutOptions,
): Block<T>[] {
  const dates = weekDates(monday);
  const dayIndex = new Map(dates.map((d, i) => [d, i]));
  const buckets = new Map<string, { day: number; date: string; items: T[] }>();
  const sorted = [...items].sort((a, b) => a.start - b.start || a.key.localeCompare(b.key));
  for (const item of sorted) {
    const date = localDateOf(item.start, timeZone);
    const day = dayIndex.get(date);
    if (day === undefined) continue;
    const hour = Math.floor(localMinuteOf(item.start, timeZone) / 60);
    const id = options.groupPerHour ? `${item.group}|${date}|${hour}` : item.key;
    const bucket = buckets.get(id);
    if (bucket) bucket.items.push(item);
    else buckets.set(id, { day, date, items: [item] });
  }
  const blocks: Block<T>[] = [];
  for (const [id, bucket] of buckets) {
    const first = bucket.items[0];
    const startMin = localMinuteOf(first.start, timeZone);
    const lastEnd = Math.max(...bucket.items.map((i) => i.end));
    // Minutes from this day's midnight; an occurrence running past midnight is cut at 24:00 here.
    const endMin = Math.min(DAY_MINUTES, startMin + (lastEnd - first.start) / MINUTE_MS);
    const top = Math.min(startMin, DAY_MINUTES - options.minMinutes);
    blocks.push({
      key: bucket.items.length > 1 ? `g:${id}` : first.key,
      day: bucket.day,
      date: bucket.date,
      items: bucket.items,
      startMin,
      endMin,
      top,
      bottom: Math.max(endMin, top + options.minMinutes),
      lane: 0,
      lanes: 1,
    });
  }
  for (let day = 0; day < 7; day++) assignLanes(blocks.filter((b) => b.day === day));
  return blocks.sort((a, b) => a.day - b.day || a.top - b.top || a.lane - b.lane);
}

/**
 * Side-by-side lanes for blocks whose drawn extents overlap: each block takes the first free lane, and
 * every block of a run of overlapping ones shares the run's lane count (so widths line up).
 */
export function assignLanes<T extends { top: number; bottom: number; lane: number; lanes: number }>(
  blocks: T[],
): T[] {
  const ordered = [...blocks].sort((a, b) => a.top - b.top || b.bottom - a.bottom);
  let run: T[] = [];
  let laneEnds: number[] = [];
  let runBottom = -Infinity;
  const close = () => {
    for (const b of run) b.lanes = laneEnds.length;
    run = [];
    laneEnds = [];
  };
  for (const block of ordered) {
    if (block.top >= runBottom) close();
    let lane = laneEnds.findIndex((end) => end <= block.top);
    if (lane === -1) {
      lane = laneEnds.length;
      laneEnds.push(block.bottom);
    } else laneEnds[lane] = block.bottom;
    block.lane = lane;
    run.push(block);
    runBottom = run.length === 1 ? block.bottom : Math.max(runBottom, block.bottom);
  }
  close();
  return blocks;
}

/**
 * The hour the grid opens at: an hour before now when the week shows today (what comes next matters
 * most), else the preferred morning hour, or earlier when something plays before it.
 */
export function firstHour(
  blocks: readonly { top: number; day: number }[],
  preferred: number,
  todayIndex: number,
  nowMinute: number,
): number {
  if (todayIndex >= 0) return Math.max(0, Math.floor(nowMinute / 60) - 1);
  const mornings = blocks.map((b) => b.top).filter((top) => top >= 4 * 60);
  const earliest = Math.min(preferred * 60, ...mornings);
  return Math.max(0, Math.floor(earliest / 60));
}

// ---- what an occurrence's counters mean ----

export interface OccurrenceCounts {
  status: string;
  start: string;
  end: string;
  targets: number;
  acked: number;
  ready: number;
  played: { started: number; finished: number; failed: number };
}

export type ReadinessKind =
  'skipped' | 'noTargets' | 'notSent' | 'partial' | 'ready' | 'playing' | 'played' | 'failed' | 'missed';

export interface Readiness {
  kind: ReadinessKind;
  /** Clusters counted (ready, playing, played or failed), out of `total`. */
  count: number;
  total: number;
}

/** Manifests reach the clusters a day or two ahead: an occurrence further away is not expected there yet. */
export const SOON_MS = 24 * 3_600_000;

/**
 * Before it starts: how many target clusters hold the manifest and its files (nothing yet, far ahead, is
 * normal). While and after: what they reported playing (no report at all: missed, e.g. preempted).
 */
export function readinessOf(o: OccurrenceCounts, now: number): Readiness {
  const total = o.targets;
  if (o.status === 'skipped') return { kind: 'skipped', count: 0, total };
  if (total === 0) return { kind: 'noTargets', count: 0, total };
  const start = Date.parse(o.start);
  const end = Date.parse(o.end);
  if (now >= end) {
    if (o.played.failed > 0) return { kind: 'failed', count: o.played.failed, total };
    if (o.played.started > 0) return { kind: 'played', count: o.played.started, total };
    return { kind: 'missed', count: 0, total };
  }
  if (now >= start) return { kind: 'playing', count: o.played.started, total };
  if (o.acked === 0 && start - now > SOON_MS) return { kind: 'notSent', count: 0, total };
  if (o.ready >= total) return { kind: 'ready', count: o.ready, total };
  return { kind: 'partial', count: o.ready, total };
}

const WORST_FIRST: ReadinessKind[] = [
  'failed',
  'missed',
  'partial',
  'noTargets',
  'notSent',
  'playing',
  'ready',
  'played',
  'skipped',
];

/** One summary for several occurrences (a grouped block): the worst state, with its lowest count. */
export function combineReadiness(list: readonly Readiness[]): Readiness {
  if (list.length === 0) return { kind: 'noTargets', count: 0, total: 0 };
  for (const kind of WORST_FIRST) {
    const same = list.filter((r) => r.kind === kind);
    if (same.length === 0) continue;
    const lowest = same.reduce((a, b) => (b.count < a.count ? b : a));
    return { ...lowest };
  }
  return list[0];
}

export type ReadinessTone = 'ok' | 'warn' | 'bad' | 'info' | 'muted';

export function readinessTone(kind: ReadinessKind): ReadinessTone {
  switch (kind) {
    case 'ready':
    case 'played':
      return 'ok';
    case 'partial':
    case 'missed':
      return 'warn';
    case 'failed':
    case 'noTargets':
      return 'bad';
    case 'playing':
      return 'info';
    default:
      return 'muted';
  }
}

// ---- clashes ----

export interface ClashLike {
  kind: string;
  occurrenceStart: string;
}

/** Clashes of a schedule by the original start (epoch ms) of the occurrence they concern. */
export function clashesByOccurrence<C extends ClashLike>(clashes: readonly C[]): Map<number, C[]> {
  const map = new Map<number, C[]>();
  for (const c of clashes) {
    const key = Date.parse(c.occurrenceStart);
    const list = map.get(key);
    if (list) list.push(c);
    else map.set(key, [c]);
  }
  return map;
}

/** conflict: equal priority on shared clusters; preempted: a higher one cuts it; preempts: it cuts another. */
export interface ClashMarks {
  conflict: boolean;
  preempted: boolean;
  preempts: boolean;
}

export function marksOf(clashes: readonly ClashLike[]): ClashMarks {
  return {
    conflict: clashes.some((c) => c.kind === 'conflict'),
    preempted: clashes.some((c) => c.kind === 'preempted'),
    preempts: clashes.some((c) => c.kind === 'preempts'),
  };
}

// ---- from the API's answers to calendar items ----

export interface WeekScheduleLike<
  S,
  O extends { id: string; originalStart: string; start: string; end: string; status: string },
  C,
> {
  schedule: S & { id: string };
  occurrences: O[];
  clashes: Map<number, C[]>;
}

/** One calendar item per occurrence, carrying its schedule and the clashes that concern it. */
export function toCalendarItems<
  S,
  O extends { id: string; originalStart: string; start: string; end: string; status: string },
  C,
>(weeks: readonly WeekScheduleLike<S, O, C>[]) {
  return weeks.flatMap((w) =>
    w.occurrences.map((o) => {
      const start = Date.parse(o.start);
      return {
        key: o.status === 'skipped' ? `${o.id}:skipped` : o.id,
        group: w.schedule.id,
        start,
        end: Math.max(Date.parse(o.end), start + 1000),
        occurrence: o,
        schedule: w.schedule,
        clashes: w.clashes.get(Date.parse(o.originalStart)) ?? [],
      };
    }),
  );
}

// ---- from the calendar endpoint's one answer to the per-schedule shape the views use ----

/**
 * Groups the calendar's occurrences (ordered by start) under their schedules (in the answer's order),
 * each schedule carrying every clash of its occurrences in the range, and a map of them by
 * occurrence. Occurrences of a schedule the answer does not list are left out.
 */
export function weeksOf<
  S extends { id: string },
  O extends { scheduleId: string; relations: readonly C[] },
  C extends ClashLike & { scheduleId: string; from: string },
>(schedules: readonly S[], occurrences: readonly O[]) {
  const weeks = schedules.map((schedule) => ({
    schedule: { ...schedule, clashes: [] as C[] },
    occurrences: [] as O[],
    clashes: new Map<number, C[]>(),
  }));
  const byId = new Map(weeks.map((w) => [w.schedule.id, w]));
  for (const o of occurrences) {
    const week = byId.get(o.scheduleId);
    if (!week) continue;
    week.occurrences.push(o);
    week.schedule.clashes.push(...o.relations);
  }
  for (const week of weeks) week.clashes = clashesByOccurrence(week.schedule.clashes);
  return weeks;
}
