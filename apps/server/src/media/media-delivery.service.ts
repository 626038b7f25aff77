import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Express, Request, Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MediaMetrics } from './media-metrics';
import { MediaRepository } from './media.repository';
import { MEDIA_STORAGE, type MediaStorage } from './media-storage';
import { MediaUrlSigner, SIGNED_MEDIA_PATH } from './media-url-signer';
import { sendJsonError, serveFile, type ServedFile } from './file-response';
import { HotFileCache } from './hot-file-cache';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Renditions remembered (id → file); they never change, so the cache needs no invalidation but deletion. */
const CACHE_MAX = 20_000;
const YEAR_S = 365 * 86400;

/**
 * Serves renditions: to devices by signed URL (no account; the signature is the authorisation) and to
 * signed-in users. The signed route is the hot path (every cluster downloads every file): it is mounted on
 * Express ahead of the global middleware (request logging, security headers, body parsers), checks an HMAC,
 * finds the file in an in-memory cache and streams it, with no database query once a rendition is known.
 */
@Injectable()
export class MediaDelivery {
  private readonly files = new Map<string, ServedFile>();
  private readonly hot: HotFileCache;

  constructor(
    @Inject(MEDIA_STORAGE) private readonly storage: MediaStorage,
    private readonly repository: MediaRepository,
    private readonly signer: MediaUrlSigner,
    private readonly metrics: MediaMetrics,
    adapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.hot = new HotFileCache(storage, config.mediaCacheMb * 1_048_576);
    // Providers are built before bootstrap adds its middleware, so this route comes first in Express' stack.
    const adapter = adapterHost.httpAdapter;
    if (adapter?.getType() === 'express') {
      const app = adapter.getInstance<Express>();
      app.get(`${SIGNED_MEDIA_PATH}/:renditionId`, (req: Request, res: Response, next) => {
        this.serveSigned(req, res, String(req.params.renditionId)).catch(next);
      });
    }
  }

  /** GET/HEAD of a signed rendition URL. */
  async serveSigned(req: IncomingMessage, res: ServerResponse, renditionId: string): Promise<void> {
    const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
    const exp = query.get('exp');
    const check = this.signer.verify(renditionId, exp ?? undefined, query.get('sig') ?? undefined);
    if (check !== 'valid') {
      sendJsonError(
        res,
        403,
        check === 'expired'
          ? 'this media URL has expired: ask for a new manifest'
          : 'invalid media URL signature',
      );
      return;
    }
    const file = UUID.test(renditionId) ? await this.lookup(renditionId) : null;
    if (!file) {
      sendJsonError(res, 404, `rendition ${renditionId} not found`);
      return;
    }
    // Content never changes; a cache may keep it while the URL is valid.
    const maxAge = Math.max(0, Math.min(YEAR_S, Number(exp) - Math.floor(Date.now() / 1000)));
    serveFile(req, res, this.storage, file, {
      cacheControl: `public, max-age=${maxAge}, immutable`,
      onSent: (bytes) => this.metrics.bytesServed.inc({ route: 'signed' }, bytes),
      onMissing: () => this.forget([renditionId]),
      cache: this.hot,
    });
  }

  /** Authenticated download of a rendition the caller may see. */
  serveAuthenticated(req: IncomingMessage, res: ServerResponse, file: ServedFile): void {
    serveFile(req, res, this.storage, file, {
      cacheControl: `private, max-age=${YEAR_S}, immutable`,
      onSent: (bytes) => this.metrics.bytesServed.inc({ route: 'download' }, bytes),
    });
  }

  /** Drops deleted renditions from the cache. */
  forget(renditionIds: string[]): void {
    for (const id of renditionIds) {
      const file = this.files.get(id);
      if (file) this.hot.delete(file.key);
      this.files.delete(id);
    }
  }

  private async lookup(renditionId: string): Promise<ServedFile | null> {
    const cached = this.files.get(renditionId);
    if (cached) return cached;
    const row = await this.repository.findRendition(renditionId);
    if (!row) return null;
    const file = { key: row.storageKey, size: row.size, sha256: row.sha256 };
    if (this.files.size >= CACHE_MAX) this.files.delete(this.files.keys().next().value!);
    this.files.set(renditionId, file);
    return file;
  }
}
