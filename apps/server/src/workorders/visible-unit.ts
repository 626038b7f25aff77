import { NotFoundException } from '@nestjs/common';
import { AdminUnit } from '@loa-xa/persistence';
import type { EntityManager } from 'typeorm';
import { pathInScope, type Scope } from '../access/scope';

/** A unit named by a filter; one outside the scope answers 404 like one that does not exist. */
export async function visibleUnit(
  manager: EntityManager,
  scope: Scope | null,
  id: string,
): Promise<AdminUnit> {
  const unit = await manager.getRepository(AdminUnit).findOneBy({ id });
  if (!unit || !pathInScope(scope, unit.path)) throw new NotFoundException(`unit ${id} not found`);
  return unit;
}

/** SQL keeping rows whose path column lies under the path parameter `:${name}Path` (or is it). */
export function underPathSql(column: string, name: string): string {
  return `(${column} = :${name}Path OR ${column} LIKE :${name}Prefix)`;
}

export function underPathParams(name: string, path: string): Record<string, string> {
  return { [`${name}Path`]: path, [`${name}Prefix`]: `${path.replace(/[\\%_]/g, '\\$&')}/%` };
}
