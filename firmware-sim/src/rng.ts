/**
 * Seedable randomness. A simulation run must be reproducible from its seed, so nothing in the
 * simulator calls Math.random() directly: every random draw goes through an injected `Rng`.
 */
export type Rng = () => number;

/** Mulberry32: tiny, fast and good enough for simulation (not for secrets). Returns values in [0, 1). */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Derives an independent seed for item `index` of a run, so cluster N behaves the same whatever the fleet size. */
export function deriveSeed(seed: number, index: number): number {
  // SplitMix32-style finaliser over (seed, index): neighbouring indexes give unrelated streams.
  let z = (seed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** Uniform value in [min, max). */
export function uniform(rng: Rng, min: number, max: number): number {
  return min + (max - min) * rng();
}

/** Normally distributed value (Box–Muller), for measurement noise. */
export function gaussian(rng: Rng, mean: number, stdDev: number): number {
  const u = 1 - rng(); // (0, 1]: log(0) would be -Infinity
  const v = rng();
  return mean + stdDev * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Waiting time of a Poisson process with the given mean: how long until the next random outage or fault. */
export function exponential(rng: Rng, mean: number): number {
  return -mean * Math.log(1 - rng());
}

/** Random lowercase hex string, e.g. for boot ids. */
export function randomHex(rng: Rng, length: number): string {
  let out = '';
  while (out.length < length)
    out += Math.floor(rng() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return out.slice(0, length);
}

/** Clamps `value` into [min, max]. */
export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
