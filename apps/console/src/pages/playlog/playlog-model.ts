/*
 * The play log page's logic without DOM or preact: days in the server's time zone, the verdict on a
 * commune's day, and play reports folded into playbacks (start, end, outcome). Unit-tested.
 */
import { isDate, localDayStart, nextDay, todayIn } from '../reports/period';
import type { CommuneDay, PlayReportRow } from './types';

export { todayIn };

/** `date` moved by `days` (YYYY-MM-DD, calendar arithmetic). */
export function shiftDay(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The day the URL asks for, when it is a real date not after today; else today. */
export function pickDay(asked: string | null | undefined, today: string): string {
  return isDate(asked) && asked <= today ? asked : today;
}

/** [from, to) of a local day as ISO instants, for the list's filters. */
export function dayBounds(date: string, timeZone: string): { from: string; to: string } {
  return { from: localDayStart(date, timeZone), to: localDayStart(nextDay(date), timeZone) };
}

// ---- the daily summary ----

export type VerdictKey = 'full' | 'partial' | 'low' | 'nothing' | 'inProgress' | 'noSchedule' | 'unknown';
export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'muted';

export interface Verdict {
  key: VerdictKey;
  tone: Tone;
  /** Played / scheduled in whole percent (may pass 100); null when nothing was scheduled or unknown. */
  pct: number | null;
  /** Width of the bar, 0–100. */
  bar: number;
}

/** At or above this share of the scheduled minutes, a day counts as fully played (clocks and rounding). */
export const FULL_RATIO = 0.95;
/** Below this share, a day counts as badly short. */
export const LOW_RATIO = 0.5;

/**
 * How a commune's day went against its schedule, in words and a tone (never colour alone). Today is
 * still running: a short ratio then means "so far", not a failure.
 */
export function verdictOf(
  day: Pick<CommuneDay, 'scheduledMinutes' | 'playedRatio'>,
  scheduledKnown: boolean,
  isToday: boolean,
): Verdict {
  if (!scheduledKnown || day.scheduledMinutes === null)
    return { key: 'unknown', tone: 'muted', pct: null, bar: 0 };
  if (!day.scheduledMinutes || day.playedRatio === null)
    return { key: 'noSchedule', tone: 'muted', pct: null, bar: 0 };
  const ratio = day.playedRatio;
  const pct = Math.round(ratio * 100);
  const bar = Math.max(0, Math.min(100, pct));
  if (ratio >= FULL_RATIO) return { key: 'full', tone: 'ok', pct, bar };
  if (isToday) return { key: 'inProgress', tone: 'info', pct, bar };
  if (ratio <= 0) return { key: 'nothing', tone: 'bad', pct, bar };
  if (ratio >= LOW_RATIO) return { key: 'partial', tone: 'warn', pct, bar };
  return { key: 'low', tone: 'bad', pct, bar };
}

/** Every commune of the answer added up (the "whole area" line when there are several). */
export function sumCommunes(
  communes: readonly CommuneDay[],
): Omit<CommuneDay, 'communeId' | 'code' | 'name' | 'path'> {
  const sum = (pick: (c: CommuneDay) => number | null) => communes.reduce((n, c) => n + (pick(c) ?? 0), 0);
  const known = communes.every((c) => c.scheduledMinutes !== null);
  const scheduledMinutes = known ? round2(sum((c) => c.scheduledMinutes)) : null;
  const scheduledPlayedMinutes = round2(sum((c) => c.scheduledPlayedMinutes));
  return {
    clusters: sum((c) => c.clusters),
    scheduledOccurrences: known ? sum((c) => c.scheduledOccurrences) : null,
    scheduledMinutes,
    started: sum((c) => c.started),
    finished: sum((c) => c.finished),
    interrupted: sum((c) => c.interrupted),
    failed: sum((c) => c.failed),
    playedMinutes: round2(sum((c) => c.playedMinutes)),
    scheduledPlayedMinutes,
    playedRatio:
      scheduledMinutes && scheduledMinutes > 0
        ? Math.round((scheduledPlayedMinutes / scheduledMinutes) * 10_000) / 10_000
        : null,
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

// ---- reports into playbacks ----

/** What was played: a schedule's occurrence, an operator's broadcast, a live stream, or a bare command. */
export type WhatKind = 'schedule' | 'broadcast' | 'live' | 'command';

export function whatKind(row: Pick<PlayReportRow, 'source' | 'broadcastId'>): WhatKind {
  if (row.source === 'schedule') return 'schedule';
  if (row.source === 'live') return 'live';
  return row.broadcastId ? 'broadcast' : 'command';
}

/** How a playback ended, in the words the page shows. */
export type OutcomeKey = 'full' | 'stopped' | 'preempted' | 'interrupted' | 'failed' | 'open';

export const OUTCOME_TONES: Record<OutcomeKey, Tone> = {
  full: 'ok',
  stopped: 'muted',
  preempted: 'warn',
  interrupted: 'warn',
  failed: 'bad',
  open: 'info',
};

export function outcomeOf(event: string, reason: string | null): OutcomeKey {
  if (event === 'finished') return 'full';
  if (event === 'failed') return 'failed';
  if (event === 'interrupted')
    return reason === 'stopped' ? 'stopped' : reason === 'preempted' ? 'preempted' : 'interrupted';
  return 'open';
}

export interface Playback {
  /** The newest report's id (stable across reloads). */
  key: string;
  clusterId: string;
  clusterName: string | null;
  clusterCode: string | null;
  kind: WhatKind;
  title: string | null;
  emergency: boolean;
  /** When it went on air (null: unknown); `startEstimated` when worked out from the time played. */
  startedAt: string | null;
  startEstimated: boolean;
  /** When it ended or failed (null: no end reported). */
  endedAt: string | null;
  outcome: OutcomeKey;
  /** Why, for stopped / preempted / interrupted / failed. */
  reason: string | null;
  detail: string | null;
  playedMs: number | null;
}

const at = (iso: string) => Date.parse(iso);

/**
 * Folds a page of reports into playbacks: each finished / interrupted report takes the latest earlier
 * `started` of the same cluster and playback (source + ref) from the page; without one on the page its start
 * is its end minus the time played. A failed report stands alone; a `started` nobody ended stays open.
 * Newest first, like the list the reports came from.
 */
export function playbacksOf(reports: readonly PlayReportRow[]): Playback[] {
  const ascending = [...reports].sort(
    (a, b) => at(a.occurredAt) - at(b.occurredAt) || compareIds(a.id, b.id),
  );
  const open = new Map<string, PlayReportRow[]>();
  const out: { playback: Playback; anchor: PlayReportRow }[] = [];
  const base = (r: PlayReportRow) => ({
    key: r.id,
    clusterId: r.clusterId,
    clusterName: r.clusterName,
    clusterCode: r.clusterCode,
    kind: whatKind(r),
    title: r.title ?? null,
    emergency: r.priority === 'emergency',
    detail: r.detail,
  });
  for (const r of ascending) {
    const key = `${r.clusterId}|${r.source}|${r.ref}`;
    if (r.event === 'started') {
      const list = open.get(key) ?? [];
      list.push(r);
      open.set(key, list);
      continue;
    }
    if (r.event === 'failed') {
      out.push({
        anchor: r,
        playback: {
          ...base(r),
          startedAt: null,
          startEstimated: false,
          endedAt: r.occurredAt,
          outcome: 'failed',
          reason: r.reason,
          playedMs: null,
        },
      });
      continue;
    }
    const start = open.get(key)?.pop();
    const estimated =
      !start && r.playedMs !== null ? new Date(at(r.occurredAt) - r.playedMs).toISOString() : null;
    out.push({
      anchor: r,
      playback: {
        ...base(r),
        title: r.title ?? start?.title ?? null,
        startedAt: start?.occurredAt ?? estimated,
        startEstimated: !start && estimated !== null,
        endedAt: r.occurredAt,
        outcome: outcomeOf(r.event, r.reason),
        reason: r.reason,
        playedMs: r.playedMs ?? (start ? Math.max(0, at(r.occurredAt) - at(start.occurredAt)) : null),
      },
    });
  }
  for (const list of open.values())
    for (const r of list)
      out.push({
        anchor: r,
        playback: {
          ...base(r),
          startedAt: r.occurredAt,
          startEstimated: false,
          endedAt: null,
          outcome: 'open',
          reason: null,
          playedMs: null,
        },
      });
  return out
    .sort((a, b) => at(b.anchor.occurredAt) - at(a.anchor.occurredAt) || compareIds(b.anchor.id, a.anchor.id))
    .map((x) => x.playback);
}

/** Report ids are bigint strings: order by length first, then text. */
function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

// ---- times ----

const clocks = new Map<string, Intl.DateTimeFormat>();

/**
 * Wall-clock time of an instant in the zone (`08:05:09`), with the date before it when it falls on another
 * day than `day` (a playback that began before midnight).
 */
export function clockTime(iso: string, timeZone: string, locale: string, day: string): string {
  const key = `${timeZone}|${locale}`;
  let clock = clocks.get(key);
  if (!clock) {
    clock = new Intl.DateTimeFormat(locale, {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    clocks.set(key, clock);
  }
  const date = new Date(iso);
  const text = clock.format(date);
  const local = localDate(date, timeZone);
  if (local === day) return text;
  // dd/mm as Vietnamese (and British) readers write it, whatever the runtime's locale data says.
  return `${local.slice(8, 10)}/${local.slice(5, 7)} ${text}`;
}

/** YYYY-MM-DD of an instant in the zone. */
export function localDate(date: Date, timeZone: string): string {
  return todayIn(timeZone, date);
}
