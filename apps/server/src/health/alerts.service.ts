import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { SEVERITY_RANK, isSeverity } from '@loa-xa/health';
import { pathInScope, type Principal, type Scope } from '../access/scope';
import { AuditService } from '../audit/audit.service';
import { visibleUnit } from '../access/visible-unit';
import { Where } from '../common/sql-where';
import { AlertBus, type AlertView } from './alert-events';
import {
  ALERT_ACTOR_FROM,
  ALERT_ACTOR_SELECT,
  ALERT_VIEW_FROM,
  ALERT_VIEW_SELECT,
  toAlertApiView,
  toAlertView,
  type AlertApiView,
  type AlertRow,
} from './alert-views';
import type { AlertQuery, AlertSummaryDto, BulkAcknowledgeResult } from './alert.dto';
import { HealthEngine } from './health-engine.service';

interface UnitArea {
  id: string;
  path: string;
  level: string;
}

const actorOf = (principal: Principal) => `${principal.kind}:${principal.id}`;

/** Alerts as technicians see them: lists, where and since when, acknowledge, resolve. */
@Injectable()
export class AlertsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly bus: AlertBus,
    private readonly engine: HealthEngine,
  ) {}

  async list(principal: Principal, query: AlertQuery): Promise<{ items: AlertApiView[]; total: number }> {
    const where = await this.filter(principal, query);
    const order = query.order === 'asc' ? 'ASC' : 'DESC';
    const paged = query.format !== 'csv';
    const [rows, count] = await Promise.all([
      this.dataSource.query(
        `SELECT ${ALERT_VIEW_SELECT}, ${ALERT_ACTOR_SELECT} FROM ${ALERT_VIEW_FROM} ${ALERT_ACTOR_FROM}
         ${where.sql}
         ORDER BY a.opened_at ${order}, a.id ${order}
         ${paged ? `LIMIT ${query.pageSize} OFFSET ${(query.page - 1) * query.pageSize}` : ''}`,
        where.params,
      ) as Promise<AlertRow[]>,
      this.dataSource.query(
        `SELECT count(*)::int AS n FROM ${ALERT_VIEW_FROM} ${where.sql}`,
        where.params,
      ) as Promise<{ n: number }[]>,
    ]);
    return { items: rows.map(toAlertApiView), total: count[0].n };
  }

  async get(principal: Principal, id: string): Promise<AlertApiView> {
    return toAlertApiView(await this.row(principal, id));
  }

  /** One alert's row with the actors' names (the HTTP answer; the bus gets toAlertView of it). */
  private async row(principal: Principal, id: string): Promise<AlertRow> {
    const where = new Where();
    where.add((p) => `a.id = ${p(id)}`);
    where.scope(principal.scope, 'a.unit_path');
    const rows: AlertRow[] = await this.dataSource.query(
      `SELECT ${ALERT_VIEW_SELECT}, ${ALERT_ACTOR_SELECT} FROM ${ALERT_VIEW_FROM} ${ALERT_ACTOR_FROM}
       ${where.sql}`,
      where.params,
    );
    if (!rows[0]) throw new NotFoundException(`alert ${id} not found`);
    return rows[0];
  }

  /** What is broken where: active alerts by rule and severity, and by commune (worst first). */
  async summary(principal: Principal, unitId: string | undefined): Promise<AlertSummaryDto> {
    const where = new Where();
    where.add(() => `a.state <> 'resolved'`);
    where.scope(principal.scope, 'a.unit_path');
    if (unitId) this.underUnit(where, await this.visibleUnit(principal.scope, unitId));
    const [byRule, byCommune] = await Promise.all([
      this.dataSource.query(
        `SELECT a.rule, a.severity,
           count(*) FILTER (WHERE a.state = 'open')::int AS open,
           count(*) FILTER (WHERE a.state = 'acknowledged')::int AS acknowledged
         FROM ${ALERT_VIEW_FROM} ${where.sql} GROUP BY a.rule, a.severity ORDER BY a.rule, a.severity`,
        where.params,
      ) as Promise<{ rule: string; severity: string; open: number; acknowledged: number }[]>,
      this.dataSource.query(
        `SELECT a.commune_id, u.name AS commune_name, d.id AS district_id, d.name AS district_name,
           count(*)::int AS active, count(DISTINCT a.cluster_id)::int AS clusters,
           count(*) FILTER (WHERE a.severity = 'critical')::int AS critical, min(a.since) AS oldest_since
         FROM ${ALERT_VIEW_FROM} LEFT JOIN admin_unit d ON d.id = u.parent_id AND d.level = 'district'
         ${where.sql}
         GROUP BY a.commune_id, u.name, d.id, d.name
         ORDER BY critical DESC, active DESC, commune_name`,
        where.params,
      ) as Promise<
        {
          commune_id: string;
          commune_name: string;
          district_id: string | null;
          district_name: string | null;
          active: number;
          clusters: number;
          critical: number;
          oldest_since: Date | string;
        }[]
      >,
    ]);
    return {
      byRule,
      byCommune: byCommune.map((r) => ({
        communeId: r.commune_id,
        communeName: r.commune_name,
        districtId: r.district_id,
        districtName: r.district_name,
        active: r.active,
        clusters: r.clusters,
        critical: r.critical,
        oldestSince: new Date(r.oldest_since).toISOString(),
      })),
    };
  }

  async acknowledge(principal: Principal, id: string, note: string | undefined): Promise<AlertApiView> {
    const before = await this.get(principal, id);
    if (before.state === 'resolved') throw new ConflictException(`alert ${id} is already resolved`);
    if (before.state === 'acknowledged') return before;
    await this.dataSource.transaction(async (manager) => {
      const updated = await this.markAcknowledged(manager, principal, [id], note ?? null);
      if (updated.length === 0) throw new ConflictException(`alert ${id} changed meanwhile; try again`);
    });
    const after = await this.row(principal, id);
    this.bus.publish('acknowledged', toAlertView(after));
    return toAlertApiView(after);
  }

  /** Acknowledges many at once (a storm): those in scope and still open. */
  async acknowledgeMany(
    principal: Principal,
    ids: string[],
    note: string | undefined,
  ): Promise<BulkAcknowledgeResult> {
    const unique = [...new Set(ids)];
    const done = await this.dataSource.transaction((manager) =>
      this.markAcknowledged(manager, principal, unique, note ?? null),
    );
    const doneSet = new Set(done);
    if (done.length > 0) {
      const rows: AlertRow[] = await this.dataSource.query(
        `SELECT ${ALERT_VIEW_SELECT} FROM ${ALERT_VIEW_FROM} WHERE a.id = ANY($1::uuid[])`,
        [done],
      );
      for (const row of rows) this.bus.publish('acknowledged', toAlertView(row));
    }
    return { acknowledged: done.length, skipped: unique.filter((id) => !doneSet.has(id)) };
  }

  /**
   * Closes an alert by hand (the cluster was taken down, the fault is known and accepted). If its condition
   * still holds, the rule stays quiet until the condition has cleared once.
   */
  async resolve(principal: Principal, id: string, note: string | undefined): Promise<AlertApiView> {
    const before = await this.get(principal, id);
    if (before.state === 'resolved') throw new ConflictException(`alert ${id} is already resolved`);
    await this.dataSource.transaction(async (manager) => {
      const rows: { id: string }[] = await manager.query(
        `WITH changed AS (UPDATE alert SET state = 'resolved', resolved_at = now(), resolution = 'manual',
           resolved_by = $2, ack_note = COALESCE($3, ack_note), updated_at = now()
         WHERE id = $1 AND state <> 'resolved' RETURNING id)
         SELECT id FROM changed`,
        [id, actorOf(principal), note ?? null],
      );
      if (rows.length === 0) throw new ConflictException(`alert ${id} changed meanwhile; try again`);
      await this.audit.record(manager, principal, {
        action: 'alert.resolve',
        objectType: 'alert',
        objectId: id,
        unitPath: before.unitPath,
        changes: { state: { before: before.state, after: 'resolved' } },
        detail: { rule: before.rule, clusterId: before.clusterId, note: note ?? null },
      });
    });
    this.engine.resolvedByHand(before.clusterId, before.rule);
    const after = await this.row(principal, id);
    this.bus.publish('resolved', toAlertView(after));
    return toAlertApiView(after);
  }

  /** Is a change visible to this principal, with these stream filters? (SSE, in memory.) */
  visible(
    principal: Principal,
    alert: AlertView,
    filter: { unitPath?: string; minSeverity?: string },
  ): boolean {
    if (!pathInScope(principal.scope, alert.unitPath)) return false;
    if (
      filter.unitPath &&
      alert.unitPath !== filter.unitPath &&
      !alert.unitPath.startsWith(`${filter.unitPath}/`)
    )
      return false;
    if (filter.minSeverity && isSeverity(filter.minSeverity) && isSeverity(alert.severity))
      return SEVERITY_RANK[alert.severity] >= SEVERITY_RANK[filter.minSeverity];
    return true;
  }

  /** A unit the caller may look under (inside the scope, or above it: then what is inside is shown). */
  visibleUnit(scope: Scope | null, unitId: string): Promise<UnitArea> {
    return visibleUnit(this.dataSource.manager, scope, unitId, { orAbove: true });
  }

  private async markAcknowledged(
    manager: EntityManager,
    principal: Principal,
    ids: string[],
    note: string | null,
  ): Promise<string[]> {
    const where = new Where();
    where.add((p) => `id = ANY(${p(ids)}::uuid[])`);
    where.add(() => `state = 'open'`);
    where.scope(principal.scope, 'unit_path');
    const actor = where.params.push(actorOf(principal));
    const noteParam = where.params.push(note);
    const rows: { id: string; unit_path: string; rule: string; cluster_id: string }[] = await manager.query(
      `WITH changed AS (UPDATE alert SET state = 'acknowledged', acknowledged_at = now(),
         acknowledged_by = $${actor}, ack_note = $${noteParam}, updated_at = now()
       ${where.sql} RETURNING id, unit_path, rule, cluster_id)
       SELECT * FROM changed`,
      where.params,
    );
    await this.audit.recordMany(
      manager,
      principal,
      rows.map((r) => ({
        action: 'alert.acknowledge',
        objectType: 'alert',
        objectId: r.id,
        unitPath: r.unit_path,
        changes: { state: { before: 'open', after: 'acknowledged' } },
        detail: { rule: r.rule, clusterId: r.cluster_id, note },
      })),
    );
    return rows.map((r) => r.id);
  }

  private async filter(principal: Principal, query: AlertQuery): Promise<Where> {
    const where = new Where();
    where.scope(principal.scope, 'a.unit_path');
    if (query.state === 'active') where.add(() => `a.state <> 'resolved'`);
    else if (query.state !== 'all') where.add((p) => `a.state = ${p(query.state)}`);
    if (query.rule?.length) where.add((p) => `a.rule = ANY(${p(query.rule)}::varchar[])`);
    if (query.severity?.length) where.add((p) => `a.severity = ANY(${p(query.severity)}::varchar[])`);
    if (query.clusterId) where.add((p) => `a.cluster_id = ${p(query.clusterId)}`);
    if (query.from) where.add((p) => `a.opened_at >= ${p(new Date(query.from as string))}`);
    if (query.to) where.add((p) => `a.opened_at < ${p(new Date(query.to as string))}`);
    if (query.unitId) this.underUnit(where, await this.visibleUnit(principal.scope, query.unitId));
    return where;
  }

  private underUnit(where: Where, unit: UnitArea): void {
    if (unit.level === 'village') where.add((p) => `c.village_id = ${p(unit.id)}`);
    else
      where.add(
        (p) =>
          `(a.unit_path = ${p(unit.path)} OR a.unit_path LIKE ${p(`${unit.path.replace(/[\\%_]/g, '\\$&')}/%`)})`,
      );
  }
}
