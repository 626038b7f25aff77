/* Totals for reports: how long something is scheduled within a window (e.g. one local day). */

/** Total time covered by the union of the intervals, clipped to [from, to); overlaps count once. */
export function scheduledMs(
  occurrences: readonly { start: number; end: number }[],
  window: { from: number; to: number },
): number {
  const clipped = occurrences
    .map((o) => ({ start: Math.max(o.start, window.from), end: Math.min(o.end, window.to) }))
    .filter((o) => o.end > o.start)
    .sort((a, b) => a.start - b.start);
  let total = 0;
  let runStart = 0;
  let runEnd = -Infinity;
  for (const o of clipped) {
    if (o.start > runEnd) {
      if (runEnd > runStart) total += runEnd - runStart;
      runStart = o.start;
      runEnd = o.end;
    } else if (o.end > runEnd) runEnd = o.end;
  }
  if (runEnd > runStart) total += runEnd - runStart;
  return total;
}
