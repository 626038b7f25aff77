import {
  ConflictException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import cron, { type ScheduledTask } from 'node-cron';
import {
  COMMAND_PARAMS_SCHEMAS,
  PROTOCOL_VERSION,
  validateAgainst,
  type Command,
  type CommandAck,
} from '@loa-xa/protocol';
import type { CommandState, DeviceCommand } from '@loa-xa/persistence';
import { applyAckTo, type AckChanges } from './ack-transitions';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { validationFailed } from '../common/validation';
import type { Page } from '../common/pagination';
import { MetricsService } from '../ops/metrics.service';
import { DeviceCommandRepository } from './device-command.repository';
import { DevicePublisher } from './device-publisher.service';
import type { CreateCommandDto } from './dto/create-command.dto';
import { CommandView } from './dto/command.view';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../access/scope';

const COMMANDABLE = new Set(['planned', 'active', 'faulty']);
const ACK_BATCH_MAX = 1000;
const ACK_FLUSH_MS = 20;

/**
 * Remote commands: stored first, then published at QoS 1 to the cluster's persistent session, and moved
 * along pending → delivered → acked | failed | expired by the device's acks and by expiry.
 */
@Injectable()
export class CommandsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Commands');
  private expiryTask: ScheduledTask | null = null;
  private readonly acks: {
    clusterId: string;
    ack: CommandAck;
    receivedAt: Date;
    resolve: (known: boolean) => void;
    reject: (err: unknown) => void;
  }[] = [];
  private ackTimer: NodeJS.Timeout | null = null;
  /** Clusters that may have undelivered commands: a hello from any other cluster costs no query. */
  private readonly mayHaveUndelivered = new Set<string>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: DeviceCommandRepository,
    private readonly publisher: DevicePublisher,
    private readonly metrics: MetricsService,
    private readonly audit: AuditService,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const id of await this.repository.clustersWithUndelivered(new Date()))
      this.mayHaveUndelivered.add(id);
    this.expiryTask = cron.schedule('*/10 * * * * *', () => void this.expireDue(), { noOverlap: true });
  }

  async onModuleDestroy(): Promise<void> {
    await this.expiryTask?.destroy();
    while (this.acks.length > 0) await this.flushAcks();
  }

  async create(principal: Principal, clusterId: string, dto: CreateCommandDto): Promise<CommandView> {
    const cluster = await this.repository.findCluster(clusterId, principal.scope);
    if (!cluster) throw new NotFoundException(`cluster ${clusterId} not found`);
    if (cluster.kind !== 'ip')
      throw new ConflictException(`cluster ${clusterId} is ${cluster.kind}: only IP clusters take commands`);
    if (!COMMANDABLE.has(cluster.lifecycle)) {
      throw new ConflictException(`cluster ${clusterId} is ${cluster.lifecycle}: it takes no commands`);
    }
    const params = dto.params ?? {};
    const check = validateAgainst(COMMAND_PARAMS_SCHEMAS[dto.type], params);
    if (!check.ok) {
      const field = `params${check.path.replace(/\//g, '.')}`.replace(/\.$/, '');
      throw validationFailed([
        { field, rule: 'schema', message: `${field} ${check.message.replace(/^[^:]*: /, '')}` },
      ]);
    }
    const now = new Date();
    const row = await this.repository.transaction(async (manager) => {
      const created = await this.repository.insert(
        {
          id: randomUUID(),
          clusterId,
          type: dto.type,
          params,
          status: 'pending',
          createdAt: now,
          expiresAt: new Date(now.getTime() + (dto.ttlS ?? this.config.commandTtlS) * 1000),
          deliveredAt: null,
          completedAt: null,
          result: null,
          errorCode: null,
          errorMessage: null,
          broadcastId: null,
        },
        manager,
      );
      await this.audit.record(manager, principal, {
        action: 'command.send',
        objectType: 'cluster',
        objectId: clusterId,
        unitPath: cluster.communePath,
        detail: {
          command: created.id,
          type: created.type,
          params,
          expiresAt: created.expiresAt.toISOString(),
        },
      });
      return created;
    });
    this.mayHaveUndelivered.add(clusterId);
    await this.publish(row);
    return CommandView.from(row);
  }

  async get(principal: Principal, clusterId: string, commandId: string): Promise<CommandView> {
    if (!(await this.repository.findCluster(clusterId, principal.scope)))
      throw new NotFoundException(`cluster ${clusterId} not found`);
    const row = await this.repository.findOne(clusterId, commandId);
    if (!row) throw new NotFoundException(`command ${commandId} not found for cluster ${clusterId}`);
    return CommandView.from(row);
  }

  async list(
    principal: Principal,
    clusterId: string,
    page: number,
    pageSize: number,
  ): Promise<Page<CommandView>> {
    if (!(await this.repository.findCluster(clusterId, principal.scope)))
      throw new NotFoundException(`cluster ${clusterId} not found`);
    const [rows, total] = await this.repository.list(clusterId, page, pageSize);
    return { items: rows.map((r) => CommandView.from(r)), total, page, pageSize };
  }

  /**
   * Applies a device ack. Returns false when the command is unknown for this cluster (counted as a drop).
   * Acks are applied in batches (one read and one write per batch): an emergency to 10,000 clusters brings
   * 20,000 acks within seconds, and the rollout summary must keep up.
   */
  applyAck(clusterId: string, ack: CommandAck, receivedAt: Date): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.acks.push({ clusterId, ack, receivedAt, resolve, reject });
      if (this.acks.length >= ACK_BATCH_MAX) void this.flushAcks();
      else this.ackTimer ??= setTimeout(() => void this.flushAcks(), ACK_FLUSH_MS);
    });
  }

  private async flushAcks(): Promise<void> {
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = null;
    const batch = this.acks.splice(0, ACK_BATCH_MAX);
    if (batch.length === 0) return;
    try {
      const rows = await this.repository.findMany([...new Set(batch.map((b) => b.ack.id))]);
      const current = new Map<
        string,
        { before: CommandState; now: AckChanges; clusterId: string; changed: boolean }
      >();
      for (const row of rows)
        current.set(row.id, { before: row.status, now: row, clusterId: row.clusterId, changed: false });
      const known: boolean[] = [];
      for (const item of batch) {
        const entry = current.get(item.ack.id);
        if (!entry || entry.clusterId !== item.clusterId) {
          known.push(false);
          continue;
        }
        known.push(true);
        const next = applyAckTo(entry.now, item.ack, item.receivedAt);
        if (next) Object.assign(entry, { now: next, changed: true });
      }
      await this.repository.applyChanges(
        [...current].filter(([, e]) => e.changed).map(([id, e]) => ({ id, from: e.before, changes: e.now })),
      );
      batch.forEach((item, i) => item.resolve(known[i]));
    } catch (err) {
      for (const item of batch) item.reject(err);
    }
    if (this.acks.length > 0) void this.flushAcks();
  }

  /**
   * A cluster said hello: send again what it never confirmed. The persistent session normally delivers these
   * itself; this covers a broker that lost its sessions (restart, external broker failover). Devices drop
   * duplicates by command id.
   */
  async resendUndelivered(clusterId: string): Promise<number> {
    if (!this.mayHaveUndelivered.has(clusterId)) return 0;
    const rows = await this.repository.undelivered(clusterId, new Date());
    if (rows.length === 0) this.mayHaveUndelivered.delete(clusterId);
    for (const row of rows) await this.publish(row);
    return rows.length;
  }

  /** Publishes commands a broadcast already stored, all at once (the client queues them). */
  async publishStored(rows: DeviceCommand[]): Promise<void> {
    for (const row of rows) this.mayHaveUndelivered.add(row.clusterId);
    await Promise.all(rows.map((row) => this.publish(row)));
  }

  async expireDue(): Promise<number> {
    try {
      return await this.repository.expireDue(new Date());
    } catch (err) {
      this.logger.error({ err }, 'expiring commands failed');
      return 0;
    }
  }

  private async publish(row: DeviceCommand): Promise<void> {
    const command = {
      v: PROTOCOL_VERSION,
      id: row.id,
      ts: Date.now(),
      expiresAt: row.expiresAt.getTime(),
      type: row.type,
      params: row.params,
    } as Command;
    try {
      await this.publisher.sendCommand(row.clusterId, command);
    } catch (err) {
      // Stays pending: re-sent when the cluster next says hello, or expires.
      this.logger.warn({ err, commandId: row.id }, 'command not published yet');
    }
  }
}
