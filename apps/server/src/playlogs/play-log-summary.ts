import type { CommuneSummaryView } from './play-log.dto';

/* Pure parts of the daily summary: local days and the per-commune arithmetic. */

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

/** The wall-clock fields of an instant in a time zone. */
function wallClock(
  t: number,
  timeZone: string,
): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number> {
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter(timeZone).formatToParts(new Date(t)))
    if (part.type in out) out[part.type as keyof typeof out] = Number(part.value);
  return out;
}

/** Local time minus UTC at instant `t`, ms. */
function offsetAt(t: number, timeZone: string): number {
  const w = wallClock(t, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(t / 1000) * 1000;
}

/** The instant local midnight starts the day y-m-d in the zone (the offset is checked again across DST). */
function localMidnight(year: number, month: number, day: number, timeZone: string): number {
  const asUtc = Date.UTC(year, month - 1, day);
  const first = asUtc - offsetAt(asUtc, timeZone);
  return asUtc - offsetAt(first, timeZone);
}

/** [from, to) of the local day `date` (YYYY-MM-DD) in `timeZone`. */
export function localDayBounds(date: string, timeZone: string): { from: Date; to: Date } {
  const [year, month, day] = date.split('-').map(Number);
  const next = new Date(Date.UTC(year, month - 1, day + 1));
  return {
    from: new Date(localMidnight(year, month, day, timeZone)),
    to: new Date(localMidnight(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), timeZone)),
  };
}

/** `YYYY-MM-DD HH:mm:ss` wall-clock time of an instant in a zone (for CSV readers). */
export function localTime(at: Date, timeZone: string): string {
  const w = wallClock(at.getTime(), timeZone);
  const p = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${p(w.year, 4)}-${p(w.month)}-${p(w.day)} ${p(w.hour)}:${p(w.minute)}:${p(w.second)}`;
}

export interface CommuneInfo {
  communeId: string;
  code: string;
  name: string;
  path: string;
  /** IP clusters of the commune now. */
  clusters: number;
}

export interface CommuneLogCounts {
  started: number;
  finished: number;
  interrupted: number;
  failed: number;
  /** On air, every source. */
  playedMs: number;
  /** On air, scheduled occurrences only (the numerator of the ratio). */
  scheduledPlayedMs: number;
}

const minutes = (ms: number) => Math.round(ms / 600) / 100;

/**
 * One row per commune: what the clusters reported, next to what was scheduled for them. `scheduled` is
 * per cluster (null: no schedule source, so the scheduled figures are null); `clusterCommune` places each
 * cluster in its commune.
 */
export function summarizeCommunes(
  communes: readonly CommuneInfo[],
  counts: ReadonlyMap<string, CommuneLogCounts>,
  clusterCommune: ReadonlyMap<string, string>,
  scheduled: ReadonlyMap<string, { occurrences: number; ms: number }> | null,
): CommuneSummaryView[] {
  const planned = new Map<string, { occurrences: number; ms: number }>();
  if (scheduled) {
    for (const [clusterId, figures] of scheduled) {
      const communeId = clusterCommune.get(clusterId);
      if (!communeId) continue; // outside the asked scope
      const sum = planned.get(communeId) ?? { occurrences: 0, ms: 0 };
      sum.occurrences += figures.occurrences;
      sum.ms += figures.ms;
      planned.set(communeId, sum);
    }
  }
  return communes.map((commune) => {
    const c = counts.get(commune.communeId);
    const plan = scheduled ? (planned.get(commune.communeId) ?? { occurrences: 0, ms: 0 }) : null;
    const scheduledPlayedMs = c?.scheduledPlayedMs ?? 0;
    return {
      ...commune,
      scheduledOccurrences: plan ? plan.occurrences : null,
      scheduledMinutes: plan ? minutes(plan.ms) : null,
      started: c?.started ?? 0,
      finished: c?.finished ?? 0,
      interrupted: c?.interrupted ?? 0,
      failed: c?.failed ?? 0,
      playedMinutes: minutes(c?.playedMs ?? 0),
      scheduledPlayedMinutes: minutes(scheduledPlayedMs),
      playedRatio: plan && plan.ms > 0 ? Math.round((scheduledPlayedMs / plan.ms) * 10_000) / 10_000 : null,
    };
  });
}
