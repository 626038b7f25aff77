import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { MediaAsset, MediaRendition, type MediaLoudness, type MediaStatus } from '@loa-xa/persistence';
import { containsPattern, foldSql } from '../registry/text-search';
import { scopeCondition, whereInScope, type Scope } from '../access/scope';

export interface MediaFilter {
  scope: Scope | null;
  status?: MediaStatus;
  q?: string;
  unitId?: string;
  order: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

export type NewAsset = Omit<
  MediaAsset,
  'unit' | 'createdAt' | 'updatedAt' | 'loudness' | 'progress' | 'failureReason'
>;

/** Storage of media assets and renditions. */
@Injectable()
export class MediaRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async insert(asset: NewAsset, manager: EntityManager): Promise<void> {
    await manager
      .getRepository(MediaAsset)
      .insert({ ...asset, progress: 0, failureReason: null, loudness: null });
  }

  /**
   * An asset the scope may use: owned by a unit inside the scope or by a unit above it (a province's
   * recording is usable by its communes). `editable` narrows to the scope itself.
   */
  find(id: string, scope: Scope | null, editable = false): Promise<MediaAsset | null> {
    const query = this.assets().where('a.id = :id', { id });
    return (editable ? whereInScope(query, scope, 'u.path', 'media') : whereVisible(query, scope)).getOne();
  }

  /** Visible assets among these ids. */
  findMany(ids: string[], scope: Scope | null): Promise<MediaAsset[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return whereVisible(this.assets().where('a.id IN (:...ids)', { ids }), scope).getMany();
  }

  list(filter: MediaFilter): Promise<[MediaAsset[], number]> {
    const query = whereVisible(this.assets(), filter.scope);
    if (filter.status) query.andWhere('a.status = :status', { status: filter.status });
    if (filter.q) query.andWhere(`${foldSql('a.title')} LIKE :q`, { q: containsPattern(filter.q) });
    if (filter.unitId)
      query.andWhere(
        `EXISTS (SELECT 1 FROM admin_unit anc WHERE anc.id = :unitId AND (u.path = anc.path OR u.path LIKE anc.path || '/%'))`,
        { unitId: filter.unitId },
      );
    const order = filter.order === 'asc' ? 'ASC' : 'DESC';
    return query
      .orderBy('a.createdAt', order)
      .addOrderBy('a.id', order)
      .offset((filter.page - 1) * filter.pageSize)
      .limit(filter.pageSize)
      .getManyAndCount();
  }

  /** Renditions of these assets, in profile order as stored. */
  renditions(assetIds: string[], profile?: string): Promise<MediaRendition[]> {
    if (assetIds.length === 0) return Promise.resolve([]);
    return this.dataSource.getRepository(MediaRendition).find({
      where: { assetId: In(assetIds), ...(profile ? { profile } : {}) },
      order: { createdAt: 'ASC', profile: 'ASC' },
    });
  }

  findRendition(id: string): Promise<MediaRendition | null> {
    return this.dataSource.getRepository(MediaRendition).findOneBy({ id });
  }

  /** The asset a job works on, whatever its owner. */
  findForJob(id: string): Promise<MediaAsset | null> {
    return this.dataSource.getRepository(MediaAsset).findOneBy({ id });
  }

  /** Ids of assets still being transcoded (re-queued at start-up), oldest first. */
  async processingIds(): Promise<string[]> {
    const rows = await this.dataSource
      .getRepository(MediaAsset)
      .find({ select: { id: true }, where: { status: 'processing' }, order: { createdAt: 'ASC' } });
    return rows.map((r) => r.id);
  }

  async updateTitle(id: string, title: string, manager: EntityManager): Promise<void> {
    await manager.getRepository(MediaAsset).update({ id }, { title });
  }

  async setProgress(id: string, progress: number): Promise<void> {
    await this.dataSource.getRepository(MediaAsset).update({ id, status: 'processing' }, { progress });
  }

  /** Clears what an interrupted earlier run of the job left (its renditions never became visible). */
  async resetJob(id: string): Promise<void> {
    await this.dataSource.getRepository(MediaAsset).update({ id, status: 'processing' }, { progress: 0 });
  }

  /** Stores the renditions and marks the asset ready; false when it is gone or no longer processing. */
  async markReady(id: string, loudness: MediaLoudness, renditions: MediaRendition[]): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const result = await manager
        .getRepository(MediaAsset)
        .update(
          { id, status: 'processing' },
          { status: 'ready', progress: 100, loudness, failureReason: null },
        );
      if (!result.affected) return false;
      await manager.getRepository(MediaRendition).insert(renditions);
      return true;
    });
  }

  async markFailed(id: string, reason: string): Promise<boolean> {
    const result = await this.dataSource
      .getRepository(MediaAsset)
      .update({ id, status: 'processing' }, { status: 'failed', failureReason: reason });
    return Boolean(result.affected);
  }

  /** Deletes an asset and (cascade) its renditions. */
  async delete(id: string, manager: EntityManager): Promise<boolean> {
    const result = await manager.getRepository(MediaAsset).delete({ id });
    return Boolean(result.affected);
  }

  private assets(): SelectQueryBuilder<MediaAsset> {
    return this.dataSource
      .getRepository(MediaAsset)
      .createQueryBuilder('a')
      .innerJoinAndSelect('a.unit', 'u');
  }
}

/** Assets owned inside the scope, or by a unit the scope lies under. */
function whereVisible<Q extends { andWhere(sql: string, params?: object): Q }>(
  query: Q,
  scope: Scope | null,
): Q {
  const inside = scopeCondition(scope, 'u.path', 'visible');
  if (!inside || !scope) return query;
  return query.andWhere(
    `(${inside.sql} OR EXISTS (SELECT 1 FROM unnest(CAST(:visibleAbove AS text[])) AS sp(p) WHERE starts_with(sp.p, u.path || '/')))`,
    { ...inside.params, visibleAbove: scope.paths },
  );
}
