import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission } from '../access/access.decorators';
import type { Principal } from '../access/scope';
import {
  CreateScheduleDto,
  OccurrenceQuery,
  OccurrenceView,
  OverrideOccurrenceDto,
  SchedulePage,
  ScheduleQuery,
  ScheduleView,
  UpdateScheduleDto,
} from './schedule.dto';
import { SchedulesService } from './schedules.service';
import { ScheduleCalendarQuery, ScheduleCalendarView } from './schedule-calendar.dto';
import { ScheduleCalendarService } from './schedule-calendar.service';

const OCCURRENCE_KEY = {
  name: 'key',
  description: 'Original start of the occurrence: epoch ms or ISO 8601 instant',
  example: '2026-11-24T05:30:00+07:00',
};

@ApiTags('broadcasting')
@Controller('api/v1/schedules')
export class SchedulesController {
  constructor(
    private readonly schedules: SchedulesService,
    private readonly calendarService: ScheduleCalendarService,
  ) {}

  @Get()
  @RequirePermission('schedules.read')
  @ApiOperation({ summary: 'Schedules in my scope' })
  @ApiOkResponse({ type: SchedulePage })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ScheduleQuery): Promise<SchedulePage> {
    return this.schedules.list(principal, query);
  }

  // Declared before ':id' so that "calendar" is not taken for a schedule id.
  @Get('calendar')
  @RequirePermission('schedules.read')
  @ApiOperation({
    summary: 'Everything that will sound in a unit over a range (at most 31 days)',
    description:
      'Every occurrence of every schedule whose targets reach IP clusters in the unit, wherever it is owned (above, at or below the unit; a schedule owned outside your scope comes without its target and with editable false), with readiness and plays counted on the unit’s clusters, its clashes there and what the preemption rule makes of it. A unit outside your scope is 404.',
  })
  @ApiOkResponse({ type: ScheduleCalendarView })
  @ApiNotFoundResponse({ description: 'No such unit in your scope' })
  calendar(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ScheduleCalendarQuery,
  ): Promise<ScheduleCalendarView> {
    return this.calendarService.calendar(principal, query);
  }

  @Get(':id')
  @RequirePermission('schedules.read')
  @ApiOperation({ summary: 'One schedule with its next occurrences and its clashes' })
  @ApiOkResponse({ type: ScheduleView })
  @ApiNotFoundResponse()
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<ScheduleView> {
    return this.schedules.get(principal, id);
  }

  @Post()
  @RequirePermission('schedules.write')
  @ApiOperation({
    summary: 'Schedule a program or asset, once or recurring (RRULE in local time)',
    description:
      'Overlaps with other schedules on shared clusters are reported in `clashes`. A higher priority preempts a lower one; equal priorities conflict and the schedule is refused (409, with the clashes) unless `force` is true.',
  })
  @ApiCreatedResponse({ type: ScheduleView })
  @ApiConflictResponse({ description: 'Clashes with a schedule of the same priority (body lists them)' })
  create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateScheduleDto): Promise<ScheduleView> {
    return this.schedules.create(principal, dto);
  }

  @Patch(':id')
  @RequirePermission('schedules.write')
  @ApiOperation({ summary: 'Change a schedule (clashes checked again); manifests follow' })
  @ApiOkResponse({ type: ScheduleView })
  @ApiNotFoundResponse()
  @ApiConflictResponse()
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateScheduleDto,
  ): Promise<ScheduleView> {
    return this.schedules.update(principal, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('schedules.write')
  @ApiOperation({ summary: 'Delete a schedule (its play logs stay)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  remove(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.schedules.remove(principal, id);
  }

  @Get(':id/occurrences')
  @RequirePermission('schedules.read')
  @ApiOperation({
    summary: 'Occurrences in a window, with how many target clusters are ready and what they played',
  })
  @ApiOkResponse({ type: [OccurrenceView] })
  @ApiNotFoundResponse()
  occurrences(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: OccurrenceQuery,
  ): Promise<OccurrenceView[]> {
    return this.schedules.occurrences(principal, id, query.from, query.to);
  }

  @Put(':id/occurrences/:key')
  @RequirePermission('schedules.write')
  @ApiParam(OCCURRENCE_KEY)
  @ApiOperation({ summary: 'Skip or move one occurrence; the others are untouched' })
  @ApiOkResponse({ type: OccurrenceView })
  @ApiNotFoundResponse()
  @ApiConflictResponse()
  override(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('key') key: string,
    @Body() dto: OverrideOccurrenceDto,
  ): Promise<OccurrenceView> {
    return this.schedules.override(principal, id, key, dto);
  }

  @Delete(':id/occurrences/:key')
  @RequirePermission('schedules.write')
  @ApiParam(OCCURRENCE_KEY)
  @ApiOperation({ summary: 'Undo a skip or move: the occurrence follows the rule again' })
  @ApiOkResponse({ type: OccurrenceView })
  @ApiNotFoundResponse()
  restore(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('key') key: string,
  ): Promise<OccurrenceView> {
    return this.schedules.restore(principal, id, key);
  }
}
