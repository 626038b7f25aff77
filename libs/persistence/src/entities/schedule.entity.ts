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
  VersionColumn,
} from 'typeorm';
import { AdminUnit } from './admin-unit.entity';
import { Program } from './program.entity';

/** Which clusters something reaches: the union of these lists (see TargetDto). */
export interface TargetSpec {
  unitIds?: string[];
  villageIds?: string[];
  groupIds?: string[];
  clusterIds?: string[];
}

/**
 * A program or a single asset played at a priority and volume, once or by an RFC 5545 RRULE written in local
 * wall-clock time of `timeZone`, to a target. Expanded into occurrences, then into per-cluster manifests.
 */
@Entity('schedule')
export class Schedule {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Index('ix_schedule_unit')
  @Column({ type: 'uuid', name: 'unit_id' })
  unitId!: string;

  @ManyToOne(() => AdminUnit, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'unit_id', foreignKeyConstraintName: 'fk_schedule_unit' })
  unit?: AdminUnit;

  @Column({ type: 'text', name: 'unit_path' })
  unitPath!: string;

  @Index('ix_schedule_program')
  @Column({ type: 'uuid', name: 'program_id', nullable: true })
  programId!: string | null;

  @ManyToOne(() => Program, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'program_id', foreignKeyConstraintName: 'fk_schedule_program' })
  program?: Program | null;

  /** A single media asset (when no program). */
  @Index('ix_schedule_asset')
  @Column({ type: 'uuid', name: 'asset_id', nullable: true })
  assetId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  priority!: string;

  @Column({ type: 'int' })
  volume!: number;

  @Column({ type: 'jsonb' })
  target!: TargetSpec;

  /** Local wall-clock start of the first occurrence, `YYYY-MM-DDTHH:mm:ss`. */
  @Column({ type: 'varchar', length: 19, name: 'start_local' })
  startLocal!: string;

  @Column({ type: 'varchar', length: 64, name: 'time_zone' })
  timeZone!: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  rrule!: string | null;

  @Column({ type: 'date', name: 'valid_from', nullable: true })
  validFrom!: string | null;

  @Column({ type: 'date', name: 'valid_until', nullable: true })
  validUntil!: string | null;

  /** Local wall-clock starts removed from the rule (EXDATE). */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  exdates!: string[];

  /** Playing time of one occurrence (the program's or asset's duration when saved), ms. */
  @Column({ type: 'int', name: 'duration_ms' })
  durationMs!: number;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  /** Saved although it clashes with equal-priority schedules (the operator confirmed). */
  @Column({ type: 'boolean', default: false })
  forced!: boolean;

  @Column({ type: 'varchar', length: 200, name: 'created_by', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;

  @VersionColumn()
  revision!: number;
}

/** One occurrence skipped (start null) or moved, without touching the rest. */
@Entity('schedule_override')
export class ScheduleOverride {
  @PrimaryColumn({ type: 'uuid', name: 'schedule_id' })
  scheduleId!: string;

  /** The occurrence's original start (its identity). */
  @PrimaryColumn({ type: 'timestamptz', name: 'original_start' })
  originalStart!: Date;

  @ManyToOne(() => Schedule, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'schedule_id', foreignKeyConstraintName: 'fk_schedule_override_schedule' })
  schedule?: Schedule;

  /** Where it moved; null when skipped. */
  @Column({ type: 'timestamptz', nullable: true })
  start!: Date | null;
}
