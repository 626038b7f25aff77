import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';
import { AuthSession, type SessionKind } from '@loa-xa/persistence';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const TOKEN = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/;
/**
 * How long a session row read from the database is trusted before it is read again: a logout on another
 * replica is seen within this time, one on this replica at once.
 */
const CHECK_TTL_MS = 5_000;
/** Sliding expiry is written at most this often per session. */
const TOUCH_EVERY_MS = 60_000;

export interface IssuedSession {
  session: AuthSession;
  /** `<id>.<secret>`: the refresh token or the cookie value, given to the client once. */
  token: string;
}

export type RefreshResult =
  { ok: true; issued: IssuedSession } | { ok: false; replay: boolean; userId?: string };

/**
 * Login sessions. A session is a database row, so logout, password change and deactivation end it for every
 * replica; access tokens name their session and die with it (after at most CHECK_TTL_MS elsewhere).
 */
@Injectable()
export class SessionsService {
  private readonly rows = new Map<string, { session: AuthSession | null; at: number }>();
  private readonly touched = new Map<string, number>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(
    userId: string,
    kind: SessionKind,
    ip: string | null,
    userAgent: string | null,
  ): Promise<IssuedSession> {
    const id = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    const now = new Date();
    const session = this.dataSource.getRepository(AuthSession).create({
      id,
      userId,
      kind,
      secretSha256: sha256(secret),
      previousSha256: null,
      lastUsedAt: now,
      expiresAt: new Date(now.getTime() + this.config.sessionTtlS * 1000),
      revokedAt: null,
      ip: ip?.slice(0, 64) ?? null,
      userAgent: userAgent?.slice(0, 300) ?? null,
    });
    await this.dataSource.getRepository(AuthSession).insert(session);
    this.remember(id, session);
    return { session, token: `${id}.${secret}` };
  }

  /** The live session a cookie or refresh token names, or null. Extends its expiry (sliding). */
  async findValid(token: string, kind: SessionKind): Promise<AuthSession | null> {
    const parsed = TOKEN.exec(token);
    if (!parsed) return null;
    const session = await this.row(parsed[1]);
    if (!session || session.kind !== kind || !live(session) || !same(session.secretSha256, sha256(parsed[2])))
      return null;
    await this.touch(session);
    return session;
  }

  /**
   * Exchanges a refresh token for a new one (rotation). Presenting the token that was just replaced means
   * two parties hold it: the session is ended (`replay`), and whoever has the newer token must log in again.
   */
  async refresh(token: string): Promise<RefreshResult> {
    const parsed = TOKEN.exec(token);
    if (!parsed) return { ok: false, replay: false };
    const repo = this.dataSource.getRepository(AuthSession);
    // Read fresh, not from the cache: the compare-and-swap below needs the digest as it is now.
    const session = await repo.findOneBy({ id: parsed[1] });
    if (!session || session.kind !== 'token' || !live(session)) return { ok: false, replay: false };
    const presented = sha256(parsed[2]);
    if (session.previousSha256 && same(session.previousSha256, presented)) {
      await this.revoke(session.id);
      return { ok: false, replay: true, userId: session.userId };
    }
    if (!same(session.secretSha256, presented)) return { ok: false, replay: false };
    const secret = randomBytes(32).toString('base64url');
    const now = new Date();
    // Compare-and-swap on the current digest: of two concurrent refreshes with one token, one wins.
    const result = await repo.update(
      { id: session.id, secretSha256: session.secretSha256, revokedAt: IsNull() },
      {
        secretSha256: sha256(secret),
        previousSha256: session.secretSha256,
        lastUsedAt: now,
        expiresAt: new Date(now.getTime() + this.config.sessionTtlS * 1000),
      },
    );
    if (!result.affected) return { ok: false, replay: false };
    this.rows.delete(session.id);
    return { ok: true, issued: { session, token: `${session.id}.${secret}` } };
  }

  /** Is the session an access token names still open? */
  async isActive(sessionId: string): Promise<boolean> {
    const session = await this.row(sessionId);
    return session !== null && live(session);
  }

  async revoke(sessionId: string): Promise<void> {
    await this.dataSource
      .getRepository(AuthSession)
      .update({ id: sessionId, revokedAt: IsNull() }, { revokedAt: new Date() });
    this.remember(sessionId, null);
  }

  /** Ends every session of a user (password change, deactivation), except possibly the caller's own. */
  async revokeAllOf(userId: string, exceptSessionId?: string): Promise<number> {
    const open = await this.dataSource.getRepository(AuthSession).findBy({ userId, revokedAt: IsNull() });
    let ended = 0;
    for (const session of open) {
      if (session.id === exceptSessionId) continue;
      await this.revoke(session.id);
      ended++;
    }
    return ended;
  }

  /**
   * A session row, from the cache while it is fresh: every request of a signed-in caller asks, so the
   * database is read at most once per CHECK_TTL_MS per session. null: unknown or revoked here.
   */
  private async row(id: string): Promise<AuthSession | null> {
    const hit = this.rows.get(id);
    if (hit && Date.now() - hit.at < CHECK_TTL_MS) return hit.session;
    const session = await this.dataSource.getRepository(AuthSession).findOneBy({ id });
    this.remember(id, session);
    return session;
  }

  private remember(id: string, session: AuthSession | null): void {
    if (this.rows.size > 100_000) this.rows.clear();
    this.rows.set(id, { session, at: Date.now() });
  }

  private async touch(session: AuthSession): Promise<void> {
    const last = this.touched.get(session.id) ?? 0;
    if (Date.now() - last < TOUCH_EVERY_MS) return;
    this.touched.set(session.id, Date.now());
    if (this.touched.size > 100_000) this.touched.clear();
    session.lastUsedAt = new Date();
    session.expiresAt = new Date(session.lastUsedAt.getTime() + this.config.sessionTtlS * 1000);
    await this.dataSource
      .getRepository(AuthSession)
      .update({ id: session.id }, { lastUsedAt: session.lastUsedAt, expiresAt: session.expiresAt });
  }
}

function live(session: AuthSession): boolean {
  return session.revokedAt === null && session.expiresAt.getTime() > Date.now();
}

function same(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
