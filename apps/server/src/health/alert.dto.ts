import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
} from 'class-validator';
import { ALERT_RESOLUTIONS, ALERT_SEVERITIES, ALERT_STATES } from '@loa-xa/persistence';
import { RULE_IDS } from '@loa-xa/health';
import { PageQuery } from '../common/pagination';
import { MaxChars } from '../common/text';
import { IsZonedInstant, OptionalNotNull } from '../common/validation';

/** `active` = open or acknowledged. */
export const ALERT_STATE_FILTERS = ['active', ...ALERT_STATES, 'all'] as const;

/** Accepts `a,b` or repeated parameters. */
const csvList = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',').filter(Boolean) : value;

export class AlertQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc', description: 'By opening time' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  override order: 'asc' | 'desc' = 'desc';

  @ApiPropertyOptional({ enum: ALERT_STATE_FILTERS, default: 'active' })
  @IsOptional()
  @IsIn(ALERT_STATE_FILTERS)
  state: (typeof ALERT_STATE_FILTERS)[number] = 'active';

  @ApiPropertyOptional({ enum: RULE_IDS, isArray: true, description: 'One or more, comma-separated' })
  @IsOptional()
  @Transform(csvList)
  @IsArray()
  @IsIn(RULE_IDS, { each: true })
  rule?: string[];

  @ApiPropertyOptional({ enum: ALERT_SEVERITIES, isArray: true, description: 'One or more, comma-separated' })
  @IsOptional()
  @Transform(csvList)
  @IsArray()
  @IsIn(ALERT_SEVERITIES, { each: true })
  severity?: string[];

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Alerts of clusters under this unit (down to a village)',
  })
  @IsOptional()
  @IsUUID()
  unitId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  clusterId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Opened at or after (ISO 8601 instant)' })
  @IsOptional()
  @IsZonedInstant()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Opened before (ISO 8601 instant)' })
  @IsOptional()
  @IsZonedInstant()
  to?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json', description: 'csv: every match, unpaged' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class AlertSummaryQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Summarise under this unit (default: my scope)' })
  @IsOptional()
  @IsUUID()
  unitId?: string;
}

export class AlertStreamQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only alerts under this unit' })
  @IsOptional()
  @IsUUID()
  unitId?: string;

  @ApiPropertyOptional({ enum: ALERT_SEVERITIES, description: 'Only this severity and above' })
  @IsOptional()
  @IsIn(ALERT_SEVERITIES)
  minSeverity?: string;
}

export class AlertNoteDto {
  @ApiPropertyOptional({ maxLength: 500, description: 'What is being done about it' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(500)
  @MaxChars(500)
  note?: string;
}

export class BulkAcknowledgeDto extends AlertNoteDto {
  @ApiProperty({ type: [String], format: 'uuid', maxItems: 5000, description: 'Alerts to acknowledge' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(5000)
  @IsUUID('all', { each: true })
  ids!: string[];
}

export class AlertViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) clusterId!: string;
  @ApiProperty() clusterCode!: string;
  @ApiProperty() clusterName!: string;
  @ApiProperty({ format: 'uuid' }) communeId!: string;
  @ApiProperty() communeName!: string;
  @ApiProperty({ description: 'Materialised path of the commune' }) unitPath!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) villageId!: string | null;
  @ApiProperty({ nullable: true, type: String }) villageName!: string | null;
  @ApiProperty({ enum: RULE_IDS }) rule!: string;
  @ApiProperty({ enum: ALERT_SEVERITIES }) severity!: string;
  @ApiProperty({ enum: ALERT_STATES }) state!: string;
  @ApiProperty({ format: 'date-time', description: 'When the condition began' }) since!: string;
  @ApiProperty({ format: 'date-time' }) openedAt!: string;
  @ApiProperty({ nullable: true, type: String }) detail!: string | null;
  @ApiProperty({ nullable: true, type: Object, description: 'Measured value and limit' })
  value!: Record<string, unknown> | null;
  @ApiProperty({ description: 'The condition came and went repeatedly' }) flapping!: boolean;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) acknowledgedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'user:<id> or api_key:<id>' })
  acknowledgedBy!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Who acknowledged, by name (the user’s display name or the API key’s name)',
  })
  acknowledgedByName!: string | null;
  @ApiProperty({ nullable: true, type: String }) ackNote!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) clearedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) resolvedAt!: string | null;
  @ApiProperty({ enum: ALERT_RESOLUTIONS, nullable: true }) resolution!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'user:<id>, api_key:<id>, or system when it cleared',
  })
  resolvedBy!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Who closed it by hand, by name; null when it cleared',
  })
  resolvedByName!: string | null;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class AlertPage {
  @ApiProperty({ type: [AlertViewDto] }) items!: AlertViewDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}

export class AlertCountDto {
  @ApiProperty({ enum: RULE_IDS }) rule!: string;
  @ApiProperty({ enum: ALERT_SEVERITIES }) severity!: string;
  @ApiProperty() open!: number;
  @ApiProperty() acknowledged!: number;
}

export class CommuneAlertsDto {
  @ApiProperty({ format: 'uuid' }) communeId!: string;
  @ApiProperty() communeName!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) districtId!: string | null;
  @ApiProperty({ nullable: true, type: String }) districtName!: string | null;
  @ApiProperty({ description: 'Active alerts' }) active!: number;
  @ApiProperty({ description: 'Clusters with at least one active alert' }) clusters!: number;
  @ApiProperty({ description: 'Active critical alerts' }) critical!: number;
  @ApiProperty({ format: 'date-time', description: 'Since when the oldest active problem lasts' })
  oldestSince!: string;
}

export class AlertSummaryDto {
  @ApiProperty({ type: [AlertCountDto], description: 'Active alerts by rule and severity' })
  byRule!: AlertCountDto[];
  @ApiProperty({ type: [CommuneAlertsDto], description: 'Where: communes with active alerts, worst first' })
  byCommune!: CommuneAlertsDto[];
}

export class BulkAcknowledgeResult {
  @ApiProperty({ description: 'Alerts acknowledged now' }) acknowledged!: number;
  @ApiProperty({ type: [String], description: 'Ids not found in my scope or already resolved/acknowledged' })
  skipped!: string[];
}

export type { AlertView } from './alert-events';
