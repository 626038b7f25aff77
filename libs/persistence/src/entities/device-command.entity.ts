import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Cluster } from './cluster.entity';

export const COMMAND_STATES = ['pending', 'delivered', 'started', 'acked', 'failed', 'expired'] as const;
export type CommandState = (typeof COMMAND_STATES)[number];

/**
 * A remote command and its progress: pending → delivered → acked | failed | expired; a play_now goes
 * delivered → started when sound is on air.
 */
@Entity('device_command')
@Index('ix_device_command_cluster_created', ['clusterId', 'createdAt'])
@Index('ix_device_command_open', ['status', 'expiresAt'])
@Index('ix_device_command_broadcast', ['broadcastId', 'status'])
export class DeviceCommand {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'uuid', name: 'cluster_id' })
  clusterId!: string;

  @ManyToOne(() => Cluster, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'cluster_id', foreignKeyConstraintName: 'fk_device_command_cluster' })
  cluster?: Cluster;

  @Column({ type: 'varchar', length: 32 })
  type!: string;

  @Column({ type: 'jsonb' })
  params!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 16 })
  status!: CommandState;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'expires_at' })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', name: 'delivered_at', nullable: true })
  deliveredAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'completed_at', nullable: true })
  completedAt!: Date | null;

  @Column({ type: 'jsonb', nullable: true })
  result!: Record<string, unknown> | null;

  @Column({ type: 'varchar', length: 32, name: 'error_code', nullable: true })
  errorCode!: string | null;

  @Column({ type: 'text', name: 'error_message', nullable: true })
  errorMessage!: string | null;

  /** The broadcast this command belongs to (play_now / stop to many clusters), if any. */
  @Column({ type: 'uuid', name: 'broadcast_id', nullable: true })
  broadcastId!: string | null;
}
