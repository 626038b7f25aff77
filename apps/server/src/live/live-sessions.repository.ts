import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import { LiveSession, type LiveStatus } from '@loa-xa/persistence';
import { whereInScope, type Scope } from '../access/scope';

export type LiveSessionChanges = Partial<Omit<LiveSession, 'id' | 'unit'>>;

/** Rows of live_session; every read is limited to a scope. */
@Injectable()
export class LiveSessionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async insert(row: Omit<LiveSession, 'createdAt' | 'unit'>, manager: EntityManager): Promise<void> {
    await manager.getRepository(LiveSession).insert(row);
  }

  async update(id: string, changes: LiveSessionChanges, manager?: EntityManager): Promise<void> {
    await (manager ?? this.dataSource.manager).getRepository(LiveSession).update(id, changes);
  }

  /** The session if it exists and lies in the scope. */
  findInScope(id: string, scope: Scope | null): Promise<LiveSession | null> {
    const query = this.dataSource
      .getRepository(LiveSession)
      .createQueryBuilder('s')
      .where('s.id = :id', { id });
    return whereInScope(query, scope, 's.unit_path').getOne();
  }

  findById(id: string): Promise<LiveSession | null> {
    return this.dataSource.getRepository(LiveSession).findOneBy({ id });
  }

  list(options: {
    scope: Scope | null;
    status?: LiveStatus;
    order: 'asc' | 'desc';
    page: number;
    pageSize: number;
  }): Promise<[LiveSession[], number]> {
    const query = this.dataSource.getRepository(LiveSession).createQueryBuilder('s');
    whereInScope(query, options.scope, 's.unit_path');
    if (options.status) query.andWhere('s.status = :status', { status: options.status });
    const order = options.order === 'asc' ? 'ASC' : 'DESC';
    return query
      .orderBy('s.created_at', order)
      .addOrderBy('s.id', order)
      .skip((options.page - 1) * options.pageSize)
      .take(options.pageSize)
      .getManyAndCount();
  }

  /** Sessions a previous run of the server left open (their sources and listeners are gone). */
  async failOrphans(reason: string): Promise<string[]> {
    const repo = this.dataSource.getRepository(LiveSession);
    const open = await repo.find({ select: { id: true }, where: { status: In(['waiting', 'live']) } });
    if (open.length === 0) return [];
    const ids = open.map((s) => s.id);
    await repo.update({ id: In(ids) }, { status: 'failed', failureReason: reason, endedAt: new Date() });
    return ids;
  }
}
