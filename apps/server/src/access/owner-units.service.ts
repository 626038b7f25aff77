import { ForbiddenException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { pathInScope, type Principal } from './scope';
import { validationFailed } from '../common/validation';

export interface OwnerUnit {
  id: string;
  path: string;
  name: string;
  code: string;
  level: string;
}

/** The unit a program or group belongs to: the one given (inside the caller's scope), else the caller's own. */
@Injectable()
export class OwnerUnits {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async resolve(principal: Principal, unitId: string | undefined, field = 'unitId'): Promise<OwnerUnit> {
    const id = unitId ?? principal.scope?.unitId;
    if (!id)
      throw validationFailed([
        { field, rule: 'required', message: `${field} is required for an account without a scope` },
      ]);
    const rows: OwnerUnit[] = await this.dataSource.query(
      `SELECT id, path, name, code, level FROM admin_unit WHERE id = $1`,
      [id],
    );
    const unit = rows[0];
    if (!unit || unit.level === 'village')
      throw validationFailed([
        { field, rule: 'exists', message: `${field} ${id} is not a known province, district or commune` },
      ]);
    if (!pathInScope(principal.scope, unit.path))
      throw new ForbiddenException(`${unit.name} (${unit.code}) is outside your scope`);
    return unit;
  }
}
