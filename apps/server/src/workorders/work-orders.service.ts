import {
  ConflictException,
  ForbiddenException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AdminUnit, Cluster, WorkOrder, type WorkOrderStatus } from '@loa-xa/persistence';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import type { Page } from '../common/pagination';
import { AuditService, diff } from '../audit/audit.service';
import { hasPermission } from '../access/permissions';
import { pathInScope, type Principal } from '../access/scope';
import { fieldError, isUniqueViolation } from '../registry/errors';
import { canTransition } from '../registry/clusters/cluster-lifecycle';
import { CLUSTER_AUDITED_FIELDS } from '../registry/clusters/clusters.service';
import { UnitRef } from '../registry/units/unit.dto';
import type {
  ClusterRef,
  CreateWorkOrderDto,
  TransitionWorkOrderDto,
  UpdateWorkOrderDto,
  WorkOrderDetailView,
  WorkOrderQuery,
  WorkOrderView,
} from './work-order.dto';
import {
  FINAL_STATUSES,
  STATUS_TRANSITIONS,
  actorOf,
  canMove,
  localYear,
  workOrderCode,
} from './work-order-rules';
import { WorkOrderMilestones } from './work-order-milestones.service';
import { WorkOrdersRepository } from './work-orders.repository';
import { visibleUnit } from '../access/visible-unit';

/** Fields compared for the history and the audit log. */
const AUDITED: (keyof WorkOrder)[] = [
  'code',
  'kind',
  'status',
  'title',
  'communeId',
  'villageId',
  'fmClusterId',
  'ipClusterId',
  'fundingProgramme',
  'plannedStart',
  'plannedEnd',
  'actualStart',
  'actualEnd',
  'plannedCostVnd',
  'actualCostVnd',
  'commissionedAt',
  'notes',
];

/** Attempts at a fresh code when another order took the same one meanwhile. */
const CODE_ATTEMPTS = 5;

/** IP clusters that can be commissioned: not retired, not broken. */
const COMMISSIONABLE = new Set<Cluster['lifecycle']>(['planned', 'active']);

const nfc = <T extends string | null | undefined>(value: T): T =>
  (typeof value === 'string' ? value.normalize('NFC') : value) as T;

/**
 * Work orders of the FM→IP programmes: a new station, a broken FM cluster replaced by an IP cluster, or an
 * IP cluster for a village without coverage; from proposal to commissioning and closing. Every change is
 * written with a history event and an audit entry in the same transaction.
 */
@Injectable()
export class WorkOrdersService {
  private readonly logger = new Logger('WorkOrdersService');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly orders: WorkOrdersRepository,
    private readonly milestones: WorkOrderMilestones,
    private readonly audit: AuditService,
  ) {}

  async list(principal: Principal, query: WorkOrderQuery): Promise<Page<WorkOrderView>> {
    const unitPath = query.unitId
      ? (await this.orders.transaction((m) => visibleUnit(m, principal.scope, query.unitId as string))).path
      : undefined;
    const [rows, total] = await this.orders.list({ ...query, unitPath, scope: principal.scope });
    return { items: rows.map(view), total, page: query.page, pageSize: query.pageSize };
  }

  async get(principal: Principal, id: string): Promise<WorkOrderDetailView> {
    const row = await this.require(principal, id);
    const history = await this.orders.history(id);
    return {
      ...view(row),
      history: history.map((e) => ({
        at: e.at,
        type: e.type,
        fromStatus: e.fromStatus,
        toStatus: e.toStatus,
        actor: e.actor,
        note: e.note,
        changes: e.changes,
      })),
    };
  }

  async create(principal: Principal, dto: CreateWorkOrderDto): Promise<WorkOrderDetailView> {
    checkDates('plannedStart', dto.plannedStart ?? null, 'plannedEnd', dto.plannedEnd ?? null);
    let id: string | null = null;
    for (let attempt = 1; id === null; attempt++) {
      try {
        id = await this.orders.transaction(async (manager) => {
          const commune = await this.commune(principal, dto.communeId, manager);
          const village = dto.villageId ? await villageOf(commune, dto.villageId, manager) : null;
          if (dto.kind === 'expansion' && !village)
            throw unprocessable(
              'villageId',
              'required',
              'an expansion order needs villageId: the village served',
            );
          if (dto.kind !== 'replacement' && dto.fmClusterId)
            throw unprocessable(
              'fmClusterId',
              'replacementOnly',
              'fmClusterId is only for replacement orders',
            );
          if (dto.kind === 'replacement') {
            if (!dto.fmClusterId)
              throw unprocessable(
                'fmClusterId',
                'required',
                'a replacement order needs fmClusterId: the broken FM cluster replaced',
              );
            await this.checkFmCluster(commune, dto.fmClusterId, null, manager);
          }
          const year = localYear(new Date(), this.config.timeZone);
          const sequence = await this.orders.nextSequence(year, manager);
          const order = manager.getRepository(WorkOrder).create({
            code: workOrderCode(year, sequence),
            kind: dto.kind,
            status: 'proposed',
            title: nfc(dto.title),
            communeId: commune.id,
            unitPath: village?.path ?? commune.path,
            villageId: village?.id ?? null,
            fmClusterId: dto.fmClusterId ?? null,
            ipClusterId: null,
            fundingProgramme: dto.fundingProgramme,
            plannedStart: dto.plannedStart ?? null,
            plannedEnd: dto.plannedEnd ?? null,
            actualStart: null,
            actualEnd: null,
            plannedCostVnd: dto.plannedCostVnd ?? null,
            actualCostVnd: null,
            commissionedAt: null,
            firstConnectedAt: null,
            firstBroadcastAt: null,
            notes: nfc(dto.notes) ?? null,
            revision: 1,
          });
          const saved = await manager.getRepository(WorkOrder).save(order);
          const changes = diff(null, saved, AUDITED);
          await this.history(manager, principal, saved, 'created', {
            action: 'work_order.create',
            toStatus: 'proposed',
            changes,
          });
          return saved.id;
        });
      } catch (err) {
        // Two orders numbered at once: the loser takes the next number.
        if (isUniqueViolation(err) && attempt < CODE_ATTEMPTS) continue;
        throw err;
      }
    }
    return this.get(principal, id);
  }

  async update(principal: Principal, id: string, dto: UpdateWorkOrderDto): Promise<WorkOrderDetailView> {
    await this.require(principal, id);
    await this.orders.transaction(async (manager) => {
      const current = await this.locked(id, dto.revision, manager);
      if (FINAL_STATUSES.has(current.status))
        throw new ConflictException(
          `work order ${current.code} is ${current.status}: it can no longer be edited`,
        );
      const placementFixed = current.status === 'commissioned';
      const next: WorkOrder = { ...current };
      const commune = await manager.getRepository(AdminUnit).findOneByOrFail({ id: current.communeId });

      if (dto.villageId !== undefined && dto.villageId !== current.villageId) {
        if (placementFixed) throw fixedAfterCommissioning('villageId', current.code);
        const village = dto.villageId ? await villageOf(commune, dto.villageId, manager) : null;
        next.villageId = village?.id ?? null;
        next.unitPath = village?.path ?? commune.path;
      }
      if (next.kind === 'expansion' && !next.villageId)
        throw unprocessable(
          'villageId',
          'required',
          'an expansion order needs villageId: the village served',
        );
      if (dto.fmClusterId !== undefined && dto.fmClusterId !== current.fmClusterId) {
        if (placementFixed) throw fixedAfterCommissioning('fmClusterId', current.code);
        if (current.kind !== 'replacement')
          throw unprocessable('fmClusterId', 'replacementOnly', 'fmClusterId is only for replacement orders');
        await this.checkFmCluster(commune, dto.fmClusterId, id, manager);
        next.fmClusterId = dto.fmClusterId;
      }
      if (dto.title !== undefined) next.title = nfc(dto.title);
      if (dto.fundingProgramme !== undefined) next.fundingProgramme = dto.fundingProgramme;
      if (dto.plannedStart !== undefined) next.plannedStart = dto.plannedStart;
      if (dto.plannedEnd !== undefined) next.plannedEnd = dto.plannedEnd;
      if (dto.actualStart !== undefined) next.actualStart = dto.actualStart;
      if (dto.actualEnd !== undefined) next.actualEnd = dto.actualEnd;
      if (dto.plannedCostVnd !== undefined) next.plannedCostVnd = dto.plannedCostVnd;
      if (dto.actualCostVnd !== undefined) next.actualCostVnd = dto.actualCostVnd;
      if (dto.notes !== undefined) next.notes = nfc(dto.notes);
      checkDates('plannedStart', next.plannedStart, 'plannedEnd', next.plannedEnd);
      checkDates('actualStart', next.actualStart, 'actualEnd', next.actualEnd);

      const changes = diff(current, next, AUDITED);
      if (next.unitPath !== current.unitPath)
        changes.unitPath = { before: current.unitPath, after: next.unitPath };
      if (Object.keys(changes).length === 0) return;
      next.revision = current.revision + 1;
      const saved = await manager.getRepository(WorkOrder).save(next);
      await this.history(manager, principal, saved, 'edited', { action: 'work_order.update', changes });
    });
    return this.get(principal, id);
  }

  async transition(
    principal: Principal,
    id: string,
    dto: TransitionWorkOrderDto,
  ): Promise<WorkOrderDetailView> {
    await this.require(principal, id);
    if (dto.ipClusterId && dto.to !== 'commissioned')
      throw fieldError('ipClusterId', 'commissioningOnly', 'ipClusterId is given only with to=commissioned');
    const commissioned = await this.orders.transaction(async (manager) => {
      const current = await this.locked(id, dto.revision, manager);
      const from = current.status;
      if (!canMove(from, dto.to)) throw statusRefused(current.code, from, dto.to);
      if (dto.to === 'approved' && !hasPermission(principal.role, 'workorders.approve'))
        throw new ForbiddenException(
          'approving a work order needs the permission workorders.approve (province administrators)',
        );
      const next: WorkOrder = { ...current, status: dto.to };
      if (dto.actualStart !== undefined) next.actualStart = dto.actualStart;
      if (dto.actualEnd !== undefined) next.actualEnd = dto.actualEnd;
      if (dto.actualCostVnd !== undefined) next.actualCostVnd = dto.actualCostVnd;
      checkDates('actualStart', next.actualStart, 'actualEnd', next.actualEnd);

      if (dto.to === 'commissioned') {
        if (!dto.ipClusterId)
          throw unprocessable(
            'ipClusterId',
            'required',
            'commissioning needs ipClusterId: the IP cluster installed by this order',
          );
        const commune = await manager.getRepository(AdminUnit).findOneByOrFail({ id: current.communeId });
        const ip = await this.checkIpCluster(current, commune, dto.ipClusterId, manager);
        next.ipClusterId = ip.id;
        next.commissionedAt = new Date();
        // The new cluster goes into service; the broken FM cluster it replaces is retired.
        if (ip.lifecycle === 'planned')
          await this.moveCluster(manager, principal, commune, ip, { lifecycle: 'active' }, current.code);
        if (current.kind === 'replacement' && current.fmClusterId) {
          const fm = await manager.getRepository(Cluster).findOneByOrFail({ id: current.fmClusterId });
          if (canTransition(fm.lifecycle, 'replaced'))
            await this.moveCluster(
              manager,
              principal,
              commune,
              fm,
              { lifecycle: 'replaced', ipConnected: false },
              current.code,
            );
        }
      }
      next.revision = current.revision + 1;
      const saved = await manager.getRepository(WorkOrder).save(next);
      await this.history(manager, principal, saved, 'status', {
        action: 'work_order.transition',
        fromStatus: from,
        toStatus: dto.to,
        note: dto.note ?? null,
        changes: diff(current, saved, AUDITED),
      });
      return dto.to === 'commissioned' ? saved.ipClusterId : null;
    });
    if (commissioned) {
      // The order is commissioned either way; a milestone not found here is still caught live.
      await this.milestones
        .commissioned(commissioned)
        .catch((err: unknown) =>
          this.logger.error({ err, id }, 'first connection / broadcast lookup failed at commissioning'),
        );
    }
    return this.get(principal, id);
  }

  /** The commune of a new order: a commune (400 otherwise), inside the scope (403 otherwise). */
  private async commune(principal: Principal, communeId: string, manager: EntityManager): Promise<AdminUnit> {
    const commune = await manager.getRepository(AdminUnit).findOneBy({ id: communeId });
    if (!commune) throw fieldError('communeId', 'exists', `communeId ${communeId} is not a known unit`);
    // Only the id the caller sent: the name of a unit out of scope is not theirs to read.
    if (commune.level !== 'commune')
      throw fieldError(
        'communeId',
        'isCommune',
        `communeId must be a commune: ${communeId} is a ${commune.level}`,
      );
    if (!pathInScope(principal.scope, commune.path))
      throw new ForbiddenException(`communeId ${commune.id} is outside your scope`);
    return commune;
  }

  /** A replacement's FM cluster: of the commune, broken, and not already in another order. */
  private async checkFmCluster(
    commune: AdminUnit,
    fmClusterId: string,
    orderId: string | null,
    manager: EntityManager,
  ): Promise<Cluster> {
    const fm = await manager.getRepository(Cluster).findOneBy({ id: fmClusterId });
    if (!fm || fm.kind === 'ip' || fm.communeId !== commune.id)
      throw unprocessable(
        'fmClusterId',
        'fmClusterOfCommune',
        `fmClusterId must be an FM cluster (fm_wired or fm_wireless) of ${label(commune)}`,
      );
    if (fm.lifecycle !== 'faulty')
      throw unprocessable(
        'fmClusterId',
        'broken',
        fm.lifecycle === 'active'
          ? `FM cluster ${fm.code} is working: a working FM cluster is connected to the IP system (ipConnected), not replaced; only a broken (faulty) one is replaced`
          : `FM cluster ${fm.code} is ${fm.lifecycle}: only a broken (faulty) FM cluster is replaced`,
      );
    const holder = await this.orders.holderOf('fm_cluster_id', fm.id, orderId, manager);
    if (holder)
      throw unprocessable(
        'fmClusterId',
        'notInOtherOrder',
        `FM cluster ${fm.code} is already in work order ${holder.code} (${holder.status})`,
      );
    return fm;
  }

  /** The IP cluster commissioned: of the order's commune (and village), in service, in no other order. */
  private async checkIpCluster(
    order: WorkOrder,
    commune: AdminUnit,
    ipClusterId: string,
    manager: EntityManager,
  ): Promise<Cluster> {
    // Locked, so two orders cannot take the same cluster at once.
    const ip = await manager
      .getRepository(Cluster)
      .createQueryBuilder('c')
      .where('c.id = :id', { id: ipClusterId })
      .setLock('pessimistic_write')
      .getOne();
    const where = order.villageId ? `of the order's village in ${label(commune)}` : `of ${label(commune)}`;
    if (!ip || ip.kind !== 'ip' || ip.communeId !== commune.id)
      throw unprocessable('ipClusterId', 'ipClusterOfCommune', `ipClusterId must be an IP cluster ${where}`);
    if (order.villageId && ip.villageId !== order.villageId)
      throw unprocessable(
        'ipClusterId',
        'ipClusterOfVillage',
        `ipClusterId must be an IP cluster ${where}: ${ip.code} is not in that village`,
      );
    if (!COMMISSIONABLE.has(ip.lifecycle))
      throw unprocessable(
        'ipClusterId',
        'inService',
        `IP cluster ${ip.code} is ${ip.lifecycle}: only a planned or active cluster can be commissioned`,
      );
    const holder = await this.orders.holderOf('ip_cluster_id', ip.id, order.id, manager);
    if (holder)
      throw unprocessable(
        'ipClusterId',
        'notInOtherOrder',
        `IP cluster ${ip.code} is already linked to work order ${holder.code} (${holder.status})`,
      );
    return ip;
  }

  /** A cluster change made by commissioning, audited like a registry change. */
  private async moveCluster(
    manager: EntityManager,
    principal: Principal,
    commune: AdminUnit,
    cluster: Cluster,
    changes: Partial<Pick<Cluster, 'lifecycle' | 'ipConnected'>>,
    orderCode: string,
  ): Promise<void> {
    await manager.getRepository(Cluster).update({ id: cluster.id }, changes);
    await this.audit.record(manager, principal, {
      action: 'cluster.update',
      objectType: 'cluster',
      objectId: cluster.id,
      unitPath: commune.path,
      changes: diff(cluster, { ...cluster, ...changes }, CLUSTER_AUDITED_FIELDS as (keyof Cluster)[]),
      detail: { workOrder: orderCode },
    });
  }

  /** The order row locked for a change, at the revision the caller saw (if given). */
  private async locked(id: string, revision: number | undefined, manager: EntityManager): Promise<WorkOrder> {
    const current = await this.orders.lock(id, manager);
    if (!current) throw new NotFoundException(`work order ${id} not found`);
    if (revision !== undefined && revision !== current.revision)
      throw new ConflictException(
        `work order ${current.code} was changed by someone else (revision ${current.revision}, you edited ${revision}); reload it`,
      );
    return current;
  }

  /** One history event and its audit entry, in the transaction of the change. */
  private async history(
    manager: EntityManager,
    principal: Principal,
    order: WorkOrder,
    type: string,
    entry: {
      action: string;
      fromStatus?: WorkOrderStatus;
      toStatus?: WorkOrderStatus;
      note?: string | null;
      changes: Record<string, { before: unknown; after: unknown }>;
    },
  ): Promise<void> {
    await this.orders.addEvents(
      [
        {
          workOrderId: order.id,
          at: new Date(),
          type,
          fromStatus: entry.fromStatus ?? null,
          toStatus: entry.toStatus ?? null,
          actor: actorOf(principal),
          note: entry.note ?? null,
          changes: Object.keys(entry.changes).length ? entry.changes : null,
        },
      ],
      manager,
    );
    await this.audit.record(manager, principal, {
      action: entry.action,
      objectType: 'work_order',
      objectId: order.id,
      unitPath: order.unitPath,
      changes: entry.changes,
      detail: {
        code: order.code,
        ...(entry.fromStatus ? { from: entry.fromStatus, to: entry.toStatus } : {}),
        ...(entry.note ? { note: entry.note } : {}),
      },
    });
  }

  /** An order inside the caller's scope; 404 for any other. */
  private async require(principal: Principal, id: string): Promise<WorkOrder> {
    const row = await this.orders.findInScope(id, principal.scope);
    if (!row) throw new NotFoundException(`work order ${id} not found`);
    return row;
  }
}

function view(row: WorkOrder): WorkOrderView {
  return {
    id: row.id,
    code: row.code,
    kind: row.kind,
    status: row.status,
    title: row.title,
    communeId: row.communeId,
    commune: row.commune ? UnitRef.from(row.commune) : null,
    villageId: row.villageId,
    village: row.village ? UnitRef.from(row.village) : null,
    fmClusterId: row.fmClusterId,
    fmCluster: clusterRef(row.fmCluster),
    ipClusterId: row.ipClusterId,
    ipCluster: clusterRef(row.ipCluster),
    fundingProgramme: row.fundingProgramme,
    plannedStart: row.plannedStart,
    plannedEnd: row.plannedEnd,
    actualStart: row.actualStart,
    actualEnd: row.actualEnd,
    plannedCostVnd: row.plannedCostVnd,
    actualCostVnd: row.actualCostVnd,
    commissionedAt: row.commissionedAt,
    firstConnectedAt: row.firstConnectedAt,
    firstBroadcastAt: row.firstBroadcastAt,
    notes: row.notes,
    revision: row.revision,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function clusterRef(cluster: Cluster | null | undefined): ClusterRef | null {
  return cluster
    ? {
        id: cluster.id,
        code: cluster.code,
        name: cluster.name,
        kind: cluster.kind,
        lifecycle: cluster.lifecycle,
      }
    : null;
}

/** A village of the commune (400 naming villageId otherwise). */
async function villageOf(commune: AdminUnit, villageId: string, manager: EntityManager): Promise<AdminUnit> {
  const village = await manager.getRepository(AdminUnit).findOneBy({ id: villageId });
  if (!village || village.level !== 'village' || village.parentId !== commune.id)
    throw fieldError(
      'villageId',
      'villageOfCommune',
      // The village is named by the id sent only: it may lie out of the caller's scope.
      `villageId must be a village of ${label(commune)}; ${villageId} is not`,
    );
  return village;
}

function label(unit: AdminUnit): string {
  return `${unit.name} (${unit.code})`;
}

/** An end date before its start is refused, naming the end. */
function checkDates(startField: string, start: string | null, endField: string, end: string | null): void {
  if (start !== null && end !== null && end < start)
    throw fieldError(endField, 'notBeforeStart', `${endField} (${end}) is before ${startField} (${start})`);
}

/** 422 naming the field: well-formed, but not acceptable for this order. */
function unprocessable(field: string, rule: string, message: string): UnprocessableEntityException {
  return new UnprocessableEntityException({
    statusCode: 422,
    error: 'Unprocessable Entity',
    message,
    errors: [{ field, rule, message }],
  });
}

function fixedAfterCommissioning(field: string, code: string): ConflictException {
  return new ConflictException(`work order ${code} is commissioned: ${field} can no longer change`);
}

function statusRefused(code: string, from: WorkOrderStatus, to: WorkOrderStatus): ConflictException {
  const allowed = STATUS_TRANSITIONS[from];
  return new ConflictException(
    `work order ${code} cannot move from ${from} to ${to}` +
      (allowed.length ? ` (from ${from}: ${allowed.join(', ')})` : `: ${from} is final`),
  );
}
