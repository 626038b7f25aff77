/**
 * Where the daily summary gets the scheduled side from. The broadcasts module provides it (in any module or
 * globally) under this token; without a provider the summary's scheduled figures are null.
 */
export const SCHEDULED_TIME = 'loa:playlogs:scheduled-time';

export interface ScheduledTimeSource {
  /** Scheduled occurrences per cluster whose start lies in [from, to), with the time each would play (after preemption). */
  scheduledByCluster(
    clusterIds: readonly string[] | null,
    from: number,
    to: number,
  ): Promise<Map<string, { occurrences: number; ms: number }>>;
}
