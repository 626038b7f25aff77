import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import { AdminUnit, type UnitEra, type UnitLevel } from '@loa-xa/persistence';
import { containsPattern, foldSql } from '../text-search';
import type { UnitSort } from './unit.dto';
import { whereInScope, type Scope } from '../../access/scope';

export type NewUnit = Pick<
  AdminUnit,
  'id' | 'code' | 'level' | 'era' | 'name' | 'type' | 'parentId' | 'path'
>;
export type UnitChange = Pick<AdminUnit, 'id' | 'name' | 'type' | 'parentId' | 'path'>;

export interface UnitFilter {
  /** Only units inside this scope (null: all). */
  scope: Scope | null;
  level?: UnitLevel;
  era?: UnitEra;
  parentId?: string;
  code?: string;
  q?: string;
  sort: UnitSort;
  order: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

const SORT_COLUMNS: Record<UnitSort, string> = { code: 'u.code', name: 'u.name', createdAt: 'u.created_at' };

/** Rows per multi-row statement in imports (8 parameters a row, far below PostgreSQL's 65,535). */
const BATCH = 500;

/** Storage of the administrative tree. */
@Injectable()
export class UnitsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<AdminUnit | null> {
    return manager.getRepository(AdminUnit).findOneBy({ id });
  }

  findByIds(ids: string[]): Promise<AdminUnit[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.dataSource.getRepository(AdminUnit).findBy({ id: In(ids) });
  }

  list(filter: UnitFilter): Promise<[AdminUnit[], number]> {
    const query = this.dataSource.getRepository(AdminUnit).createQueryBuilder('u');
    whereInScope(query, filter.scope, 'u.path', 'unitScope');
    if (filter.level) query.andWhere('u.level = :level', { level: filter.level });
    if (filter.era) query.andWhere('u.era = :era', { era: filter.era });
    if (filter.parentId) query.andWhere('u.parent_id = :parentId', { parentId: filter.parentId });
    if (filter.code) query.andWhere('u.code = :code', { code: filter.code });
    if (filter.q) query.andWhere(`${foldSql('u.name')} LIKE :q`, { q: containsPattern(filter.q) });
    const order = filter.order === 'desc' ? 'DESC' : 'ASC';
    return query
      .orderBy(SORT_COLUMNS[filter.sort], order)
      .addOrderBy('u.id', order)
      .offset((filter.page - 1) * filter.pageSize)
      .limit(filter.pageSize)
      .getManyAndCount();
  }

  countChildren(id: string): Promise<number> {
    return this.dataSource.getRepository(AdminUnit).countBy({ parentId: id });
  }

  async codeTaken(era: UnitEra, level: UnitLevel, code: string): Promise<boolean> {
    return this.dataSource.getRepository(AdminUnit).existsBy({ era, level, code });
  }

  async insert(unit: NewUnit, manager: EntityManager): Promise<AdminUnit> {
    await manager.getRepository(AdminUnit).insert(unit);
    return (await this.findById(unit.id, manager)) as AdminUnit;
  }

  /** Serialises imports of the official list, so two at once cannot both insert the same codes. */
  async lockImports(manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('loa-xa:admin_unit:import'))`);
  }

  findByCodes(
    era: UnitEra,
    level: UnitLevel,
    codes: string[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<AdminUnit[]> {
    if (codes.length === 0) return Promise.resolve([]);
    return manager
      .getRepository(AdminUnit)
      .createQueryBuilder('u')
      .where('u.era = :era AND u.level = :level AND u.code = ANY(CAST(:codes AS text[]))', {
        era,
        level,
        codes,
      })
      .getMany();
  }

  /** Units of a level with one of these codes below one of these parents (villages of communes). */
  findChildrenByCodes(parentIds: string[], level: UnitLevel, codes: string[]): Promise<AdminUnit[]> {
    if (parentIds.length === 0 || codes.length === 0) return Promise.resolve([]);
    return this.dataSource
      .getRepository(AdminUnit)
      .createQueryBuilder('u')
      .where('u.level = :level', { level })
      .andWhere('u.parent_id = ANY(CAST(:parentIds AS uuid[]))', { parentIds })
      .andWhere('u.code = ANY(CAST(:codes AS text[]))', { codes })
      .getMany();
  }

  /** True when no unit exists yet (first start). */
  async isEmpty(): Promise<boolean> {
    return !(await this.dataSource.getRepository(AdminUnit).exists());
  }

  /** Multi-row INSERTs, BATCH rows per statement. */
  async insertMany(units: NewUnit[], manager: EntityManager): Promise<void> {
    for (let i = 0; i < units.length; i += BATCH) {
      await manager
        .createQueryBuilder()
        .insert()
        .into(AdminUnit)
        .values(units.slice(i, i + BATCH))
        .updateEntity(false)
        .execute();
    }
  }

  /** One UPDATE per batch, fed by arrays (unnest) rather than one statement per row. */
  async updateMany(changes: UnitChange[], manager: EntityManager): Promise<void> {
    for (let i = 0; i < changes.length; i += BATCH) {
      const batch = changes.slice(i, i + BATCH);
      await manager.query(
        `UPDATE admin_unit AS u
            SET name = v.name, type = v.type, parent_id = v.parent_id, path = v.path
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::text[]) AS v(id, name, type, parent_id, path)
          WHERE u.id = v.id`,
        [
          batch.map((c) => c.id),
          batch.map((c) => c.name),
          batch.map((c) => c.type),
          batch.map((c) => c.parentId),
          batch.map((c) => c.path),
        ],
      );
    }
  }

  /** After a unit moved in the tree: every descendant's path gets the new prefix. */
  async rebaseDescendants(oldPath: string, newPath: string, manager: EntityManager): Promise<void> {
    await manager.query(
      `UPDATE admin_unit SET path = $2 || substr(path, length($1) + 1) WHERE path LIKE $3`,
      [oldPath, newPath, `${oldPath.replace(/[\\%_]/g, '\\$&')}/%`],
    );
  }
}
