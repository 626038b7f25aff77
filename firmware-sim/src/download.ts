import { createHash } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { MediaSink } from './media-store';
import { abortError, type DownloadLimiter } from './limiter';

/**
 * Fetches one media file the way the contract asks (protocol §11.1): HTTP(S) GET, resumed with a Range
 * request after a cut, streamed through SHA-256 (the bytes are not kept unless a sink is given), size and
 * hash verified, retried with a bounded exponential back-off.
 */

export interface MediaSource {
  url: string;
  sha256: string;
  size: number;
}

export interface DownloadPolicy {
  /** Attempts per file, the first included. Default 5. */
  maxAttempts: number;
  /** First back-off; doubles per failure up to 60 s, jittered ±50 %. Default 2,000 ms. */
  retryBaseMs: number;
  /** A request with no byte for this long is cut (and resumed at the next attempt). Default 30,000 ms. */
  idleTimeoutMs: number;
}

export const DEFAULT_DOWNLOAD_POLICY: DownloadPolicy = {
  maxAttempts: 5,
  retryBaseMs: 2000,
  idleTimeoutMs: 30_000,
};

export type DownloadFailureReason = 'checksum_mismatch' | 'media_missing';

export type DownloadResult =
  | { ok: true; bytes: number; attempts: number }
  | {
      ok: false;
      reason: DownloadFailureReason;
      /** 403/410: the signed URL expired; only a fresh manifest helps. */
      urlExpired: boolean;
      message: string;
      bytes: number;
      attempts: number;
    };

export interface DownloadContext {
  policy: DownloadPolicy;
  signal: AbortSignal;
  /** Waits `ms` (the simulator's scheduler), rejecting when `signal` aborts. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Random draw for the back-off jitter. */
  random: () => number;
  limiter?: DownloadLimiter;
  /** play_now media: ahead of scheduled downloads in the fleet's queue. */
  urgent?: boolean;
  sink?: MediaSink | null;
  /** Every failed attempt, so the cluster can report the file missing while it retries. */
  onAttemptFailed?: (reason: DownloadFailureReason, message: string) => void;
  /** Bytes received over the wire (for counters). */
  onBytes?: (count: number) => void;
}

type Attempt =
  | { kind: 'complete' }
  | { kind: 'status'; status: number }
  | { kind: 'overflow' }
  | { kind: 'network'; message: string };

/** Downloads and verifies `file`; never throws except AbortError when `ctx.signal` aborts. */
export async function downloadVerified(file: MediaSource, ctx: DownloadContext): Promise<DownloadResult> {
  let hash = createHash('sha256');
  let received = 0;
  let wire = 0;
  let last: { reason: DownloadFailureReason; message: string } = {
    reason: 'media_missing',
    message: 'not fetched',
  };
  const restart = async () => {
    hash = createHash('sha256');
    received = 0;
    await ctx.sink?.reset();
  };
  const fail = (reason: DownloadFailureReason, message: string) => {
    last = { reason, message };
    ctx.onAttemptFailed?.(reason, message);
  };

  try {
    for (let attempt = 1; attempt <= ctx.policy.maxAttempts; attempt++) {
      if (attempt > 1) {
        const backoff = Math.min(ctx.policy.retryBaseMs * 2 ** (attempt - 2), 60_000);
        await ctx.sleep(backoff * (0.5 + ctx.random()), ctx.signal);
      }
      const release = ctx.limiter ? await ctx.limiter.acquire(ctx.signal, ctx.urgent) : undefined;
      let result: Attempt;
      try {
        result = await fetchOnce(file, received, ctx, {
          restart,
          chunk: async (chunk) => {
            wire += chunk.length;
            ctx.onBytes?.(chunk.length);
            if (received + chunk.length > file.size) return false;
            hash.update(chunk);
            received += chunk.length;
            await ctx.sink?.write(chunk);
            return true;
          },
        });
      } finally {
        release?.();
      }
      if (ctx.signal.aborted) throw abortError();

      switch (result.kind) {
        case 'complete': {
          const digest = hash.digest('hex');
          if (received === file.size && digest === file.sha256) {
            await ctx.sink?.commit();
            return { ok: true, bytes: wire, attempts: attempt };
          }
          fail('checksum_mismatch', `got ${received} bytes with sha256 ${digest.slice(0, 12)}…`);
          await restart();
          break;
        }
        case 'overflow':
          fail('checksum_mismatch', `more than the ${file.size} bytes announced`);
          await restart();
          break;
        case 'status':
          if (result.status === 403 || result.status === 410) {
            fail('media_missing', `HTTP ${result.status}: URL expired`);
            await ctx.sink?.discard();
            return { ok: false, ...last, urlExpired: true, bytes: wire, attempts: attempt };
          }
          if (result.status === 416) await restart();
          fail('media_missing', `HTTP ${result.status}`);
          break;
        case 'network':
          fail('media_missing', result.message); // keep what arrived: the next attempt resumes with Range
          break;
      }
    }
    await ctx.sink?.discard();
    return { ok: false, ...last, urlExpired: false, bytes: wire, attempts: ctx.policy.maxAttempts };
  } catch (error) {
    await ctx.sink?.discard().catch(() => undefined);
    throw error;
  }
}

interface AttemptHooks {
  restart: () => Promise<void>;
  /** Feeds one chunk; false when the file grew past its announced size. */
  chunk: (chunk: Buffer) => Promise<boolean>;
}

/** One GET from byte `from`; resolves how it ended (never rejects except on abort). */
function fetchOnce(
  file: MediaSource,
  from: number,
  ctx: DownloadContext,
  hooks: AttemptHooks,
): Promise<Attempt> {
  return new Promise<Attempt>((resolve, reject) => {
    if (ctx.signal.aborted) return reject(abortError());
    let settled = false;
    const settle = (attempt: Attempt) => {
      if (settled) return;
      settled = true;
      ctx.signal.removeEventListener('abort', onAbort);
      resolve(attempt);
    };
    const onAbort = () => {
      if (settled) return;
      settled = true;
      request.destroy();
      reject(abortError());
    };
    let request: http.ClientRequest;
    try {
      const get = file.url.startsWith('https:') ? https.get : http.get;
      request = get(file.url, { headers: from > 0 ? { range: `bytes=${from}-` } : {} });
    } catch (error) {
      return resolve({ kind: 'network', message: messageOf(error) });
    }
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    request.setTimeout(ctx.policy.idleTimeoutMs, () => request.destroy(new Error('idle timeout')));
    request.on('error', (error) => settle({ kind: 'network', message: messageOf(error) }));
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      void (async (): Promise<Attempt> => {
        if (status === 206 && from > 0) {
          if (rangeStart(response.headers['content-range']) !== from) {
            response.destroy();
            await hooks.restart(); // not the part we asked for: start over
            return { kind: 'network', message: 'unexpected Content-Range' };
          }
        } else if (status === 200 || status === 206) {
          if (from > 0) await hooks.restart(); // Range ignored: the whole file comes again
        } else {
          response.resume();
          return { kind: 'status', status };
        }
        for await (const chunk of response as AsyncIterable<Buffer>) {
          if (!(await hooks.chunk(chunk))) {
            response.destroy();
            return { kind: 'overflow' };
          }
        }
        if (!response.complete) return { kind: 'network', message: 'connection closed early' };
        return { kind: 'complete' };
      })().then(settle, (error: unknown) => settle({ kind: 'network', message: messageOf(error) }));
    });
  });
}

function rangeStart(header: string | undefined): number | undefined {
  const match = /^bytes (\d+)-/.exec(header ?? '');
  return match ? Number(match[1]) : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
