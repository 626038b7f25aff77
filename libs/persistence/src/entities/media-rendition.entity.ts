import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { MediaAsset, bigintNumber } from './media-asset.entity';

/** One device profile of an asset: an immutable, loudness-normalised MP3 file. */
@Entity('media_rendition')
@Index('uq_media_rendition_asset_profile', ['assetId', 'profile'], { unique: true })
export class MediaRendition {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'uuid', name: 'asset_id' })
  assetId!: string;

  @ManyToOne(() => MediaAsset, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'asset_id', foreignKeyConstraintName: 'fk_media_rendition_asset' })
  asset?: MediaAsset;

  /** Name of the profile in MEDIA_PROFILES. */
  @Column({ type: 'varchar', length: 32 })
  profile!: string;

  @Column({ type: 'text', name: 'storage_key' })
  storageKey!: string;

  @Column({ type: 'varchar', length: 16 })
  codec!: string;

  @Column({ type: 'integer', name: 'bitrate_kbps' })
  bitrateKbps!: number;

  @Column({ type: 'smallint' })
  channels!: number;

  @Column({ type: 'integer', name: 'sample_rate' })
  sampleRate!: number;

  @Column({ type: 'varchar', length: 64 })
  sha256!: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  size!: number;

  @Column({ type: 'integer', name: 'duration_ms' })
  durationMs!: number;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
