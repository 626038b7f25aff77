import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Cluster } from './cluster.entity';

/** One telemetry message. Key figures get columns (for charts and reports); the whole message is kept too. */
@Entity('telemetry_sample')
@Index('ix_telemetry_cluster_received', ['clusterId', 'receivedAt'])
export class TelemetrySample {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid', name: 'cluster_id' })
  clusterId!: string;

  @ManyToOne(() => Cluster, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'cluster_id', foreignKeyConstraintName: 'fk_telemetry_sample_cluster' })
  cluster?: Cluster;

  /** Device clock at measurement. */
  @Column({ type: 'timestamptz', name: 'device_ts' })
  deviceTs!: Date;

  /** Server clock at reception: the time axis of history queries (device clocks may be off). */
  @Column({ type: 'timestamptz', name: 'received_at' })
  receivedAt!: Date;

  @Column({ type: 'bigint' })
  seq!: string;

  @Column({ type: 'varchar', length: 16, name: 'net_type' })
  netType!: string;

  @Column({ type: 'real', nullable: true })
  rssi!: number | null;

  @Column({ type: 'real', nullable: true })
  rsrp!: number | null;

  @Column({ type: 'real', nullable: true })
  sinr!: number | null;

  @Column({ type: 'varchar', length: 8, name: 'power_source' })
  powerSource!: string;

  @Column({ type: 'real', name: 'battery_v', nullable: true })
  batteryV!: number | null;

  @Column({ type: 'varchar', length: 8, name: 'amp_state' })
  ampState!: string;

  @Column({ type: 'varchar', length: 8, name: 'line_state' })
  lineState!: string;

  @Column({ type: 'real', name: 'temp_c', nullable: true })
  tempC!: number | null;

  @Column({ type: 'smallint' })
  volume!: number;

  @Column({ type: 'real', name: 'storage_free_mb' })
  storageFreeMb!: number;

  @Column({ type: 'integer', name: 'clock_offset_ms' })
  clockOffsetMs!: number;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;
}
