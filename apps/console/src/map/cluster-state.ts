/**
 * What a cluster's dot on the map means, from the API's cluster view. Pure (no DOM): unit-tested.
 */
export type ClusterState = 'online' | 'offline' | 'fault' | 'battery' | 'never';

export interface MapCluster {
  id: string;
  name: string;
  latitude: number | null;
  longitude: number | null;
  state: ClusterState;
  /** Shown in the marker's popup when given. */
  code?: string;
  village?: string | null;
}

/** The fields of the API's ClusterView (list or detail) that decide the state. */
export interface ClusterStateInput {
  online: boolean;
  lastSeenAt: string | Date | null;
  activeFaults: readonly string[];
}

/** Faults that mean "running on its battery" rather than "broken": shown as their own state. */
export const POWER_FAULTS: ReadonlySet<string> = new Set(['mains_lost', 'battery_low']);

/** In the order the legend lists them, worst first. */
export const CLUSTER_STATES: readonly ClusterState[] = ['fault', 'offline', 'battery', 'online', 'never'];

/**
 * never: not heard from since it was registered (or FM); offline: not connected now;
 * fault: connected with a hardware fault (amplifier, line, heat, storage, clock);
 * battery: connected, no other fault, but on battery (mains lost or battery low); online otherwise.
 */
export function clusterState(view: ClusterStateInput): ClusterState {
  if (!view.online) return view.lastSeenAt ? 'offline' : 'never';
  const faults = view.activeFaults ?? [];
  if (faults.some((code) => !POWER_FAULTS.has(code))) return 'fault';
  if (faults.length > 0) return 'battery';
  return 'online';
}

/** Marker fill colours (the legend and badges also say the state in words). */
export const STATE_COLORS: Readonly<Record<ClusterState, string>> = {
  online: '#1d7a3a',
  battery: '#c77700',
  fault: '#b3261e',
  offline: '#5b6b7a',
  never: '#b9c3cc',
};

/** Badge tone for each state (ui/components Badge). */
export const STATE_TONES: Readonly<Record<ClusterState, 'ok' | 'warn' | 'bad' | 'info' | 'muted'>> = {
  online: 'ok',
  battery: 'warn',
  fault: 'bad',
  offline: 'muted',
  never: 'muted',
};

/** How many clusters are in each state (legend counts). */
export function countStates(clusters: readonly { state: ClusterState }[]): Record<ClusterState, number> {
  const counts: Record<ClusterState, number> = { online: 0, offline: 0, fault: 0, battery: 0, never: 0 };
  for (const c of clusters) counts[c.state] += 1;
  return counts;
}

/** Clusters that can be placed on the map (both coordinates known and in range). */
export function hasPosition<T extends { latitude: number | null; longitude: number | null }>(
  c: T,
): c is T & { latitude: number; longitude: number } {
  return (
    typeof c.latitude === 'number' &&
    typeof c.longitude === 'number' &&
    Number.isFinite(c.latitude) &&
    Number.isFinite(c.longitude) &&
    Math.abs(c.latitude) <= 90 &&
    Math.abs(c.longitude) <= 180
  );
}
