import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { Hello, Telemetry } from '@loa-xa/protocol';

/** How long after a disconnect a message may still be one sent before it. */
const IN_FLIGHT_MS = 5000;

export type PresenceCause = 'connect' | 'will' | 'offline_status' | 'disconnect' | 'server_start';

export interface ActiveFault {
  code: string;
  since: Date;
  detail: string | null;
}

/** What the server knows about one IP cluster right now. */
export interface ClusterLive {
  online: boolean;
  /** When the current online/offline period began (null: never seen since the server started). */
  since: Date | null;
  lastSeenAt: Date | null;
  hello: Hello | null;
  telemetry: Telemetry | null;
  telemetryAt: Date | null;
  /** Last telemetry seq, to count gaps (lost messages). */
  lastSeq: number | null;
  faults: Map<string, ActiveFault>;
}

export interface PresenceChange {
  clusterId: string;
  online: boolean;
  at: Date;
  cause: PresenceCause;
}

/**
 * The in-memory fleet view: presence, latest hello and telemetry, active faults of every IP cluster.
 * Device handlers write it on every message; the API reads it; the database gets it in batches.
 * Emits 'presence' (PresenceChange) when a cluster goes online or offline, 'telemetry' (cluster id) after
 * each telemetry message, 'faults' (cluster id) when a fault is raised or cleared, and 'forget' (cluster id).
 */
@Injectable()
export class FleetView extends EventEmitter {
  private readonly clusters = new Map<string, ClusterLive>();
  private onlineCount = 0;

  constructor() {
    super();
    // Every open cluster page in the console listens here (GET /clusters/:id/stream): no fixed limit.
    this.setMaxListeners(0);
  }

  /** Makes a cluster known (at start from the registry, then whenever one is created). */
  register(clusterId: string, lastSeenAt: Date | null = null): ClusterLive {
    let live = this.clusters.get(clusterId);
    if (!live) {
      live = {
        online: false,
        since: null,
        lastSeenAt,
        hello: null,
        telemetry: null,
        telemetryAt: null,
        lastSeq: null,
        faults: new Map(),
      };
      this.clusters.set(clusterId, live);
    }
    return live;
  }

  forget(clusterId: string): void {
    const live = this.clusters.get(clusterId);
    if (live?.online) this.onlineCount--;
    if (this.clusters.delete(clusterId)) this.emit('forget', clusterId);
  }

  get(clusterId: string): ClusterLive | undefined {
    return this.clusters.get(clusterId);
  }

  has(clusterId: string): boolean {
    return this.clusters.has(clusterId);
  }

  get size(): number {
    return this.clusters.size;
  }

  get online(): number {
    return this.onlineCount;
  }

  /** Ids of every cluster in the view. */
  ids(): IterableIterator<string> {
    return this.clusters.keys();
  }

  /** Ids of the clusters online now (for list filters). */
  onlineIds(): string[] {
    const ids: string[] = [];
    for (const [id, live] of this.clusters) if (live.online) ids.push(id);
    return ids;
  }

  setPresence(clusterId: string, online: boolean, at: Date, cause: PresenceCause): void {
    const live = this.clusters.get(clusterId);
    if (!live) return;
    if (online) live.lastSeenAt = at;
    if (live.online === online) return;
    live.online = online;
    live.since = at;
    this.onlineCount += online ? 1 : -1;
    const change: PresenceChange = { clusterId, online, at, cause };
    this.emit('presence', change);
  }

  /**
   * Any message from a cluster proves it is connected — except one that was already on its way when the
   * link dropped: messages arriving within IN_FLIGHT_MS of a disconnect do not bring the cluster back (a
   * real reconnect publishes `status: online`, which sets presence directly).
   */
  touch(clusterId: string, at: Date): void {
    const live = this.clusters.get(clusterId);
    if (!live) return;
    live.lastSeenAt = at;
    if (live.online) return;
    if (live.since && at.getTime() - live.since.getTime() < IN_FLIGHT_MS) return;
    this.setPresence(clusterId, true, at, 'connect');
  }

  setHello(clusterId: string, hello: Hello, at: Date): void {
    const live = this.clusters.get(clusterId);
    if (!live) return;
    live.hello = hello;
    live.lastSeq = null; // a new session may restart the seq numbering
    this.touch(clusterId, at);
  }

  /** Stores the latest telemetry and returns how many messages were missed since the previous one. */
  setTelemetry(clusterId: string, telemetry: Telemetry, at: Date): number {
    const live = this.clusters.get(clusterId);
    if (!live) return 0;
    const gap =
      live.lastSeq !== null && telemetry.seq > live.lastSeq + 1 ? telemetry.seq - live.lastSeq - 1 : 0;
    live.lastSeq = telemetry.seq;
    live.telemetry = telemetry;
    live.telemetryAt = at;
    this.touch(clusterId, at);
    this.emit('telemetry', clusterId);
    return gap;
  }

  raiseFault(clusterId: string, code: string, since: Date, detail: string | null): void {
    const live = this.clusters.get(clusterId);
    if (!live) return;
    live.faults.set(code, { code, since, detail });
    this.emit('faults', clusterId);
  }

  clearFault(clusterId: string, code: string): void {
    if (this.clusters.get(clusterId)?.faults.delete(code)) this.emit('faults', clusterId);
  }
}
