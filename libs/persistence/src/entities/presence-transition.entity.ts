import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Cluster } from './cluster.entity';

/** Every online/offline change of a cluster: availability is computed from these, not sampled. */
@Entity('presence_transition')
@Index('ix_presence_transition_cluster_at', ['clusterId', 'at'])
export class PresenceTransition {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid', name: 'cluster_id' })
  clusterId!: string;

  @ManyToOne(() => Cluster, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'cluster_id', foreignKeyConstraintName: 'fk_presence_transition_cluster' })
  cluster?: Cluster;

  @Column({ type: 'boolean' })
  online!: boolean;

  @Column({ type: 'timestamptz' })
  at!: Date;

  /** connect, will, clean_disconnect, keepalive, server_restart */
  @Column({ type: 'varchar', length: 32 })
  cause!: string;
}
