import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
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
import { PRIORITIES, type Priority } from '@loa-xa/protocol';
import { LIVE_SOURCE_KINDS, LIVE_STATUSES, type LiveSourceKind, type LiveStatus } from '@loa-xa/persistence';
import { PageQuery } from '../common/pagination';
import { MaxChars } from '../common/text';
import { trimmed } from '../registry/validators';
import { TargetDto } from '../broadcasts/target.dto';

export class CreateLiveDto {
  @ApiProperty({ example: 'Thông báo khẩn: nước lũ lên', maxLength: 200 })
  @Transform(trimmed)
  @IsString()
  @Length(1, 200)
  @MaxChars(200)
  title!: string;

  @ApiProperty({ type: TargetDto, description: 'Clusters that play the live stream' })
  @IsObject()
  @ValidateNested()
  @Type(() => TargetDto)
  target!: TargetDto;

  @ApiProperty({ enum: PRIORITIES, description: 'Above your scope’s level is refused (403)' })
  @IsIn(PRIORITIES)
  priority!: Priority;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 100,
    description: 'Output volume, %; absent: the device’s own',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  volume?: number;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Owner unit (province, district or commune) inside your scope; default your scope unit',
  })
  @IsOptional()
  @IsUUID()
  unitId?: string;
}

export class LiveQuery extends PageQuery {
  @ApiPropertyOptional({ enum: LIVE_STATUSES })
  @IsOptional()
  @IsIn(LIVE_STATUSES)
  status?: LiveStatus;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc', description: 'By creation time' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  override order: 'asc' | 'desc' = 'desc';
}

export class LiveTargetView {
  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  unitIds?: string[];
  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  villageIds?: string[];
  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  groupIds?: string[];
  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  clusterIds?: string[];
}

export class LiveSessionView {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty()
  title!: string;
  @ApiProperty({
    enum: LIVE_STATUSES,
    description: 'waiting (no source yet) → live → ended, or failed (see failureReason)',
  })
  status!: LiveStatus;
  @ApiProperty({ type: String, nullable: true })
  failureReason!: string | null;
  @ApiProperty({ enum: PRIORITIES })
  priority!: string;
  @ApiProperty({ type: Number, nullable: true })
  volume!: number | null;
  @ApiProperty({ type: LiveTargetView })
  target!: LiveTargetView;
  @ApiProperty({ description: 'Clusters the target reached when the session was created' })
  clusterCount!: number;
  @ApiProperty({ format: 'uuid' })
  unitId!: string;
  @ApiProperty({ enum: LIVE_SOURCE_KINDS, nullable: true, description: 'How the source is connected' })
  sourceKind!: LiveSourceKind | null;
  @ApiProperty({ type: String, nullable: true, example: 'audio/webm;codecs=opus' })
  sourceType!: string | null;
  @ApiProperty({ description: 'A source is sending audio right now' })
  sourceConnected!: boolean;
  @ApiProperty({ description: 'Listeners (cluster streams) connected now' })
  listeners!: number;
  @ApiProperty({ description: 'Most listeners at once' })
  peakListeners!: number;
  @ApiProperty({ description: 'Bytes received from the source(s)' })
  bytesIn!: number;
  @ApiProperty({ description: 'MP3 bytes sent to listeners' })
  bytesOut!: number;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The play_now rollout' })
  broadcastId!: string | null;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Media asset made of the recording once the session ended',
  })
  recordingAssetId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why the recording could not be imported' })
  recordingError!: string | null;
  @ApiProperty()
  createdBy!: string;
  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  startedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  endedAt!: string | null;
}

export class LivePage {
  @ApiProperty({ type: [LiveSessionView] })
  items!: LiveSessionView[];
  @ApiProperty()
  total!: number;
  @ApiProperty()
  page!: number;
  @ApiProperty()
  pageSize!: number;
}

export class IcecastIngestView {
  @ApiProperty({ example: 'loa.example.vn' })
  host!: string;
  @ApiProperty({ example: 443 })
  port!: number;
  @ApiProperty({ description: 'true when the server is reached over HTTPS (encoder needs TLS)' })
  tls!: boolean;
  @ApiProperty({ example: '/live/3f1c…' })
  mount!: string;
  @ApiProperty({ example: 'source' })
  username!: string;
  @ApiProperty({ description: 'Ingest password: shown only in this response' })
  password!: string;
  @ApiProperty({
    example: 'icecast://source:…@loa.example.vn:443/live/3f1c…',
    description: 'The same as one URL, e.g. for ffmpeg',
  })
  url!: string;
}

export class LiveIngestView {
  @ApiProperty({
    example: 'wss://loa.example.vn/api/v1/live/3f1c…/ws',
    description:
      'Browser source: binary messages of MediaRecorder (audio/webm;codecs=opus) chunks; authorised by the session cookie, a bearer token or ?password=',
  })
  websocketUrl!: string;
  @ApiProperty({
    type: IcecastIngestView,
    description: 'Encoder source (BUTT, Mixxx, ffmpeg): PUT or SOURCE',
  })
  icecast!: IcecastIngestView;
}

export class CreatedLiveView {
  @ApiProperty({ type: LiveSessionView })
  session!: LiveSessionView;
  @ApiProperty({ type: LiveIngestView })
  ingest!: LiveIngestView;
}
