import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { resolveAuthSecret } from '../access/auth-secret';

export type LiveUrlCheck = 'valid' | 'expired' | 'invalid' | 'missing';

/** HKDF label: its own key, distinct from the access-token key and the media URL key. */
const KEY_INFO = 'loa-xa signed live stream URL v1';

/**
 * Signed, expiring stream URLs, one per listening cluster: `<base>/live/<session>/<cluster>.mp3?exp=&sig=`.
 * The signature is what authorises a listener, so the route is public; nothing is stored per URL.
 */
@Injectable()
export class LiveUrlSigner {
  private readonly key: Buffer;
  private base: string | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', resolveAuthSecret(config), Buffer.alloc(0), KEY_INFO, 32));
    this.base = config.publicBaseUrl;
  }

  /** Absolute stream URL of `clusterId` for a session, valid until `expiresAtMs`. */
  url(sessionId: string, clusterId: string, expiresAtMs: number): string {
    const exp = Math.ceil(expiresAtMs / 1000);
    return `${this.baseUrl()}/live/${sessionId}/${clusterId}.mp3?exp=${exp}&sig=${this.sign(sessionId, clusterId, exp)}`;
  }

  verify(sessionId: string, clusterId: string, exp: unknown, sig: unknown, nowMs = Date.now()): LiveUrlCheck {
    if (exp === undefined && sig === undefined) return 'missing';
    if (typeof exp !== 'string' || typeof sig !== 'string' || !/^\d{1,12}$/.test(exp)) return 'invalid';
    const expected = Buffer.from(this.sign(sessionId, clusterId, Number(exp)));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    return Number(exp) * 1000 < nowMs ? 'expired' : 'valid';
  }

  /** PUBLIC_BASE_URL, else the address the server listens on (what devices on the LAN can reach). */
  baseUrl(): string {
    if (this.base) return this.base;
    const address = this.adapterHost.httpAdapter?.getHttpServer()?.address() as AddressInfo | string | null;
    if (!address || typeof address === 'string') return `http://127.0.0.1:${this.config.port}`;
    this.base = `http://${hostFor(address.address)}:${address.port}`;
    return this.base;
  }

  private sign(sessionId: string, clusterId: string, exp: number): string {
    return createHmac('sha256', this.key).update(`${sessionId}/${clusterId}.${exp}`).digest('base64url');
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
