import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { AdminUnit } from './admin-unit.entity';
import type { TargetSpec } from './schedule.entity';

export const BROADCAST_KINDS = ['play_now', 'stop'] as const;
export type BroadcastKind = (typeof BROADCAST_KINDS)[number];

/**
 * An immediate action sent to many clusters at once (an emergency warning, a notice, a live stream, stop).
 * Each target cluster gets a device_command row carrying this id, whose acks make the rollout summary.
 */
@Entity('broadcast')
@Index('ix_broadcast_created', ['createdAt'])
export class Broadcast {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: BroadcastKind;

  @Column({ type: 'varchar', length: 200, nullable: true })
  title!: string | null;

  @Column({ type: 'varchar', length: 16 })
  priority!: string;

  @Column({ type: 'int', nullable: true })
  volume!: number | null;

  @Column({ type: 'jsonb', name: 'asset_ids', default: () => "'[]'" })
  assetIds!: string[];

  @Column({ type: 'uuid', name: 'program_id', nullable: true })
  programId!: string | null;

  @Index('ix_broadcast_live_session')
  @Column({ type: 'uuid', name: 'live_session_id', nullable: true })
  liveSessionId!: string | null;

  /** For stop: the playback it ends (command, live session or occurrence id), if only one. */
  @Column({ type: 'varchar', length: 128, name: 'stop_ref', nullable: true })
  stopRef!: string | null;

  @Column({ type: 'jsonb' })
  target!: TargetSpec;

  @Column({ type: 'int', name: 'cluster_count' })
  clusterCount!: number;

  /** The unit the broadcast was made for (the narrowest unit covering its target); scope goes by its path. */
  @Column({ type: 'uuid', name: 'unit_id' })
  unitId!: string;

  @ManyToOne(() => AdminUnit, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'unit_id', foreignKeyConstraintName: 'fk_broadcast_unit' })
  unit?: AdminUnit;

  @Index('ix_broadcast_unit_path')
  @Column({ type: 'text', name: 'unit_path' })
  unitPath!: string;

  @Column({ type: 'varchar', length: 200, name: 'created_by' })
  createdBy!: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'expires_at' })
  expiresAt!: Date;
}
