import { ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHash, timingSafeEqual } from 'node:crypto';
import { parse as parseCookies } from 'cookie';
import type { Request } from 'express';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { ApiKeysUsage } from './api-keys-usage.service';
import { PrincipalDirectory, type Grant } from './principal-directory.service';
import { SessionsService } from './sessions.service';
import type { Principal } from './scope';

export const SESSION_COOKIE = 'loa_session';
export const API_KEY_PREFIX = 'lxk_';
const API_KEY = /^lxk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AccessTokenClaims {
  sub: string;
  sid: string;
  typ: 'access';
}

export type AuthRequest = Request & { id?: string; principal?: Principal };

/**
 * Finds out who is calling, from (in this order) an API key, a bearer access token or the console's session
 * cookie. Every failure is the same 401 so a caller learns nothing about which part was wrong.
 */
@Injectable()
export class Authenticator {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jwt: JwtService,
    private readonly sessions: SessionsService,
    private readonly directory: PrincipalDirectory,
    private readonly keyUsage: ApiKeysUsage,
  ) {}

  async authenticate(req: AuthRequest): Promise<Principal> {
    const header = req.headers.authorization;
    const apiKeyHeader = req.headers['x-api-key'];
    const bearer = typeof header === 'string' && /^Bearer /i.test(header) ? header.slice(7).trim() : null;
    if (typeof apiKeyHeader === 'string') return this.byApiKey(req, apiKeyHeader);
    if (bearer?.startsWith(API_KEY_PREFIX)) return this.byApiKey(req, bearer);
    if (bearer) return this.byAccessToken(req, bearer);
    if (header) throw unauthorized('unsupported Authorization scheme: use Bearer');
    const cookie = req.headers.cookie ? parseCookies(req.headers.cookie)[SESSION_COOKIE] : undefined;
    if (cookie) return this.byCookie(req, cookie);
    throw unauthorized('authentication required: log in (POST /api/v1/auth/login) or send an API key');
  }

  private async byAccessToken(req: AuthRequest, token: string): Promise<Principal> {
    let claims: AccessTokenClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessTokenClaims>(token, { algorithms: ['HS256'] });
    } catch {
      throw unauthorized('access token invalid or expired: refresh it or log in again');
    }
    if (claims.typ !== 'access' || !(await this.sessions.isActive(claims.sid)))
      throw unauthorized('access token invalid or expired: refresh it or log in again');
    return this.principal(req, 'user', await this.directory.user(claims.sub), claims.sid);
  }

  private async byCookie(req: AuthRequest, token: string): Promise<Principal> {
    const session = await this.sessions.findValid(token, 'cookie');
    if (!session) throw unauthorized('session expired: log in again');
    if (!SAFE_METHODS.has(req.method)) this.checkOrigin(req);
    return this.principal(req, 'user', await this.directory.user(session.userId), session.id);
  }

  private async byApiKey(req: AuthRequest, key: string): Promise<Principal> {
    const parsed = API_KEY.exec(key.trim());
    const grant = parsed ? await this.directory.apiKey(parsed[1]) : null;
    const presented = parsed ? createHash('sha256').update(parsed[2]).digest('hex') : '';
    if (
      !grant?.secretSha256 ||
      grant.secretSha256.length !== presented.length ||
      !timingSafeEqual(Buffer.from(grant.secretSha256), Buffer.from(presented)) ||
      (grant.expiresAt && grant.expiresAt.getTime() <= Date.now())
    )
      throw unauthorized('API key invalid, expired or revoked');
    const principal = this.principal(req, 'api_key', grant);
    this.keyUsage.used(grant.id, principal.ip);
    return principal;
  }

  private principal(
    req: AuthRequest,
    kind: Principal['kind'],
    grant: Grant | null,
    sessionId?: string,
  ): Principal {
    if (!grant || !grant.active) throw unauthorized(kind === 'user' ? 'account disabled' : 'API key revoked');
    return {
      kind,
      id: grant.id,
      name: grant.name,
      role: grant.role,
      scope: grant.scope,
      sessionId,
      ip: req.ip ?? req.socket.remoteAddress ?? null,
      requestId: typeof req.id === 'string' ? req.id : null,
    };
  }

  /**
   * Cookies ride along with any request the browser makes, so a state change carried by the cookie must come
   * from our own pages (or an allowed origin): the CSRF defence next to SameSite=Strict.
   */
  private checkOrigin(req: AuthRequest): void {
    const origin = req.headers.origin;
    if (origin === undefined) return; // not a browser cross-site request: browsers always send Origin there
    const own = `${req.protocol}://${req.headers.host ?? ''}`;
    if (origin === own || this.config.corsOrigins.includes(origin)) return;
    throw new ForbiddenException(`cross-site request from ${origin} refused`);
  }
}

function unauthorized(message: string): UnauthorizedException {
  return new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message });
}
