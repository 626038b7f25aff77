import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import {
  MEDIA_ORIGINS,
  MEDIA_STATUSES,
  type MediaAsset,
  type MediaLoudness,
  type MediaOrigin,
  type MediaProbe,
  type MediaRendition,
  type MediaStatus,
} from '@loa-xa/persistence';
import { PageQuery } from '../common/pagination';
import { MaxChars } from '../common/text';
import { UnitRef } from '../registry/units/unit.dto';
import { searchText, trimmed } from '../registry/validators';

export const TITLE_MAX = 200;

export class MediaQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: ['asc', 'desc'],
    default: 'desc',
    description: 'By upload time; newest first by default',
  })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  override order: 'asc' | 'desc' = 'desc';

  @ApiPropertyOptional({ enum: MEDIA_STATUSES })
  @IsOptional()
  @IsIn(MEDIA_STATUSES)
  status?: MediaStatus;

  @ApiPropertyOptional({ description: 'Title contains this text (case and accent insensitive)' })
  @IsOptional()
  @Transform(searchText)
  @IsString()
  @Length(1, 100)
  q?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Assets owned by this unit or a unit below it' })
  @IsOptional()
  @IsUUID()
  unitId?: string;
}

export class UpdateMediaDto {
  @ApiProperty({ maxLength: TITLE_MAX, example: 'Bản tin sáng 24/11' })
  @Transform(trimmed)
  @IsString()
  @Length(1, TITLE_MAX)
  @MaxChars(TITLE_MAX)
  title!: string;
}

/** The multipart body of an upload (documentation only: the route reads the stream itself). */
export class MediaUploadForm {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description: 'The audio file (MP3, WAV, OGG, FLAC, M4A, WebM…)',
  })
  file!: unknown;

  @ApiPropertyOptional({ maxLength: TITLE_MAX, description: 'Default: the file name without its extension' })
  title?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'Owning unit (province, district or commune) inside your scope; default your scope unit, required without one',
  })
  unitId?: string;
}

export class MediaProbeView {
  @ApiProperty({ example: 'mp3', description: 'Container (ffmpeg demuxer names)' }) format!: string;
  @ApiProperty({ example: 'mp3' }) codec!: string;
  @ApiProperty({ example: 2 }) channels!: number;
  @ApiProperty({ example: 44100 }) sampleRate!: number;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'bit/s' }) bitRate!: number | null;
  @ApiProperty({ description: 'Decoded length, ms' }) durationMs!: number;
}

export class MediaLoudnessView {
  @ApiPropertyOptional({
    nullable: true,
    type: Number,
    description: 'Integrated loudness of the input, LUFS',
  })
  inputI!: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'True peak of the input, dBTP' })
  inputTp!: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'Loudness range of the input, LU' })
  inputLra!: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'Gating threshold, LUFS' })
  inputThresh!: number | null;
  @ApiProperty({ description: 'Target integrated loudness, LUFS' }) targetI!: number;
  @ApiProperty({ description: 'Target true peak, dBTP' }) targetTp!: number;
  @ApiProperty({ description: 'False when the input was too quiet to measure and kept its level' })
  normalised!: boolean;
}

export class MediaRenditionView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'mp3_64k_mono', description: 'Profile name (MEDIA_PROFILES)' }) profile!: string;
  @ApiProperty({ example: 'mp3' }) codec!: string;
  @ApiProperty({ example: 64 }) bitrateKbps!: number;
  @ApiProperty({ example: 1 }) channels!: number;
  @ApiProperty({ example: 44100 }) sampleRate!: number;
  @ApiProperty({ description: 'SHA-256 of the file, hex' }) sha256!: string;
  @ApiProperty({ description: 'Bytes' }) size!: number;
  @ApiProperty() durationMs!: number;

  static from(r: MediaRendition): MediaRenditionView {
    return {
      id: r.id,
      profile: r.profile,
      codec: r.codec,
      bitrateKbps: r.bitrateKbps,
      channels: r.channels,
      sampleRate: r.sampleRate,
      sha256: r.sha256,
      size: r.size,
      durationMs: r.durationMs,
    };
  }
}

export class MediaAssetView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ format: 'uuid' }) unitId!: string;
  @ApiProperty({ type: UnitRef, description: 'Owning unit' }) unit!: UnitRef;
  @ApiProperty({
    description:
      'True when the asset belongs to your scope (you may rename or delete it); false for one shared by a unit above you',
  })
  editable!: boolean;
  @ApiProperty({ enum: MEDIA_ORIGINS }) origin!: MediaOrigin;
  @ApiProperty({ enum: MEDIA_STATUSES }) status!: MediaStatus;
  @ApiProperty({ minimum: 0, maximum: 100, description: 'Transcoding progress, percent' }) progress!: number;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Why transcoding failed' })
  failureReason!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) originalName!: string | null;
  @ApiProperty({ description: 'SHA-256 of the uploaded file, hex' }) sourceSha256!: string;
  @ApiProperty({ description: 'Bytes of the uploaded file' }) sourceSize!: number;
  @ApiProperty({ type: MediaProbeView }) probe!: MediaProbe;
  @ApiProperty() durationMs!: number;
  @ApiPropertyOptional({ nullable: true, type: MediaLoudnessView, description: 'Set once transcoded' })
  loudness!: MediaLoudness | null;
  @ApiProperty({
    type: [MediaRenditionView],
    description: 'Device renditions (once ready), first profile first',
  })
  renditions!: MediaRenditionView[];
  @ApiProperty() createdBy!: string;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;

  static from(
    asset: MediaAsset,
    renditions: MediaRendition[],
    editable: boolean,
    progress = asset.progress,
  ): MediaAssetView {
    return {
      id: asset.id,
      title: asset.title,
      unitId: asset.unitId,
      unit: UnitRef.from(asset.unit!),
      editable,
      origin: asset.origin,
      status: asset.status,
      progress,
      failureReason: asset.failureReason,
      originalName: asset.originalName,
      sourceSha256: asset.sourceSha256,
      sourceSize: asset.sourceSize,
      probe: asset.probe,
      durationMs: asset.durationMs,
      loudness: asset.loudness,
      renditions: renditions.map((r) => MediaRenditionView.from(r)),
      createdBy: asset.createdBy,
      createdAt: asset.createdAt,
      updatedAt: asset.updatedAt,
    };
  }
}

export class MediaPage {
  @ApiProperty({ type: [MediaAssetView] }) items!: MediaAssetView[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}

export class MediaInUseError {
  @ApiProperty({ example: 409 }) statusCode!: number;
  @ApiProperty() error!: string;
  @ApiProperty() message!: string;
  @ApiProperty({
    type: [String],
    example: ["schedule 'Bản tin sáng' (next 2026-11-24 05:30)"],
    description: 'What still uses the asset',
  })
  uses!: string[];
}
