import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import { AuditEntry } from '@loa-xa/persistence';
import { whereInScope, type Scope } from '../access/scope';
import { underPathParams, underPathSql, visibleUnit } from '../access/visible-unit';
import type { AuditQuery } from './audit.dto';

/** Reading the audit log (writing is AuditService's, inside each change's transaction). */
@Injectable()
export class AuditLogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The path of the unit a `unitId` filter names (404 when it is not inside the scope). */
  async unitPath(scope: Scope | null, unitId: string): Promise<string> {
    return (await visibleUnit(this.dataSource.manager, scope, unitId)).path;
  }

  page(
    scope: Scope | null,
    query: AuditQuery,
    unitPath: string | null = null,
  ): Promise<[AuditEntry[], number]> {
    return this.filtered(scope, query, unitPath)
      .offset((query.page - 1) * query.pageSize)
      .limit(query.pageSize)
      .getManyAndCount();
  }

  /** Every match, in chunks (keyset on id), for exports that must not hold the whole log in memory. */
  async *all(
    scope: Scope | null,
    query: AuditQuery,
    unitPath: string | null = null,
    chunk = 2000,
  ): AsyncGenerator<AuditEntry[]> {
    let after: string | null = null;
    for (;;) {
      const q = this.filtered(scope, query, unitPath, 'ASC');
      if (after !== null) q.andWhere('a.id > :after', { after });
      const rows = await q.limit(chunk).getMany();
      if (rows.length === 0) return;
      yield rows;
      after = rows[rows.length - 1].id;
      if (rows.length < chunk) return;
    }
  }

  private filtered(
    scope: Scope | null,
    query: AuditQuery,
    unitPath: string | null,
    order?: 'ASC' | 'DESC',
  ): SelectQueryBuilder<AuditEntry> {
    const q = this.dataSource.getRepository(AuditEntry).createQueryBuilder('a');
    // Scoped readers see entries about objects in their part of the tree; server-wide ones (null path) not.
    whereInScope(q, scope, 'a.unit_path', 'auditScope');
    if (unitPath)
      q.andWhere(underPathSql('a.unit_path', 'auditUnit'), underPathParams('auditUnit', unitPath));
    if (query.actorId) q.andWhere('a.actor_id = :actorId', { actorId: query.actorId });
    if (query.actorKind) q.andWhere('a.actor_kind = :actorKind', { actorKind: query.actorKind });
    if (query.objectType) q.andWhere('a.object_type = :objectType', { objectType: query.objectType });
    if (query.objectId) q.andWhere('a.object_id = :objectId', { objectId: query.objectId });
    if (query.action?.endsWith('.'))
      q.andWhere('a.action LIKE :action', { action: `${query.action.replace(/_/g, '\\_')}%` });
    else if (query.action) q.andWhere('a.action = :action', { action: query.action });
    if (query.from) q.andWhere('a.at >= :from', { from: query.from });
    if (query.to) q.andWhere('a.at < :to', { to: query.to });
    const direction = order ?? (query.order === 'asc' ? 'ASC' : 'DESC');
    return q.orderBy('a.id', direction);
  }
}
