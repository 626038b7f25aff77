import type { ClusterItem } from './fleet-model';
import { clusterMessages, type ClusterKey } from './cluster-messages';

export interface FaultView {
  code: string;
  since: string;
  detail: string | null;
}

/** The device's latest telemetry message (docs/protocol.md); every field optional here, firmware varies. */
export interface TelemetryMessage {
  net?: { type?: string; rssi?: number; rsrp?: number; rsrq?: number; sinr?: number; operator?: string };
  power?: { source?: string; batteryV?: number; batteryPct?: number };
  amp?: string;
  line?: string;
  tempC?: number;
  volume?: number;
  storageFreeMb?: number;
  clockOffsetMs?: number;
  uptimeS?: number;
  playing?: { kind?: string; ref?: string; since?: number } | null;
}

export interface ClusterLive {
  online: boolean;
  since: string | null;
  lastSeenAt: string | null;
  hello: Record<string, unknown> | null;
  telemetry: TelemetryMessage | null;
  telemetryAt: string | null;
  faults: FaultView[];
}

export interface ClusterDetail extends ClusterItem {
  stationId: string | null;
  address: string | null;
  vendor: string | null;
  model: string | null;
  firmware: string | null;
  serial: string | null;
  msisdn: string | null;
  iccid: string | null;
  installedOn: string | null;
  notes: string | null;
  live: ClusterLive | null;
}

export interface CommandView {
  id: string;
  type: string;
  params: Record<string, unknown>;
  status: string;
  createdAt: string;
  expiresAt: string;
  deliveredAt: string | null;
  completedAt: string | null;
  result: Record<string, unknown> | null;
  error: { code: string; message?: string | null } | null;
}

export const OPEN_COMMAND_STATES: ReadonlySet<string> = new Set(['pending', 'delivered', 'started']);

/** A cluster detail with a new live state from the stream (the list fields follow it). */
export function withLive(cluster: ClusterDetail, live: ClusterLive | null): ClusterDetail {
  if (!live) return { ...cluster, live };
  return {
    ...cluster,
    live,
    online: live.online,
    lastSeenAt: live.lastSeenAt,
    activeFaults: live.faults.map((f) => f.code),
  };
}

/** `t(prefix + value)` when the dictionary has it, else the value itself (a newer server's enum). */
export function labelOf(
  t: (key: ClusterKey, params?: Record<string, string | number>) => string,
  prefix: string,
  value: string,
) {
  const key = `${prefix}${value}` as ClusterKey;
  return key in clusterMessages.vi ? t(key) : value;
}
