import { HttpException, HttpStatus, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppUser, type SessionKind } from '@loa-xa/persistence';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { fieldError } from '../registry/errors';
import { AuditService, type Actor } from '../audit/audit.service';
import { LoginThrottle } from './login-throttle';
import { burnVerify, hashPassword, passwordProblem, verifyPassword } from './passwords';
import { PrincipalDirectory } from './principal-directory.service';
import { ROLE_PERMISSIONS } from './permissions';
import { ScopeResolver } from './scope-resolver.service';
import { SessionsService, type IssuedSession } from './sessions.service';
import type { AccessTokenClaims } from './authenticator.service';
import type { Principal } from './scope';
import { ScopeView, type ChangePasswordDto, type LoginDto, type MeView, type TokensView } from './auth.dto';

/** Where a login comes from, for throttling and the audit log. */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export type LoginResult =
  { kind: 'tokens'; tokens: TokensView } | { kind: 'cookie'; token: string; expiresAt: Date; user: MeView };

const WRONG = 'wrong username or password';

/**
 * Logins, token refresh, logout and password changes. Wrong passwords count per account and lock it for a
 * while; attempts also count per address. Every outcome goes to the audit log.
 */
@Injectable()
export class AuthService {
  private readonly throttle: LoginThrottle;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jwt: JwtService,
    private readonly sessions: SessionsService,
    private readonly directory: PrincipalDirectory,
    private readonly scopes: ScopeResolver,
    private readonly audit: AuditService,
  ) {
    this.throttle = new LoginThrottle(config.loginRatePerMin);
  }

  async login(dto: LoginDto, client: ClientInfo): Promise<LoginResult> {
    const wait = this.throttle.take(client.ip ?? 'unknown');
    if (wait > 0) throw tooMany(`too many login attempts from this address: try again in ${wait} s`, wait);
    const username = dto.username.trim().toLowerCase();
    const anonymous: Actor = {
      kind: 'anonymous',
      name: username,
      ip: client.ip,
      requestId: client.requestId,
    };
    const user = await this.dataSource.getRepository(AppUser).findOneBy({ username });
    if (!user) {
      await burnVerify(dto.password);
      await this.securityEvent(anonymous, 'auth.login_failed', null, null, { reason: 'unknown_user' });
      throw new UnauthorizedException(WRONG);
    }
    const unitPath = await this.unitPathOf(user.scopeUnitId);
    const now = Date.now();
    if (user.lockedUntil && user.lockedUntil.getTime() > now) {
      await this.securityEvent(anonymous, 'auth.login_refused', user.id, unitPath, { reason: 'locked' });
      const seconds = Math.ceil((user.lockedUntil.getTime() - now) / 1000);
      throw tooMany(`too many wrong passwords: this account is locked for ${seconds} s`, seconds);
    }
    if (!(await verifyPassword(user.passwordHash, dto.password))) {
      const locked = await this.countFailure(user, anonymous, unitPath);
      if (locked)
        throw tooMany(
          `too many wrong passwords: this account is locked for ${this.config.loginLockoutS} s`,
          this.config.loginLockoutS,
        );
      throw new UnauthorizedException(WRONG);
    }
    if (!user.active) {
      await this.securityEvent(anonymous, 'auth.login_refused', user.id, unitPath, { reason: 'disabled' });
      throw new UnauthorizedException('this account is disabled');
    }
    const kind: SessionKind = dto.cookie ? 'cookie' : 'token';
    const issued = await this.sessions.create(user.id, kind, client.ip, client.userAgent);
    await this.dataSource.transaction(async (manager) => {
      await manager
        .getRepository(AppUser)
        .update({ id: user.id }, { failedLogins: 0, lockedUntil: null, lastLoginAt: new Date() });
      await this.audit.record(manager, this.actorOf(user, client, issued.session.id), {
        action: 'auth.login',
        objectType: 'user',
        objectId: user.id,
        unitPath,
        detail: { session: kind, userAgent: client.userAgent?.slice(0, 200) ?? null },
      });
    });
    const me = await this.meOfUser(user.id, issued.session.id, client);
    if (kind === 'cookie')
      return { kind: 'cookie', token: issued.token, expiresAt: issued.session.expiresAt, user: me };
    return { kind: 'tokens', tokens: await this.tokens(user.id, issued, me) };
  }

  async refresh(refreshToken: string, client: ClientInfo): Promise<TokensView> {
    const result = await this.sessions.refresh(refreshToken);
    if (!result.ok) {
      if (result.replay && result.userId) {
        const user = await this.dataSource.getRepository(AppUser).findOneBy({ id: result.userId });
        if (user)
          await this.securityEvent(
            this.actorOf(user, client),
            'auth.refresh_replayed',
            user.id,
            await this.unitPathOf(user.scopeUnitId),
            { detail: 'a refresh token was used twice: the session was ended' },
          );
      }
      throw new UnauthorizedException('refresh token invalid, expired or already used: log in again');
    }
    const grant = await this.directory.user(result.issued.session.userId);
    if (!grant?.active) {
      await this.sessions.revoke(result.issued.session.id);
      throw new UnauthorizedException('this account is disabled');
    }
    const me = await this.meOfUser(grant.id, result.issued.session.id, client);
    return this.tokens(grant.id, result.issued, me);
  }

  /** Ends the caller's session, or the one a refresh token names (if it is the caller's). */
  async logout(principal: Principal, refreshToken?: string): Promise<void> {
    let sessionId = principal.sessionId;
    if (refreshToken) {
      const session = await this.sessions.findValid(refreshToken, 'token');
      if (session && session.userId === principal.id) sessionId = session.id;
    }
    if (!sessionId) return;
    await this.sessions.revoke(sessionId);
    await this.securityEvent(principal, 'auth.logout', principal.id, principal.scope?.paths[0] ?? null, {
      session: sessionId,
    });
  }

  async changePassword(principal: Principal, dto: ChangePasswordDto): Promise<void> {
    if (principal.kind !== 'user') throw new UnauthorizedException('API keys have no password');
    const user = await this.dataSource.getRepository(AppUser).findOneByOrFail({ id: principal.id });
    if (!(await verifyPassword(user.passwordHash, dto.currentPassword)))
      throw fieldError('currentPassword', 'matches', 'currentPassword is wrong');
    const problem = passwordProblem(dto.newPassword, user.username);
    if (problem) throw fieldError('newPassword', 'strength', `newPassword: ${problem}`);
    const passwordHash = await hashPassword(dto.newPassword);
    await this.dataSource.transaction(async (manager) => {
      await manager
        .getRepository(AppUser)
        .update({ id: user.id }, { passwordHash, passwordChangedAt: new Date() });
      await this.audit.record(manager, principal, {
        action: 'user.password_change',
        objectType: 'user',
        objectId: user.id,
        unitPath: principal.scope?.paths[0] ?? null,
        changes: { passwordHash: { before: '[secret]', after: '[secret]' } },
      });
    });
    // Whoever else knew the old password is logged out everywhere; this session goes on.
    await this.sessions.revokeAllOf(user.id, principal.sessionId);
  }

  me(principal: Principal): MeView {
    return {
      id: principal.id,
      kind: principal.kind,
      name: principal.name,
      role: principal.role,
      scope: ScopeView.of(principal.scope),
      permissions: [...ROLE_PERMISSIONS[principal.role]],
    };
  }

  private async meOfUser(userId: string, sessionId: string, client: ClientInfo): Promise<MeView> {
    this.directory.forget(userId);
    const grant = await this.directory.user(userId);
    if (!grant) throw new UnauthorizedException(WRONG);
    return this.me({ kind: 'user', ...grant, sessionId, ip: client.ip, requestId: client.requestId });
  }

  private async tokens(userId: string, issued: IssuedSession, user: MeView): Promise<TokensView> {
    const claims: Omit<AccessTokenClaims, 'sub'> = { sid: issued.session.id, typ: 'access' };
    const accessToken = await this.jwt.signAsync(claims, {
      subject: userId,
      expiresIn: this.config.accessTokenTtlS,
      algorithm: 'HS256',
    });
    return {
      accessToken,
      tokenType: 'Bearer',
      expiresIn: this.config.accessTokenTtlS,
      refreshToken: issued.token,
      user,
    };
  }

  /** Counts a wrong password atomically; locks the account when the count reaches the limit. */
  private async countFailure(user: AppUser, actor: Actor, unitPath: string | null): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const counted = await manager
        .createQueryBuilder()
        .update(AppUser)
        .set({ failedLogins: () => 'failed_logins + 1' })
        .where('id = :id', { id: user.id })
        .returning('failed_logins')
        .execute();
      const failures = (counted.raw as { failed_logins: number }[])[0].failed_logins;
      const lock = failures >= this.config.loginMaxFailures;
      const base = { objectType: 'user', objectId: user.id, unitPath };
      await this.audit.record(manager, actor, {
        ...base,
        action: 'auth.login_failed',
        detail: { reason: 'wrong_password', failures },
      });
      if (lock) {
        const lockedUntil = new Date(Date.now() + this.config.loginLockoutS * 1000);
        await manager.getRepository(AppUser).update({ id: user.id }, { failedLogins: 0, lockedUntil });
        await this.audit.record(manager, actor, {
          ...base,
          action: 'auth.locked',
          detail: { until: lockedUntil.toISOString(), failures },
        });
      }
      return lock;
    });
  }

  private async securityEvent(
    actor: Actor,
    action: string,
    userId: string | null,
    unitPath: string | null,
    detail: Record<string, unknown>,
  ): Promise<void> {
    await this.dataSource.transaction((manager) =>
      this.audit.record(manager, actor, { action, objectType: 'user', objectId: userId, unitPath, detail }),
    );
  }

  private async unitPathOf(unitId: string | null): Promise<string | null> {
    return (await this.scopes.of(unitId))?.paths[0] ?? null;
  }

  private actorOf(user: AppUser, client: ClientInfo, sessionId?: string): Principal {
    return {
      kind: 'user',
      id: user.id,
      name: user.username,
      role: user.role,
      scope: null,
      sessionId,
      ip: client.ip,
      requestId: client.requestId,
    };
  }
}

function tooMany(message: string, retryAfterS: number): HttpException {
  return new HttpException(
    { statusCode: 429, error: 'Too Many Requests', message, retryAfter: retryAfterS },
    HttpStatus.TOO_MANY_REQUESTS,
  );
}
