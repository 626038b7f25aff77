import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
  type ValueTransformer,
} from 'typeorm';
import { AdminUnit } from './admin-unit.entity';

export const MEDIA_STATUSES = ['processing', 'ready', 'failed'] as const;
export type MediaStatus = (typeof MEDIA_STATUSES)[number];

export const MEDIA_ORIGINS = ['upload', 'live'] as const;
export type MediaOrigin = (typeof MEDIA_ORIGINS)[number];

/** What ffprobe found in the original file. */
export interface MediaProbe {
  /** Demuxer name(s), e.g. `mp3`, `ogg`, `mov,mp4,m4a,3gp,3g2,mj2`. */
  format: string;
  codec: string;
  channels: number;
  sampleRate: number;
  /** Bits per second, when the container says. */
  bitRate: number | null;
  durationMs: number;
}

/** EBU R128 measurement of the input (loudnorm pass 1 of the first profile). */
export interface MediaLoudness {
  /** Integrated loudness, LUFS (null: too quiet or too short to measure). */
  inputI: number | null;
  /** True peak, dBTP. */
  inputTp: number | null;
  /** Loudness range, LU. */
  inputLra: number | null;
  inputThresh: number | null;
  targetI: number;
  targetTp: number;
  /** False when the input could not be measured (silence) and was transcoded without a gain change. */
  normalised: boolean;
}

/** bigint columns (file sizes) as numbers: sizes stay far below 2^53. */
export const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/** A piece of audio in the media library, owned by an administrative unit; transcoded into renditions. */
@Entity('media_asset')
@Index('ix_media_asset_unit', ['unitId'])
@Index('ix_media_asset_status', ['status'])
@Index('ix_media_asset_created', ['createdAt'])
export class MediaAsset {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'uuid', name: 'unit_id' })
  unitId!: string;

  @ManyToOne(() => AdminUnit, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'unit_id', foreignKeyConstraintName: 'fk_media_asset_unit' })
  unit?: AdminUnit;

  @Column({ type: 'varchar', length: 16 })
  origin!: MediaOrigin;

  @Column({ type: 'varchar', length: 16 })
  status!: MediaStatus;

  /** Transcoding progress, percent (100 once ready). */
  @Column({ type: 'smallint', default: 0 })
  progress!: number;

  @Column({ type: 'text', name: 'failure_reason', nullable: true })
  failureReason!: string | null;

  /** File name the uploader gave, if any. */
  @Column({ type: 'varchar', length: 255, name: 'original_name', nullable: true })
  originalName!: string | null;

  /** Storage key of the original file (kept to transcode again). */
  @Column({ type: 'text', name: 'source_key' })
  sourceKey!: string;

  @Column({ type: 'varchar', length: 64, name: 'source_sha256' })
  sourceSha256!: string;

  @Column({ type: 'bigint', name: 'source_size', transformer: bigintNumber })
  sourceSize!: number;

  @Column({ type: 'jsonb' })
  probe!: MediaProbe;

  @Column({ type: 'integer', name: 'duration_ms' })
  durationMs!: number;

  @Column({ type: 'jsonb', nullable: true })
  loudness!: MediaLoudness | null;

  /** Username or key name of the uploader (the audit log has the rest). */
  @Column({ type: 'varchar', length: 200, name: 'created_by' })
  createdBy!: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}
