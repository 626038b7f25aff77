import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RULES, RULE_IDS, checkOverride, type RuleId, type Severity } from '@loa-xa/health';
import { pathInScope, type Principal } from '../access/scope';
import { AuditService } from '../audit/audit.service';
import { visibleUnit } from '../access/visible-unit';
import { Where } from '../common/sql-where';
import { validationFailed } from '../common/validation';
import type {
  EffectiveRulesDto,
  PutRuleOverrideDto,
  RuleDefinitionDto,
  RuleOverrideView,
} from './health-rule.dto';
import { HealthSettings } from './health-settings.service';

interface Unit {
  id: string;
  path: string;
  name: string;
  level: string;
}

interface OverrideRow {
  unit_id: string;
  unit_name: string;
  unit_level: string;
  rule: string;
  enabled: boolean | null;
  severity: string | null;
  params: Record<string, number> | string;
  revision: number;
  updated_at: Date | string;
}

/** The rule catalogue, the thresholds in force for a unit, and the overrides units set. */
@Injectable()
export class HealthRulesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly settings: HealthSettings,
    private readonly audit: AuditService,
  ) {}

  catalogue(): RuleDefinitionDto[] {
    return RULE_IDS.map((id) => ({ ...RULES[id], params: { ...RULES[id].params } }));
  }

  async effective(principal: Principal, unitId: string): Promise<EffectiveRulesDto> {
    const unit = await this.unit(principal, unitId, 'read');
    const { rules, provenance } = this.settings.explain(unit.path);
    return {
      unitId: unit.id,
      rules: RULE_IDS.map((id) => ({ ...rules[id], from: { ...provenance[id] } })),
    };
  }

  async list(principal: Principal, unitId: string | undefined): Promise<RuleOverrideView[]> {
    const where = new Where();
    where.scope(principal.scope, 'o.unit_path');
    if (unitId) {
      const unit = await this.unit(principal, unitId, 'read');
      where.add((p) => `(o.unit_path = ${p(unit.path)} OR o.unit_path LIKE ${p(`${unit.path}/%`)})`);
    }
    const rows: OverrideRow[] = await this.dataSource.query(
      `SELECT o.unit_id, u.name AS unit_name, u.level AS unit_level, o.rule, o.enabled, o.severity, o.params,
         o.revision, o.updated_at
       FROM health_rule_override o JOIN admin_unit u ON u.id = o.unit_id
       ${where.sql}
       ORDER BY o.unit_path, o.rule`,
      where.params,
    );
    return rows.map(toView);
  }

  async put(
    principal: Principal,
    unitId: string,
    rule: RuleId,
    dto: PutRuleOverrideDto,
  ): Promise<RuleOverrideView> {
    const unit = await this.unit(principal, unitId, 'write');
    const params = dto.params ?? {};
    const problems = checkOverride(rule, {
      enabled: dto.enabled,
      severity: dto.severity as Severity | null | undefined,
      params,
    });
    if (problems.length > 0)
      throw validationFailed(
        problems.map((p) => ({ field: p.field, rule: 'healthRule', message: p.message })),
      );
    await this.dataSource.transaction(async (manager) => {
      const before: OverrideRow[] = await manager.query(
        `SELECT o.*, '' AS unit_name, '' AS unit_level FROM health_rule_override o
         WHERE unit_id = $1 AND rule = $2 FOR UPDATE`,
        [unit.id, rule],
      );
      const old = before[0];
      if (old && dto.revision != null && dto.revision !== old.revision)
        throw new ConflictException(
          `the ${rule} override of ${unit.name} is at revision ${old.revision}, not ${dto.revision}`,
        );
      const after = { enabled: dto.enabled ?? null, severity: dto.severity ?? null, params };
      await manager.query(
        `INSERT INTO health_rule_override (unit_id, unit_path, rule, enabled, severity, params, revision, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 1, now())
         ON CONFLICT (unit_id, rule) DO UPDATE SET enabled = $4, severity = $5, params = $6,
           revision = health_rule_override.revision + 1, updated_at = now()`,
        [unit.id, unit.path, rule, after.enabled, after.severity, JSON.stringify(params)],
      );
      await this.audit.record(manager, principal, {
        action: 'health_rule.override',
        objectType: 'health_rule_override',
        objectId: `${unit.id}:${rule}`,
        unitPath: unit.path,
        changes: {
          enabled: { before: old?.enabled ?? null, after: after.enabled },
          severity: { before: old?.severity ?? null, after: after.severity },
          params: { before: old ? parseParams(old.params) : null, after: params },
        },
      });
    });
    await this.settings.changed(unit.path);
    const views = await this.list(principal, unit.id);
    return views.find((v) => v.unitId === unit.id && v.rule === rule) as RuleOverrideView;
  }

  async remove(principal: Principal, unitId: string, rule: RuleId): Promise<void> {
    const unit = await this.unit(principal, unitId, 'write');
    await this.dataSource.transaction(async (manager) => {
      const rows: OverrideRow[] = await manager.query(
        `WITH gone AS (DELETE FROM health_rule_override WHERE unit_id = $1 AND rule = $2
         RETURNING unit_id, rule, enabled, severity, params, revision, updated_at)
         SELECT * FROM gone`,
        [unit.id, rule],
      );
      if (rows.length === 0) throw new NotFoundException(`${unit.name} has no override of ${rule}`);
      await this.audit.record(manager, principal, {
        action: 'health_rule.reset',
        objectType: 'health_rule_override',
        objectId: `${unit.id}:${rule}`,
        unitPath: unit.path,
        detail: { enabled: rows[0].enabled, severity: rows[0].severity, params: parseParams(rows[0].params) },
      });
    });
    await this.settings.changed(unit.path);
  }

  /** A province, district or commune: readable if in or above the scope, writable only inside it. */
  private async unit(principal: Principal, unitId: string, mode: 'read' | 'write'): Promise<Unit> {
    const unit = await visibleUnit(this.dataSource.manager, principal.scope, unitId, { orAbove: true });
    if (unit.level === 'village')
      throw validationFailed([
        {
          field: 'unitId',
          rule: 'level',
          message: 'health rules are set for a province, district or commune, not a village',
        },
      ]);
    if (mode === 'write' && !pathInScope(principal.scope, unit.path))
      throw new ForbiddenException(`${unit.name} is above your scope: you can change rules only inside it`);
    return unit;
  }
}

function parseParams(params: Record<string, number> | string): Record<string, number> {
  return typeof params === 'string' ? (JSON.parse(params) as Record<string, number>) : params;
}

function toView(r: OverrideRow): RuleOverrideView {
  return {
    unitId: r.unit_id,
    unitName: r.unit_name,
    unitLevel: r.unit_level,
    rule: r.rule,
    enabled: r.enabled,
    severity: r.severity,
    params: parseParams(r.params),
    revision: r.revision,
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}
