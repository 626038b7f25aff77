import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import {
  WorkOrder,
  WorkOrderEvent,
  type FundingProgramme,
  type WorkOrderKind,
  type WorkOrderStatus,
} from '@loa-xa/persistence';
import { whereInScope, type Scope } from '../access/scope';
import { containsPattern, foldSql } from '../registry/text-search';
import type { WorkOrderSort } from './work-order.dto';
import { underPathParams, underPathSql } from '../access/visible-unit';

export interface WorkOrderFilter {
  scope: Scope | null;
  status?: WorkOrderStatus[];
  kind?: WorkOrderKind[];
  fundingProgramme?: FundingProgramme[];
  /** Path of a unit the orders lie under (already checked to be visible). */
  unitPath?: string;
  q?: string;
  sort: WorkOrderSort;
  order: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

const SORT_PROPERTIES: Record<WorkOrderSort, string> = {
  code: 'wo.code',
  createdAt: 'wo.createdAt',
  plannedStart: 'wo.plannedStart',
  status: 'wo.status',
};

/** A new event of an order's history (the id and nothing else is filled in by the database). */
export type NewWorkOrderEvent = Omit<WorkOrderEvent, 'id' | 'workOrder'>;

/** Storage of work orders and their history. */
@Injectable()
export class WorkOrdersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  private withRelations(manager: EntityManager = this.dataSource.manager): SelectQueryBuilder<WorkOrder> {
    return manager
      .getRepository(WorkOrder)
      .createQueryBuilder('wo')
      .leftJoinAndSelect('wo.commune', 'commune')
      .leftJoinAndSelect('wo.village', 'village')
      .leftJoinAndSelect('wo.fmCluster', 'fm')
      .leftJoinAndSelect('wo.ipCluster', 'ip');
  }

  /** An order with its units and clusters, if it lies inside the scope. */
  async findInScope(id: string, scope: Scope | null): Promise<WorkOrder | null> {
    const query = whereInScope(this.withRelations().where('wo.id = :id', { id }), scope, 'wo.unit_path');
    return withDigitCosts(await query.getOne());
  }

  /** The order row, locked until the end of the transaction (so concurrent changes queue up). */
  async lock(id: string, manager: EntityManager): Promise<WorkOrder | null> {
    const row = await manager
      .getRepository(WorkOrder)
      .createQueryBuilder('wo')
      .where('wo.id = :id', { id })
      .setLock('pessimistic_write')
      .getOne();
    return withDigitCosts(row);
  }

  async list(filter: WorkOrderFilter): Promise<[WorkOrder[], number]> {
    const query = this.withRelations();
    whereInScope(query, filter.scope, 'wo.unit_path');
    if (filter.unitPath)
      query.andWhere(underPathSql('wo.unit_path', 'unit'), underPathParams('unit', filter.unitPath));
    if (filter.status?.length)
      query.andWhere('wo.status = ANY(CAST(:statuses AS text[]))', { statuses: filter.status });
    if (filter.kind?.length) query.andWhere('wo.kind = ANY(CAST(:kinds AS text[]))', { kinds: filter.kind });
    if (filter.fundingProgramme?.length)
      query.andWhere('wo.funding_programme = ANY(CAST(:programmes AS text[]))', {
        programmes: filter.fundingProgramme,
      });
    if (filter.q)
      query.andWhere(`(${foldSql('wo.code')} LIKE :q OR ${foldSql('wo.title')} LIKE :q)`, {
        q: containsPattern(filter.q),
      });
    const order = filter.order === 'desc' ? 'DESC' : 'ASC';
    query.orderBy(SORT_PROPERTIES[filter.sort], order, 'NULLS LAST');
    // Codes are unique: ties come in code order and paging is stable.
    if (filter.sort !== 'code') query.addOrderBy('wo.code', order);
    const [rows, total] = await query
      .offset((filter.page - 1) * filter.pageSize)
      .limit(filter.pageSize)
      .getManyAndCount();
    return [rows.map((row) => withDigitCosts(row) as WorkOrder), total];
  }

  history(id: string): Promise<WorkOrderEvent[]> {
    return this.dataSource
      .getRepository(WorkOrderEvent)
      .find({ where: { workOrderId: id }, order: { at: 'ASC', id: 'ASC' } });
  }

  /** The next sequence number of a year's codes (`WO-<year>-<n>`). */
  async nextSequence(year: number, manager: EntityManager): Promise<number> {
    const rows: { max: number | null }[] = await manager.query(
      `SELECT max(CAST(split_part(code, '-', 3) AS int)) AS max FROM work_order WHERE code ~ $1`,
      [`^WO-${year}-[0-9]{1,9}$`],
    );
    return (rows[0]?.max ?? 0) + 1;
  }

  /** Another order (not cancelled) already holding this FM or IP cluster, if any. */
  async holderOf(
    column: 'fm_cluster_id' | 'ip_cluster_id',
    clusterId: string,
    exceptId: string | null,
    manager: EntityManager,
  ): Promise<{ code: string; status: WorkOrderStatus } | null> {
    const rows: { code: string; status: WorkOrderStatus }[] = await manager.query(
      `SELECT code, status FROM work_order
       WHERE ${column} = $1 AND status <> 'cancelled' AND ($2::uuid IS NULL OR id <> $2::uuid)
       ORDER BY created_at LIMIT 1`,
      [clusterId, exceptId],
    );
    return rows[0] ?? null;
  }

  async addEvents(events: NewWorkOrderEvent[], manager: EntityManager): Promise<void> {
    if (events.length === 0) return;
    await manager
      .createQueryBuilder()
      .insert()
      .into(WorkOrderEvent)
      .values(events as QueryDeepPartialEntity<WorkOrderEvent>[])
      .updateEntity(false)
      .execute();
  }
}

/**
 * Amounts as digit strings whatever the driver returns for bigint (node-postgres: a string; PGlite: a
 * number), so views, comparisons and the history see one form.
 */
function withDigitCosts(row: WorkOrder | null): WorkOrder | null {
  if (!row) return row;
  if (row.plannedCostVnd !== null) row.plannedCostVnd = String(row.plannedCostVnd);
  if (row.actualCostVnd !== null) row.actualCostVnd = String(row.actualCostVnd);
  return row;
}
