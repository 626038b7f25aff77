import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { UrlSigning, type SignatureCheck } from '../common/url-signing';

export type LiveUrlCheck = SignatureCheck | 'missing';

/**
 * Signed, expiring stream URLs, one per listening cluster: `<base>/live/<session>/<cluster>.mp3?exp=&sig=`.
 * The signature is what authorises a listener, so the route is public. Its own key (label), distinct from
 * the media URL key.
 */
@Injectable()
export class LiveUrlSigner {
  private readonly signing: UrlSigning;

  constructor(@Inject(APP_CONFIG) config: AppConfig, adapterHost: HttpAdapterHost) {
    this.signing = new UrlSigning(config, adapterHost, 'loa-xa signed live stream URL v1');
  }

  /** Absolute stream URL of `clusterId` for a session, valid until `expiresAtMs`. */
  url(sessionId: string, clusterId: string, expiresAtMs: number): string {
    const query = this.signing.query(`${sessionId}/${clusterId}`, expiresAtMs);
    return `${this.signing.baseUrl()}/live/${sessionId}/${clusterId}.mp3?${query}`;
  }

  verify(sessionId: string, clusterId: string, exp: unknown, sig: unknown, nowMs = Date.now()): LiveUrlCheck {
    if (exp === undefined && sig === undefined) return 'missing';
    return this.signing.check(`${sessionId}/${clusterId}`, exp, sig, nowMs);
  }

  /** PUBLIC_BASE_URL, else the address the server listens on (what devices on the LAN can reach). */
  baseUrl(): string {
    return this.signing.baseUrl();
  }
}
