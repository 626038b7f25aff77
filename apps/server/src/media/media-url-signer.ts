import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { UrlSigning, type SignatureCheck } from '../common/url-signing';

/** Path of a rendition served to devices (the query carries `exp` and `sig`). */
export const SIGNED_MEDIA_PATH = '/media/r';

export type MediaUrlCheck = SignatureCheck;

/** Signed, expiring media URLs: `<base>/media/r/<renditionId>?exp=<epoch s>&sig=<base64url HMAC-SHA256>`. */
@Injectable()
export class MediaUrlSigner {
  private readonly signing: UrlSigning;

  constructor(@Inject(APP_CONFIG) config: AppConfig, adapterHost: HttpAdapterHost) {
    this.signing = new UrlSigning(config, adapterHost, 'loa-xa signed media URL v1');
  }

  /** Absolute URL of a rendition, valid until `expiresAtMs` (rounded up to the second). */
  url(renditionId: string, expiresAtMs: number): string {
    return `${this.signing.baseUrl()}${SIGNED_MEDIA_PATH}/${renditionId}?${this.signing.query(renditionId, expiresAtMs)}`;
  }

  /** Checks the `exp` and `sig` query values of a request for `renditionId`. */
  verify(renditionId: string, exp: unknown, sig: unknown, nowMs = Date.now()): MediaUrlCheck {
    return this.signing.check(renditionId, exp, sig, nowMs);
  }
}
