import { monitorEventLoopDelay } from 'node:perf_hooks';

/** Small helpers of the broadcasting benchmark: waiting, percentiles, formatting. */

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Thrown by a probe to stop `until` at once (anything else thrown is retried until the deadline). */
export class Abort extends Error {}

/** Polls `probe` until it returns a truthy value; throws after `timeoutMs` with the last error seen. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
  stepMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      if (err instanceof Abort) throw err;
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`,
      );
    await sleep(stepMs);
  }
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Median (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * This process's own load over a measured window: CPU seconds and event-loop delay. The simulated fleet
 * runs here, so a saturated bench process would show up in the latencies it reports.
 */
export function benchLoad(): () => { cpuS: number; loopP99Ms: number; loopMaxMs: number } {
  const cpu0 = process.cpuUsage();
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return () => {
    histogram.disable();
    const cpu = process.cpuUsage(cpu0);
    return {
      cpuS: (cpu.user + cpu.system) / 1e6,
      loopP99Ms: histogram.percentile(99) / 1e6,
      loopMaxMs: histogram.max / 1e6,
    };
  };
}

export const ascending = (values: Iterable<number>) => [...values].sort((a, b) => a - b);

export const seconds = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : '—');
export const millis = (ms: number) => (Number.isFinite(ms) ? `${Math.round(ms)} ms` : '—');

/** Prints `rows` as an aligned two-column table under `title`. */
export function table(title: string, rows: [string, string][]): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\n${title}`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
}
