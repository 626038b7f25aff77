import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { AdminUnit } from './admin-unit.entity';
import { Cluster } from './cluster.entity';

export const ALERT_STATES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

export const ALERT_SEVERITIES = ['critical', 'major', 'minor'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** How an alert was resolved: its condition cleared, or a person closed it. */
export const ALERT_RESOLUTIONS = ['auto', 'manual'] as const;
export type AlertResolution = (typeof ALERT_RESOLUTIONS)[number];

/**
 * A health problem of one cluster under one rule, from the moment it was raised until it is resolved.
 * At most one unresolved alert per cluster and rule (deduplication is a database constraint, so replicas
 * can never open two).
 */
@Entity('alert')
@Index('uq_alert_unresolved', ['clusterId', 'rule'], { unique: true, where: `"state" <> 'resolved'` })
@Index('ix_alert_state_opened', ['state', 'openedAt'])
@Index('ix_alert_cluster_opened', ['clusterId', 'openedAt'])
export class Alert {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', name: 'cluster_id' })
  clusterId!: string;

  @ManyToOne(() => Cluster, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'cluster_id', foreignKeyConstraintName: 'fk_alert_cluster' })
  cluster?: Cluster;

  /** The cluster's commune when the alert opened (grouping, reports). */
  @Column({ type: 'uuid', name: 'commune_id' })
  communeId!: string;

  @ManyToOne(() => AdminUnit, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'commune_id', foreignKeyConstraintName: 'fk_alert_commune' })
  commune?: AdminUnit;

  /** Materialised path of the commune: scope filters are one prefix match. */
  @Index('ix_alert_unit_path')
  @Column({ type: 'text', name: 'unit_path' })
  unitPath!: string;

  /** A health rule id (libs/health RULE_IDS). */
  @Column({ type: 'varchar', length: 32 })
  rule!: string;

  @Column({ type: 'varchar', length: 16 })
  severity!: AlertSeverity;

  @Column({ type: 'varchar', length: 16, default: 'open' })
  state!: AlertState;

  /** When the condition began (an offline alert opens N minutes later but dates from the disconnect). */
  @Column({ type: 'timestamptz' })
  since!: Date;

  @Column({ type: 'timestamptz', name: 'opened_at' })
  openedAt!: Date;

  /** Human-readable condition, e.g. "RSRP -121 dBm (limit -115 dBm)". */
  @Column({ type: 'varchar', length: 500, nullable: true })
  detail!: string | null;

  /** The measured value and limit behind the condition, when there is one. */
  @Column({ type: 'jsonb', nullable: true })
  value!: Record<string, unknown> | null;

  /** The condition came and went repeatedly: held open until it has been stable for a while. */
  @Column({ type: 'boolean', default: false })
  flapping!: boolean;

  @Column({ type: 'timestamptz', name: 'acknowledged_at', nullable: true })
  acknowledgedAt!: Date | null;

  /** Who acknowledged: `user:<id>` or `api_key:<id>`. */
  @Column({ type: 'varchar', length: 80, name: 'acknowledged_by', nullable: true })
  acknowledgedBy!: string | null;

  @Column({ type: 'varchar', length: 500, name: 'ack_note', nullable: true })
  ackNote!: string | null;

  /** When the condition was last seen clear (pending resolution) — null while it holds. */
  @Column({ type: 'timestamptz', name: 'cleared_at', nullable: true })
  clearedAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'resolved_at', nullable: true })
  resolvedAt!: Date | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  resolution!: AlertResolution | null;

  @Column({ type: 'varchar', length: 80, name: 'resolved_by', nullable: true })
  resolvedBy!: string | null;

  @Column({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}
