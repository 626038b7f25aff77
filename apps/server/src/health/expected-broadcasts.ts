/**
 * Which scheduled occurrences each cluster should have started in a time range (after preemption): the
 * missed-broadcast rule checks them against play reports. The broadcasts module provides it under this token.
 */
export const EXPECTED_BROADCASTS = 'loa:health:expected-broadcasts';

export interface ExpectedBroadcasts {
  /** Occurrences starting in [from, to) that each cluster should start, by cluster id. */
  expectedStarts(from: number, to: number): Map<string, { id: string; start: number }[]>;
}
