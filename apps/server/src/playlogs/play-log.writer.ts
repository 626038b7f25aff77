import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter, Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { MetricsService } from '../ops/metrics.service';
import type { PlayLogInsert } from './play-log-rows';

/** Parameters of one row in the INSERT below. */
const COLUMNS = 16;
/** PostgreSQL allows 65,535 bind parameters per statement. */
const MAX_PARAMS = 60_000;

/**
 * The placeholders of one row, typed so the VALUES list needs no guessing (the first row decides the
 * types of the derived table).
 */
const ROW_TYPES = [
  'uuid', // cluster_id
  'varchar', // report_id
  'varchar', // source
  'varchar', // ref
  'varchar', // event
  'varchar', // reason
  'varchar', // detail
  'int', // played_ms
  'timestamptz', // device_at
  'timestamptz', // corrected_at
  'timestamptz', // occurred_at
  'timestamptz', // received_at
  'uuid', // schedule_id
  'timestamptz', // occurrence_start
  'uuid', // command_id
  'uuid', // live_session_id
];

/**
 * Writes play reports in batches: many clusters report within seconds of a broadcast, so reports are queued
 * and written with one multi-row INSERT per flush (every TELEMETRY_FLUSH_MS, or sooner when a batch is
 * full), up to TELEMETRY_QUEUE_MAX queued (beyond that: dropped, reason `overload`). The statement takes the
 * cluster's commune, village and unit path from the registry and the broadcast from the command, and skips a
 * (cluster, report id) already stored, so a report re-sent after an outage is counted once.
 */
@Injectable()
export class PlayLogWriter implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('PlayLogWriter');
  private queue: PlayLogInsert[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private readonly duplicates: Counter;
  private readonly depth: Gauge;
  private readonly listeners = new Set<(rows: readonly PlayLogInsert[]) => void>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
  ) {
    this.duplicates = new Counter({
      name: 'loa_playlog_duplicates_total',
      help: 'Play reports received again (same cluster and report id) and not counted twice',
      registers: [metrics.registry],
    });
    this.depth = new Gauge({
      name: 'loa_playlog_queue_depth',
      help: 'Play reports waiting for the next batch write',
      registers: [metrics.registry],
    });
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), this.config.telemetryFlushMs);
    this.timer.unref();
  }

  /** Last chance before the database closes: write everything that is queued. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
    if (this.queue.length > 0) await this.flush();
  }

  get pending(): number {
    return this.queue.length;
  }

  /**
   * Reports as they arrive (before the batch write; a re-sent report comes again, so listeners must be
   * idempotent): health rules (missed broadcasts) and work orders (first broadcast) follow them here.
   */
  onReports(listener: (rows: readonly PlayLogInsert[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Queues reports; those that do not fit are dropped and counted (`overload`). */
  enqueue(rows: PlayLogInsert[]): void {
    for (const listener of this.listeners) {
      try {
        listener(rows);
      } catch (err) {
        this.logger.error({ err }, 'play report listener failed');
      }
    }
    for (const row of rows) {
      if (this.queue.length >= this.config.telemetryQueueMax) {
        this.metrics.drop('overload', `play log queue full for ${row.clusterId} report ${row.reportId}`);
        continue;
      }
      this.queue.push(row);
    }
    this.depth.set(this.queue.length);
    if (this.queue.length >= this.batchSize) void this.flush();
  }

  /** Writes what is queued; concurrent callers share the flush in progress and then run one more. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.queue.length === 0) return;
    this.flushing = this.writeQueued().finally(() => (this.flushing = null));
    await this.flushing;
  }

  private get batchSize(): number {
    return Math.max(1, Math.min(this.config.telemetryBatchMax, Math.floor(MAX_PARAMS / COLUMNS)));
  }

  private async writeQueued(): Promise<void> {
    const rows = this.queue;
    this.queue = [];
    let done = 0;
    try {
      for (; done < rows.length; done += this.batchSize) {
        const chunk = rows.slice(done, done + this.batchSize);
        const end = this.metrics.batchWriteSeconds.startTimer({ kind: 'playlog' });
        const inserted = await this.insert(chunk);
        end();
        this.metrics.rowsWritten.inc({ kind: 'playlog' }, inserted);
        // A row not inserted was already there (or its cluster was deleted meanwhile: negligible).
        if (inserted < chunk.length) this.duplicates.inc(chunk.length - inserted);
      }
    } catch (err) {
      // Keep what was not written for the next flush (bounded by the queue limit) rather than lose it.
      this.logger.error({ err, rows: rows.length - done }, 'play log write failed; will retry');
      this.queue = rows.slice(done).concat(this.queue).slice(-this.config.telemetryQueueMax);
    } finally {
      this.depth.set(this.queue.length);
    }
  }

  /** One multi-row INSERT … SELECT; returns how many rows were new. */
  private async insert(rows: PlayLogInsert[]): Promise<number> {
    const params: unknown[] = [];
    const tuples = rows.map((r) => {
      const base = params.length;
      params.push(
        r.clusterId,
        r.reportId,
        r.source,
        r.ref,
        r.event,
        r.reason,
        r.detail,
        r.playedMs,
        r.deviceAt,
        r.correctedAt,
        r.occurredAt,
        r.receivedAt,
        r.scheduleId,
        r.occurrenceStart,
        r.commandId,
        r.liveSessionId,
      );
      return `(${ROW_TYPES.map((type, i) => `$${base + i + 1}::${type}`).join(', ')})`;
    });
    const result: unknown[] = await this.dataSource.query(
      `INSERT INTO play_log (cluster_id, report_id, source, ref, event, reason, detail, played_ms, device_at,
         corrected_at, occurred_at, received_at, schedule_id, occurrence_start, command_id, live_session_id,
         broadcast_id, commune_id, unit_path, village_id)
       SELECT v.cluster_id, v.report_id, v.source, v.ref, v.event, v.reason, v.detail, v.played_ms, v.device_at,
         v.corrected_at, v.occurred_at, v.received_at, v.schedule_id, v.occurrence_start, v.command_id,
         v.live_session_id, dc.broadcast_id, c.commune_id, COALESCE(vu.path, u.path), c.village_id
       FROM (VALUES ${tuples.join(', ')}) AS v (cluster_id, report_id, source, ref, event, reason, detail,
         played_ms, device_at, corrected_at, occurred_at, received_at, schedule_id, occurrence_start,
         command_id, live_session_id)
       JOIN cluster c ON c.id = v.cluster_id
       JOIN admin_unit u ON u.id = c.commune_id
       LEFT JOIN admin_unit vu ON vu.id = c.village_id
       LEFT JOIN device_command dc ON dc.id = v.command_id AND dc.cluster_id = v.cluster_id
       ON CONFLICT (cluster_id, report_id) DO NOTHING
       RETURNING 1 AS inserted`,
      params,
    );
    return result.length;
  }
}
