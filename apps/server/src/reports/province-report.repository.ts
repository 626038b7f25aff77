import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { CommuneUnit, CountFigures, DistrictUnit } from './province-report.model';
import { SqlParams, underPaths, type AreaUnit } from './report-area';

type Row = Record<string, string | number | boolean | null>;
type PartialCounts = Map<string, Partial<CountFigures>>;

/** Orders that count as done in the period: commissioned in it and not cancelled since. */
const COMMISSIONED = (start: string, end: string) =>
  `w.status <> 'cancelled' AND w.commissioned_at >= ${start} AND w.commissioned_at < ${end}`;

/**
 * The provincial report's figures per commune, each a GROUP BY over the unit's subtree (scope is already
 * checked: the unit lies inside it, so its subtree does too).
 */
@Injectable()
export class ProvinceReportRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private async run(build: (p: SqlParams) => string): Promise<Row[]> {
    const params = new SqlParams();
    const sql = build(params);
    return (await this.dataSource.query(sql, params.values)) as Row[];
  }

  /** Communes of the subtree (those merged away before `fromDate` are flagged retired) and its districts. */
  async units(
    unit: AreaUnit,
    fromDate: string,
  ): Promise<{ communes: CommuneUnit[]; districts: DistrictUnit[] }> {
    const rows = await this.run(
      (p) => `
      SELECT u.id, u.code, u.name, u.level, p.id AS "parentId", p.level AS "parentLevel",
        (u.successor_id IS NOT NULL OR u.valid_to IS NOT NULL) AND COALESCE(u.valid_to < ${p.add(fromDate, 'date')}, TRUE) AS retired
      FROM admin_unit u LEFT JOIN admin_unit p ON p.id = u.parent_id
      WHERE u.level IN ('district', 'commune') AND ${underPaths('u.path', [unit.path], p)}`,
    );
    const communes = rows
      .filter((r) => r.level === 'commune')
      .map((r) => ({
        id: r.id as string,
        code: r.code as string,
        name: r.name as string,
        districtId: r.parentLevel === 'district' ? (r.parentId as string) : null,
        retired: r.retired === true,
      }));
    // A report on one commune has no subtotal rows.
    const districts =
      unit.level === 'commune'
        ? []
        : rows
            .filter((r) => r.level === 'district')
            .map((r) => ({ id: r.id as string, code: r.code as string, name: r.name as string }));
    return { communes, districts };
  }

  /** Stations (IP / other), clusters by kind and state, FM connected to IP, villages and coverage. */
  async inventory(unit: AreaUnit): Promise<PartialCounts> {
    const out: PartialCounts = new Map();
    const merge = (id: string, figures: Partial<CountFigures>) => out.set(id, { ...out.get(id), ...figures });
    const stations = await this.run(
      (p) => `
      SELECT s.commune_id AS id, COUNT(*) FILTER (WHERE s.is_ip) AS ip, COUNT(*) FILTER (WHERE NOT s.is_ip) AS other
      FROM station s JOIN admin_unit u ON u.id = s.commune_id
      WHERE ${underPaths('u.path', [unit.path], p)}
      GROUP BY s.commune_id`,
    );
    for (const r of stations)
      merge(r.id as string, { stationsIp: Number(r.ip), stationsOther: Number(r.other) });
    const count = (kind: string, lifecycle: string) =>
      `COUNT(*) FILTER (WHERE c.kind = '${kind}' AND c.lifecycle = '${lifecycle}')`;
    const clusters = await this.run(
      (p) => `
      SELECT c.commune_id AS id,
        ${count('ip', 'active')} AS "ipWorking", ${count('ip', 'faulty')} AS "ipBroken",
        ${count('fm_wired', 'active')} AS "fmWiredWorking", ${count('fm_wired', 'faulty')} AS "fmWiredBroken",
        ${count('fm_wireless', 'active')} AS "fmWirelessWorking",
        ${count('fm_wireless', 'faulty')} AS "fmWirelessBroken",
        COUNT(*) FILTER (WHERE c.kind <> 'ip' AND c.lifecycle = 'active' AND c.ip_connected) AS "fmConnectedToIp"
      FROM cluster c JOIN admin_unit u ON u.id = c.commune_id
      WHERE ${underPaths('u.path', [unit.path], p)}
      GROUP BY c.commune_id`,
    );
    for (const r of clusters)
      merge(r.id as string, {
        ipWorking: Number(r.ipWorking),
        ipBroken: Number(r.ipBroken),
        fmWiredWorking: Number(r.fmWiredWorking),
        fmWiredBroken: Number(r.fmWiredBroken),
        fmWirelessWorking: Number(r.fmWirelessWorking),
        fmWirelessBroken: Number(r.fmWirelessBroken),
        fmConnectedToIp: Number(r.fmConnectedToIp),
      });
    const villages = await this.run(
      (p) => `
      SELECT v.parent_id AS id, COUNT(*) AS total, COUNT(w.village_id) AS covered
      FROM admin_unit v
      LEFT JOIN (SELECT DISTINCT village_id FROM cluster WHERE lifecycle = 'active' AND village_id IS NOT NULL) w
        ON w.village_id = v.id
      WHERE v.level = 'village' AND v.successor_id IS NULL AND v.valid_to IS NULL
        AND ${underPaths('v.path', [unit.path], p)}
      GROUP BY v.parent_id`,
    );
    for (const r of villages)
      merge(r.id as string, { villages: Number(r.total), villagesCovered: Number(r.covered) });
    return out;
  }

  /** Work orders commissioned in the period, per commune and kind. */
  async commissioned(unit: AreaUnit, start: Date, end: Date): Promise<PartialCounts> {
    const rows = await this.run(
      (p) => `
      SELECT w.commune_id AS id,
        COUNT(*) FILTER (WHERE w.kind = 'new_station') AS "newStations",
        COUNT(*) FILTER (WHERE w.kind = 'replacement') AS replacements,
        COUNT(*) FILTER (WHERE w.kind = 'expansion') AS expansions
      FROM work_order w
      WHERE ${COMMISSIONED(p.add(start.toISOString(), 'timestamptz'), p.add(end.toISOString(), 'timestamptz'))}
        AND ${underPaths('w.unit_path', [unit.path], p)}
      GROUP BY w.commune_id`,
    );
    return new Map(
      rows.map((r) => [
        r.id as string,
        {
          newStations: Number(r.newStations),
          replacements: Number(r.replacements),
          expansions: Number(r.expansions),
        },
      ]),
    );
  }

  /**
   * Time on air per commune (of the cluster when the report arrived): played_ms of `finished` and
   * `interrupted` reports of scheduled occurrences and of immediate broadcasts, occurred in the period.
   */
  async played(unit: AreaUnit, start: Date, end: Date): Promise<PartialCounts> {
    const rows = await this.run(
      (p) => `
      SELECT p.commune_id AS id, COALESCE(SUM(p.played_ms), 0) AS ms
      FROM play_log p
      WHERE p.event IN ('finished', 'interrupted')
        AND (p.source = 'schedule' OR p.broadcast_id IS NOT NULL)
        AND p.occurred_at >= ${p.add(start.toISOString(), 'timestamptz')}
        AND p.occurred_at < ${p.add(end.toISOString(), 'timestamptz')}
        AND ${underPaths('p.unit_path', [unit.path], p)}
      GROUP BY p.commune_id`,
    );
    return new Map(rows.map((r) => [r.id as string, { playedMs: Number(r.ms) }]));
  }

  /** Alerts open at the end of the period: opened by then and not resolved by then. */
  async openAlerts(unit: AreaUnit, end: Date): Promise<PartialCounts> {
    const rows = await this.run((p) => {
      const at = p.add(end.toISOString(), 'timestamptz');
      return `
      SELECT a.commune_id AS id, COUNT(*) AS open
      FROM alert a
      WHERE a.opened_at <= ${at} AND (a.resolved_at IS NULL OR a.resolved_at > ${at})
        AND ${underPaths('a.unit_path', [unit.path], p)}
      GROUP BY a.commune_id`;
    });
    return new Map(rows.map((r) => [r.id as string, { openAlerts: Number(r.open) }]));
  }

  /** Orders commissioned in the period by programme and kind: count and actual (else planned) cost. */
  async spending(
    unit: AreaUnit,
    start: Date,
    end: Date,
  ): Promise<{ programme: string; kind: string; orders: number; costVnd: number; withoutCost: number }[]> {
    const rows = await this.run(
      (p) => `
      SELECT w.funding_programme AS programme, w.kind, COUNT(*) AS orders,
        COALESCE(SUM(COALESCE(w.actual_cost_vnd, w.planned_cost_vnd)), 0) AS cost,
        COUNT(*) FILTER (WHERE w.actual_cost_vnd IS NULL AND w.planned_cost_vnd IS NULL) AS "withoutCost"
      FROM work_order w
      WHERE ${COMMISSIONED(p.add(start.toISOString(), 'timestamptz'), p.add(end.toISOString(), 'timestamptz'))}
        AND ${underPaths('w.unit_path', [unit.path], p)}
      GROUP BY w.funding_programme, w.kind`,
    );
    return rows.map((r) => ({
      programme: r.programme as string,
      kind: r.kind as string,
      orders: Number(r.orders),
      costVnd: Number(r.cost),
      withoutCost: Number(r.withoutCost),
    }));
  }
}
