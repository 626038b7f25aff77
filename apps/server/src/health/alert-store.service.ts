import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Severity } from '@loa-xa/health';
import { AlertBus, type AlertChangeKind } from './alert-events';
import { ALERT_VIEW_FROM, ALERT_VIEW_SELECT, toAlertView, type AlertRow } from './alert-views';

export type AlertOp =
  | {
      type: 'open';
      clusterId: string;
      rule: string;
      severity: Severity;
      since: number;
      at: number;
      detail: string | null;
      value: Record<string, unknown> | null;
      flapping: boolean;
    }
  | { type: 'resolve'; clusterId: string; rule: string; clearedAt: number; at: number }
  | { type: 'flapping'; clusterId: string; rule: string; at: number };

const FLUSH_MS = 200;
const BATCH = 1000;
const MAX_QUEUE = 200_000;

/**
 * Writes what the health engine decides, in batches: a storm (a district losing power) opens thousands of
 * alerts within seconds, which become a few multi-row statements rather than thousands of round trips.
 * Consecutive operations of one type go together, in order, so an open and its resolve never swap. The
 * unique index on unresolved (cluster, rule) makes an open idempotent. Each stored change is then published
 * on the AlertBus.
 */
@Injectable()
export class AlertStore implements BeforeApplicationShutdown {
  private readonly logger = new Logger('AlertStore');
  private queue: AlertOp[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly bus: AlertBus,
  ) {}

  push(op: AlertOp): void {
    if (this.queue.length >= MAX_QUEUE) {
      this.logger.error({ op }, 'alert queue full; change dropped');
      return;
    }
    this.queue.push(op);
    this.scheduleFlush(FLUSH_MS);
  }

  private scheduleFlush(delayMs: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, delayMs);
    this.timer.unref();
  }

  get pending(): number {
    return this.queue.length;
  }

  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.queue.length === 0) return;
    this.flushing = this.write().finally(() => (this.flushing = null));
    await this.flushing;
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }

  private async write(): Promise<void> {
    const ops = this.queue;
    this.queue = [];
    let done = 0;
    try {
      while (done < ops.length) {
        const type = ops[done].type;
        let end = done;
        while (end < ops.length && end - done < BATCH && ops[end].type === type) end++;
        const run = ops.slice(done, end);
        if (type === 'open') await this.open(run as Extract<AlertOp, { type: 'open' }>[]);
        else if (type === 'resolve') await this.resolve(run as Extract<AlertOp, { type: 'resolve' }>[]);
        else await this.flap(run as Extract<AlertOp, { type: 'flapping' }>[]);
        done = end;
      }
    } catch (err) {
      this.logger.error({ err, left: ops.length - done }, 'alert write failed; will retry');
      this.queue = ops.slice(done).concat(this.queue).slice(0, MAX_QUEUE);
      this.scheduleFlush(5000);
    }
  }

  private async open(ops: Extract<AlertOp, { type: 'open' }>[]): Promise<void> {
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO alert (cluster_id, commune_id, unit_path, rule, severity, state, since, opened_at, detail,
         value, flapping, updated_at)
       SELECT c.id, c.commune_id, u.path, o.rule, o.severity, 'open', o.since, o.opened_at, o.detail,
         o.value, o.flapping, o.opened_at
       FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::timestamptz[], $5::timestamptz[],
         $6::varchar[], $7::jsonb[], $8::boolean[])
         AS o(cluster_id, rule, severity, since, opened_at, detail, value, flapping)
       JOIN cluster c ON c.id = o.cluster_id JOIN admin_unit u ON u.id = c.commune_id
       ON CONFLICT (cluster_id, rule) WHERE state <> 'resolved' DO NOTHING
       RETURNING id`,
      [
        ops.map((o) => o.clusterId),
        ops.map((o) => o.rule),
        ops.map((o) => o.severity),
        ops.map((o) => new Date(o.since)),
        ops.map((o) => new Date(o.at)),
        ops.map((o) => o.detail?.slice(0, 500) ?? null),
        ops.map((o) => (o.value ? JSON.stringify(o.value) : null)),
        ops.map((o) => o.flapping),
      ],
    );
    await this.announce(
      'opened',
      rows.map((r) => r.id),
    );
  }

  private async resolve(ops: Extract<AlertOp, { type: 'resolve' }>[]): Promise<void> {
    const rows: { id: string }[] = await this.dataSource.query(
      `WITH changed AS (UPDATE alert a SET state = 'resolved', cleared_at = o.cleared_at, resolved_at = o.at,
         resolution = 'auto', resolved_by = 'system', updated_at = o.at
       FROM unnest($1::uuid[], $2::varchar[], $3::timestamptz[], $4::timestamptz[])
         AS o(cluster_id, rule, cleared_at, at)
       WHERE a.cluster_id = o.cluster_id AND a.rule = o.rule AND a.state <> 'resolved'
       RETURNING a.id)
       SELECT id FROM changed`,
      [
        ops.map((o) => o.clusterId),
        ops.map((o) => o.rule),
        ops.map((o) => new Date(o.clearedAt)),
        ops.map((o) => new Date(o.at)),
      ],
    );
    await this.announce(
      'resolved',
      rows.map((r) => r.id),
    );
  }

  private async flap(ops: Extract<AlertOp, { type: 'flapping' }>[]): Promise<void> {
    const rows: { id: string }[] = await this.dataSource.query(
      `WITH changed AS (UPDATE alert a SET flapping = true, updated_at = o.at
       FROM unnest($1::uuid[], $2::varchar[], $3::timestamptz[]) AS o(cluster_id, rule, at)
       WHERE a.cluster_id = o.cluster_id AND a.rule = o.rule AND a.state <> 'resolved' AND NOT a.flapping
       RETURNING a.id)
       SELECT id FROM changed`,
      [ops.map((o) => o.clusterId), ops.map((o) => o.rule), ops.map((o) => new Date(o.at))],
    );
    await this.announce(
      'updated',
      rows.map((r) => r.id),
    );
  }

  /** Publishes stored changes, with the names people read. */
  async announce(kind: AlertChangeKind, ids: string[]): Promise<void> {
    if (ids.length === 0 || this.bus.listenerCount('change') === 0) return;
    const rows: AlertRow[] = await this.dataSource.query(
      `SELECT ${ALERT_VIEW_SELECT} FROM ${ALERT_VIEW_FROM} WHERE a.id = ANY($1::uuid[]) ORDER BY a.opened_at, a.id`,
      [ids],
    );
    for (const row of rows) {
      try {
        this.bus.publish(kind, toAlertView(row));
      } catch (err) {
        this.logger.error({ err }, 'alert listener failed');
      }
    }
  }
}
