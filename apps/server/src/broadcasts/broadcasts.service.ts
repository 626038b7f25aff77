import {
  ConflictException,
  ForbiddenException,
  Inject,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { Broadcast, type BroadcastKind, type DeviceCommand, type TargetSpec } from '@loa-xa/persistence';
import type { MediaFile, Priority } from '@loa-xa/protocol';
import { AuditService } from '../audit/audit.service';
import { mayUsePriority } from '../access/permissions';
import { whereInScope, type Principal } from '../access/scope';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import type { Page } from '../common/pagination';
import { validationFailed } from '../common/validation';
import { CommandsService } from '../devices/commands.service';
import { MediaService } from '../media/media.service';
import { MediaUrlSigner } from '../media/media-url-signer';
import { BroadcastMetrics } from './broadcast-metrics';
import type {
  BroadcastQuery,
  BroadcastView,
  CreateBroadcastDto,
  DeliveryPage,
  DeliveryQuery,
  RolloutSummary,
} from './broadcast.dto';
import { ProgramsService } from './programs.service';
import { TargetResolver } from './target-resolver.service';
import { References } from './references.service';

const INSERT_CHUNK = 1000;

interface Rollout {
  kind: BroadcastKind;
  title: string | null;
  target: TargetSpec;
  priority: Priority;
  volume: number | null;
  assetIds: string[];
  programId: string | null;
  liveSessionId: string | null;
  stopRef: string | null;
  ttlS: number;
  /** The command parameters for one cluster and its command id. */
  paramsFor: (clusterId: string, commandId: string) => Record<string, unknown>;
  /** For stop after play_now: the clusters are those of that broadcast, not re-resolved. */
  clusterIds?: string[];
  unit?: { id: string; path: string };
}

/**
 * Immediate broadcasts: one play_now or stop command per target cluster, stored with the broadcast's id, sent
 * at once, and followed through their acks (delivered → started | failed | expired) as the rollout summary.
 */
@Injectable()
export class BroadcastsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly targets: TargetResolver,
    private readonly programs: ProgramsService,
    private readonly media: MediaService,
    private readonly signer: MediaUrlSigner,
    private readonly commands: CommandsService,
    private readonly audit: AuditService,
    private readonly metrics: BroadcastMetrics,
    private readonly references: References,
  ) {}

  async create(principal: Principal, dto: CreateBroadcastDto): Promise<BroadcastView> {
    this.checkPriority(principal, dto.priority);
    const ttlS = dto.ttlS ?? this.config.broadcastTtlS;
    if (dto.kind === 'stop') {
      if (dto.assetIds || dto.programId || dto.volume !== undefined)
        throw validationFailed([
          { field: 'assetIds', rule: 'forbidden', message: 'stop takes no assetIds, programId or volume' },
        ]);
      return this.send(principal, {
        kind: 'stop',
        title: dto.title ?? null,
        target: dto.target,
        priority: dto.priority,
        volume: null,
        assetIds: [],
        programId: null,
        liveSessionId: null,
        stopRef: dto.ref ?? null,
        ttlS,
        paramsFor: () => ({ priority: dto.priority, ...(dto.ref ? { ref: dto.ref } : {}) }),
      });
    }
    if (dto.ref !== undefined)
      throw validationFailed([{ field: 'ref', rule: 'forbidden', message: 'ref is for stop only' }]);
    if (Boolean(dto.assetIds) === Boolean(dto.programId))
      throw validationFailed([
        { field: 'assetIds', rule: 'oneOf', message: 'play_now needs exactly one of assetIds and programId' },
      ]);
    const programId = dto.programId;
    if (programId)
      await this.references.program(() => this.programs.find(principal, programId), programId, 'programId');
    const assetIds = programId ? await this.programs.assetIds(programId) : (dto.assetIds as string[]);
    const files = await this.readyFiles(principal, assetIds, ttlS, programId ? 'programId' : 'assetIds');
    return this.send(principal, {
      kind: 'play_now',
      title: dto.title ?? null,
      target: dto.target,
      priority: dto.priority,
      volume: dto.volume ?? null,
      assetIds,
      programId: dto.programId ?? null,
      liveSessionId: null,
      stopRef: null,
      ttlS,
      paramsFor: (_clusterId, _commandId) => ({
        priority: dto.priority,
        ...(dto.volume !== undefined ? { volume: dto.volume } : {}),
        media: files,
      }),
    });
  }

  /** play_now of a live stream (the live module): each cluster gets its own signed stream URL. */
  async startLive(
    principal: Principal,
    live: {
      sessionId: string;
      title: string;
      target: TargetSpec;
      priority: Priority;
      volume?: number;
      streamUrlFor: (clusterId: string) => string;
    },
  ): Promise<BroadcastView> {
    this.checkPriority(principal, live.priority);
    return this.send(principal, {
      kind: 'play_now',
      title: live.title,
      target: live.target,
      priority: live.priority,
      volume: live.volume ?? null,
      assetIds: [],
      programId: null,
      liveSessionId: live.sessionId,
      stopRef: null,
      ttlS: this.config.broadcastTtlS,
      paramsFor: (clusterId) => ({
        priority: live.priority,
        ...(live.volume !== undefined ? { volume: live.volume } : {}),
        stream: { id: live.sessionId, url: live.streamUrlFor(clusterId), format: 'mp3' },
      }),
    });
  }

  /** Stops what a play_now broadcast started, on the clusters it reached. */
  async stopBroadcast(principal: Principal, id: string): Promise<BroadcastView> {
    const original = await this.find(principal, id);
    if (original.kind !== 'play_now') throw new ConflictException(`broadcast ${id} is a ${original.kind}`);
    const rows: { cluster_id: string; id: string }[] = await this.dataSource.query(
      `SELECT cluster_id, id FROM device_command WHERE broadcast_id = $1`,
      [id],
    );
    const commandOf = new Map(rows.map((r) => [r.cluster_id, r.id]));
    const priority = original.priority as Priority;
    this.checkPriority(principal, priority);
    return this.send(principal, {
      kind: 'stop',
      title: original.title,
      target: original.target,
      priority,
      volume: null,
      assetIds: [],
      programId: null,
      liveSessionId: original.liveSessionId,
      stopRef: original.liveSessionId ?? original.id,
      ttlS: this.config.broadcastTtlS,
      clusterIds: [...commandOf.keys()],
      unit: { id: original.unitId, path: original.unitPath },
      paramsFor: (clusterId) => ({
        priority,
        ref: original.liveSessionId ?? (commandOf.get(clusterId) as string),
      }),
    });
  }

  async list(principal: Principal, query: BroadcastQuery): Promise<Page<BroadcastView>> {
    const qb = this.dataSource.getRepository(Broadcast).createQueryBuilder('b');
    whereInScope(qb, principal.scope, 'b.unit_path');
    if (query.kind) qb.andWhere('b.kind = :kind', { kind: query.kind });
    qb.orderBy('b.created_at', query.order === 'asc' ? 'ASC' : 'DESC')
      .skip((query.page - 1) * query.pageSize)
      .take(query.pageSize);
    const [rows, total] = await qb.getManyAndCount();
    const summaries = await this.summaries(rows);
    return {
      items: rows.map((r) => this.view(r, summaries.get(r.id) as RolloutSummary)),
      total,
      page: query.page,
      pageSize: query.pageSize,
    };
  }

  async get(principal: Principal, id: string): Promise<BroadcastView> {
    const row = await this.find(principal, id);
    return this.view(row, (await this.summaries([row])).get(id) as RolloutSummary);
  }

  async deliveries(principal: Principal, id: string, query: DeliveryQuery): Promise<DeliveryPage> {
    await this.find(principal, id);
    const params: unknown[] = [id];
    let where = 'd.broadcast_id = $1';
    if (query.status) {
      params.push(query.status);
      where += ` AND d.status = $${params.length}`;
    }
    const total = Number(
      (await this.dataSource.query(`SELECT count(*) AS n FROM device_command d WHERE ${where}`, params))[0].n,
    );
    const rows: {
      cluster_id: string;
      code: string;
      name: string;
      id: string;
      status: string;
      delivered_at: Date | null;
      completed_at: Date | null;
      error_code: string | null;
      error_message: string | null;
    }[] = await this.dataSource.query(
      `SELECT d.cluster_id, c.code, c.name, d.id, d.status, d.delivered_at, d.completed_at, d.error_code, d.error_message
         FROM device_command d JOIN cluster c ON c.id = d.cluster_id
        WHERE ${where} ORDER BY c.code ${query.order === 'desc' ? 'DESC' : 'ASC'}
        LIMIT ${query.pageSize} OFFSET ${(query.page - 1) * query.pageSize}`,
      params,
    );
    return {
      items: rows.map((r) => ({
        clusterId: r.cluster_id,
        clusterCode: r.code,
        clusterName: r.name,
        commandId: r.id,
        status: r.status,
        deliveredAt: r.delivered_at ? new Date(r.delivered_at).toISOString() : null,
        completedAt: r.completed_at ? new Date(r.completed_at).toISOString() : null,
        errorCode: r.error_code,
        errorMessage: r.error_message,
      })),
      total,
      page: query.page,
      pageSize: query.pageSize,
    };
  }

  async find(principal: Principal, id: string): Promise<Broadcast> {
    const qb = this.dataSource.getRepository(Broadcast).createQueryBuilder('b').where('b.id = :id', { id });
    const row = await whereInScope(qb, principal.scope, 'b.unit_path').getOne();
    if (!row) throw new NotFoundException(`broadcast ${id} not found`);
    return row;
  }

  /** The number of clusters a target reaches for this principal (checks references and priority). */
  async check(principal: Principal, target: TargetSpec, priority: Priority): Promise<number> {
    this.checkPriority(principal, priority);
    const resolved = await this.targets.resolve(principal, target);
    if (resolved.clusterIds.length === 0) throw reachesNothing();
    return resolved.clusterIds.length;
  }

  private checkPriority(principal: Principal, priority: Priority): void {
    if (!mayUsePriority(principal.role, principal.scope, priority))
      throw new ForbiddenException(`you may not broadcast at ${priority} priority`);
  }

  /** Signed media for play_now: every asset visible to the caller and transcoded (409 otherwise). */
  private async readyFiles(
    principal: Principal,
    assetIds: string[],
    ttlS: number,
    field: string,
  ): Promise<MediaFile[]> {
    const usable = await this.references.assets(principal, [...new Set(assetIds)], field);
    const files = await this.media.deviceFiles([...usable.keys()]);
    const notReady = [...usable.values()].filter((a) => !files.has(a.id));
    if (notReady.length > 0)
      throw new ConflictException(
        `not ready to play yet: ${notReady.map((a) => `"${a.title}" (${a.status})`).join(', ')}`,
      );
    // The URL outlives the command: a cluster that receives it just before expiry still downloads.
    const exp = Date.now() + (ttlS + this.config.mediaUrlTtlS) * 1000;
    return assetIds.map((id) => {
      const f = files.get(id)!;
      return {
        id: f.renditionId,
        url: this.signer.url(f.renditionId, exp),
        sha256: f.sha256,
        size: f.size,
        durationMs: f.durationMs,
      };
    });
  }

  private async send(principal: Principal, rollout: Rollout): Promise<BroadcastView> {
    let clusterIds = rollout.clusterIds;
    let unit = rollout.unit;
    if (!clusterIds || !unit) {
      const resolved = await this.targets.resolve(principal, rollout.target);
      clusterIds = resolved.clusterIds;
      unit = { id: resolved.unitId, path: resolved.unitPath };
    }
    if (clusterIds.length === 0) throw reachesNothing();
    const now = new Date();
    const id = randomUUID();
    const expiresAt = new Date(now.getTime() + rollout.ttlS * 1000);
    const commands: DeviceCommand[] = clusterIds.map((clusterId) => {
      const commandId = randomUUID();
      const params = rollout.paramsFor(clusterId, commandId);
      if (rollout.kind === 'play_now') params.broadcastId = id;
      return {
        id: commandId,
        clusterId,
        type: rollout.kind,
        params,
        status: 'pending',
        createdAt: now,
        expiresAt,
        deliveredAt: null,
        completedAt: null,
        result: null,
        errorCode: null,
        errorMessage: null,
        broadcastId: id,
      };
    });
    const row = await this.dataSource.transaction(async (manager) => {
      const saved = await manager.getRepository(Broadcast).save({
        id,
        kind: rollout.kind,
        title: rollout.title,
        priority: rollout.priority,
        volume: rollout.volume,
        assetIds: rollout.assetIds,
        programId: rollout.programId,
        liveSessionId: rollout.liveSessionId,
        stopRef: rollout.stopRef,
        target: rollout.target,
        clusterCount: clusterIds.length,
        unitId: unit.id,
        unitPath: unit.path,
        createdBy: principal.name,
        createdAt: now,
        expiresAt,
      });
      await this.insertCommands(manager, commands);
      await this.audit.record(manager, principal, {
        action: `broadcast.${rollout.kind}`,
        objectType: 'broadcast',
        objectId: id,
        unitPath: unit.path,
        detail: {
          title: rollout.title,
          priority: rollout.priority,
          clusters: clusterIds.length,
          assetIds: rollout.assetIds,
          liveSessionId: rollout.liveSessionId,
          ref: rollout.stopRef,
        },
      });
      return saved;
    });
    this.metrics.broadcastCommands.inc({ kind: rollout.kind }, commands.length);
    await this.commands.publishStored(commands);
    return this.view(row, (await this.summaries([row])).get(id) as RolloutSummary);
  }

  private async insertCommands(manager: EntityManager, commands: DeviceCommand[]): Promise<void> {
    for (let i = 0; i < commands.length; i += INSERT_CHUNK) {
      const chunk = commands.slice(i, i + INSERT_CHUNK);
      await manager.query(
        `INSERT INTO device_command (id, cluster_id, type, params, status, created_at, expires_at, broadcast_id)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::varchar[], $4::jsonb[], $5::varchar[], $6::timestamptz[],
                              $7::timestamptz[], $8::uuid[])`,
        [
          chunk.map((c) => c.id),
          chunk.map((c) => c.clusterId),
          chunk.map((c) => c.type),
          chunk.map((c) => JSON.stringify(c.params)),
          chunk.map((c) => c.status),
          chunk.map((c) => c.createdAt.toISOString()),
          chunk.map((c) => c.expiresAt.toISOString()),
          chunk.map((c) => c.broadcastId),
        ],
      );
    }
  }

  private async summaries(rows: Broadcast[]): Promise<Map<string, RolloutSummary>> {
    const out = new Map<string, RolloutSummary>();
    for (const row of rows)
      out.set(row.id, {
        targets: row.clusterCount,
        pending: 0,
        delivered: 0,
        started: 0,
        acked: 0,
        failed: 0,
        expired: 0,
        complete: false,
      });
    if (rows.length === 0) return out;
    const counts: { broadcast_id: string; status: keyof RolloutSummary; n: string }[] =
      await this.dataSource.query(
        `SELECT broadcast_id, status, count(*) AS n FROM device_command
        WHERE broadcast_id = ANY($1::uuid[]) GROUP BY broadcast_id, status`,
        [rows.map((r) => r.id)],
      );
    for (const c of counts) {
      const summary = out.get(c.broadcast_id) as unknown as Record<string, number>;
      summary[c.status] = Number(c.n);
    }
    for (const summary of out.values()) summary.complete = summary.pending + summary.delivered === 0;
    return out;
  }

  private view(row: Broadcast, summary: RolloutSummary): BroadcastView {
    return {
      id: row.id,
      kind: row.kind,
      title: row.title,
      priority: row.priority,
      volume: row.volume,
      assetIds: row.assetIds,
      programId: row.programId,
      liveSessionId: row.liveSessionId,
      stopRef: row.stopRef,
      target: row.target,
      unitId: row.unitId,
      createdBy: row.createdBy,
      createdAt: row.createdAt.toISOString(),
      expiresAt: row.expiresAt.toISOString(),
      summary,
    };
  }
}

/** 422 naming the target: it is valid but reaches no cluster that could play anything. */
function reachesNothing(): UnprocessableEntityException {
  const message = 'target reaches no IP cluster that takes broadcasts (planned, active or faulty)';
  return new UnprocessableEntityException({
    statusCode: 422,
    error: 'Unprocessable Entity',
    message,
    errors: [{ field: 'target', rule: 'reachesClusters', message }],
  });
}
