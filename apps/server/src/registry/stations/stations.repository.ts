import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Cluster, Station } from '@loa-xa/persistence';
import { containsPattern, foldSql } from '../text-search';
import { communeUnderUnitSql } from '../tree-sql';
import type { StationSort } from './station.dto';
import { whereInScope, type Scope } from '../../access/scope';

export type NewStation = Pick<Station, 'communeId' | 'name' | 'address' | 'phone' | 'isIp' | 'establishedOn'>;
export type StationChanges = Partial<Pick<Station, 'name' | 'address' | 'phone' | 'isIp' | 'establishedOn'>>;

export interface StationFilter {
  scope: Scope | null;
  unitId?: string;
  isIp?: boolean;
  q?: string;
  sort: StationSort;
  order: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

const SORT_PROPERTIES: Record<StationSort, string> = {
  name: 's.name',
  createdAt: 's.createdAt',
  establishedOn: 's.establishedOn',
};

/** Storage of commune stations. */
@Injectable()
export class StationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** A station with its commune, if it lies inside the scope. */
  findById(
    id: string,
    scope: Scope | null,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Station | null> {
    const query = manager
      .getRepository(Station)
      .createQueryBuilder('s')
      .innerJoinAndSelect('s.commune', 'commune')
      .where('s.id = :id', { id });
    return whereInScope(query, scope, 'commune.path').getOne();
  }

  findByCommune(
    communeId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Station | null> {
    return manager.getRepository(Station).findOneBy({ communeId });
  }

  /** The station of each of these communes that has one. */
  findByCommunes(communeIds: string[]): Promise<Station[]> {
    if (communeIds.length === 0) return Promise.resolve([]);
    return this.dataSource.getRepository(Station).findBy({ communeId: In(communeIds) });
  }

  list(filter: StationFilter): Promise<[Station[], number]> {
    const query = this.dataSource
      .getRepository(Station)
      .createQueryBuilder('s')
      .innerJoinAndSelect('s.commune', 'commune');
    whereInScope(query, filter.scope, 'commune.path');
    if (filter.unitId) query.andWhere(communeUnderUnitSql('commune', 'unitId'), { unitId: filter.unitId });
    if (filter.isIp !== undefined) query.andWhere('s.is_ip = :isIp', { isIp: filter.isIp });
    if (filter.q) query.andWhere(`${foldSql('s.name')} LIKE :q`, { q: containsPattern(filter.q) });
    const order = filter.order === 'desc' ? 'DESC' : 'ASC';
    return query
      .orderBy(SORT_PROPERTIES[filter.sort], order, 'NULLS LAST')
      .addOrderBy('s.id', order)
      .offset((filter.page - 1) * filter.pageSize)
      .limit(filter.pageSize)
      .getManyAndCount();
  }

  /**
   * Inserts a station and links the commune's clusters that have no station yet, in one transaction.
   * Returns the new id.
   */
  async insert(station: NewStation, manager: EntityManager): Promise<string> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(Station)
      .values(station)
      .returning(['id'])
      .updateEntity(false)
      .execute();
    const id = (result.raw as { id: string }[])[0].id;
    await manager
      .createQueryBuilder()
      .update(Cluster)
      .set({ stationId: id })
      .where('commune_id = :communeId AND station_id IS NULL', { communeId: station.communeId })
      .execute();
    return id;
  }

  async update(id: string, changes: StationChanges, manager: EntityManager): Promise<void> {
    if (Object.keys(changes).length === 0) return;
    await manager.getRepository(Station).update({ id }, changes as QueryDeepPartialEntity<Station>);
  }

  /** Deletes a station; its clusters keep existing without one (the foreign key sets NULL). */
  async delete(id: string, manager: EntityManager): Promise<boolean> {
    const result = await manager.getRepository(Station).delete({ id });
    return (result.affected ?? 0) > 0;
  }
}
