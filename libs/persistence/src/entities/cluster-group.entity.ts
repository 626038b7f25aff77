import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { AdminUnit } from './admin-unit.entity';
import { Cluster } from './cluster.entity';

/** A named set of clusters a schedule or broadcast can target ("market loudspeakers", "riverside"). */
@Entity('cluster_group')
@Index('uq_cluster_group_unit_name', ['unitId', 'name'], { unique: true })
export class ClusterGroup {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'uuid', name: 'unit_id' })
  unitId!: string;

  @ManyToOne(() => AdminUnit, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'unit_id', foreignKeyConstraintName: 'fk_cluster_group_unit' })
  unit?: AdminUnit;

  @Column({ type: 'text', name: 'unit_path' })
  unitPath!: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}

@Entity('cluster_group_member')
@Index('ix_cluster_group_member_cluster', ['clusterId'])
export class ClusterGroupMember {
  @PrimaryColumn({ type: 'uuid', name: 'group_id' })
  groupId!: string;

  @PrimaryColumn({ type: 'uuid', name: 'cluster_id' })
  clusterId!: string;

  @ManyToOne(() => ClusterGroup, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id', foreignKeyConstraintName: 'fk_cluster_group_member_group' })
  group?: ClusterGroup;

  @ManyToOne(() => Cluster, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'cluster_id', foreignKeyConstraintName: 'fk_cluster_group_member_cluster' })
  cluster?: Cluster;
}
