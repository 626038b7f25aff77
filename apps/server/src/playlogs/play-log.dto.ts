import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import {
  PLAY_EVENTS,
  PLAYOUT_SOURCES,
  PRIORITIES,
  type PlayEvent,
  type PlayoutSource,
  type Priority,
} from '@loa-xa/protocol';
import type { PlayLogRow } from '@loa-xa/persistence';
import { PageQuery } from '../common/pagination';
import { IsDateOnly } from '../registry/validators';
import { IsZonedInstant } from '../common/validation';
import type { PlaybackName } from './play-log.repository';

export class PlayLogQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: ['asc', 'desc'],
    default: 'desc',
    description: 'By time (corrected device time, else device time); newest first by default',
  })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  override order: 'asc' | 'desc' = 'desc';

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Reports of clusters under this unit (province, district, commune or village)',
  })
  @IsOptional()
  @IsUUID()
  unitId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  clusterId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Reports of occurrences of this schedule' })
  @IsOptional()
  @IsUUID()
  scheduleId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Reports of the commands of this broadcast' })
  @IsOptional()
  @IsUUID()
  broadcastId?: string;

  @ApiPropertyOptional({ enum: PLAYOUT_SOURCES })
  @IsOptional()
  @IsIn(PLAYOUT_SOURCES)
  source?: PlayoutSource;

  @ApiPropertyOptional({ enum: PLAY_EVENTS })
  @IsOptional()
  @IsIn(PLAY_EVENTS)
  event?: PlayEvent;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'From (inclusive, ISO 8601 instant), on the corrected device time',
  })
  @IsOptional()
  @IsZonedInstant()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'To (exclusive, ISO 8601 instant)' })
  @IsOptional()
  @IsZonedInstant()
  to?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json', description: 'csv: every match, unpaged' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class PlayLogSummaryQuery {
  @ApiProperty({ format: 'date', example: '2026-01-31', description: 'Local day (server time zone)' })
  @IsDateOnly()
  date!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Communes under this unit (default: my whole scope)' })
  @IsOptional()
  @IsUUID()
  unitId?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class PlayLogView {
  @ApiProperty() id!: string;
  @ApiProperty({ format: 'uuid' }) clusterId!: string;
  @ApiProperty({ nullable: true, type: String }) clusterCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) clusterName!: string | null;
  @ApiProperty({ format: 'uuid', description: "The cluster's commune when the report arrived" })
  communeId!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) villageId!: string | null;
  @ApiProperty({ description: "The device's report id (unique per cluster)" }) reportId!: string;
  @ApiProperty({ enum: PLAYOUT_SOURCES }) source!: PlayoutSource;
  @ApiProperty({ description: 'Occurrence id, command id or live session id, as sent' }) ref!: string;
  @ApiProperty({ enum: PLAY_EVENTS }) event!: PlayEvent;
  @ApiProperty({ nullable: true, type: String, description: 'Why (interrupted, failed)' })
  reason!: string | null;
  @ApiProperty({ nullable: true, type: String }) detail!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Time on air, ms (finished, interrupted)' })
  playedMs!: number | null;
  @ApiProperty({ description: 'Device clock' }) deviceAt!: Date;
  @ApiProperty({
    nullable: true,
    type: Date,
    description: "Device clock minus the cluster's last reported offset; null when unknown",
  })
  correctedAt!: Date | null;
  @ApiProperty({ description: 'correctedAt, else deviceAt: the time filters and order use' })
  occurredAt!: Date;
  @ApiProperty({ description: 'Server clock when the report arrived' }) receivedAt!: Date;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) scheduleId!: string | null;
  @ApiProperty({ nullable: true, type: Date, description: 'Original start of the occurrence' })
  occurrenceStart!: Date | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) commandId!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) broadcastId!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) liveSessionId!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'What played, for people: the title of the schedule, broadcast or live session (null when unnamed or deleted; not in CSV)',
  })
  title!: string | null;
  @ApiProperty({
    nullable: true,
    enum: PRIORITIES,
    description: 'Priority of that schedule, broadcast or live session (null when unknown)',
  })
  priority!: Priority | null;

  static from(row: PlayLogRow, named?: PlaybackName): PlayLogView {
    return {
      id: String(row.id),
      clusterId: row.clusterId,
      clusterCode: row.cluster?.code ?? null,
      clusterName: row.cluster?.name ?? null,
      communeId: row.communeId,
      villageId: row.villageId,
      reportId: row.reportId,
      source: row.source,
      ref: row.ref,
      event: row.event,
      reason: row.reason,
      detail: row.detail,
      playedMs: row.playedMs,
      deviceAt: row.deviceAt,
      correctedAt: row.correctedAt,
      occurredAt: row.occurredAt,
      receivedAt: row.receivedAt,
      scheduleId: row.scheduleId,
      occurrenceStart: row.occurrenceStart,
      commandId: row.commandId,
      broadcastId: row.broadcastId,
      liveSessionId: row.liveSessionId,
      title: named?.title ?? null,
      priority: named?.priority ?? null,
    };
  }
}

export class PlayLogPage {
  @ApiProperty({ type: [PlayLogView] }) @Type(() => PlayLogView) items!: PlayLogView[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}

export class CommuneSummaryView {
  @ApiProperty({ format: 'uuid' }) communeId!: string;
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Materialised path of the commune' }) path!: string;
  @ApiProperty({ description: 'IP clusters of the commune now' }) clusters!: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Scheduled occurrences × clusters starting this day; null when no schedule source is wired',
  })
  scheduledOccurrences!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Minutes those would play (after preemption)' })
  scheduledMinutes!: number | null;
  @ApiProperty({ description: 'started reports (every source)' }) started!: number;
  @ApiProperty() finished!: number;
  @ApiProperty() interrupted!: number;
  @ApiProperty() failed!: number;
  @ApiProperty({
    description:
      'Minutes on air (every source): playedMs of finished / interrupted reports, else their time since started',
  })
  playedMinutes!: number;
  @ApiProperty({ description: 'Minutes on air of scheduled occurrences starting this day' })
  scheduledPlayedMinutes!: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'scheduledPlayedMinutes / scheduledMinutes; null when nothing was scheduled or unknown',
  })
  playedRatio!: number | null;
}

export class PlayLogSummaryView {
  @ApiProperty({ format: 'date' }) date!: string;
  @ApiProperty({ example: 'Asia/Ho_Chi_Minh' }) timeZone!: string;
  @ApiProperty({ description: 'Start of the local day (inclusive)' }) from!: Date;
  @ApiProperty({ description: 'End of the local day (exclusive)' }) to!: Date;
  @ApiProperty({ description: 'Whether scheduled figures are available (a schedule source is wired)' })
  scheduledKnown!: boolean;
  @ApiProperty({ type: [CommuneSummaryView] })
  @Type(() => CommuneSummaryView)
  communes!: CommuneSummaryView[];
}
