import type { ClusterLifecycle } from '@loa-xa/persistence';

/**
 * Where a cluster may go from each lifecycle state. `replaced` (an FM or broken cluster swapped for another)
 * can only be retired; `decommissioned` is final.
 */
export const LIFECYCLE_TRANSITIONS: Readonly<Record<ClusterLifecycle, readonly ClusterLifecycle[]>> = {
  planned: ['active', 'decommissioned'],
  active: ['faulty', 'replaced', 'decommissioned'],
  faulty: ['active', 'replaced', 'decommissioned'],
  replaced: ['decommissioned'],
  decommissioned: [],
};

/** States a cluster can be registered in (the others are reached through transitions). */
export const INITIAL_LIFECYCLES = [
  'planned',
  'active',
  'faulty',
] as const satisfies readonly ClusterLifecycle[];

/** States in which an IP cluster no longer holds a valid MQTT credential. */
export const RETIRED_LIFECYCLES: ReadonlySet<ClusterLifecycle> = new Set(['replaced', 'decommissioned']);

export function canTransition(from: ClusterLifecycle, to: ClusterLifecycle): boolean {
  return LIFECYCLE_TRANSITIONS[from].includes(to);
}
