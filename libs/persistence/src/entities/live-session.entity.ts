import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { AdminUnit } from './admin-unit.entity';
import { bigintNumber } from './media-asset.entity';
import type { TargetSpec } from './schedule.entity';

export const LIVE_STATUSES = ['waiting', 'live', 'ended', 'failed'] as const;
export type LiveStatus = (typeof LIVE_STATUSES)[number];

export const LIVE_SOURCE_KINDS = ['websocket', 'icecast'] as const;
export type LiveSourceKind = (typeof LIVE_SOURCE_KINDS)[number];

/**
 * An operator going live: created `waiting` with an ingest password, `live` once a source (browser WebSocket
 * or Icecast encoder) sends audio, then `ended` (or `failed`). The relayed MP3 is recorded and imported into
 * the media library when the session ends.
 */
@Entity('live_session')
@Index('ix_live_session_created', ['createdAt'])
export class LiveSession {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: LiveStatus;

  @Column({ type: 'text', name: 'failure_reason', nullable: true })
  failureReason!: string | null;

  @Column({ type: 'varchar', length: 16 })
  priority!: string;

  @Column({ type: 'int', nullable: true })
  volume!: number | null;

  @Column({ type: 'jsonb' })
  target!: TargetSpec;

  /** Clusters the target reached when the session was created. */
  @Column({ type: 'int', name: 'cluster_count' })
  clusterCount!: number;

  @Column({ type: 'uuid', name: 'unit_id' })
  unitId!: string;

  @ManyToOne(() => AdminUnit, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'unit_id', foreignKeyConstraintName: 'fk_live_session_unit' })
  unit?: AdminUnit;

  @Index('ix_live_session_unit_path')
  @Column({ type: 'text', name: 'unit_path' })
  unitPath!: string;

  /** SHA-256 of the random ingest password (256 bits, so a plain digest is enough). */
  @Column({ type: 'varchar', length: 64, name: 'password_sha256' })
  passwordSha256!: string;

  @Column({ type: 'varchar', length: 16, name: 'source_kind', nullable: true })
  sourceKind!: LiveSourceKind | null;

  /** Content type the source declared (audio/mpeg, audio/webm, …). */
  @Column({ type: 'varchar', length: 100, name: 'source_type', nullable: true })
  sourceType!: string | null;

  /** The play_now rollout to the clusters. */
  @Column({ type: 'uuid', name: 'broadcast_id', nullable: true })
  broadcastId!: string | null;

  @Column({ type: 'uuid', name: 'recording_asset_id', nullable: true })
  recordingAssetId!: string | null;

  @Column({ type: 'text', name: 'recording_error', nullable: true })
  recordingError!: string | null;

  @Column({ type: 'bigint', name: 'bytes_in', default: 0, transformer: bigintNumber })
  bytesIn!: number;

  @Column({ type: 'bigint', name: 'bytes_out', default: 0, transformer: bigintNumber })
  bytesOut!: number;

  @Column({ type: 'int', name: 'peak_listeners', default: 0 })
  peakListeners!: number;

  @Column({ type: 'varchar', length: 200, name: 'created_by' })
  createdBy!: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'started_at', nullable: true })
  startedAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'ended_at', nullable: true })
  endedAt!: Date | null;
}
