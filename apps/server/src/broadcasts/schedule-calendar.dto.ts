import { ApiProperty } from '@nestjs/swagger';
import { IsISO8601, IsUUID } from 'class-validator';
import { PRIORITIES } from '@loa-xa/protocol';
import { ClashView, PlayedCountsView } from './schedule.dto';
import { TargetDto } from './target.dto';

/** The longest range one calendar request may cover. */
export const MAX_CALENDAR_DAYS = 31;

export class ScheduleCalendarQuery {
  @ApiProperty({
    format: 'uuid',
    description: 'A village, commune, district or province in your scope: what sounds in it',
  })
  @IsUUID()
  unitId!: string;

  @ApiProperty({ example: '2026-11-23T00:00:00+07:00', description: 'From this instant (ISO 8601)' })
  @IsISO8601({ strict: true })
  from!: string;

  @ApiProperty({
    example: '2026-11-30T00:00:00+07:00',
    description: `Until this instant (ISO 8601), after from and at most ${MAX_CALENDAR_DAYS} days later`,
  })
  @IsISO8601({ strict: true })
  to!: string;
}

export class CalendarUnitView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['province', 'district', 'commune', 'village'] }) level!: string;
}

export class CalendarScheduleView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ format: 'uuid', description: 'The unit owning the schedule' }) unitId!: string;
  @ApiProperty({ description: 'Name of the owning unit, e.g. "Huyện Tràng Định"' }) ownerName!: string;
  @ApiProperty({ enum: ['province', 'district', 'commune', 'village'] }) ownerLevel!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Kind of the owning unit, e.g. "Huyện", "Thành phố"',
  })
  ownerType!: string | null;
  @ApiProperty({ description: 'Owned by a unit above the one asked for (district or province schedule)' })
  fromAbove!: boolean;
  @ApiProperty({ description: 'Owned inside your scope: readable through GET /schedules/{id}' })
  inScope!: boolean;
  @ApiProperty({ description: 'You may change, skip or delete it (scope, permission and priority)' })
  editable!: boolean;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) programId!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) assetId!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Title of the media asset, or name of the program, it plays',
  })
  contentName!: string | null;
  @ApiProperty({ enum: PRIORITIES }) priority!: string;
  @ApiProperty() volume!: number;
  @ApiProperty({
    type: TargetDto,
    nullable: true,
    description: 'Its target; null for a schedule owned outside your scope',
  })
  target!: TargetDto | null;
  @ApiProperty({ description: 'Local wall-clock start of the first occurrence' }) start!: string;
  @ApiProperty() timeZone!: string;
  @ApiProperty({ nullable: true, type: String }) rrule!: string | null;
  @ApiProperty({ nullable: true, type: String }) validFrom!: string | null;
  @ApiProperty({ nullable: true, type: String }) validUntil!: string | null;
  @ApiProperty({ type: [String] }) exdates!: string[];
  @ApiProperty() durationMs!: number;
  @ApiProperty() enabled!: boolean;
  @ApiProperty() forced!: boolean;
  @ApiProperty({ description: 'IP clusters of the asked unit it reaches' }) clusterCount!: number;
  @ApiProperty() revision!: number;
  @ApiProperty({ nullable: true, type: String, description: 'null outside your scope' })
  createdBy!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class CalendarRelationView extends ClashView {
  @ApiProperty({ description: 'Id of the other occurrence (`scheduleId@originalStartMs`)' })
  otherOccurrenceId!: string;
}

export class CalendarOutcomeView {
  @ApiProperty({ description: 'Target clusters of the unit where it plays to its end' }) plays!: number;
  @ApiProperty({ description: 'Where a higher priority cuts it before its end' }) interrupted!: number;
  @ApiProperty({ description: 'Where it does not start: something it may not cut is playing' })
  blocked!: number;
}

export class CalendarOccurrenceView {
  @ApiProperty({ description: 'Occurrence id (`scheduleId@originalStartMs`), as play logs carry it' })
  id!: string;
  @ApiProperty({ format: 'uuid' }) scheduleId!: string;
  @ApiProperty() originalStart!: string;
  @ApiProperty() start!: string;
  @ApiProperty() end!: string;
  @ApiProperty({ enum: ['scheduled', 'moved', 'skipped'] }) status!: string;
  @ApiProperty({
    enum: ['plays', 'preempted', 'blocked', 'skipped', 'disabled'],
    description:
      'What happens in the unit: plays; preempted (cut or not started on some target clusters); blocked (on every one); skipped (this occurrence only); disabled (the schedule is off)',
  })
  state!: string;
  @ApiProperty({ description: 'Target clusters in the asked unit' }) targets!: number;
  @ApiProperty({ description: 'Of those, acknowledged a manifest containing it' }) acked!: number;
  @ApiProperty({ description: 'Of those, acknowledged it and hold every file it needs' }) ready!: number;
  @ApiProperty({ type: PlayedCountsView, description: 'What clusters of the unit reported playing' })
  played!: PlayedCountsView;
  @ApiProperty({
    type: CalendarOutcomeView,
    description: 'The preemption timeline (protocol rule) on the target clusters of the unit',
  })
  outcome!: CalendarOutcomeView;
  @ApiProperty({
    type: [CalendarRelationView],
    description: 'Overlaps with other occurrences on clusters of the unit: conflict, preempts, preempted',
  })
  relations!: CalendarRelationView[];
}

export class ScheduleCalendarView {
  @ApiProperty({ type: CalendarUnitView }) unit!: CalendarUnitView;
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({
    type: [CalendarScheduleView],
    description: 'Every schedule reaching clusters of the unit, or owned by it or below it',
  })
  schedules!: CalendarScheduleView[];
  @ApiProperty({ type: [CalendarOccurrenceView], description: 'Their occurrences in the range, by start' })
  occurrences!: CalendarOccurrenceView[];
}
