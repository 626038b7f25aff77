import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';

const gzip = promisify(gzipCallback);
/** Smaller bodies are not worth compressing. */
const GZIP_MIN_BYTES = 1024;
/** Compressed bodies kept by ETag: many people polling the same province compress it once. */
const CACHE_ENTRIES = 16;
const compressed = new Map<string, Buffer>();

/**
 * Sends a JSON body with a strong ETag (its SHA-256), `Cache-Control: private, no-cache` so the browser
 * revalidates every time, 304 without a body when If-None-Match holds it, gzip when the client accepts it.
 * The tag depends only on the bytes, so a cached answer is reused only when the new one is identical.
 */
export async function sendCachedJson(req: Request, res: Response, body: unknown): Promise<void> {
  const json = Buffer.from(JSON.stringify(body));
  const etag = `"${createHash('sha256').update(json).digest('base64url')}"`;
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', 'private, no-cache');
  res.setHeader('Vary', 'Accept-Encoding');
  if (noneMatch(req.headers['if-none-match'], etag)) {
    res.status(304).end();
    return;
  }
  res.status(200).type('application/json; charset=utf-8');
  let payload = json;
  if (json.length >= GZIP_MIN_BYTES && /\bgzip\b/i.test(String(req.headers['accept-encoding'] ?? ''))) {
    payload = compressed.get(etag) ?? (await gzip(json, { level: 6 }));
    compressed.delete(etag); // re-inserted last: the map's order is the eviction order
    compressed.set(etag, payload);
    if (compressed.size > CACHE_ENTRIES) compressed.delete(compressed.keys().next().value as string);
    res.setHeader('Content-Encoding', 'gzip');
  }
  res.setHeader('Content-Length', String(payload.length));
  res.end(req.method === 'HEAD' ? undefined : payload);
}

/** Does If-None-Match name this tag (weak comparison; `*` matches anything)? */
function noneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => tag.trim() === '*' || tag.trim().replace(/^W\//, '') === etag);
}
