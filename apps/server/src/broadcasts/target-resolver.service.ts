import { ForbiddenException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { TargetSpec } from '@loa-xa/persistence';
import { pathInScope, scopeCondition, type Principal } from '../access/scope';
import { validationFailed, type FieldError } from '../common/validation';

/** Cluster lifecycles that take broadcasts (a cluster being installed is tested with them). */
export const BROADCASTABLE_LIFECYCLES = ['planned', 'active', 'faulty'];

export interface ResolvedTarget {
  clusterIds: string[];
  /** The narrowest unit covering every target: the owner of the schedule or broadcast. */
  unitId: string;
  unitPath: string;
}

interface UnitRow {
  id: string;
  level: string;
  path: string;
  name: string;
}

/** The longest common prefix of materialised paths, whole segments only. */
export function commonPath(paths: readonly string[]): string {
  if (paths.length === 0) return '';
  let common = paths[0].split('/');
  for (const path of paths.slice(1)) {
    const parts = path.split('/');
    let i = 0;
    while (i < common.length && i < parts.length && common[i] === parts[i]) i++;
    common = common.slice(0, i);
  }
  return common.join('/');
}

/**
 * Turns a target (units, villages, groups, clusters) into IP cluster ids, checking every reference: unknown
 * ids are field errors (400), ids outside the caller's scope are refused (403).
 */
@Injectable()
export class TargetResolver {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async resolve(principal: Principal, target: TargetSpec, field = 'target'): Promise<ResolvedTarget> {
    const unitIds = target.unitIds ?? [];
    const villageIds = target.villageIds ?? [];
    const groupIds = target.groupIds ?? [];
    const clusterIds = target.clusterIds ?? [];
    if (unitIds.length + villageIds.length + groupIds.length + clusterIds.length === 0) {
      throw validationFailed([
        {
          field,
          rule: 'notEmpty',
          message: `${field} needs at least one of unitIds, villageIds, groupIds, clusterIds`,
        },
      ]);
    }
    const errors: FieldError[] = [];
    const ownerPaths: string[] = [];
    const outside: string[] = [];

    const units = await this.units([...unitIds, ...villageIds]);
    for (const id of unitIds) {
      const unit = units.get(id);
      if (!unit || unit.level === 'village') {
        errors.push({
          field: `${field}.unitIds`,
          rule: 'exists',
          message: `${field}.unitIds: ${id} is not a known province, district or commune${unit ? ' (use villageIds for villages)' : ''}`,
        });
      } else if (!pathInScope(principal.scope, unit.path)) outside.push(id);
      else ownerPaths.push(unit.path);
    }
    for (const id of villageIds) {
      const unit = units.get(id);
      if (!unit || unit.level !== 'village') {
        errors.push({
          field: `${field}.villageIds`,
          rule: 'exists',
          message: `${field}.villageIds: ${id} is not a known village`,
        });
      } else if (!pathInScope(principal.scope, unit.path)) outside.push(id);
      else ownerPaths.push(unit.path.split('/').slice(0, -1).join('/'));
    }
    if (groupIds.length > 0) {
      const rows: { id: string; name: string; unit_path: string }[] = await this.dataSource.query(
        `SELECT id, name, unit_path FROM cluster_group WHERE id = ANY($1::uuid[])`,
        [groupIds],
      );
      const found = new Map(rows.map((r) => [r.id, r]));
      for (const id of groupIds) {
        const group = found.get(id);
        if (!group)
          errors.push({
            field: `${field}.groupIds`,
            rule: 'exists',
            message: `${field}.groupIds: ${id} is not a known cluster group`,
          });
        else if (!pathInScope(principal.scope, group.unit_path)) outside.push(id);
        else ownerPaths.push(group.unit_path);
      }
    }
    if (clusterIds.length > 0) {
      const rows: { id: string; code: string; kind: string; commune_path: string }[] =
        await this.dataSource.query(
          `SELECT c.id, c.code, c.kind, u.path AS commune_path
             FROM cluster c JOIN admin_unit u ON u.id = c.commune_id
            WHERE c.id = ANY($1::uuid[])`,
          [clusterIds],
        );
      const found = new Map(rows.map((r) => [r.id, r]));
      for (const id of clusterIds) {
        const cluster = found.get(id);
        if (!cluster)
          errors.push({
            field: `${field}.clusterIds`,
            rule: 'exists',
            message: `${field}.clusterIds: ${id} is not a known cluster`,
          });
        else if (!pathInScope(principal.scope, cluster.commune_path)) outside.push(id);
        else if (cluster.kind !== 'ip')
          errors.push({
            field: `${field}.clusterIds`,
            rule: 'isIp',
            message: `${field}.clusterIds: cluster ${cluster.code} is ${cluster.kind}, not an IP cluster`,
          });
        else ownerPaths.push(cluster.commune_path);
      }
    }
    if (errors.length > 0) throw validationFailed(errors);
    if (outside.length > 0)
      // Only the ids the caller sent: nothing about objects outside its scope.
      throw new ForbiddenException(`${field} reaches outside your scope: ${outside.slice(0, 5).join(', ')}`);

    const ownerPath = commonPath(ownerPaths);
    if (!ownerPath)
      throw validationFailed([
        {
          field,
          rule: 'oneProvince',
          message: `${field} spans several provinces: send one per province`,
        },
      ]);
    return {
      clusterIds: await this.clusters(principal, target, units),
      unitId: ownerPath.split('/').pop() as string,
      unitPath: ownerPath,
    };
  }

  /** The IP clusters a target reaches now, without reference checks (for targets already saved). */
  async clustersOf(target: TargetSpec): Promise<string[]> {
    const units = await this.units([...(target.unitIds ?? []), ...(target.villageIds ?? [])]);
    return this.clusters(null, target, units);
  }

  private async units(ids: string[]): Promise<Map<string, UnitRow>> {
    if (ids.length === 0) return new Map();
    const rows: UnitRow[] = await this.dataSource.query(
      `SELECT id, level, path, name FROM admin_unit WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  private async clusters(
    principal: Principal | null,
    target: TargetSpec,
    units: Map<string, UnitRow>,
  ): Promise<string[]> {
    const unitPaths = (target.unitIds ?? []).flatMap((id) => {
      const unit = units.get(id);
      return unit && unit.level !== 'village' ? [unit.path] : [];
    });
    const query = this.dataSource
      .createQueryBuilder()
      .select('c.id', 'id')
      .from('cluster', 'c')
      .innerJoin('admin_unit', 'cm', 'cm.id = c.commune_id')
      .where(`c.kind = 'ip'`)
      .andWhere('c.lifecycle IN (:...lifecycles)', { lifecycles: BROADCASTABLE_LIFECYCLES })
      .andWhere(
        `(cm.path = ANY(CAST(:unitPaths AS text[]))
          OR cm.path LIKE ANY(CAST(:unitPrefixes AS text[]))
          OR c.village_id = ANY(CAST(:villageIds AS uuid[]))
          OR c.id = ANY(CAST(:clusterIds AS uuid[]))
          OR c.id IN (SELECT m.cluster_id FROM cluster_group_member m WHERE m.group_id = ANY(CAST(:groupIds AS uuid[]))))`,
        {
          unitPaths,
          unitPrefixes: unitPaths.map((p) => `${p.replace(/[\\%_]/g, '\\$&')}/%`),
          villageIds: target.villageIds ?? [],
          clusterIds: target.clusterIds ?? [],
          groupIds: target.groupIds ?? [],
        },
      )
      .orderBy('c.id');
    const scope = principal ? scopeCondition(principal.scope, 'cm.path', 'targetScope') : null;
    if (scope) query.andWhere(scope.sql, scope.params);
    const rows: { id: string }[] = await query.getRawMany();
    return rows.map((r) => r.id);
  }
}
