import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { IsDateOnly } from '../registry/validators';
import { AVAILABILITY_LEVELS, type AvailabilityLevel } from './availability-rollup';
import { MAX_PERIOD_DAYS } from './report-period';

/** A period of local dates (TIME_ZONE), both ends inclusive. */
export class PeriodQuery {
  @ApiProperty({
    format: 'date',
    example: '2025-06-01',
    description: 'First local day (TIME_ZONE), inclusive',
  })
  @IsDateOnly()
  from!: string;

  @ApiProperty({
    format: 'date',
    example: '2025-11-30',
    description: `Last local day, inclusive; at most ${MAX_PERIOD_DAYS} days after from`,
  })
  @IsDateOnly()
  to!: string;
}

export class AvailabilityQuery extends PeriodQuery {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Clusters under this unit (inside my scope); default: my whole scope',
  })
  @IsOptional()
  @IsUUID()
  unitId?: string;

  @ApiPropertyOptional({ enum: AVAILABILITY_LEVELS, default: 'commune', description: 'One row per …' })
  @IsOptional()
  @IsIn(AVAILABILITY_LEVELS)
  level: AvailabilityLevel = 'commune';

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format: 'json' | 'csv' = 'json';
}

export class AvailabilityFiguresView {
  @ApiProperty({ description: 'IP clusters (not decommissioned) counted' }) clusters!: number;
  @ApiProperty({
    description:
      'Observed time, ms: from max(period start, first presence transition) to min(period end, now)',
  })
  observedMs!: number;
  @ApiProperty({ description: 'Online time within the observed time, ms' }) onlineMs!: number;
  @ApiProperty({ description: 'observedMs − onlineMs' }) downtimeMs!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'onlineMs / observedMs × 100 (2 decimals)' })
  uptimePercent!: number | null;
  @ApiProperty({ description: 'Offline stretches overlapping the observed time' }) outages!: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Scheduled occurrences starting in the period; null when no schedule source is known',
  })
  scheduledOccurrences!: number | null;
  @ApiProperty({ description: 'Scheduled occurrences with a `started` report (at most the scheduled count)' })
  startedOccurrences!: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'startedOccurrences / scheduledOccurrences (4 decimals); null when nothing was scheduled',
  })
  successRate!: number | null;
  @ApiProperty({
    description: 'Fault alerts (offline, amp_fault, speaker_line, on_battery) resolved in the period',
  })
  resolvedFaults!: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Mean time to repair, ms: mean resolved_at − since of resolvedFaults; null when none',
  })
  mttrMs!: number | null;
  @ApiProperty({ description: 'Fault alerts opened in the period' }) incidents!: number;
}

export class AvailabilityRowView extends AvailabilityFiguresView {
  @ApiProperty({ enum: AVAILABILITY_LEVELS }) level!: AvailabilityLevel;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'Cluster, village or commune id (null: the clusters of a commune without a village)',
  })
  id!: string | null;
  @ApiProperty({ nullable: true, type: String }) code!: string | null;
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
  @ApiProperty({ format: 'uuid' }) communeId!: string;
  @ApiProperty({ description: 'GSO code of the commune' }) communeCode!: string;
  @ApiProperty() communeName!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) villageId!: string | null;
  @ApiProperty({ nullable: true, type: String }) villageName!: string | null;
}

export class AvailabilityReportView {
  @ApiProperty({ format: 'date' }) from!: string;
  @ApiProperty({ format: 'date' }) to!: string;
  @ApiProperty({ example: 'Asia/Ho_Chi_Minh' }) timeZone!: string;
  @ApiProperty({ description: 'Local midnight starting `from` (ISO 8601 UTC)' }) start!: Date;
  @ApiProperty({ description: 'Local midnight ending `to` (exclusive)' }) end!: Date;
  @ApiProperty({ description: 'Presence is counted up to here: min(end, now)' }) observedUntil!: Date;
  @ApiProperty({ enum: AVAILABILITY_LEVELS }) level!: AvailabilityLevel;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) unitId!: string | null;
  @ApiProperty({ description: 'false: no schedule source, the scheduled figures are null' })
  scheduledKnown!: boolean;
  @ApiProperty({ type: [AvailabilityRowView] }) rows!: AvailabilityRowView[];
  @ApiProperty({ type: AvailabilityFiguresView, description: 'Every counted cluster together' })
  total!: AvailabilityFiguresView;
}
