import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import type { CommandAck, ManifestSync, PlayReport } from '@loa-xa/protocol';
import { DownloadLimiter } from './limiter';
import { createRng, deriveSeed, gaussian, uniform } from './rng';
import { SharedTicker } from './scheduler';
import { SimCluster, type DisconnectReason, type SimClusterOptions, type SimCounters } from './sim-cluster';

/** What a cluster needs to log in; `code` is the registry code, kept for humans. */
export interface SimCredential {
  clusterId: string;
  secret: string;
  code?: string;
}

/** Options shared by every cluster of the fleet, plus how the fleet starts them. */
export interface SimFleetOptions extends Omit<
  SimClusterOptions,
  | 'clusterId'
  | 'secret'
  | 'rng'
  | 'scheduler'
  | 'telemetryPhaseMs'
  | 'rsrpDbm'
  | 'downloadLimiter'
  | 'mediaDir'
> {
  /** Media downloads running at once across the whole fleet (each cluster runs one at a time). Default: no cap. */
  maxConcurrentDownloads?: number;
  /** Keep downloaded bytes under `<mediaDir>/<clusterId>/`. Default: hash only, keep nothing. */
  mediaDir?: string;
  /** Cluster connects started per second, so 10,000 clusters do not hit the broker in one instant. Default 200. */
  connectRatePerS?: number;
  /** Seed of the whole run; each cluster gets its own derived stream. Default: random. */
  seed?: number;
  /** Share of clusters on weak-signal sites (RSRP around `lowSignalRsrpDbm`). Default 0. */
  lowSignalFraction?: number;
  /** Default -118 dBm. */
  lowSignalRsrpDbm?: number;
  /** Per-cluster overrides (e.g. a different firmware on some clusters). */
  perCluster?: (credential: SimCredential, index: number) => Partial<SimClusterOptions>;
}

export interface SimFleetStats extends SimCounters {
  clusters: number;
  started: number;
  online: number;
  /** Clusters following a manifest. */
  withManifest: number;
  /** Clusters with something on air now. */
  onAir: number;
  /** Play reports waiting for a PUBACK, over the fleet. */
  pendingPlayReports: number;
}

export interface SimFleetEvents {
  online: [clusterId: string];
  offline: [clusterId: string, reason: DisconnectReason];
  ack: [clusterId: string, ack: CommandAck];
  /** Every play report of every cluster, the instant it happens (e.g. to time `started` across a fleet). */
  play: [clusterId: string, report: PlayReport];
  sync: [clusterId: string, sync: ManifestSync];
}

/**
 * Many simulated clusters in one process. All of them share one `SharedTicker` (a single Node timer),
 * start at a bounded rate and report on staggered telemetry phases.
 */
export class SimFleet extends EventEmitter<SimFleetEvents> {
  readonly seed: number;
  private readonly ticker = new SharedTicker();
  /** The fleet-wide download cap, when one was asked for. */
  readonly downloadLimiter: DownloadLimiter | undefined;
  private readonly clusters: SimCluster[] = [];
  private readonly byId = new Map<string, SimCluster>();
  private readonly connectRatePerS: number;
  private onlineCount = 0;
  private startedCount = 0;
  private stopped = false;
  private starting: Promise<void> | undefined;
  private cancelStarting: (() => void) | undefined;
  private onlineWaiters: Array<() => void> = [];

  constructor(credentials: readonly SimCredential[], options: SimFleetOptions) {
    super();
    const {
      connectRatePerS,
      seed,
      lowSignalFraction,
      lowSignalRsrpDbm,
      perCluster,
      maxConcurrentDownloads,
      mediaDir,
      ...shared
    } = options;
    this.downloadLimiter =
      maxConcurrentDownloads !== undefined && maxConcurrentDownloads > 0
        ? new DownloadLimiter(maxConcurrentDownloads)
        : undefined;
    this.connectRatePerS = Math.max(1, connectRatePerS ?? 200);
    this.seed = seed ?? Math.floor(Math.random() * 0x100000000);
    const interval = shared.telemetryIntervalMs ?? 60_000;
    const phaseBase = Date.now();
    credentials.forEach((credential, index) => {
      if (this.byId.has(credential.clusterId))
        throw new Error(`duplicate cluster id ${credential.clusterId}`);
      const rng = createRng(deriveSeed(this.seed, index));
      const weak = rng() < (lowSignalFraction ?? 0);
      const cluster = new SimCluster({
        ...shared,
        clusterId: credential.clusterId,
        secret: credential.secret,
        rng,
        scheduler: this.ticker,
        // Random phase on the telemetry grid: the broker sees a steady stream, not a burst per interval.
        telemetryPhaseMs: phaseBase + Math.floor(uniform(rng, 0, interval)),
        rsrpDbm: weak ? gaussian(rng, lowSignalRsrpDbm ?? -118, 3) : gaussian(rng, -95, 6),
        downloadLimiter: this.downloadLimiter,
        ...(mediaDir !== undefined ? { mediaDir: path.join(mediaDir, credential.clusterId) } : {}),
        ...perCluster?.(credential, index),
      });
      cluster.on('connected', () => {
        this.onlineCount++;
        this.emit('online', cluster.clusterId);
        this.notifyOnlineWaiters();
      });
      cluster.on('disconnected', ({ reason }) => {
        this.onlineCount--;
        this.emit('offline', cluster.clusterId, reason);
      });
      cluster.on('ack', (ack) => this.emit('ack', cluster.clusterId, ack));
      cluster.on('play', (report) => this.emit('play', cluster.clusterId, report));
      cluster.on('sync', (sync) => this.emit('sync', cluster.clusterId, sync));
      this.clusters.push(cluster);
      this.byId.set(credential.clusterId, cluster);
    });
  }

  get size(): number {
    return this.clusters.length;
  }

  get online(): number {
    return this.onlineCount;
  }

  get(clusterId: string): SimCluster | undefined {
    return this.byId.get(clusterId);
  }

  all(): readonly SimCluster[] {
    return this.clusters;
  }

  /** Starts every cluster at `connectRatePerS`; resolves once all have been started (not yet online). */
  start(): Promise<void> {
    this.starting ??= new Promise<void>((resolve) => {
      const began = Date.now();
      let cancelled = false;
      this.cancelStarting = () => {
        cancelled = true;
        resolve();
      };
      const step = () => {
        if (cancelled || this.stopped) return resolve();
        // Token bucket against the clock: catches up if the event loop was late.
        const due = Math.min(
          this.clusters.length,
          Math.floor(((Date.now() - began) / 1000) * this.connectRatePerS) + 1,
        );
        while (this.startedCount < due) this.clusters[this.startedCount++].start();
        if (this.startedCount >= this.clusters.length) return resolve();
        this.ticker.after(Math.max(5, 1000 / this.connectRatePerS), step);
      };
      step();
    });
    return this.starting;
  }

  /** Resolves when at least `count` clusters (default: all) are online; rejects after `timeoutMs`. */
  waitForOnline(count = this.clusters.length, timeoutMs = 60_000): Promise<void> {
    if (this.onlineCount >= count) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.onlineWaiters = this.onlineWaiters.filter((w) => w !== check);
        reject(new Error(`only ${this.onlineCount}/${count} clusters online after ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      const check = () => {
        if (this.onlineCount < count) return;
        clearTimeout(timer);
        this.onlineWaiters = this.onlineWaiters.filter((w) => w !== check);
        resolve();
      };
      this.onlineWaiters.push(check);
    });
  }

  /** Sum of every cluster's counters (walks the fleet: call it every few seconds, not per message). */
  stats(): SimFleetStats {
    const total: SimFleetStats = {
      clusters: this.clusters.length,
      started: this.startedCount,
      online: this.onlineCount,
      withManifest: 0,
      onAir: 0,
      pendingPlayReports: 0,
      telemetrySent: 0,
      telemetryDropped: 0,
      commandsReceived: 0,
      commandsExecuted: 0,
      duplicateCommands: 0,
      invalidCommands: 0,
      acksSent: 0,
      eventsRaised: 0,
      reconnects: 0,
      manifestsApplied: 0,
      manifestsIgnored: 0,
      invalidManifests: 0,
      syncsSent: 0,
      downloadsCompleted: 0,
      downloadsFailed: 0,
      downloadBytes: 0,
      streamBytes: 0,
      playReports: 0,
      playReportsSent: 0,
    };
    const counterKeys = Object.keys(this.clusters[0]?.counters ?? {}) as Array<keyof SimCounters>;
    for (const cluster of this.clusters) {
      const c = cluster.counters;
      for (const key of counterKeys) total[key] += c[key];
      if (cluster.manifestVersion !== null) total.withManifest++;
      if (cluster.onAir) total.onAir++;
      total.pendingPlayReports += cluster.pendingPlayReports.length;
    }
    return total;
  }

  /** Clean stop of every cluster (retained `offline`, then DISCONNECT). */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.halt();
    await Promise.all(this.clusters.map((cluster) => cluster.stop(timeoutMs)));
    this.ticker.close();
  }

  /** Every cluster dies at once without DISCONNECT: the broker publishes every will. */
  kill(): void {
    this.halt();
    for (const cluster of this.clusters) cluster.kill();
    this.ticker.close();
  }

  private halt(): void {
    this.stopped = true;
    this.cancelStarting?.();
  }

  private notifyOnlineWaiters(): void {
    for (const waiter of [...this.onlineWaiters]) waiter();
  }
}
