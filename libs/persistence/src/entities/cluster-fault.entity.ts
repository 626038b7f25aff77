import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Cluster } from './cluster.entity';

/** A fault episode: open while `clearedAt` is null. At most one open episode per cluster and code. */
@Entity('cluster_fault')
@Index('uq_cluster_fault_open', ['clusterId', 'code'], { unique: true, where: '"cleared_at" IS NULL' })
export class ClusterFault {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid', name: 'cluster_id' })
  clusterId!: string;

  @ManyToOne(() => Cluster, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'cluster_id', foreignKeyConstraintName: 'fk_cluster_fault_cluster' })
  cluster?: Cluster;

  @Column({ type: 'varchar', length: 32 })
  code!: string;

  @Column({ type: 'timestamptz', name: 'raised_at' })
  raisedAt!: Date;

  @Column({ type: 'timestamptz', name: 'cleared_at', nullable: true })
  clearedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  detail!: string | null;
}
