import { NotFoundException } from '@nestjs/common';
import { AdminUnit } from '@loa-xa/persistence';
import type { EntityManager } from 'typeorm';
import { pathInScope, type Scope } from './scope';

/**
 * A unit named by a filter; one outside the scope answers 404 like one that does not exist. With `orAbove`,
 * a unit above the scope is visible too (a district technician asking about the province sees their part).
 */
export async function visibleUnit(
  manager: EntityManager,
  scope: Scope | null,
  id: string,
  options: { orAbove?: boolean } = {},
): Promise<AdminUnit> {
  const unit = await manager.getRepository(AdminUnit).findOneBy({ id });
  const above =
    options.orAbove === true &&
    unit !== null &&
    scope !== null &&
    scope.paths.some((p) => p.startsWith(`${unit.path}/`));
  if (!unit || !(pathInScope(scope, unit.path) || above)) throw new NotFoundException(`unit ${id} not found`);
  return unit;
}

/** SQL keeping rows whose path column lies under the path parameter `:${name}Path` (or is it). */
export function underPathSql(column: string, name: string): string {
  return `(${column} = :${name}Path OR ${column} LIKE :${name}Prefix)`;
}

export function underPathParams(name: string, path: string): Record<string, string> {
  return { [`${name}Path`]: path, [`${name}Prefix`]: `${path.replace(/[\\%_]/g, '\\$&')}/%` };
}
