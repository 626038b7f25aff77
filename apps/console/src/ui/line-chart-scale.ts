/**
 * The arithmetic of LineChart (no DOM): scales, "nice" ticks, downsampling and the SVG path with gaps.
 * Unit-tested in test/console/unit/fleet-chart.spec.ts.
 */
export interface Point {
  /** Epoch ms. */
  t: number;
  v: number;
}

export type Scale = (value: number) => number;

export function linearScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  if (span === 0) return () => (r0 + r1) / 2;
  return (value) => r0 + ((value - d0) / span) * (r1 - r0);
}

/** A step of 1, 2, 2.5 or 5 × 10ⁿ giving about `count` intervals over [min, max]. */
export function niceStep(min: number, max: number, count = 4): number {
  const raw = Math.abs(max - min) / Math.max(1, count);
  if (!Number.isFinite(raw) || raw === 0) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/**
 * The y domain for values: fixed bounds win; otherwise the data's extent widened to whole steps, and a
 * flat series is given room around its value.
 */
export function valueDomain(
  values: readonly number[],
  fixed: { min?: number; max?: number } = {},
  count = 4,
): { domain: [number, number]; ticks: number[] } {
  let lo = fixed.min ?? Math.min(...values);
  let hi = fixed.max ?? Math.max(...values);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    lo = fixed.min ?? 0;
    hi = fixed.max ?? 1;
  }
  if (lo === hi) {
    const pad = Math.abs(lo) > 1 ? Math.abs(lo) * 0.1 : 1;
    if (fixed.min === undefined) lo -= pad;
    if (fixed.max === undefined) hi += pad;
  }
  const step = niceStep(lo, hi, count);
  if (fixed.min === undefined) lo = Math.floor(lo / step) * step;
  if (fixed.max === undefined) hi = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(roundTo(v, step));
  return { domain: [lo, hi], ticks };
}

function roundTo(value: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(value.toFixed(digits));
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const TIME_STEPS = [
  5 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  24 * HOUR,
];

/**
 * Time ticks at round local times (offset: the display zone's UTC offset in ms, e.g. +7 h for Việt Nam),
 * about `count` of them between from and to.
 */
export function timeTicks(from: number, to: number, count = 5, offsetMs = 0): number[] {
  const span = to - from;
  if (span <= 0) return [];
  const step = TIME_STEPS.find((s) => span / s <= count) ?? Math.ceil(span / count / (24 * HOUR)) * 24 * HOUR;
  const first = Math.ceil((from + offsetMs) / step) * step - offsetMs;
  const ticks: number[] = [];
  for (let t = first; t <= to; t += step) ticks.push(t);
  return ticks;
}

/** At most `max` points: the mean of each time bucket (keeps the shape, drops the noise). */
export function downsample(points: readonly Point[], max: number): Point[] {
  if (points.length <= max || max < 2) return [...points];
  const from = points[0].t;
  const span = points[points.length - 1].t - from || 1;
  const buckets: { t: number; v: number; n: number }[] = [];
  for (const p of points) {
    const i = Math.min(max - 1, Math.floor(((p.t - from) / span) * max));
    const b = (buckets[i] ??= { t: 0, v: 0, n: 0 });
    b.t += p.t;
    b.v += p.v;
    b.n += 1;
  }
  return buckets.filter(Boolean).map((b) => ({ t: b.t / b.n, v: b.v / b.n }));
}

/** Median interval between points: what counts as a normal step (for gap detection). */
export function typicalStep(points: readonly Point[]): number {
  if (points.length < 2) return 0;
  const steps = points
    .slice(1)
    .map((p, i) => p.t - points[i].t)
    .sort((a, b) => a - b);
  return steps[Math.floor(steps.length / 2)];
}

/**
 * SVG path of the series; a silence longer than `gapMs` (the cluster was offline) breaks the line
 * instead of drawing a misleading straight segment across it.
 */
export function linePath(points: readonly Point[], x: Scale, y: Scale, gapMs = Infinity): string {
  let d = '';
  let previous: Point | null = null;
  for (const p of points) {
    const cmd = previous === null || p.t - previous.t > gapMs ? 'M' : 'L';
    d += `${cmd}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`;
    previous = p;
  }
  return d;
}

/** The point nearest in time to t (for the hover read-out). */
export function nearest(points: readonly Point[], t: number): Point | null {
  if (points.length === 0) return null;
  let lo = 0;
  let hi = points.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (points[mid].t < t) lo = mid;
    else hi = mid;
  }
  return Math.abs(points[lo].t - t) <= Math.abs(points[hi].t - t) ? points[lo] : points[hi];
}
