import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Cluster } from './cluster.entity';

/** Faults raised and cleared, as the device reported them; (cluster, event id) makes replays harmless. */
@Entity('device_event')
@Index('uq_device_event_cluster_event', ['clusterId', 'eventId'], { unique: true })
export class DeviceEventRow {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid', name: 'cluster_id' })
  clusterId!: string;

  @ManyToOne(() => Cluster, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'cluster_id', foreignKeyConstraintName: 'fk_device_event_cluster' })
  cluster?: Cluster;

  @Column({ type: 'varchar', length: 64, name: 'event_id' })
  eventId!: string;

  @Column({ type: 'varchar', length: 32 })
  type!: string;

  @Column({ type: 'varchar', length: 32 })
  code!: string;

  @Column({ type: 'timestamptz', name: 'device_ts' })
  deviceTs!: Date;

  @Column({ type: 'timestamptz', name: 'received_at' })
  receivedAt!: Date;

  @Column({ type: 'text', nullable: true })
  detail!: string | null;
}
