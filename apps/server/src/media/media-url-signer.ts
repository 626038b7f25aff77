import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { resolveAuthSecret } from '../access/auth-secret';

/** Path of a rendition served to devices (the query carries `exp` and `sig`). */
export const SIGNED_MEDIA_PATH = '/media/r';

export type MediaUrlCheck = 'valid' | 'expired' | 'invalid';

/** HKDF label: the URL key is derived from the auth secret but is never the key that signs access tokens. */
const KEY_INFO = 'loa-xa signed media URL v1';

/**
 * Signed, expiring media URLs: `<base>/media/r/<renditionId>?exp=<epoch s>&sig=<base64url HMAC-SHA256>`.
 * Any replica sharing AUTH_SECRET verifies them; nothing is stored per URL.
 */
@Injectable()
export class MediaUrlSigner {
  private readonly key: Buffer;
  private base: string | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', resolveAuthSecret(config), Buffer.alloc(0), KEY_INFO, 32));
    this.base = config.publicBaseUrl;
  }

  /** Absolute URL of a rendition, valid until `expiresAtMs` (rounded up to the second). */
  url(renditionId: string, expiresAtMs: number): string {
    const exp = Math.ceil(expiresAtMs / 1000);
    return `${this.baseUrl()}${SIGNED_MEDIA_PATH}/${renditionId}?exp=${exp}&sig=${this.sign(renditionId, exp)}`;
  }

  /** Checks the `exp` and `sig` query values of a request for `renditionId`. */
  verify(renditionId: string, exp: unknown, sig: unknown, nowMs = Date.now()): MediaUrlCheck {
    if (typeof exp !== 'string' || typeof sig !== 'string' || !/^\d{1,12}$/.test(exp)) return 'invalid';
    const expected = Buffer.from(this.sign(renditionId, Number(exp)));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    return Number(exp) * 1000 < nowMs ? 'expired' : 'valid';
  }

  private sign(renditionId: string, exp: number): string {
    return createHmac('sha256', this.key).update(`${renditionId}.${exp}`).digest('base64url');
  }

  /** PUBLIC_BASE_URL, else the address the server really listens on (known once it listens). */
  private baseUrl(): string {
    if (this.base) return this.base;
    const address = this.adapterHost.httpAdapter?.getHttpServer()?.address() as AddressInfo | string | null;
    if (!address || typeof address === 'string') return `http://127.0.0.1:${this.config.port}`;
    this.base = `http://${hostFor(address.address)}:${address.port}`;
    return this.base;
  }
}

/** A host name devices can reach for a listening address: the first LAN IPv4 for a wildcard address. */
function hostFor(address: string): string {
  if (address === '0.0.0.0' || address === '::' || address === '') {
    for (const list of Object.values(networkInterfaces()))
      for (const net of list ?? []) if (net.family === 'IPv4' && !net.internal) return net.address;
    return '127.0.0.1';
  }
  return address.includes(':') ? `[${address}]` : address;
}
