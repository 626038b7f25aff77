import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { AdminUnit } from './admin-unit.entity';
import { Station } from './station.entity';

export const CLUSTER_KINDS = ['ip', 'fm_wired', 'fm_wireless'] as const;
export type ClusterKind = (typeof CLUSTER_KINDS)[number];

export const CLUSTER_LIFECYCLES = ['planned', 'active', 'faulty', 'replaced', 'decommissioned'] as const;
export type ClusterLifecycle = (typeof CLUSTER_LIFECYCLES)[number];

/** A loudspeaker cluster (cụm loa): IP, or a wired / wireless FM one still on the books. */
@Entity('cluster')
export class Cluster {
  /** Also the MQTT username, client id and topic segment of an IP cluster. */
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Human code printed on the box and used in CSV imports, unique. */
  @Column({ type: 'varchar', length: 64, unique: true })
  code!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: ClusterKind;

  @Index('ix_cluster_lifecycle')
  @Column({ type: 'varchar', length: 16, default: 'active' })
  lifecycle!: ClusterLifecycle;

  @Index('ix_cluster_commune')
  @Column({ type: 'uuid', name: 'commune_id' })
  communeId!: string;

  @ManyToOne(() => AdminUnit, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'commune_id' })
  commune?: AdminUnit;

  @Column({ type: 'uuid', name: 'village_id', nullable: true })
  villageId!: string | null;

  @ManyToOne(() => AdminUnit, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'village_id' })
  village?: AdminUnit | null;

  @Column({ type: 'uuid', name: 'station_id', nullable: true })
  stationId!: string | null;

  @ManyToOne(() => Station, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'station_id' })
  station?: Station | null;

  @Column({ type: 'double precision', nullable: true })
  latitude!: number | null;

  @Column({ type: 'double precision', nullable: true })
  longitude!: number | null;

  @Column({ type: 'varchar', length: 300, nullable: true })
  address!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  vendor!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  model!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  firmware!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  serial!: string | null;

  /** SIM phone number (MSISDN). */
  @Column({ type: 'varchar', length: 20, nullable: true })
  msisdn!: string | null;

  @Column({ type: 'varchar', length: 22, nullable: true })
  iccid!: string | null;

  /**
   * FM clusters only: a working FM cluster fed by an IP receiver at the station (TT39 Điều 6), so it airs
   * what the IP system schedules.
   */
  @Column({ type: 'boolean', name: 'ip_connected', default: false })
  ipConnected!: boolean;

  @Column({ type: 'date', name: 'installed_on', nullable: true })
  installedOn!: string | null;

  @Column({ type: 'text', nullable: true })
  notes!: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}
