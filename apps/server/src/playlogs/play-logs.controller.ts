import { BadRequestException, Controller, Get, Query, Res } from '@nestjs/common';
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
import {
  PlayLogPage,
  PlayLogQuery,
  PlayLogSummaryQuery,
  PlayLogSummaryView,
  PlayLogView,
} from './play-log.dto';
import { localTime } from './play-log-summary';
import { PlayLogsService } from './play-logs.service';

const LOG_COLUMNS = [
  'id',
  'occurredAt',
  'localTime',
  'deviceAt',
  'correctedAt',
  'receivedAt',
  'clusterId',
  'clusterCode',
  'clusterName',
  'source',
  'event',
  'reason',
  'playedMs',
  'detail',
  'ref',
  'scheduleId',
  'occurrenceStart',
  'commandId',
  'broadcastId',
  'liveSessionId',
  'reportId',
] as const;

const SUMMARY_COLUMNS = [
  'date',
  'communeId',
  'code',
  'name',
  'path',
  'clusters',
  'scheduledOccurrences',
  'scheduledMinutes',
  'started',
  'finished',
  'interrupted',
  'failed',
  'playedMinutes',
  'scheduledPlayedMinutes',
  'playedRatio',
] as const;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** What the clusters report they played, inside the caller's scope. */
@ApiTags('play-logs')
@Controller('api/v1/play-logs')
export class PlayLogsController {
  constructor(private readonly logs: PlayLogsService) {}

  @Get()
  @RequirePermission('playlogs.read')
  @ApiOperation({
    summary:
      'Play reports (started / finished / interrupted / failed) inside my scope, filtered, newest first; format=csv exports every match (times in ISO 8601 UTC, plus localTime in the server time zone)',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: PlayLogPage })
  @ApiBadRequestResponse({ description: 'Invalid filter (the field is named)' })
  @ApiNotFoundResponse({ description: 'unitId or clusterId is not in my scope' })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: PlayLogQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PlayLogPage | void> {
    if (query.format !== 'csv') return this.logs.page(principal, query);
    const chunks = await this.logs.export(principal, query);
    const zone = this.logs.timeZone;
    await streamCsv(
      res,
      `play-logs-${new Date().toISOString().slice(0, 10)}.csv`,
      LOG_COLUMNS,
      chunks,
      (row) => {
        const v = PlayLogView.from(row);
        return csvLine([
          v.id,
          v.occurredAt.toISOString(),
          localTime(v.occurredAt, zone),
          v.deviceAt.toISOString(),
          iso(v.correctedAt),
          v.receivedAt.toISOString(),
          v.clusterId,
          v.clusterCode,
          v.clusterName,
          v.source,
          v.event,
          v.reason,
          v.playedMs,
          v.detail,
          v.ref,
          v.scheduleId,
          iso(v.occurrenceStart),
          v.commandId,
          v.broadcastId,
          v.liveSessionId,
          v.reportId,
        ]);
      },
    );
  }

  @Get('summary')
  @RequirePermission('playlogs.read')
  @ApiOperation({
    summary:
      'One local day (TIME_ZONE) per commune in my scope: scheduled occurrences and minutes, started / finished / interrupted / failed reports, minutes played and the played / scheduled ratio; format=csv too',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: PlayLogSummaryView })
  @ApiBadRequestResponse({ description: 'Invalid date or unitId' })
  @ApiNotFoundResponse({ description: 'unitId is not in my scope' })
  async summary(
    @CurrentPrincipal() principal: Principal,
    @Query() query: PlayLogSummaryQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PlayLogSummaryView | void> {
    const summary = await this.logs.summary(principal, query);
    if (query.format !== 'csv') return summary;
    async function* one() {
      yield summary.communes;
    }
    await streamCsv(res, `play-log-summary-${summary.date}.csv`, SUMMARY_COLUMNS, one(), (c) =>
      csvLine([
        summary.date,
        c.communeId,
        c.code,
        c.name,
        c.path,
        c.clusters,
        c.scheduledOccurrences,
        c.scheduledMinutes,
        c.started,
        c.finished,
        c.interrupted,
        c.failed,
        c.playedMinutes,
        c.scheduledPlayedMinutes,
        c.playedRatio,
      ]),
    );
  }
}

/** Streams CSV chunks with a BOM (so spreadsheet programs read Vietnamese text as UTF-8), minding back-pressure. */
async function streamCsv<T>(
  res: Response,
  filename: string,
  header: readonly string[],
  chunks: AsyncIterable<T[]>,
  line: (item: T) => string,
): Promise<void> {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.write(`\uFEFF${csvLine([...header])}`);
  try {
    for await (const items of chunks) {
      if (!res.write(items.map(line).join(''))) await new Promise((resolve) => res.once('drain', resolve));
    }
  } catch (err) {
    // Headers are gone: cut the download short so it cannot pass for complete.
    res.destroy(err as Error);
    throw new BadRequestException('export failed');
  }
  res.end();
}
