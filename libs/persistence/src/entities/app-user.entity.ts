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

/**
 * What a person or an API key may do. `admin` runs the whole server and has no scope; every other role acts
 * only inside its scope unit (a province, a district or a commune) and everything below it.
 */
export const ROLES = [
  'admin',
  'province_admin',
  'district_technician',
  'commune_operator',
  'viewer',
] as const;
export type Role = (typeof ROLES)[number];

/** A person who signs in to the API or the console. */
@Entity('app_user')
@Index('uq_app_user_username', ['username'], { unique: true })
export class AppUser {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Stored lower-case; unique (the index is on it). */
  @Column({ type: 'varchar', length: 64 })
  username!: string;

  @Column({ type: 'varchar', length: 200, name: 'display_name' })
  displayName!: string;

  @Column({ type: 'varchar', length: 32, nullable: true })
  phone!: string | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ type: 'varchar', length: 32 })
  role!: Role;

  @Index('ix_app_user_scope')
  @Column({ type: 'uuid', name: 'scope_unit_id', nullable: true })
  scopeUnitId!: string | null;

  @ManyToOne(() => AdminUnit, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'scope_unit_id', foreignKeyConstraintName: 'fk_app_user_scope_unit' })
  scopeUnit?: AdminUnit | null;

  /** argon2id, PHC string format. */
  @Column({ type: 'varchar', length: 200, name: 'password_hash' })
  passwordHash!: string;

  @Column({ type: 'timestamptz', name: 'password_changed_at' })
  passwordChangedAt!: Date;

  /** Wrong passwords since the last success. */
  @Column({ type: 'integer', name: 'failed_logins', default: 0 })
  failedLogins!: number;

  @Column({ type: 'timestamptz', name: 'locked_until', nullable: true })
  lockedUntil!: Date | null;

  @Column({ type: 'timestamptz', name: 'last_login_at', nullable: true })
  lastLoginAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}
