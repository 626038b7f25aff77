import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { ACTOR_KINDS, type ActorKind, type AuditChanges, type AuditEntry } from '@loa-xa/persistence';
import { PageQuery } from '../common/pagination';

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: ['asc', 'desc'],
    default: 'desc',
    description: 'By time; newest first by default',
  })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  override order: 'asc' | 'desc' = 'desc';

  @ApiPropertyOptional({ description: 'User id or API key id' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  actorId?: string;

  @ApiPropertyOptional({ enum: ACTOR_KINDS })
  @IsOptional()
  @IsIn(ACTOR_KINDS)
  actorKind?: ActorKind;

  @ApiPropertyOptional({ example: 'cluster' })
  @IsOptional()
  @Matches(/^[a-z_]{1,32}$/, { message: 'objectType must be lower-case letters and underscores' })
  objectType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(64)
  objectId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'Only entries about objects in this unit or below it (a province, district, commune or village inside my scope; 404 otherwise)',
  })
  @IsOptional()
  @IsUUID()
  unitId?: string;

  @ApiPropertyOptional({
    description: 'Exact action (cluster.update) or a prefix ending in a dot (auth.)',
    example: 'cluster.update',
  })
  @IsOptional()
  @Matches(/^[a-z_]{1,32}(\.[a-z_]{0,32})?$/, { message: 'action must look like cluster.update or auth.' })
  action?: string;

  @ApiPropertyOptional({ description: 'From (inclusive, ISO 8601)' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;

  @ApiPropertyOptional({ description: 'To (exclusive, ISO 8601)' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date;

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json', description: 'csv: every match, unpaged' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class AuditEntryView {
  @ApiProperty() id!: string;
  @ApiProperty() at!: Date;
  @ApiProperty({ enum: ACTOR_KINDS }) actorKind!: ActorKind;
  @ApiProperty({ nullable: true, type: String }) actorId!: string | null;
  @ApiProperty() actorName!: string;
  @ApiProperty({ nullable: true, type: String }) ip!: string | null;
  @ApiProperty({ nullable: true, type: String }) requestId!: string | null;
  @ApiProperty() action!: string;
  @ApiProperty() objectType!: string;
  @ApiProperty({ nullable: true, type: String }) objectId!: string | null;
  @ApiProperty({ nullable: true, type: Object, description: '{field: {before, after}}' })
  changes!: AuditChanges | null;
  @ApiProperty({ nullable: true, type: Object }) detail!: Record<string, unknown> | null;

  static from(e: AuditEntry): AuditEntryView {
    return {
      id: String(e.id),
      at: e.at,
      actorKind: e.actorKind,
      actorId: e.actorId,
      actorName: e.actorName,
      ip: e.ip,
      requestId: e.requestId,
      action: e.action,
      objectType: e.objectType,
      objectId: e.objectId,
      changes: e.changes,
      detail: e.detail,
    };
  }
}

export class AuditPage {
  @ApiProperty({ type: [AuditEntryView] }) @Type(() => AuditEntryView) items!: AuditEntryView[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}
