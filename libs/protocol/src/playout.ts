/*
 * Broadcast priorities and the one preemption rule every cluster follows. The server uses the same rule to
 * report clashes when a schedule is saved; a device applies it when two things want the speakers at once.
 */

/** Highest first. A province pushes `emergency` (storm, flood) to a whole district; `routine` is filler. */
export const PRIORITIES = ['emergency', 'province', 'district', 'commune', 'routine'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Larger wins: emergency 4 … routine 0. */
export const PRIORITY_RANK: Readonly<Record<Priority, number>> = {
  emergency: 4,
  province: 3,
  district: 2,
  commune: 1,
  routine: 0,
};

/** What started a playback: a manifest item, an immediate command (play_now), or a live stream. */
export const PLAYOUT_SOURCES = ['schedule', 'command', 'live'] as const;
export type PlayoutSource = (typeof PLAYOUT_SOURCES)[number];

export interface PlayoutClaim {
  priority: Priority;
  source: PlayoutSource;
}

/**
 * May `incoming` take the speakers from `current`?
 * - a higher priority always preempts a lower one;
 * - at equal priority an operator's immediate command or live stream (the latest decision) replaces what
 *   plays, but a scheduled item never cuts another item of its own priority (the server refuses such clashes
 *   unless forced; when forced, the one already playing finishes);
 * - nothing preempts an emergency except another emergency command.
 */
export function preempts(incoming: PlayoutClaim, current: PlayoutClaim | null): boolean {
  if (current === null) return true;
  const a = PRIORITY_RANK[incoming.priority];
  const b = PRIORITY_RANK[current.priority];
  if (a !== b) return a > b;
  return incoming.source !== 'schedule';
}
