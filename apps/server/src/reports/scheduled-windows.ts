import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { ScheduledTimeSource } from '../playlogs/scheduled-time';
import { periodWindows, type ReportPeriod } from './report-period';

/** Days per call to the schedule source: its work is synchronous, so a long period is cut into windows. */
export const SCHEDULED_WINDOW_DAYS = 31;

/**
 * Scheduled occurrences and time per cluster over a period, asked of the source window by window (each
 * window starts at a local midnight) with a turn of the event loop in between, so six months of planning
 * for thousands of clusters never blocks device ingestion for the whole computation. Occurrences are
 * counted in the window their start falls in, so the sums equal one call over the whole period except for
 * preemption across a window boundary (broadcasts running over local midnight).
 */
export async function scheduledOverPeriod(
  source: ScheduledTimeSource,
  clusterIds: readonly string[] | null,
  period: ReportPeriod,
  onWindow?: (done: number, of: number) => void,
): Promise<Map<string, { occurrences: number; ms: number }>> {
  const out = new Map<string, { occurrences: number; ms: number }>();
  const windows = periodWindows(period, SCHEDULED_WINDOW_DAYS);
  for (const [i, window] of windows.entries()) {
    const part = await source.scheduledByCluster(clusterIds, window.from, window.to);
    for (const [clusterId, figures] of part) {
      const sum = out.get(clusterId);
      if (sum) {
        sum.occurrences += figures.occurrences;
        sum.ms += figures.ms;
      } else out.set(clusterId, { ...figures });
    }
    onWindow?.(i + 1, windows.length);
    await yieldToLoop();
  }
  return out;
}
