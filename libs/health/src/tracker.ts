/*
 * One cluster × one rule over time: when a condition becomes an alert and when the alert resolves.
 * Hysteresis (raiseAfterS / clearAfterS) keeps short blips out; a condition that keeps coming and going
 * (flapCount changes within flapWindowS) opens one alert marked flapping, which resolves only after the
 * condition stayed clear for flapClearS — never a stream of open/resolve pairs.
 */

export interface DampingParams {
  raiseAfterS: number;
  clearAfterS: number;
  flapCount: number;
  flapWindowS: number;
  flapClearS: number;
}

export interface Tracker {
  /** Last known state of the condition. */
  active: boolean;
  /** When `active` last changed. */
  changedAt: number;
  /** When the current bad episode began (first change to active since the last resolution). */
  episodeStart: number | null;
  alerted: boolean;
  flapping: boolean;
  /** Times of the changes within the flap window. */
  toggles: number[];
  /** Closed by a person while the condition held: no new alert until it has cleared once. */
  suppressed: boolean;
}

export type TrackerAction =
  | { type: 'raise'; since: number; flapping: boolean }
  | { type: 'resolve'; clearedAt: number }
  | { type: 'flapping' };

export interface StepResult {
  actions: TrackerAction[];
  /** When `tick` must be called next (null: only a new observation can change anything). */
  dueAt: number | null;
}

export function newTracker(now: number): Tracker {
  return {
    active: false,
    changedAt: now,
    episodeStart: null,
    alerted: false,
    flapping: false,
    toggles: [],
    suppressed: false,
  };
}

/** A tracker for an alert found open in storage (after a restart): the condition is assumed to hold. */
export function restoredTracker(since: number, flapping: boolean, now: number): Tracker {
  return { ...newTracker(now), active: true, episodeStart: since, alerted: true, flapping };
}

/** The condition was seen `active` as of `at` (≤ now). */
export function observe(t: Tracker, active: boolean, at: number, now: number, p: DampingParams): StepResult {
  if (active !== t.active) {
    t.active = active;
    t.changedAt = Math.min(at, now);
    t.toggles.push(t.changedAt);
    if (active && t.episodeStart === null) t.episodeStart = t.changedAt;
    if (!active && t.suppressed) t.suppressed = false;
  }
  return tick(t, now, p);
}

/** Time passed: raise or resolve whatever is due. */
export function tick(t: Tracker, now: number, p: DampingParams): StepResult {
  const actions: TrackerAction[] = [];
  const windowStart = now - p.flapWindowS * 1000;
  while (t.toggles.length > 0 && t.toggles[0] < windowStart) t.toggles.shift();
  const flappingNow = p.flapCount > 0 && t.toggles.length >= p.flapCount;

  if (!t.alerted) {
    if (t.suppressed) return { actions, dueAt: null };
    const raiseAt = t.changedAt + p.raiseAfterS * 1000;
    if (t.active && now >= raiseAt) {
      raise(t, t.episodeStart ?? t.changedAt, flappingNow, actions);
      return { actions, dueAt: null };
    }
    if (flappingNow && t.active) {
      // Back again after coming and going (faster than the hold time, or alert after alert): that itself is
      // the problem, and one flapping alert says it better than another open/resolve pair.
      raise(t, t.toggles[0], true, actions);
      return { actions, dueAt: null };
    }
    if (!t.active) t.episodeStart = null;
    return { actions, dueAt: t.active ? raiseAt : null };
  }

  if (flappingNow && !t.flapping) {
    t.flapping = true;
    actions.push({ type: 'flapping' });
  }
  if (t.active) return { actions, dueAt: null };
  const resolveAt = t.changedAt + (t.flapping ? p.flapClearS : p.clearAfterS) * 1000;
  if (now >= resolveAt) {
    actions.push({ type: 'resolve', clearedAt: t.changedAt });
    reset(t);
    return { actions, dueAt: null };
  }
  return { actions, dueAt: resolveAt };
}

/** A person resolved the alert: forget it; if the condition still holds, wait for it to clear first. */
export function resolvedByHand(t: Tracker): void {
  const wasActive = t.active;
  reset(t);
  t.suppressed = wasActive;
  if (wasActive) t.episodeStart = null;
}

/** The rule was disabled (or the cluster left service): the alert resolves at once. */
export function forceResolve(t: Tracker, now: number): StepResult {
  if (!t.alerted) {
    reset(t);
    return { actions: [], dueAt: null };
  }
  reset(t);
  t.active = false;
  t.changedAt = now;
  return { actions: [{ type: 'resolve', clearedAt: now }], dueAt: null };
}

function raise(t: Tracker, since: number, flapping: boolean, actions: TrackerAction[]): void {
  t.alerted = true;
  t.flapping = flapping;
  t.episodeStart = since;
  actions.push({ type: 'raise', since, flapping });
}

/** Back to quiet. The changes stay counted (they age out of the flap window), so alert after alert flaps. */
function reset(t: Tracker): void {
  t.alerted = false;
  t.flapping = false;
  t.suppressed = false;
  t.episodeStart = t.active ? t.changedAt : null;
}
