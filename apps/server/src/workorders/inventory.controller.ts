import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission } from '../access/access.decorators';
import type { Principal } from '../access/scope';
import { csvLine } from '../audit/csv';
import type { UnitRef } from '../registry/units/unit.dto';
import { CoverageGapsView, FmInventoryView, InventoryQuery } from './inventory.dto';
import { InventoryService } from './inventory.service';

const KINDS = ['fmWired', 'fmWireless'] as const;
const STATES = ['working', 'ipConnected', 'broken', 'replaced'] as const;

const FM_COLUMNS = [
  'districtCode',
  'districtName',
  'communeId',
  'communeCode',
  'communeName',
  ...KINDS.flatMap((k) => STATES.map((s) => `${k}${s[0].toUpperCase()}${s.slice(1)}`)),
];

const GAP_COLUMNS = [
  'districtCode',
  'districtName',
  'communeId',
  'communeCode',
  'communeName',
  'villagesTotal',
  'villagesCovered',
  'villageId',
  'villageCode',
  'villageName',
];

/** FM inventory and coverage gaps: what the FM→IP work orders are planned from. */
@ApiTags('work-orders')
@Controller('api/v1/work-orders')
export class InventoryController {
  constructor(private readonly inventory: InventoryService) {}

  @Get('fm-inventory')
  @RequirePermission('workorders.read')
  @ApiOperation({
    summary:
      'FM clusters (wired and wireless) per commune in my scope: working, of which connected to the IP system (TT39 Điều 6), broken, replaced; format=csv too',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: FmInventoryView })
  @ApiBadRequestResponse({ description: 'Invalid unitId or format' })
  @ApiNotFoundResponse({ description: 'unitId is not in my scope' })
  async fmInventory(
    @CurrentPrincipal() principal: Principal,
    @Query() query: InventoryQuery,
  ): Promise<FmInventoryView | StreamableFile> {
    const result = await this.inventory.fmInventory(principal, query.unitId);
    if (query.format !== 'csv') return result;
    return csvFile(
      'fm-inventory',
      FM_COLUMNS,
      result.communes.map((c) =>
        csvLine([...unitCells(c.district, c.commune), ...KINDS.flatMap((k) => STATES.map((s) => c[k][s]))]),
      ),
    );
  }

  @Get('coverage-gaps')
  @RequirePermission('workorders.read')
  @ApiOperation({
    summary:
      'Per commune in my scope: villages total and covered, and the villages without any working cluster (the coverage gap); format=csv lists one uncovered village a line',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: CoverageGapsView })
  @ApiBadRequestResponse({ description: 'Invalid unitId or format' })
  @ApiNotFoundResponse({ description: 'unitId is not in my scope' })
  async coverageGaps(
    @CurrentPrincipal() principal: Principal,
    @Query() query: InventoryQuery,
  ): Promise<CoverageGapsView | StreamableFile> {
    const result = await this.inventory.coverageGaps(principal, query.unitId);
    if (query.format !== 'csv') return result;
    return csvFile(
      'coverage-gaps',
      GAP_COLUMNS,
      result.communes.flatMap((c) =>
        c.uncovered.map((v) =>
          csvLine([
            ...unitCells(c.district, c.commune),
            c.villagesTotal,
            c.villagesCovered,
            v.id,
            v.code,
            v.name,
          ]),
        ),
      ),
    );
  }
}

function unitCells(district: UnitRef | null, commune: UnitRef): (string | null)[] {
  return [district?.code ?? null, district?.name ?? null, commune.id, commune.code, commune.name];
}

/** A small CSV (one line per commune or village of a scope), with a BOM so spreadsheets read UTF-8. */
function csvFile(name: string, header: readonly string[], lines: string[]): StreamableFile {
  return new StreamableFile(Buffer.from(`\uFEFF${csvLine([...header])}${lines.join('')}`), {
    type: 'text/csv; charset=utf-8',
    disposition: `attachment; filename="${name}-${new Date().toISOString().slice(0, 10)}.csv"`,
  });
}
