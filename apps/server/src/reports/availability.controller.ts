import { Controller, Get, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, RequirePermission } from '../access/access.decorators';
import type { Principal } from '../access/scope';
import { csvLine } from '../audit/csv';
import type { AvailabilityFigures } from './availability-rollup';
import { AvailabilityQuery, AvailabilityReportView } from './availability.dto';
import { AvailabilityService } from './availability.service';
import { attachment, finish, put } from './stream-out';

const FIGURES = [
  'clusters',
  'observedMs',
  'onlineMs',
  'downtimeMs',
  'uptimePercent',
  'outages',
  'scheduledOccurrences',
  'startedOccurrences',
  'successRate',
  'resolvedFaults',
  'mttrMs',
  'incidents',
] as const satisfies readonly (keyof AvailabilityFigures)[];

const COLUMNS = [
  'level',
  'id',
  'code',
  'name',
  'communeId',
  'communeCode',
  'communeName',
  'villageId',
  'villageName',
  ...FIGURES,
] as const;

/** Availability of IP clusters over a period: uptime, broadcast success and repair times. */
@ApiTags('reports')
@Controller('api/v1/availability')
export class AvailabilityController {
  constructor(private readonly availability: AvailabilityService) {}

  @Get()
  @RequirePermission('reports.read')
  @ApiOperation({
    summary:
      'Uptime %, downtime, outages, broadcast success rate (started / scheduled occurrences) and MTTR per cluster, village or commune in my scope, over local days from–to (TIME_ZONE, to inclusive), computed from stored presence transitions, play logs and alerts; format=csv too',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: AvailabilityReportView })
  @ApiBadRequestResponse({ description: 'Invalid or too long period, level or unitId (the field is named)' })
  @ApiNotFoundResponse({ description: 'unitId is not in my scope' })
  async get(
    @CurrentPrincipal() principal: Principal,
    @Query() query: AvailabilityQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AvailabilityReportView | void> {
    const report = await this.availability.report(principal, query);
    if (query.format !== 'csv') return report;
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', attachment(`availability-${report.from}-${report.to}.csv`));
    // A BOM so spreadsheet programs read Vietnamese names as UTF-8.
    await put(res, `\uFEFF${csvLine([...COLUMNS])}`);
    const lines: string[] = [];
    for (const row of report.rows) {
      lines.push(
        csvLine([
          row.level,
          row.id,
          row.code,
          row.name,
          row.communeId,
          row.communeCode,
          row.communeName,
          row.villageId,
          row.villageName,
          ...FIGURES.map((f) => row[f]),
        ]),
      );
      if (lines.length === 500) await put(res, lines.splice(0).join(''));
    }
    lines.push(
      csvLine([
        'total',
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        ...FIGURES.map((f) => report.total[f]),
      ]),
    );
    await put(res, lines.join(''));
    await finish(res);
  }
}
