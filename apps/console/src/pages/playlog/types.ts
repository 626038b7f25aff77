/** One play report as `/api/v1/play-logs` returns it. */
export interface PlayReportRow {
  id: string;
  clusterId: string;
  clusterCode: string | null;
  clusterName: string | null;
  source: 'schedule' | 'command' | 'live' | string;
  ref: string;
  event: 'started' | 'finished' | 'interrupted' | 'failed' | string;
  reason: string | null;
  detail: string | null;
  playedMs: number | null;
  occurredAt: string;
  scheduleId: string | null;
  broadcastId: string | null;
  liveSessionId: string | null;
  /** The schedule's, broadcast's or live session's title (null: unnamed or deleted). */
  title?: string | null;
  priority?: string | null;
}

/** One commune's day in `/api/v1/play-logs/summary`. */
export interface CommuneDay {
  communeId: string;
  code: string;
  name: string;
  path: string;
  clusters: number;
  scheduledOccurrences: number | null;
  scheduledMinutes: number | null;
  started: number;
  finished: number;
  interrupted: number;
  failed: number;
  playedMinutes: number;
  scheduledPlayedMinutes: number;
  playedRatio: number | null;
}

export interface DaySummary {
  date: string;
  timeZone: string;
  from: string;
  to: string;
  scheduledKnown: boolean;
  communes: CommuneDay[];
}
