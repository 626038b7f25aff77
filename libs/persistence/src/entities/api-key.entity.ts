import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { AdminUnit } from './admin-unit.entity';
import type { Role } from './app-user.entity';

/**
 * A key for a machine client (the provincial source-information system, scripts), scoped like a user.
 * The key is `lxk_<id>_<secret>`; the secret has 256 random bits, so SHA-256 is enough to store it.
 */
@Entity('api_key')
export class ApiKey {
  @PrimaryColumn({ type: 'varchar', length: 16 })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 32 })
  role!: Role;

  @Index('ix_api_key_scope')
  @Column({ type: 'uuid', name: 'scope_unit_id', nullable: true })
  scopeUnitId!: string | null;

  @ManyToOne(() => AdminUnit, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'scope_unit_id', foreignKeyConstraintName: 'fk_api_key_scope_unit' })
  scopeUnit?: AdminUnit | null;

  @Column({ type: 'varchar', length: 64, name: 'secret_sha256' })
  secretSha256!: string;

  /** Who made it: a user id. */
  @Column({ type: 'uuid', name: 'created_by', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'expires_at', nullable: true })
  expiresAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'last_used_at', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ type: 'varchar', length: 64, name: 'last_used_ip', nullable: true })
  lastUsedIp!: string | null;

  @Column({ type: 'timestamptz', name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;
}
