import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, Not, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Cluster, type ClusterKind, type ClusterLifecycle } from '@loa-xa/persistence';
import { containsPattern, foldSql } from '../text-search';
import { communeUnderUnitSql } from '../tree-sql';
import type { ClusterSort } from './cluster.dto';
import { whereInScope, type Scope } from '../../access/scope';

export type NewCluster = Omit<Cluster, 'commune' | 'village' | 'station' | 'createdAt' | 'updatedAt'>;
export type ClusterChanges = Partial<Omit<NewCluster, 'id' | 'kind'>>;

/** Which clusters: the list's filters without sorting and paging. */
export interface ClusterConditions {
  scope: Scope | null;
  unitId?: string;
  stationId?: string;
  kind?: ClusterKind[];
  lifecycle?: ClusterLifecycle[];
  /** Keep only clusters online (true) or not online (false), given the ids online now. */
  online?: { online: boolean; ids: string[] };
  ipConnected?: boolean;
  q?: string;
}

/** The compact view's conditions: its online filter is applied in memory (the rows are cached). */
export type ClusterMapConditions = Omit<ClusterConditions, 'online'>;

export interface ClusterFilter extends ClusterConditions {
  sort: ClusterSort;
  order: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

/** A row of ClustersRepository.mapRows. */
export interface ClusterMapDbRow {
  id: string;
  code: string;
  name: string;
  kind: ClusterKind;
  lifecycle: ClusterLifecycle;
  communeId: string;
  communeName: string;
  villageId: string | null;
  villageName: string | null;
  latitude: number | null;
  longitude: number | null;
}

const SORT_PROPERTIES: Record<ClusterSort, string> = {
  code: 'c.code',
  name: 'c.name',
  createdAt: 'c.createdAt',
  installedOn: 'c.installedOn',
  lifecycle: 'c.lifecycle',
};

/** Rows per multi-row INSERT (22 parameters a row). */
const BATCH = 1000;

/** Storage of loudspeaker clusters. */
@Injectable()
export class ClustersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** A cluster with its commune and village. */
  findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<Cluster | null> {
    return manager
      .getRepository(Cluster)
      .findOne({ where: { id }, relations: { commune: true, village: true } });
  }

  /** A cluster with its commune and village, if it lies inside the scope. */
  findInScope(id: string, scope: Scope | null): Promise<Cluster | null> {
    const query = this.dataSource
      .getRepository(Cluster)
      .createQueryBuilder('c')
      .innerJoinAndSelect('c.commune', 'commune')
      .leftJoinAndSelect('c.village', 'village')
      .where('c.id = :id', { id });
    return whereInScope(query, scope, 'commune.path').getOne();
  }

  codeTaken(code: string, exceptId?: string): Promise<boolean> {
    return this.dataSource.getRepository(Cluster).existsBy(exceptId ? { code, id: Not(exceptId) } : { code });
  }

  /** Which of these codes are already used. */
  async existingCodes(codes: string[]): Promise<string[]> {
    if (codes.length === 0) return [];
    const rows = await this.dataSource
      .getRepository(Cluster)
      .createQueryBuilder('c')
      .select('c.code', 'code')
      .where('c.code = ANY(CAST(:codes AS text[]))', { codes })
      .getRawMany<{ code: string }>();
    return rows.map((r) => r.code);
  }

  list(filter: ClusterFilter): Promise<[Cluster[], number]> {
    const query = this.dataSource
      .getRepository(Cluster)
      .createQueryBuilder('c')
      .innerJoinAndSelect('c.commune', 'commune')
      .leftJoinAndSelect('c.village', 'village');
    this.where(query, filter);
    const order = filter.order === 'desc' ? 'DESC' : 'ASC';
    query.orderBy(SORT_PROPERTIES[filter.sort], order, 'NULLS LAST');
    // Codes are unique: ties (same lifecycle, same day…) come in code order, and paging is stable.
    if (filter.sort !== 'code') query.addOrderBy('c.code', order);
    return query
      .offset((filter.page - 1) * filter.pageSize)
      .limit(filter.pageSize)
      .getManyAndCount();
  }

  /**
   * Every cluster the filter keeps, in code order, as plain rows with their commune's and village's names:
   * one query and no entities, for the compact view of a whole province (GET /clusters/map).
   */
  mapRows(filter: ClusterMapConditions): Promise<ClusterMapDbRow[]> {
    const query = this.mapQuery()
      .select('c.id', 'id')
      .addSelect('c.code', 'code')
      .addSelect('c.name', 'name')
      .addSelect('c.kind', 'kind')
      .addSelect('c.lifecycle', 'lifecycle')
      .addSelect('c.communeId', 'communeId')
      .addSelect('commune.name', 'communeName')
      .addSelect('c.villageId', 'villageId')
      .addSelect('village.name', 'villageName')
      .addSelect('c.latitude', 'latitude')
      .addSelect('c.longitude', 'longitude');
    return this.where(query, filter).orderBy('c.code', 'ASC').getRawMany<ClusterMapDbRow>();
  }

  /**
   * A fingerprint of what mapRows would return, from one aggregate (no rows leave the database): how many
   * rows, their latest change (every write sets updated_at) and a hash of their unit names.
   */
  async mapVersion(filter: ClusterMapConditions): Promise<string> {
    const query = this.mapQuery()
      .select('count(*)', 'n')
      .addSelect('max(c.updated_at)', 'changed')
      .addSelect(`sum(hashtext(commune.name || '/' || coalesce(village.name, '')))`, 'names');
    const row = await this.where(query, filter).getRawOne<{ n: unknown; changed: unknown; names: unknown }>();
    const changed = row?.changed instanceof Date ? row.changed.toISOString() : String(row?.changed);
    return `${String(row?.n)}|${changed}|${String(row?.names)}`;
  }

  private mapQuery(): SelectQueryBuilder<Cluster> {
    return this.dataSource
      .getRepository(Cluster)
      .createQueryBuilder('c')
      .innerJoin('c.commune', 'commune')
      .leftJoin('c.village', 'village');
  }

  /** The list's conditions (scope, unit, station, kind, lifecycle, online, FM link, text) on alias `c`. */
  private where(
    query: SelectQueryBuilder<Cluster>,
    filter: ClusterMapConditions & Pick<ClusterConditions, 'online'>,
  ): SelectQueryBuilder<Cluster> {
    whereInScope(query, filter.scope, 'commune.path');
    if (filter.unitId) {
      // A village is matched directly; any unit above a commune through the commune's path.
      query.andWhere(`(c.village_id = :unitId OR ${communeUnderUnitSql('commune', 'unitId')})`, {
        unitId: filter.unitId,
      });
    }
    if (filter.stationId) query.andWhere('c.station_id = :stationId', { stationId: filter.stationId });
    if (filter.kind?.length) query.andWhere('c.kind = ANY(CAST(:kinds AS text[]))', { kinds: filter.kind });
    if (filter.lifecycle?.length)
      query.andWhere('c.lifecycle = ANY(CAST(:lifecycles AS text[]))', { lifecycles: filter.lifecycle });
    if (filter.online) {
      // The online set lives in memory; handing it to SQL keeps counting and paging exact.
      query.andWhere(
        filter.online.online
          ? 'c.id = ANY(CAST(:onlineIds AS uuid[]))'
          : 'c.id <> ALL(CAST(:onlineIds AS uuid[]))',
        { onlineIds: filter.online.ids },
      );
    }
    if (filter.ipConnected !== undefined)
      query.andWhere('c.ip_connected = :ipConnected', { ipConnected: filter.ipConnected });
    if (filter.q) {
      query.andWhere(`(${foldSql('c.code')} LIKE :q OR ${foldSql('c.name')} LIKE :q)`, {
        q: containsPattern(filter.q),
      });
    }
    return query;
  }

  async insert(cluster: NewCluster, manager: EntityManager): Promise<void> {
    await this.insertMany([cluster], manager);
  }

  /** Multi-row INSERTs, BATCH rows per statement; ids are given by the caller. */
  async insertMany(clusters: NewCluster[], manager: EntityManager): Promise<void> {
    for (let i = 0; i < clusters.length; i += BATCH) {
      await manager
        .createQueryBuilder()
        .insert()
        .into(Cluster)
        .values(clusters.slice(i, i + BATCH) as QueryDeepPartialEntity<Cluster>[])
        .updateEntity(false)
        .execute();
    }
  }

  async update(id: string, changes: ClusterChanges, manager: EntityManager): Promise<void> {
    if (Object.keys(changes).length === 0) return;
    await manager.getRepository(Cluster).update({ id }, changes as QueryDeepPartialEntity<Cluster>);
  }

  /** Deletes a cluster if it is still in the given state; false when it is not (or is gone). */
  async deleteIf(id: string, lifecycle: ClusterLifecycle, manager: EntityManager): Promise<boolean> {
    const result = await manager.getRepository(Cluster).delete({ id, lifecycle });
    return (result.affected ?? 0) > 0;
  }
}
