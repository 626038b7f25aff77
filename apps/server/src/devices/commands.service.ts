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
import type { DeviceCommand } from '@loa-xa/persistence';
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

/**
 * Remote commands: stored first, then published at QoS 1 to the cluster's persistent session, and moved
 * along pending → delivered → acked | failed | expired by the device's acks and by expiry.
 */
@Injectable()
export class CommandsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Commands');
  private expiryTask: ScheduledTask | null = null;
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

  /** Applies a device ack. Returns false when the command is unknown for this cluster (counted as a drop). */
  async applyAck(clusterId: string, ack: CommandAck, receivedAt: Date): Promise<boolean> {
    const row = await this.repository.findOne(clusterId, ack.id);
    if (!row) return false;
    switch (ack.status) {
      case 'received':
        await this.repository.transition(ack.id, ['pending'], {
          status: 'delivered',
          deliveredAt: receivedAt,
        });
        break;
      case 'started':
        // play_now is on air: final for the rollout (play logs tell how it ended).
        await this.repository.transition(ack.id, ['pending', 'delivered'], {
          status: 'started',
          deliveredAt: row.deliveredAt ?? receivedAt,
          completedAt: receivedAt,
        });
        break;
      case 'ok':
        await this.repository.transition(ack.id, ['pending', 'delivered'], {
          status: 'acked',
          deliveredAt: row.deliveredAt ?? receivedAt,
          completedAt: receivedAt,
          result: (ack.result as Record<string, unknown> | undefined) ?? null,
        });
        break;
      case 'error':
      case 'rejected':
      case 'expired':
        await this.repository.transition(ack.id, ['pending', 'delivered'], {
          status: ack.status === 'expired' ? 'expired' : 'failed',
          deliveredAt: row.deliveredAt ?? receivedAt,
          completedAt: receivedAt,
          errorCode: ack.code ?? ack.status,
          errorMessage: ack.message ?? null,
        });
        break;
    }
    return true;
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
