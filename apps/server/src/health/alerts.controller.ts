import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
  Sse,
  type MessageEvent,
} from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { filter, map, type Observable } from 'rxjs';
import { CurrentPrincipal, RequirePermission } from '../access/access.decorators';
import type { Principal } from '../access/scope';
import { csvLine } from '../audit/csv';
import {
  AlertNoteDto,
  AlertPage,
  AlertQuery,
  AlertStreamQuery,
  AlertSummaryDto,
  AlertSummaryQuery,
  AlertViewDto,
  BulkAcknowledgeDto,
  BulkAcknowledgeResult,
} from './alert.dto';
import type { AlertApiView } from './alert-views';
import { AlertStream } from './alert-stream.service';
import { AlertsService } from './alerts.service';

const CSV_COLUMNS: (keyof AlertApiView)[] = [
  'id',
  'clusterCode',
  'clusterName',
  'communeName',
  'villageName',
  'rule',
  'severity',
  'state',
  'since',
  'openedAt',
  'detail',
  'flapping',
  'acknowledgedAt',
  'acknowledgedBy',
  'acknowledgedByName',
  'ackNote',
  'resolvedAt',
  'resolution',
  'resolvedBy',
  'resolvedByName',
];

@ApiTags('alerts')
@Controller('api/v1/alerts')
export class AlertsController {
  constructor(
    private readonly alerts: AlertsService,
    private readonly stream: AlertStream,
  ) {}

  @Get()
  @RequirePermission('alerts.read')
  @ApiOperation({
    summary: 'Alerts in my scope, newest first (default: active = open or acknowledged); csv for an export',
  })
  @ApiOkResponse({ type: AlertPage })
  @ApiProduces('application/json', 'text/csv')
  @ApiNotFoundResponse({ description: 'unitId is not in my scope' })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: AlertQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AlertPage | string> {
    const { items, total } = await this.alerts.list(principal, query);
    if (query.format !== 'csv') return { items, total, page: query.page, pageSize: query.pageSize };
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="canh-bao.csv"');
    return (
      '\uFEFF' +
      csvLine(CSV_COLUMNS) +
      items.map((a) => csvLine(CSV_COLUMNS.map((c) => a[c] as string | number | null))).join('')
    );
  }

  @Get('summary')
  @RequirePermission('alerts.read')
  @ApiOperation({ summary: 'What is broken where: active alerts by rule/severity and by commune' })
  @ApiOkResponse({ type: AlertSummaryDto })
  @ApiNotFoundResponse({ description: 'unitId is not in my scope' })
  summary(
    @CurrentPrincipal() principal: Principal,
    @Query() query: AlertSummaryQuery,
  ): Promise<AlertSummaryDto> {
    return this.alerts.summary(principal, query.unitId);
  }

  @Sse('stream')
  @RequirePermission('alerts.read')
  @ApiOperation({
    summary:
      'Alert changes as server-sent events (event: opened | acknowledged | resolved | updated; id for Last-Event-ID), scoped to me',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'One event per change; `data` is {seq, kind, at, alert}' })
  @ApiNotFoundResponse({ description: 'unitId is not in my scope' })
  async follow(
    @CurrentPrincipal() principal: Principal,
    @Query() query: AlertStreamQuery,
    @Headers('last-event-id') lastEventId?: string,
  ): Promise<Observable<MessageEvent>> {
    const unit = query.unitId ? await this.alerts.visibleUnit(principal.scope, query.unitId) : null;
    const since = lastEventId && /^\d{1,15}$/.test(lastEventId) ? Number(lastEventId) : null;
    const filters = { unitPath: unit?.path, minSeverity: query.minSeverity };
    return this.stream.follow(since).pipe(
      filter((c) => c === 'heartbeat' || this.alerts.visible(principal, c.alert, filters)),
      map((c): MessageEvent =>
        c === 'heartbeat' ? { type: 'heartbeat', data: {} } : { id: String(c.seq), type: c.kind, data: c },
      ),
    );
  }

  @Post('acknowledge')
  @HttpCode(200)
  @RequirePermission('alerts.manage')
  @ApiOperation({ summary: 'Acknowledge many alerts at once (those open and in my scope)' })
  @ApiOkResponse({ type: BulkAcknowledgeResult })
  acknowledgeMany(
    @CurrentPrincipal() principal: Principal,
    @Body() body: BulkAcknowledgeDto,
  ): Promise<BulkAcknowledgeResult> {
    return this.alerts.acknowledgeMany(principal, body.ids, body.note);
  }

  @Get(':id')
  @RequirePermission('alerts.read')
  @ApiOperation({ summary: 'One alert' })
  @ApiOkResponse({ type: AlertViewDto })
  @ApiNotFoundResponse()
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<AlertApiView> {
    return this.alerts.get(principal, id);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @RequirePermission('alerts.manage')
  @ApiOperation({ summary: 'I know, I am on it: open → acknowledged (it still resolves by itself)' })
  @ApiOkResponse({ type: AlertViewDto })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'Already resolved' })
  acknowledge(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: AlertNoteDto,
  ): Promise<AlertApiView> {
    return this.alerts.acknowledge(principal, id, body.note);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @RequirePermission('alerts.manage')
  @ApiOperation({
    summary: 'Close by hand; if the condition still holds, no new alert opens until it has cleared once',
  })
  @ApiOkResponse({ type: AlertViewDto })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'Already resolved' })
  resolve(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: AlertNoteDto,
  ): Promise<AlertApiView> {
    return this.alerts.resolve(principal, id, body.note);
  }
}
