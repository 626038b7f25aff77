import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { MediaStorage } from './media-storage';
import type { HotFileCache } from './hot-file-cache';
import { ifRangeHolds, noneMatch, parseRange } from './http-range';

/** An immutable stored file as served: where it is, how big, its SHA-256 (the ETag). */
export interface ServedFile {
  key: string;
  size: number;
  sha256: string;
}

export interface ServeOptions {
  cacheControl: string;
  /** Bytes actually sent, once the body is done. */
  onSent?(bytes: number): void;
  /** The stored file is missing (deleted under us): answer 404 and forget it. */
  onMissing?(): void;
  /** Hot files served from memory (and warmed on a miss). */
  cache?: HotFileCache;
}

/** The JSON error body of every refusal, as the rest of the API answers. */
export function sendJsonError(
  res: ServerResponse,
  status: number,
  message: string,
  extra: object = {},
): void {
  const body = JSON.stringify({
    statusCode: status,
    error: STATUS_CODES[status] ?? 'Error',
    message,
    ...extra,
  });
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end(body);
}

/**
 * Answers GET or HEAD for a stored audio file with full Range support: 200 (whole), 206 (one range),
 * 304 (If-None-Match), 416 (unsatisfiable). From the hot-file cache when the file is there (a slice, no
 * copy), else streamed from storage while the cache loads it for the next request.
 */
export function serveFile(
  req: IncomingMessage,
  res: ServerResponse,
  storage: MediaStorage,
  file: ServedFile,
  options: ServeOptions,
): void {
  const etag = `"${file.sha256}"`;
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', options.cacheControl);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (noneMatch(req.headers['if-none-match'], etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  const rangeHeader = ifRangeHolds(req.headers['if-range'] as string | undefined, etag)
    ? req.headers.range
    : undefined;
  const range = parseRange(rangeHeader, file.size);
  if (range.kind === 'unsatisfiable') {
    res.setHeader('Content-Range', `bytes */${file.size}`);
    sendJsonError(res, 416, `range ${rangeHeader} is outside the file (${file.size} bytes)`);
    return;
  }
  const start = range.kind === 'partial' ? range.start : 0;
  const end = range.kind === 'partial' ? range.end : file.size - 1;
  const length = end - start + 1;
  res.setHeader('Content-Type', 'audio/mpeg');
  res.setHeader('Content-Length', length);
  if (range.kind === 'partial') {
    res.statusCode = 206;
    res.setHeader('Content-Range', `bytes ${start}-${end}/${file.size}`);
  } else {
    res.statusCode = 200;
  }
  if (req.method === 'HEAD' || length <= 0) {
    res.end();
    return;
  }
  const cached = options.cache?.get(file.key);
  if (cached) {
    res.end(cached.subarray(start, end + 1), () => options.onSent?.(length));
    return;
  }
  void options.cache?.warm(file.key, file.size);
  const body = storage.openRead(file.key, { start, end });
  body.once('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' && !res.headersSent) {
      options.onMissing?.();
      for (const name of ['Content-Range', 'ETag', 'Accept-Ranges', 'Content-Type']) res.removeHeader(name);
      sendJsonError(res, 404, 'media file not found');
    } else {
      res.destroy(err);
    }
  });
  body.once('end', () => options.onSent?.(length));
  // The client went away: stop reading.
  res.once('close', () => body.destroy());
  body.pipe(res);
}
