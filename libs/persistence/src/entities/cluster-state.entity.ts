import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Cluster } from './cluster.entity';

/**
 * Last known state of a cluster, flushed in batches from the in-memory fleet view so that a restarted
 * server still knows when a cluster was last seen and what it last reported.
 */
@Entity('cluster_state')
export class ClusterState {
  @PrimaryColumn({ type: 'uuid', name: 'cluster_id' })
  clusterId!: string;

  @ManyToOne(() => Cluster, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'cluster_id', foreignKeyConstraintName: 'fk_cluster_state_cluster' })
  cluster?: Cluster;

  @Column({ type: 'boolean', default: false })
  online!: boolean;

  @Column({ type: 'timestamptz', name: 'last_seen_at', nullable: true })
  lastSeenAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'online_since', nullable: true })
  onlineSince!: Date | null;

  @Column({ type: 'jsonb', nullable: true })
  hello!: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  telemetry!: Record<string, unknown> | null;

  @Column({ type: 'timestamptz', name: 'telemetry_at', nullable: true })
  telemetryAt!: Date | null;
}
