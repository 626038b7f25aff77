import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { PRIORITIES, type Priority } from '@loa-xa/protocol';
import { PageQuery } from '../common/pagination';
import { OptionalNotNull, OptionalNullable } from '../common/validation';
import { MaxChars } from '../common/text';
import { trimmed } from '../registry/validators';
import { TargetDto } from './target.dto';

const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;
const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Fields shared by create and update; on update every one is optional. */
class ScheduleFields {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Play this program (exactly one of programId, assetId)',
  })
  @OptionalNotNull()
  @IsUUID()
  programId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Play this single media asset' })
  @OptionalNotNull()
  @IsUUID()
  assetId?: string;

  @ApiPropertyOptional({ enum: PRIORITIES, default: 'commune' })
  @OptionalNotNull()
  @IsIn(PRIORITIES)
  priority?: Priority;

  @ApiPropertyOptional({ minimum: 0, maximum: 100, default: 80, description: 'Output volume, %' })
  @OptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(100)
  volume?: number;

  @ApiPropertyOptional({ example: 'Asia/Ho_Chi_Minh', description: 'IANA time zone; default TIME_ZONE' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 64)
  timeZone?: string;

  @ApiPropertyOptional({
    example: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
    nullable: true,
    description: 'RFC 5545 RRULE in local time (no DTSTART); null or absent: once',
  })
  @OptionalNullable()
  @IsString()
  @Length(1, 500)
  rrule?: string | null;

  @ApiPropertyOptional({ example: '2026-12-01', nullable: true, description: 'First local day it applies' })
  @OptionalNullable()
  @Matches(LOCAL_DATE, { message: 'validFrom must be a date YYYY-MM-DD' })
  validFrom?: string | null;

  @ApiPropertyOptional({ example: '2027-05-31', nullable: true, description: 'Last local day it applies' })
  @OptionalNullable()
  @Matches(LOCAL_DATE, { message: 'validUntil must be a date YYYY-MM-DD' })
  validUntil?: string | null;

  @ApiPropertyOptional({
    type: [String],
    example: ['2027-01-01T05:30'],
    description: 'Local starts removed from the rule (holidays)',
  })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(500)
  @Matches(LOCAL_DATE_TIME, { each: true, message: 'each exdate must be YYYY-MM-DDTHH:mm[:ss]' })
  exdates?: string[];

  @ApiPropertyOptional({ default: true, description: 'A disabled schedule is kept but not played' })
  @OptionalNotNull()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    default: false,
    description: 'Save even though occurrences clash with schedules of equal priority on some clusters',
  })
  @OptionalNotNull()
  @IsBoolean()
  force?: boolean;
}

const START_EXAMPLE = {
  example: '2026-11-24T05:30',
  description: 'Local wall-clock start of the first occurrence (YYYY-MM-DDTHH:mm[:ss]) in timeZone',
};

export class CreateScheduleDto extends ScheduleFields {
  @ApiProperty({ example: 'Bản tin sáng', maxLength: 200 })
  @Transform(trimmed)
  @IsString()
  @Length(1, 200)
  @MaxChars(200)
  title!: string;

  @ApiProperty({ type: TargetDto })
  @IsObject()
  @ValidateNested()
  @Type(() => TargetDto)
  target!: TargetDto;

  @ApiProperty(START_EXAMPLE)
  @IsString()
  @Matches(LOCAL_DATE_TIME, { message: 'start must be a local date and time YYYY-MM-DDTHH:mm[:ss]' })
  start!: string;
}

export class UpdateScheduleDto extends ScheduleFields {
  @ApiPropertyOptional({ example: 'Bản tin sáng', maxLength: 200 })
  @OptionalNotNull()
  @Transform(trimmed)
  @IsString()
  @Length(1, 200)
  @MaxChars(200)
  title?: string;

  @ApiPropertyOptional({ type: TargetDto })
  @OptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => TargetDto)
  target?: TargetDto;

  @ApiPropertyOptional(START_EXAMPLE)
  @OptionalNotNull()
  @IsString()
  @Matches(LOCAL_DATE_TIME, { message: 'start must be a local date and time YYYY-MM-DDTHH:mm[:ss]' })
  start?: string;

  @ApiPropertyOptional({ description: 'The revision you edited; a newer one on the server answers 409' })
  @OptionalNotNull()
  @IsInt()
  @Min(1)
  revision?: number;
}

export class ScheduleQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Schedules owned by this unit or below it' })
  @IsOptional()
  @IsUUID()
  unitId?: string;

  @ApiPropertyOptional({ description: 'Only enabled (true) or disabled (false) schedules' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  enabled?: boolean;
}

export class OccurrenceQuery {
  @ApiPropertyOptional({ description: 'From this instant (ISO 8601); default now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Until this instant (ISO 8601); default now + SCHEDULE_WINDOW_DAYS' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class OverrideOccurrenceDto {
  @ApiPropertyOptional({ description: 'true: skip this occurrence only' })
  @OptionalNotNull()
  @IsBoolean()
  skip?: boolean;

  @ApiPropertyOptional({
    example: '2026-11-25T06:00',
    description: 'Move this occurrence only: new local start (YYYY-MM-DDTHH:mm[:ss]) in the schedule zone',
  })
  @OptionalNotNull()
  @IsString()
  @Matches(LOCAL_DATE_TIME, { message: 'start must be a local date and time YYYY-MM-DDTHH:mm[:ss]' })
  start?: string;

  @ApiPropertyOptional({ default: false, description: 'Move even onto a clash with an equal priority' })
  @OptionalNotNull()
  @IsBoolean()
  force?: boolean;
}

export class ClashView {
  @ApiProperty({ enum: ['conflict', 'preempts', 'preempted'] }) kind!: string;
  @ApiProperty({ format: 'uuid' }) scheduleId!: string;
  @ApiProperty() scheduleTitle!: string;
  @ApiProperty() priority!: string;
  @ApiProperty({ description: 'Start of this schedule’s occurrence' }) occurrenceStart!: string;
  @ApiProperty({ description: 'Start of the other schedule’s occurrence' }) otherOccurrenceStart!: string;
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty() clusterCount!: number;
  @ApiProperty({ type: [String] }) sampleClusterIds!: string[];
}

export class OccurrenceSummaryView {
  @ApiProperty({ description: 'Occurrence id (`scheduleId@originalStartMs`), as play logs carry it' })
  id!: string;
  @ApiProperty() originalStart!: string;
  @ApiProperty() start!: string;
  @ApiProperty() end!: string;
  @ApiProperty({ enum: ['scheduled', 'moved', 'skipped'] }) status!: string;
}

export class ScheduleView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ format: 'uuid' }) unitId!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) programId!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) assetId!: string | null;
  @ApiProperty({ enum: PRIORITIES }) priority!: string;
  @ApiProperty() volume!: number;
  @ApiProperty({ type: TargetDto }) target!: TargetDto;
  @ApiProperty() start!: string;
  @ApiProperty() timeZone!: string;
  @ApiProperty({ nullable: true, type: String }) rrule!: string | null;
  @ApiProperty({ nullable: true, type: String }) validFrom!: string | null;
  @ApiProperty({ nullable: true, type: String }) validUntil!: string | null;
  @ApiProperty({ type: [String] }) exdates!: string[];
  @ApiProperty() durationMs!: number;
  @ApiProperty() enabled!: boolean;
  @ApiProperty() forced!: boolean;
  @ApiProperty({ description: 'IP clusters the target reaches now' }) clusterCount!: number;
  @ApiProperty({ type: [OccurrenceSummaryView], description: 'The next few occurrences' })
  next!: OccurrenceSummaryView[];
  @ApiProperty({ type: [ClashView], description: 'Overlaps with other schedules on shared clusters' })
  clashes!: ClashView[];
  @ApiProperty() revision!: number;
  @ApiProperty({ nullable: true, type: String }) createdBy!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class SchedulePage {
  @ApiProperty({ type: [ScheduleView] }) @Type(() => ScheduleView) items!: ScheduleView[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}

export class PlayedCountsView {
  @ApiProperty() started!: number;
  @ApiProperty() finished!: number;
  @ApiProperty() failed!: number;
}

export class OccurrenceView extends OccurrenceSummaryView {
  @ApiProperty({ description: 'Clusters this occurrence targets' }) targets!: number;
  @ApiProperty({ description: 'Clusters that acknowledged a manifest containing it' }) acked!: number;
  @ApiProperty({ description: 'Clusters that acknowledged it and hold every file it needs' }) ready!: number;
  @ApiProperty({ type: PlayedCountsView, description: 'What the clusters reported playing' })
  played!: PlayedCountsView;
}
