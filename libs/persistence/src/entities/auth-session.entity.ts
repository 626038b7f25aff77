import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { AppUser } from './app-user.entity';

export const SESSION_KINDS = ['token', 'cookie'] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];

/**
 * A login: either a refresh token (API clients) or the console's HTTP-only cookie. The secret is
 * `<id>.<random>`; only SHA-256 of the random part is kept. Refresh tokens rotate on every use; presenting
 * the one just replaced means it was stolen, and ends the session.
 */
@Entity('auth_session')
export class AuthSession {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Index('ix_auth_session_user')
  @Column({ type: 'uuid', name: 'user_id' })
  userId!: string;

  @ManyToOne(() => AppUser, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_auth_session_user' })
  user?: AppUser;

  @Column({ type: 'varchar', length: 8 })
  kind!: SessionKind;

  @Column({ type: 'varchar', length: 64, name: 'secret_sha256' })
  secretSha256!: string;

  /** The refresh secret this one replaced: seeing it again means a replay. */
  @Column({ type: 'varchar', length: 64, name: 'previous_sha256', nullable: true })
  previousSha256!: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'last_used_at' })
  lastUsedAt!: Date;

  @Column({ type: 'timestamptz', name: 'expires_at' })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ type: 'varchar', length: 300, name: 'user_agent', nullable: true })
  userAgent!: string | null;
}
