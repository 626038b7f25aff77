import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { WorkOrder } from '@loa-xa/persistence';
import { AuditService, SYSTEM } from '../audit/audit.service';
import { FleetView, type PresenceChange } from '../fleet/fleet-view.service';
import { PlayLogWriter } from '../playlogs/play-log.writer';
import type { PlayLogInsert } from '../playlogs/play-log-rows';
import { INSTALLED_STATUSES } from './work-order-rules';
import { WorkOrdersRepository } from './work-orders.repository';

type Milestone = 'first_connection' | 'first_broadcast';

const COLUMN: Record<Milestone, 'first_connected_at' | 'first_broadcast_at'> = {
  first_connection: 'first_connected_at',
  first_broadcast: 'first_broadcast_at',
};
const FIELD: Record<Milestone, 'firstConnectedAt' | 'firstBroadcastAt'> = {
  first_connection: 'firstConnectedAt',
  first_broadcast: 'firstBroadcastAt',
};

/**
 * Records on a commissioned order the first connection and the first broadcast played to its end of its IP
 * cluster. At commissioning they come from what is stored (presence transitions, play logs); after that
 * from the live streams: FleetView presence events and play reports as they arrive. The clusters still
 * waiting for either are held in two in-memory sets (loaded at start), so each event costs one Set lookup.
 * Each is written once (UPDATE … WHERE first_x IS NULL), with a history event and an audit entry.
 */
@Injectable()
export class WorkOrderMilestones implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger('WorkOrderMilestones');
  private readonly waiting: Record<Milestone, Set<string>> = {
    first_connection: new Set(),
    first_broadcast: new Set(),
  };
  private readonly writes = new Set<Promise<void>>();
  private stopReports: (() => void) | null = null;
  private readonly onPresence = (change: PresenceChange): void => {
    if (change.online && this.waiting.first_connection.has(change.clusterId))
      this.spawn('first_connection', change.clusterId, change.at);
  };

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly orders: WorkOrdersRepository,
    private readonly fleet: FleetView,
    private readonly playLogs: PlayLogWriter,
    private readonly audit: AuditService,
  ) {}

  async onModuleInit(): Promise<void> {
    this.fleet.on('presence', this.onPresence);
    this.stopReports = this.playLogs.onReports((rows) => this.onReports(rows));
    const rows: { ip: string; connected: boolean; broadcast: boolean }[] = await this.dataSource.query(
      `SELECT ip_cluster_id AS ip, first_connected_at IS NOT NULL AS connected,
         first_broadcast_at IS NOT NULL AS broadcast
       FROM work_order
       WHERE status = ANY($1::text[]) AND ip_cluster_id IS NOT NULL
         AND (first_connected_at IS NULL OR first_broadcast_at IS NULL)`,
      [INSTALLED_STATUSES],
    );
    for (const row of rows) {
      if (!row.connected) this.waiting.first_connection.add(row.ip);
      if (!row.broadcast) this.waiting.first_broadcast.add(row.ip);
    }
  }

  onModuleDestroy(): void {
    this.fleet.off('presence', this.onPresence);
    this.stopReports?.();
  }

  /** Writes in progress finish before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.writes]);
  }

  /** Is the cluster still waiting for this milestone? (For tests and diagnostics.) */
  isWaiting(milestone: Milestone, clusterId: string): boolean {
    return this.waiting[milestone].has(clusterId);
  }

  /**
   * An order was just commissioned with this IP cluster: records what already happened (the cluster may
   * have connected and played while it was installed) and watches for the rest.
   */
  async commissioned(ipClusterId: string): Promise<void> {
    this.waiting.first_connection.add(ipClusterId);
    this.waiting.first_broadcast.add(ipClusterId);
    // Presence transitions and play reports are written in batches: take the live state and flush first.
    const live = this.fleet.get(ipClusterId);
    await this.playLogs.flush();
    const [stored]: { connected: Date | null; finished: Date | null }[] = await this.dataSource.query(
      `SELECT
         (SELECT min(at) FROM presence_transition WHERE cluster_id = $1 AND online) AS connected,
         (SELECT min(occurred_at) FROM play_log WHERE cluster_id = $1 AND event = 'finished') AS finished`,
      [ipClusterId],
    );
    const candidates = [stored?.connected, live?.online ? live.since : null]
      .filter((d): d is Date => d !== null && d !== undefined)
      .map((d) => new Date(d));
    if (candidates.length > 0) {
      const first = new Date(Math.min(...candidates.map((d) => d.getTime())));
      await this.record('first_connection', ipClusterId, first);
    }
    if (stored?.finished) await this.record('first_broadcast', ipClusterId, new Date(stored.finished));
  }

  private onReports(rows: readonly PlayLogInsert[]): void {
    const waiting = this.waiting.first_broadcast;
    if (waiting.size === 0) return;
    let first: Map<string, Date> | null = null;
    for (const row of rows) {
      if (row.event !== 'finished' || !waiting.has(row.clusterId)) continue;
      first ??= new Map();
      const seen = first.get(row.clusterId);
      if (!seen || row.occurredAt < seen) first.set(row.clusterId, row.occurredAt);
    }
    if (first) for (const [clusterId, at] of first) this.spawn('first_broadcast', clusterId, at);
  }

  /** Runs a write from an event handler: taken off the set at once (so it is written once), logged on failure. */
  private spawn(milestone: Milestone, clusterId: string, at: Date): void {
    this.waiting[milestone].delete(clusterId);
    const write = this.record(milestone, clusterId, at).catch((err: unknown) => {
      this.logger.error({ err, clusterId, milestone }, 'work order milestone not recorded; will retry');
      this.waiting[milestone].add(clusterId);
    });
    this.writes.add(write);
    void write.finally(() => this.writes.delete(write));
  }

  /** Sets the milestone on every installed order of the cluster that lacks it. */
  private async record(milestone: Milestone, clusterId: string, at: Date): Promise<void> {
    const column = COLUMN[milestone];
    await this.dataSource.transaction(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(WorkOrder)
        .set({ [FIELD[milestone]]: at })
        .where(
          `ip_cluster_id = :clusterId AND ${column} IS NULL AND status = ANY(CAST(:statuses AS text[]))`,
          {
            clusterId,
            statuses: INSTALLED_STATUSES,
          },
        )
        .returning(['id', 'unit_path'])
        .execute();
      const updated = (result.raw as { id: string; unit_path: string }[]) ?? [];
      if (updated.length === 0) return;
      const changes = { [FIELD[milestone]]: { before: null, after: at.toISOString() } };
      await this.orders.addEvents(
        updated.map((o) => ({
          workOrderId: o.id,
          at: new Date(),
          type: milestone,
          fromStatus: null,
          toStatus: null,
          actor: 'system',
          note: null,
          changes,
        })),
        manager,
      );
      await this.audit.recordMany(
        manager,
        SYSTEM,
        updated.map((o) => ({
          action: `work_order.${milestone}`,
          objectType: 'work_order',
          objectId: o.id,
          unitPath: o.unit_path,
          changes,
          detail: { clusterId },
        })),
      );
    });
    this.waiting[milestone].delete(clusterId);
  }
}
