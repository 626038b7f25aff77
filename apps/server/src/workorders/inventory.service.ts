import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import type { UnitLevel } from '@loa-xa/persistence';
import { whereInScope, type Principal } from '../access/scope';
import type { UnitRef } from '../registry/units/unit.dto';
import type {
  CommuneCoverage,
  CoverageGapsView,
  FmCommuneInventory,
  FmCounts,
  FmInventoryView,
} from './inventory.dto';
import { underPathParams, underPathSql, visibleUnit } from '../access/visible-unit';

interface UnitColumns {
  commune_id: string;
  commune_code: string;
  commune_name: string;
  commune_type: string | null;
  commune_level: UnitLevel;
  district_id: string | null;
  district_code: string | null;
  district_name: string | null;
  district_type: string | null;
  district_level: UnitLevel | null;
}

interface FmRow extends UnitColumns {
  kind: 'fm_wired' | 'fm_wireless';
  working: string | number;
  connected: string | number;
  broken: string | number;
  replaced: string | number;
}

interface VillageRow extends UnitColumns {
  village_id: string;
  village_code: string;
  village_name: string;
  covered: boolean;
}

const UNIT_SELECT = `u.id AS commune_id, u.code AS commune_code, u.name AS commune_name, u.type AS commune_type,
  u.level AS commune_level, d.id AS district_id, d.code AS district_code, d.name AS district_name,
  d.type AS district_type, d.level AS district_level`;

const emptyCounts = (): FmCounts => ({ working: 0, ipConnected: 0, broken: 0, replaced: 0 });

/**
 * What the FM→IP programmes are planned from: the FM clusters of each commune by state (working, of which
 * connected to the IP system, broken, replaced), and the villages no working cluster serves.
 * Counted in SQL over the caller's scope; nothing is cached.
 */
@Injectable()
export class InventoryService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async fmInventory(principal: Principal, unitId: string | undefined): Promise<FmInventoryView> {
    const query = this.dataSource
      .createQueryBuilder()
      .from('cluster', 'c')
      .innerJoin('admin_unit', 'u', 'u.id = c.commune_id')
      .leftJoin('admin_unit', 'd', `d.id = u.parent_id AND d.level = 'district'`)
      .select(UNIT_SELECT)
      .addSelect('c.kind', 'kind')
      .addSelect(`count(*) FILTER (WHERE c.lifecycle = 'active')`, 'working')
      .addSelect(`count(*) FILTER (WHERE c.lifecycle = 'active' AND c.ip_connected)`, 'connected')
      .addSelect(`count(*) FILTER (WHERE c.lifecycle = 'faulty')`, 'broken')
      .addSelect(`count(*) FILTER (WHERE c.lifecycle = 'replaced')`, 'replaced')
      .where(`c.kind IN ('fm_wired', 'fm_wireless')`)
      .groupBy('u.id')
      .addGroupBy('d.id')
      .addGroupBy('c.kind')
      .orderBy('d.code', 'ASC', 'NULLS FIRST')
      .addOrderBy('u.code', 'ASC')
      .addOrderBy('u.id', 'ASC');
    whereInScope(query, principal.scope, 'u.path');
    if (unitId) {
      const unit = await visibleUnit(this.dataSource.manager, principal.scope, unitId);
      if (unit.level === 'village') query.andWhere('c.village_id = :villageId', { villageId: unit.id });
      else query.andWhere(underPathSql('u.path', 'unit'), underPathParams('unit', unit.path));
    }
    const rows = await query.getRawMany<FmRow>();
    const communes = new Map<string, FmCommuneInventory>();
    const totals = { fmWired: emptyCounts(), fmWireless: emptyCounts() };
    for (const row of rows) {
      let entry = communes.get(row.commune_id);
      if (!entry) {
        entry = { ...units(row), fmWired: emptyCounts(), fmWireless: emptyCounts() };
        communes.set(row.commune_id, entry);
      }
      const counts: FmCounts = {
        working: Number(row.working),
        ipConnected: Number(row.connected),
        broken: Number(row.broken),
        replaced: Number(row.replaced),
      };
      const key = row.kind === 'fm_wired' ? 'fmWired' : 'fmWireless';
      entry[key] = counts;
      for (const field of Object.keys(counts) as (keyof FmCounts)[]) totals[key][field] += counts[field];
    }
    return { communes: [...communes.values()], totals };
  }

  async coverageGaps(principal: Principal, unitId: string | undefined): Promise<CoverageGapsView> {
    const query: SelectQueryBuilder<object> = this.dataSource
      .createQueryBuilder()
      .from('admin_unit', 'v')
      .innerJoin('admin_unit', 'u', 'u.id = v.parent_id')
      .leftJoin('admin_unit', 'd', `d.id = u.parent_id AND d.level = 'district'`)
      .select(UNIT_SELECT)
      .addSelect('v.id', 'village_id')
      .addSelect('v.code', 'village_code')
      .addSelect('v.name', 'village_name')
      .addSelect(
        `EXISTS (SELECT 1 FROM cluster c WHERE c.village_id = v.id AND c.lifecycle = 'active')`,
        'covered',
      )
      .where(`v.level = 'village'`)
      .orderBy('d.code', 'ASC', 'NULLS FIRST')
      .addOrderBy('u.code', 'ASC')
      .addOrderBy('u.id', 'ASC')
      .addOrderBy('v.code', 'ASC');
    whereInScope(query, principal.scope, 'v.path');
    if (unitId) {
      const unit = await visibleUnit(this.dataSource.manager, principal.scope, unitId);
      query.andWhere(underPathSql('v.path', 'unit'), underPathParams('unit', unit.path));
    }
    const rows = await query.getRawMany<VillageRow>();
    const communes = new Map<string, CommuneCoverage>();
    const totals = { villagesTotal: 0, villagesCovered: 0 };
    for (const row of rows) {
      let entry = communes.get(row.commune_id);
      if (!entry) {
        entry = { ...units(row), villagesTotal: 0, villagesCovered: 0, uncovered: [] };
        communes.set(row.commune_id, entry);
      }
      entry.villagesTotal++;
      totals.villagesTotal++;
      if (row.covered) {
        entry.villagesCovered++;
        totals.villagesCovered++;
      } else {
        entry.uncovered.push({ id: row.village_id, code: row.village_code, name: row.village_name });
      }
    }
    return { communes: [...communes.values()], totals };
  }
}

function units(row: UnitColumns): { commune: UnitRef; district: UnitRef | null } {
  return {
    commune: {
      id: row.commune_id,
      code: row.commune_code,
      name: row.commune_name,
      type: row.commune_type,
      level: row.commune_level,
    },
    district:
      row.district_id === null
        ? null
        : {
            id: row.district_id,
            code: row.district_code as string,
            name: row.district_name as string,
            type: row.district_type,
            level: row.district_level as UnitLevel,
          },
  };
}
