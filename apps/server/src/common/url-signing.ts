import type { HttpAdapterHost } from '@nestjs/core';
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { AppConfig } from '../config/app-config';
import { resolveAuthSecret } from '../access/auth-secret';

export type SignatureCheck = 'valid' | 'expired' | 'invalid';

/**
 * Signing of expiring URLs that devices fetch without an account (media files, live streams): an HMAC-SHA256
 * over `message.exp` with a key derived (HKDF) from the auth secret under a label of its own, so it is never
 * the key that signs access tokens. Any replica sharing AUTH_SECRET verifies; nothing is stored per URL.
 */
export class UrlSigning {
  private readonly key: Buffer;
  private base: string | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
    label: string,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', resolveAuthSecret(config), Buffer.alloc(0), label, 32));
    this.base = config.publicBaseUrl;
  }

  /** The `exp` (epoch s, rounded up) and `sig` query values for `message` valid until `expiresAtMs`. */
  query(message: string, expiresAtMs: number): string {
    const exp = Math.ceil(expiresAtMs / 1000);
    return `exp=${exp}&sig=${this.sign(message, exp)}`;
  }

  /** Checks the `exp` and `sig` query values of a request for `message`. */
  check(message: string, exp: unknown, sig: unknown, nowMs = Date.now()): SignatureCheck {
    if (typeof exp !== 'string' || typeof sig !== 'string' || !/^\d{1,12}$/.test(exp)) return 'invalid';
    const expected = Buffer.from(this.sign(message, Number(exp)));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    return Number(exp) * 1000 < nowMs ? 'expired' : 'valid';
  }

  /** PUBLIC_BASE_URL, else the address the server really listens on (known once it listens). */
  baseUrl(): string {
    if (this.base) return this.base;
    const address = this.adapterHost.httpAdapter?.getHttpServer()?.address() as AddressInfo | string | null;
    if (!address || typeof address === 'string') return `http://127.0.0.1:${this.config.port}`;
    this.base = `http://${hostFor(address.address)}:${address.port}`;
    return this.base;
  }

  private sign(message: string, exp: number): string {
    return createHmac('sha256', this.key).update(`${message}.${exp}`).digest('base64url');
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
