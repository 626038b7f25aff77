import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { COMMAND_STATES, BROADCAST_KINDS, type BroadcastKind } from '@loa-xa/persistence';
import { PRIORITIES, type Priority } from '@loa-xa/protocol';
import { PageQuery } from '../common/pagination';
import { MaxChars } from '../common/text';
import { OptionalNotNull } from '../common/validation';
import { trimmed } from '../registry/validators';
import { TargetDto } from './target.dto';

export class CreateBroadcastDto {
  @ApiProperty({ enum: BROADCAST_KINDS, description: 'play_now: play media at once; stop: stop what plays' })
  @IsIn(BROADCAST_KINDS)
  kind!: BroadcastKind;

  @ApiPropertyOptional({ example: 'Cảnh báo lũ quét', maxLength: 200 })
  @OptionalNotNull()
  @Transform(trimmed)
  @IsString()
  @Length(1, 200)
  @MaxChars(200)
  title?: string;

  @ApiProperty({ type: TargetDto })
  @IsObject()
  @ValidateNested()
  @Type(() => TargetDto)
  target!: TargetDto;

  @ApiProperty({
    enum: PRIORITIES,
    description:
      'emergency preempts everything and needs broadcasts.emergency; stop ends what plays at or below it',
  })
  @IsIn(PRIORITIES)
  priority!: Priority;

  @ApiPropertyOptional({ minimum: 0, maximum: 100, description: 'play_now: output volume, %' })
  @OptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(100)
  volume?: number;

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'play_now: assets in playing order' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  assetIds?: string[];

  @ApiPropertyOptional({ format: 'uuid', description: 'play_now: a program instead of assetIds' })
  @OptionalNotNull()
  @IsUUID()
  programId?: string;

  @ApiPropertyOptional({
    maxLength: 128,
    description: 'stop: only this playback (a command id, live session id or occurrence id)',
  })
  @OptionalNotNull()
  @IsString()
  @Length(1, 128)
  @MaxChars(128)
  ref?: string;

  @ApiPropertyOptional({
    minimum: 5,
    maximum: 86400,
    description: 'Seconds a cluster may still receive it (default BROADCAST_TTL_S); later it is ignored',
  })
  @OptionalNotNull()
  @IsInt()
  @Min(5)
  @Max(86400)
  ttlS?: number;
}

export class BroadcastQuery extends PageQuery {
  @ApiPropertyOptional({ enum: BROADCAST_KINDS })
  @IsOptional()
  @IsIn(BROADCAST_KINDS)
  kind?: BroadcastKind;
}

export class DeliveryQuery extends PageQuery {
  @ApiPropertyOptional({ enum: COMMAND_STATES })
  @IsOptional()
  @IsIn(COMMAND_STATES)
  status?: string;
}

export class RolloutSummary {
  @ApiProperty({ description: 'Clusters targeted' }) targets!: number;
  @ApiProperty({ description: 'Sent, no ack yet' }) pending!: number;
  @ApiProperty({ description: 'The cluster acknowledged receipt' }) delivered!: number;
  @ApiProperty({ description: 'play_now on air' }) started!: number;
  @ApiProperty({ description: 'stop carried out' }) acked!: number;
  @ApiProperty({ description: 'error or refused (e.g. busy with a higher priority)' }) failed!: number;
  @ApiProperty({ description: 'not delivered in time' }) expired!: number;
  @ApiProperty({ description: 'No cluster is still pending or delivered' }) complete!: boolean;
}

export class BroadcastView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: BROADCAST_KINDS }) kind!: string;
  @ApiProperty({ nullable: true, type: String }) title!: string | null;
  @ApiProperty({ enum: PRIORITIES }) priority!: string;
  @ApiProperty({ nullable: true, type: Number }) volume!: number | null;
  @ApiProperty({ type: [String] }) assetIds!: string[];
  @ApiProperty({ nullable: true, type: String }) programId!: string | null;
  @ApiProperty({ nullable: true, type: String }) liveSessionId!: string | null;
  @ApiProperty({ nullable: true, type: String }) stopRef!: string | null;
  @ApiProperty({ type: TargetDto }) target!: TargetDto;
  @ApiProperty({ format: 'uuid' }) unitId!: string;
  @ApiProperty() createdBy!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() expiresAt!: string;
  @ApiProperty({ type: RolloutSummary }) summary!: RolloutSummary;
}

export class BroadcastPage {
  @ApiProperty({ type: [BroadcastView] }) @Type(() => BroadcastView) items!: BroadcastView[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}

export class DeliveryView {
  @ApiProperty({ format: 'uuid' }) clusterId!: string;
  @ApiProperty() clusterCode!: string;
  @ApiProperty() clusterName!: string;
  @ApiProperty({ format: 'uuid' }) commandId!: string;
  @ApiProperty({ enum: COMMAND_STATES }) status!: string;
  @ApiProperty({ nullable: true, type: String }) deliveredAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) completedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) errorCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) errorMessage!: string | null;
}

export class DeliveryPage {
  @ApiProperty({ type: [DeliveryView] }) @Type(() => DeliveryView) items!: DeliveryView[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}
