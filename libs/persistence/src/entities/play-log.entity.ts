import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Cluster } from './cluster.entity';

export const PLAY_LOG_SOURCES = ['schedule', 'command', 'live'] as const;
export type PlayLogSource = (typeof PLAY_LOG_SOURCES)[number];

export const PLAY_LOG_EVENTS = ['started', 'finished', 'interrupted', 'failed'] as const;
export type PlayLogEvent = (typeof PLAY_LOG_EVENTS)[number];

/**
 * One play report of a cluster (started / finished / interrupted / failed), as the device sent it.
 * (cluster, report id) makes replays harmless. What the ref names (schedule occurrence, command, broadcast,
 * live session) is kept as plain ids without foreign keys: schedules and broadcasts may be deleted, the
 * history stays. The unit path (village, else commune) is copied at ingestion so scoped queries need no join.
 */
@Entity('play_log')
@Index('uq_play_log_cluster_report', ['clusterId', 'reportId'], { unique: true })
@Index('ix_play_log_occurred', ['occurredAt', 'id'])
@Index('ix_play_log_cluster_occurred', ['clusterId', 'occurredAt'])
@Index('ix_play_log_unit_occurred', ['unitPath', 'occurredAt'])
@Index('ix_play_log_schedule_occurrence', ['scheduleId', 'occurrenceStart'])
@Index('ix_play_log_occurrence_start', ['occurrenceStart'])
@Index('ix_play_log_broadcast', ['broadcastId'])
export class PlayLogRow {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid', name: 'cluster_id' })
  clusterId!: string;

  @ManyToOne(() => Cluster, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'cluster_id', foreignKeyConstraintName: 'fk_play_log_cluster' })
  cluster?: Cluster;

  /** The device's id of the report, unique per cluster. */
  @Column({ type: 'varchar', length: 64, name: 'report_id' })
  reportId!: string;

  @Column({ type: 'varchar', length: 16 })
  source!: PlayLogSource;

  /** Occurrence id (schedule), command id (command) or live session id (live), as sent. */
  @Column({ type: 'varchar', length: 128 })
  ref!: string;

  @Column({ type: 'varchar', length: 16 })
  event!: PlayLogEvent;

  @Column({ type: 'varchar', length: 32, nullable: true })
  reason!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  detail!: string | null;

  @Column({ type: 'integer', name: 'played_ms', nullable: true })
  playedMs!: number | null;

  /** Device clock when it happened. */
  @Column({ type: 'timestamptz', name: 'device_at' })
  deviceAt!: Date;

  /** device_at minus the cluster's last reported clock offset; null when no offset was known. */
  @Column({ type: 'timestamptz', name: 'corrected_at', nullable: true })
  correctedAt!: Date | null;

  /** corrected_at when known, else device_at: the time axis of filters and ordering. */
  @Column({ type: 'timestamptz', name: 'occurred_at' })
  occurredAt!: Date;

  @Column({ type: 'timestamptz', name: 'received_at' })
  receivedAt!: Date;

  @Column({ type: 'uuid', name: 'schedule_id', nullable: true })
  scheduleId!: string | null;

  /** Original start of the schedule occurrence (the key in its id). */
  @Column({ type: 'timestamptz', name: 'occurrence_start', nullable: true })
  occurrenceStart!: Date | null;

  @Column({ type: 'uuid', name: 'command_id', nullable: true })
  commandId!: string | null;

  @Column({ type: 'uuid', name: 'broadcast_id', nullable: true })
  broadcastId!: string | null;

  @Column({ type: 'uuid', name: 'live_session_id', nullable: true })
  liveSessionId!: string | null;

  /** The cluster's commune at ingestion. */
  @Column({ type: 'uuid', name: 'commune_id' })
  communeId!: string;

  /**
   * Materialised path of the cluster's village at ingestion, or of its commune when it has none: scope and
   * unit filters are one prefix match, village scopes included.
   */
  @Column({ type: 'text', name: 'unit_path' })
  unitPath!: string;

  @Column({ type: 'uuid', name: 'village_id', nullable: true })
  villageId!: string | null;
}
