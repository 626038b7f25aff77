import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AdminUnit } from '@loa-xa/persistence';
import { pathInScope, type Scope } from '../access/scope';
import type { AreaUnit } from './report-area';

const COLUMNS = { id: true, code: true, name: true, level: true, era: true, path: true } as const;

/** Finds the units reports are about, inside the caller's scope. */
@Injectable()
export class ReportUnits {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A unit inside the scope; anything else (unknown, or outside) is 404. */
  async inScope(scope: Scope | null, id: string): Promise<AreaUnit> {
    const unit = await this.dataSource.getRepository(AdminUnit).findOne({ where: { id }, select: COLUMNS });
    if (!unit || !pathInScope(scope, unit.path)) throw new NotFoundException(`unit ${id} not found`);
    return unit;
  }

  /** Names of the unit's ancestors and itself, from the top ("Huyện Tràng Định, Tỉnh Lạng Sơn" reads upward). */
  async lineage(unit: AreaUnit): Promise<string[]> {
    const ids = unit.path.split('/');
    const rows = await this.dataSource
      .getRepository(AdminUnit)
      .createQueryBuilder('u')
      .select(['u.id', 'u.name'])
      .where('u.id IN (:...ids)', { ids })
      .getMany();
    const name = new Map(rows.map((r) => [r.id, r.name]));
    return ids.map((id) => name.get(id) ?? '').filter(Boolean);
  }
}
