import { Body, Controller, Get, MessageEvent, Param, ParseUUIDPipe, Post, Query, Sse } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { from, interval, map, startWith, switchMap, takeWhile, type Observable } from 'rxjs';
import { CurrentPrincipal, RequirePermission } from '../access/access.decorators';
import type { Principal } from '../access/scope';
import {
  BroadcastPage,
  BroadcastQuery,
  BroadcastView,
  CreateBroadcastDto,
  DeliveryPage,
  DeliveryQuery,
} from './broadcast.dto';
import { BroadcastsService } from './broadcasts.service';

/** How long the live summary stream follows one rollout at most. */
const FOLLOW_MAX_MS = 15 * 60_000;

@ApiTags('broadcasting')
@Controller('api/v1/broadcasts')
export class BroadcastsController {
  constructor(private readonly broadcasts: BroadcastsService) {}

  @Post()
  @RequirePermission('broadcasts.send')
  @ApiOperation({
    summary: 'Play now (an asset or a program) or stop, on every cluster of a target',
    description:
      'One command per cluster, sent at once. An emergency preempts whatever is playing and nothing lower preempts it; it needs broadcasts.emergency. Follow the rollout with GET /api/v1/broadcasts/{id} or its event stream.',
  })
  @ApiCreatedResponse({ type: BroadcastView })
  @ApiForbiddenResponse({ description: 'Priority or target outside what you may use' })
  @ApiConflictResponse({ description: 'A media asset is not transcoded yet' })
  @ApiUnprocessableEntityResponse({ description: 'The target reaches no IP cluster' })
  create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateBroadcastDto): Promise<BroadcastView> {
    return this.broadcasts.create(principal, dto);
  }

  @Get()
  @RequirePermission('schedules.read')
  @ApiOperation({ summary: 'Immediate broadcasts in my scope, newest first, with their rollout summary' })
  @ApiOkResponse({ type: BroadcastPage })
  list(@CurrentPrincipal() principal: Principal, @Query() query: BroadcastQuery): Promise<BroadcastPage> {
    return this.broadcasts.list(principal, query);
  }

  @Get(':id')
  @RequirePermission('schedules.read')
  @ApiOperation({ summary: 'One broadcast and its rollout: how many clusters got it, started, failed' })
  @ApiOkResponse({ type: BroadcastView })
  @ApiNotFoundResponse()
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<BroadcastView> {
    return this.broadcasts.get(principal, id);
  }

  @Get(':id/deliveries')
  @RequirePermission('schedules.read')
  @ApiOperation({ summary: 'Per-cluster state of a broadcast (filter by status)' })
  @ApiOkResponse({ type: DeliveryPage })
  @ApiNotFoundResponse()
  deliveries(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: DeliveryQuery,
  ): Promise<DeliveryPage> {
    return this.broadcasts.deliveries(principal, id, query);
  }

  @Sse(':id/events')
  @RequirePermission('schedules.read')
  @ApiOperation({
    summary: 'Live rollout summary (server-sent events, one per second until every cluster answered)',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'A `data:` line with the BroadcastView each second' })
  @ApiNotFoundResponse()
  async events(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<Observable<MessageEvent>> {
    await this.broadcasts.find(principal, id);
    const until = Date.now() + FOLLOW_MAX_MS;
    return interval(1000).pipe(
      startWith(0),
      switchMap(() => from(this.broadcasts.get(principal, id))),
      takeWhile((view) => !view.summary.complete && Date.now() < until, true),
      map((view) => ({ data: view })),
    );
  }

  @Post(':id/stop')
  @RequirePermission('broadcasts.send')
  @ApiOperation({ summary: 'Stop what this play_now broadcast started, on the clusters it reached' })
  @ApiCreatedResponse({ type: BroadcastView })
  @ApiNotFoundResponse()
  stop(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<BroadcastView> {
    return this.broadcasts.stopBroadcast(principal, id);
  }
}
