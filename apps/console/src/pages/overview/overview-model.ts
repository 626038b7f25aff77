/*
 * Pure overview logic (no DOM, no preact): the local day, today's coming broadcasts from the schedules'
 * next occurrences, the day's play totals and the one-line verdict on the loudspeakers.
 */

export interface OccurrenceSummary {
  id: string;
  start: string;
  end: string;
  status: 'scheduled' | 'moved' | 'skipped' | string;
}

export interface ScheduleLite {
  id: string;
  title: string;
  priority: string;
  enabled: boolean;
  clusterCount: number;
  next: OccurrenceSummary[];
}

export interface TodayItem {
  id: string;
  scheduleId: string;
  title: string;
  priority: string;
  start: string;
  end: string;
  moved: boolean;
  clusterCount: number;
  /** Playing now. */
  onAir: boolean;
}

/** "YYYY-MM-DD" of an instant in a time zone. */
export function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

/** The rest of today's broadcasts (on air or to come), soonest first; skipped ones left out. */
export function todaysBroadcasts(
  schedules: ScheduleLite[],
  now: Date,
  timeZone: string,
  limit = 8,
): TodayItem[] {
  const today = localDate(now, timeZone);
  const items: TodayItem[] = [];
  for (const s of schedules) {
    if (!s.enabled) continue;
    for (const o of s.next) {
      if (o.status === 'skipped') continue;
      const start = new Date(o.start);
      const end = new Date(o.end);
      if (end.getTime() <= now.getTime() || localDate(start, timeZone) !== today) continue;
      items.push({
        id: o.id,
        scheduleId: s.id,
        title: s.title,
        priority: s.priority,
        start: o.start,
        end: o.end,
        moved: o.status === 'moved',
        clusterCount: s.clusterCount,
        onAir: start.getTime() <= now.getTime(),
      });
    }
  }
  items.sort((a, b) => a.start.localeCompare(b.start) || a.title.localeCompare(b.title));
  return items.slice(0, limit);
}

export interface CommunePlay {
  clusters: number;
  scheduledOccurrences: number | null;
  scheduledMinutes: number | null;
  started: number;
  finished: number;
  interrupted: number;
  failed: number;
  playedMinutes: number;
  scheduledPlayedMinutes: number;
}

export interface PlayTotals {
  scheduledOccurrences: number | null;
  scheduledMinutes: number | null;
  started: number;
  finished: number;
  interrupted: number;
  failed: number;
  playedMinutes: number;
  scheduledPlayedMinutes: number;
  /** scheduledPlayedMinutes / scheduledMinutes, 0–1; null when nothing was scheduled. */
  ratio: number | null;
}

/** The day's play figures over every commune of the summary. */
export function playTotals(communes: CommunePlay[]): PlayTotals {
  const t: PlayTotals = {
    scheduledOccurrences: null,
    scheduledMinutes: null,
    started: 0,
    finished: 0,
    interrupted: 0,
    failed: 0,
    playedMinutes: 0,
    scheduledPlayedMinutes: 0,
    ratio: null,
  };
  for (const c of communes) {
    if (c.scheduledOccurrences !== null)
      t.scheduledOccurrences = (t.scheduledOccurrences ?? 0) + c.scheduledOccurrences;
    if (c.scheduledMinutes !== null) t.scheduledMinutes = (t.scheduledMinutes ?? 0) + c.scheduledMinutes;
    t.started += c.started;
    t.finished += c.finished;
    t.interrupted += c.interrupted;
    t.failed += c.failed;
    t.playedMinutes += c.playedMinutes;
    t.scheduledPlayedMinutes += c.scheduledPlayedMinutes;
  }
  if (t.scheduledMinutes) t.ratio = Math.min(1, t.scheduledPlayedMinutes / t.scheduledMinutes);
  return t;
}

export interface FleetCounts {
  online: number;
  offline: number;
  /** Clusters with at least one active alert. */
  withAlerts: number;
}

export type Verdict =
  | { kind: 'none' }
  | { kind: 'allWell'; n: number }
  | { kind: 'problems'; offline: number; withAlerts: number };

/** "Are my loudspeakers working?" in one line. */
export function verdict(c: FleetCounts): Verdict {
  const total = c.online + c.offline;
  if (total === 0) return { kind: 'none' };
  if (c.offline === 0 && c.withAlerts === 0) return { kind: 'allWell', n: total };
  return { kind: 'problems', offline: c.offline, withAlerts: c.withAlerts };
}

/** Distinct clusters with an active alert, from GET /alerts/summary `byCommune`. */
export function clustersWithAlerts(byCommune: { clusters: number }[]): number {
  return byCommune.reduce((sum, c) => sum + c.clusters, 0);
}
