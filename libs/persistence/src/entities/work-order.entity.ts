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
import { Cluster } from './cluster.entity';

/** The three kinds of work the national programmes fund (seed 002; docs/domain.md). */
export const WORK_ORDER_KINDS = ['new_station', 'replacement', 'expansion'] as const;
export type WorkOrderKind = (typeof WORK_ORDER_KINDS)[number];

export const WORK_ORDER_STATUSES = [
  'proposed',
  'approved',
  'installing',
  'commissioned',
  'closed',
  'cancelled',
] as const;
export type WorkOrderStatus = (typeof WORK_ORDER_STATUSES)[number];

/** Funding programmes (CTMTQG = Chương trình mục tiêu quốc gia). */
export const FUNDING_PROGRAMMES = [
  'ntp_poverty_reduction', // CTMTQG Giảm nghèo bền vững (Dự án 6, Tiểu dự án 1)
  'ntp_new_rural', // CTMTQG Xây dựng Nông thôn mới
  'ntp_ethnic_minority', // CTMTQG Phát triển KT-XH vùng đồng bào DTTS và miền núi
  'local_budget', // ngân sách địa phương
  'other', // nguồn vốn hợp pháp khác
] as const;
export type FundingProgramme = (typeof FUNDING_PROGRAMMES)[number];

/**
 * One piece of funded work: a new station, a broken FM cluster replaced by an IP cluster, or an IP
 * cluster for a village without coverage. Commissioning links the IP cluster; its first connection and
 * first successful broadcast are recorded here when they happen.
 */
@Entity('work_order')
@Index('ix_work_order_status', ['status'])
export class WorkOrder {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Human reference, e.g. LĐ-2026-0042; unique. */
  @Column({ type: 'varchar', length: 32, unique: true })
  code!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: WorkOrderKind;

  @Column({ type: 'varchar', length: 16, default: 'proposed' })
  status!: WorkOrderStatus;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'uuid', name: 'commune_id' })
  communeId!: string;

  @ManyToOne(() => AdminUnit, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'commune_id', foreignKeyConstraintName: 'fk_work_order_commune' })
  commune?: AdminUnit;

  @Index('ix_work_order_unit_path')
  @Column({ type: 'text', name: 'unit_path' })
  unitPath!: string;

  /** The village served (expansion, replacement). */
  @Column({ type: 'uuid', name: 'village_id', nullable: true })
  villageId!: string | null;

  @ManyToOne(() => AdminUnit, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'village_id', foreignKeyConstraintName: 'fk_work_order_village' })
  village?: AdminUnit | null;

  /** Replacement: the broken FM cluster being replaced. */
  @Index('ix_work_order_fm_cluster')
  @Column({ type: 'uuid', name: 'fm_cluster_id', nullable: true })
  fmClusterId!: string | null;

  @ManyToOne(() => Cluster, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'fm_cluster_id', foreignKeyConstraintName: 'fk_work_order_fm_cluster' })
  fmCluster?: Cluster | null;

  /** The IP cluster installed (linked at commissioning). */
  @Index('ix_work_order_ip_cluster')
  @Column({ type: 'uuid', name: 'ip_cluster_id', nullable: true })
  ipClusterId!: string | null;

  @ManyToOne(() => Cluster, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'ip_cluster_id', foreignKeyConstraintName: 'fk_work_order_ip_cluster' })
  ipCluster?: Cluster | null;

  @Column({ type: 'varchar', length: 32, name: 'funding_programme' })
  fundingProgramme!: FundingProgramme;

  @Column({ type: 'date', name: 'planned_start', nullable: true })
  plannedStart!: string | null;

  @Column({ type: 'date', name: 'planned_end', nullable: true })
  plannedEnd!: string | null;

  @Column({ type: 'date', name: 'actual_start', nullable: true })
  actualStart!: string | null;

  @Column({ type: 'date', name: 'actual_end', nullable: true })
  actualEnd!: string | null;

  /** Budgeted cost, VND (đồng). bigint: returned as a string by the driver. */
  @Column({ type: 'bigint', name: 'planned_cost_vnd', nullable: true })
  plannedCostVnd!: string | null;

  /** Actual cost, VND. */
  @Column({ type: 'bigint', name: 'actual_cost_vnd', nullable: true })
  actualCostVnd!: string | null;

  @Column({ type: 'timestamptz', name: 'commissioned_at', nullable: true })
  commissionedAt!: Date | null;

  /** The IP cluster's first connection to the server (the earliest ever, installers' tests included). */
  @Column({ type: 'timestamptz', name: 'first_connected_at', nullable: true })
  firstConnectedAt!: Date | null;

  /** The IP cluster's first broadcast played to its end. */
  @Column({ type: 'timestamptz', name: 'first_broadcast_at', nullable: true })
  firstBroadcastAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  notes!: string | null;

  @Column({ type: 'int', default: 1 })
  revision!: number;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}

/** The history of a work order: every status change and edit, with who and when. */
@Entity('work_order_event')
@Index('ix_work_order_event_order_at', ['workOrderId', 'at'])
export class WorkOrderEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid', name: 'work_order_id' })
  workOrderId!: string;

  @ManyToOne(() => WorkOrder, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'work_order_id', foreignKeyConstraintName: 'fk_work_order_event_order' })
  workOrder?: WorkOrder;

  @Column({ type: 'timestamptz' })
  at!: Date;

  /** created, status, edited, first_connection, first_broadcast */
  @Column({ type: 'varchar', length: 32 })
  type!: string;

  @Column({ type: 'varchar', length: 16, name: 'from_status', nullable: true })
  fromStatus!: string | null;

  @Column({ type: 'varchar', length: 16, name: 'to_status', nullable: true })
  toStatus!: string | null;

  /** `user:<id>`, `api_key:<id>` or `system`. */
  @Column({ type: 'varchar', length: 80 })
  actor!: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  note!: string | null;

  /** Changed fields, before and after. */
  @Column({ type: 'jsonb', nullable: true })
  changes!: Record<string, { before: unknown; after: unknown }> | null;
}
