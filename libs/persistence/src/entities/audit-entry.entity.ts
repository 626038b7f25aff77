import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const ACTOR_KINDS = ['user', 'api_key', 'system', 'anonymous'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/** Before and after of each changed field. */
export type AuditChanges = Record<string, { before: unknown; after: unknown }>;

/**
 * One state change (or security event) and who made it. Written in the same transaction as the change;
 * a trigger refuses UPDATE and DELETE, so the log can only grow.
 */
@Entity('audit_entry')
@Index('ix_audit_entry_at', ['at'])
@Index('ix_audit_entry_object', ['objectType', 'objectId'])
@Index('ix_audit_entry_actor', ['actorId'])
export class AuditEntry {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at!: Date;

  @Column({ type: 'varchar', length: 16, name: 'actor_kind' })
  actorKind!: ActorKind;

  /** User id or API key id; null for the system and anonymous callers. */
  @Column({ type: 'varchar', length: 64, name: 'actor_id', nullable: true })
  actorId!: string | null;

  /** Username or key name at the time (kept even if the account is renamed). */
  @Column({ type: 'varchar', length: 200, name: 'actor_name' })
  actorName!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ type: 'varchar', length: 64, name: 'request_id', nullable: true })
  requestId!: string | null;

  /** `<object type>.<verb>`, e.g. cluster.update, auth.login_failed. */
  @Index('ix_audit_entry_action')
  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Column({ type: 'varchar', length: 32, name: 'object_type' })
  objectType!: string;

  @Column({ type: 'varchar', length: 64, name: 'object_id', nullable: true })
  objectId!: string | null;

  /** Path of the administrative unit the object belongs to (null: server-wide), so scope is a prefix match. */
  @Index('ix_audit_entry_unit_path')
  @Column({ type: 'text', name: 'unit_path', nullable: true })
  unitPath!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  changes!: AuditChanges | null;

  /** Anything else worth keeping (counts of an import, the reason of a failure). */
  @Column({ type: 'jsonb', nullable: true })
  detail!: Record<string, unknown> | null;
}
