import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ClusterState, PresenceTransition, TelemetrySample } from '@loa-xa/persistence';
import type { Telemetry } from '@loa-xa/protocol';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { FleetView, type PresenceChange } from '../fleet/fleet-view.service';
import { MetricsService } from '../ops/metrics.service';

type TelemetryRow = Omit<TelemetrySample, 'id' | 'cluster'>;

/** PostgreSQL allows 65,535 bind parameters per statement. */
const MAX_PARAMS = 60_000;

/**
 * Writes device data in batches: telemetry rows, presence transitions and the per-cluster state snapshot.
 * One flush every TELEMETRY_FLUSH_MS (or sooner when a batch is full), one statement per batch, never one
 * round trip per message. A failed flush keeps its rows for the next try, up to TELEMETRY_QUEUE_MAX.
 */
@Injectable()
export class DeviceDataWriter implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger('DeviceDataWriter');
  private telemetry: TelemetryRow[] = [];
  private transitions: PresenceChange[] = [];
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private lastStateFlush = 0;
  private overflowed = 0;
  private readonly onPresence = (change: PresenceChange) => {
    this.transitions.push(change);
    this.dirty.add(change.clusterId);
    this.metrics.clustersConnected.set(this.fleet.online);
  };

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly fleet: FleetView,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.fleet.on('presence', this.onPresence);
    this.timer = setInterval(() => void this.flush(), this.config.telemetryFlushMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    this.fleet.off('presence', this.onPresence);
  }

  /** Last chance before the database closes: write everything that is queued. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.lastStateFlush = 0; // the final flush writes every snapshot
    await this.flush();
    if (this.pending > 0) await this.flush();
  }

  get pending(): number {
    return (
      this.telemetry.length + this.transitions.length + (this.lastStateFlush === 0 ? this.dirty.size : 0)
    );
  }

  /** Rows dropped because the queue was full (the database could not keep up). */
  get overflow(): number {
    return this.overflowed;
  }

  enqueueTelemetry(clusterId: string, telemetry: Telemetry, receivedAt: Date): void {
    this.dirty.add(clusterId);
    if (this.telemetry.length >= this.config.telemetryQueueMax) {
      this.overflowed++;
      this.metrics.drop('overload', `telemetry queue full for ${clusterId}`);
      return;
    }
    this.telemetry.push(toRow(clusterId, telemetry, receivedAt));
    this.metrics.telemetryQueue.set(this.telemetry.length);
    if (this.telemetry.length >= this.config.telemetryBatchMax) void this.flush();
  }

  /** Marks a cluster's snapshot (hello, telemetry, last seen) as needing a write. */
  markDirty(clusterId: string): void {
    this.dirty.add(clusterId);
  }

  /** Writes what is queued; concurrent callers share the flush in progress and then run one more. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.pending === 0) return;
    this.flushing = this.writeQueued().finally(() => (this.flushing = null));
    await this.flushing;
  }

  private async writeQueued(): Promise<void> {
    const telemetry = this.telemetry;
    const transitions = this.transitions;
    // Snapshots only serve a restart, and every telemetry dirties one: write them on a slower cadence.
    const now = Date.now();
    const statesDue = now - this.lastStateFlush >= this.config.stateFlushMs;
    const dirty = statesDue ? [...this.dirty] : [];
    if (statesDue) {
      this.lastStateFlush = now;
      this.dirty.clear();
    }
    this.telemetry = [];
    this.transitions = [];
    try {
      await this.timed('telemetry', telemetry.length, () =>
        this.insertChunks(TelemetrySample, telemetry, 18),
      );
      await this.timed('presence', transitions.length, () =>
        this.insertChunks(
          PresenceTransition,
          transitions.map((t) => ({ clusterId: t.clusterId, online: t.online, at: t.at, cause: t.cause })),
          4,
        ),
      );
      await this.timed('state', dirty.length, () => this.upsertStates(dirty));
    } catch (err) {
      // Keep the batch for the next flush (bounded by the queue limit) rather than lose it.
      this.logger.error({ err, rows: telemetry.length }, 'batch write failed; will retry');
      this.telemetry = telemetry.concat(this.telemetry).slice(-this.config.telemetryQueueMax);
      this.transitions = transitions.concat(this.transitions);
      for (const id of dirty) this.dirty.add(id);
    } finally {
      this.metrics.telemetryQueue.set(this.telemetry.length);
    }
  }

  private async timed(kind: string, rows: number, write: () => Promise<void>): Promise<void> {
    if (rows === 0) return;
    const end = this.metrics.batchWriteSeconds.startTimer({ kind });
    await write();
    end();
    this.metrics.rowsWritten.inc({ kind }, rows);
  }

  private async insertChunks<T extends object>(
    entity: new () => T,
    rows: object[],
    columns: number,
  ): Promise<void> {
    const size = Math.max(1, Math.min(this.config.telemetryBatchMax, Math.floor(MAX_PARAMS / columns)));
    for (let i = 0; i < rows.length; i += size) {
      await this.dataSource
        .createQueryBuilder()
        .insert()
        .into(entity)
        .values(rows.slice(i, i + size) as never)
        .updateEntity(false)
        .execute();
    }
  }

  private async upsertStates(clusterIds: string[]): Promise<void> {
    const rows: Partial<ClusterState>[] = [];
    for (const clusterId of clusterIds) {
      const live = this.fleet.get(clusterId);
      if (!live) continue;
      rows.push({
        clusterId,
        online: live.online,
        lastSeenAt: live.lastSeenAt,
        onlineSince: live.online ? live.since : null,
        hello: live.hello as Record<string, unknown> | null,
        telemetry: live.telemetry as Record<string, unknown> | null,
        telemetryAt: live.telemetryAt,
      });
    }
    const size = Math.floor(MAX_PARAMS / 7);
    for (let i = 0; i < rows.length; i += size) {
      await this.dataSource
        .getRepository(ClusterState)
        .upsert(rows.slice(i, i + size) as QueryDeepPartialEntity<ClusterState>[], ['clusterId']);
    }
  }
}

function toRow(clusterId: string, t: Telemetry, receivedAt: Date): TelemetryRow {
  return {
    clusterId,
    deviceTs: new Date(t.ts),
    receivedAt,
    seq: String(t.seq),
    netType: t.net.type,
    rssi: t.net.rssi ?? null,
    rsrp: t.net.rsrp ?? null,
    sinr: t.net.sinr ?? null,
    powerSource: t.power.source,
    batteryV: t.power.batteryV ?? null,
    ampState: t.amp,
    lineState: t.line,
    tempC: t.tempC ?? null,
    volume: t.volume,
    storageFreeMb: t.storageFreeMb,
    clockOffsetMs: t.clockOffsetMs,
    payload: t as unknown as Record<string, unknown>,
  };
}
