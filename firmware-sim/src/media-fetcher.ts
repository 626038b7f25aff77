import type { ManifestMedia, MediaFile } from '@loa-xa/protocol';
import type { DeviceClock } from './device-clock';
import {
  downloadVerified,
  type DownloadFailureReason,
  type DownloadPolicy,
  type DownloadResult,
} from './download';
import { abortError, type DownloadLimiter } from './limiter';
import type { MediaStore } from './media-store';
import type { Rng } from './rng';
import type { SimScheduler, TimerBag } from './scheduler';

/**
 * Keeps the files of the current manifest on the cluster: downloads each one not held, not before its
 * `fetchFrom` (by the corrected device clock), one at a time, and remembers which failed and why.
 * play_now media goes through `fetchNow`, at once and ahead of the fleet's queue.
 */

/** One finished download (success or the last failure), for events and counters. */
export interface DownloadInfo {
  sha256: string;
  ok: boolean;
  /** Bytes received over the wire, every attempt included. */
  bytes: number;
  attempts: number;
  reason?: DownloadFailureReason;
  message?: string;
  /** True for play_now media, false for manifest media. */
  forCommand: boolean;
}

export interface MediaFetcherOptions {
  store: MediaStore;
  /** The broadcaster's timers (cleared at power off). */
  timers: TimerBag;
  scheduler: SimScheduler;
  clock: DeviceClock;
  policy: DownloadPolicy;
  rng: Rng;
  limiter?: DownloadLimiter;
  /** false: trust the manifest and mark every file held at once (large benchmarks). */
  enabled: boolean;
  /** What is held or missing changed (the cluster sends a debounced sync). */
  onChange: () => void;
  /** A URL answered 403/410: the cluster asks for a fresh manifest. */
  onUrlExpired: () => void;
  onDownload: (info: DownloadInfo) => void;
  onBytes: (count: number) => void;
}

interface Entry {
  file: ManifestMedia;
  state: 'waiting' | 'active' | 'failed';
}

export class MediaFetcher {
  private readonly entries = new Map<string, Entry>();
  private readonly failures = new Map<string, DownloadFailureReason>();
  private listed: ReadonlySet<string> = new Set();
  private active: { sha256: string; controller: AbortController } | null = null;
  private paused = false;

  constructor(private readonly opts: MediaFetcherOptions) {}

  /** Files of the current manifest that failed, and why (cleared when a later attempt succeeds). */
  get missing(): ReadonlyMap<string, DownloadFailureReason> {
    return this.failures;
  }

  /** A new manifest: fetch what it lists and is not held, forget the rest. */
  update(media: readonly ManifestMedia[]): void {
    const { store } = this.opts;
    this.listed = new Set(media.map((m) => m.sha256));
    for (const sha of [...this.entries.keys()]) if (!this.listed.has(sha)) this.entries.delete(sha);
    for (const sha of [...this.failures.keys()]) if (!this.listed.has(sha)) this.failures.delete(sha);
    if (this.active && !this.listed.has(this.active.sha256)) this.abortActive();
    for (const file of media) {
      if (store.has(file.sha256)) continue;
      if (!this.opts.enabled) {
        store.add(file.sha256);
        continue;
      }
      const entry = this.entries.get(file.sha256);
      // A new manifest gives failed files another round (its URLs are fresh).
      if (!entry || entry.state === 'failed') this.entries.set(file.sha256, { file, state: 'waiting' });
      else entry.file = file;
    }
    this.pump();
  }

  /** play_now media: downloads now (urgent in the fleet's queue); never throws except on abort. */
  async fetchNow(file: MediaFile, signal: AbortSignal): Promise<DownloadResult> {
    const { store } = this.opts;
    if (store.has(file.sha256)) return { ok: true, bytes: 0, attempts: 0 };
    if (!this.opts.enabled) {
      store.add(file.sha256);
      return { ok: true, bytes: 0, attempts: 0 };
    }
    const result = await downloadVerified(file, {
      ...this.context(signal),
      urgent: true,
      sink: store.openSink(file.sha256, 'cmd'),
    });
    if (result.ok) {
      store.add(file.sha256);
      if (this.listed.has(file.sha256)) {
        this.failures.delete(file.sha256);
        this.opts.onChange();
      }
    }
    this.opts.onDownload(this.info(file.sha256, result, true));
    return result;
  }

  /** Power off: the running download is cut (it starts again after power on). */
  pause(): void {
    this.paused = true;
    this.abortActive();
  }

  resume(): void {
    this.paused = false;
    this.pump();
  }

  private abortActive(): void {
    const active = this.active;
    if (!active) return;
    this.active = null;
    const entry = this.entries.get(active.sha256);
    if (entry?.state === 'active') entry.state = 'waiting';
    active.controller.abort();
  }

  /** Starts the next due download, or waits for the earliest `fetchFrom`. */
  private pump(): void {
    const { timers, clock, store } = this.opts;
    if (this.paused || this.active) return;
    const now = clock.reference();
    let next: Entry | undefined;
    let earliest = Infinity;
    for (const [sha, entry] of this.entries) {
      if (entry.state !== 'waiting') continue;
      if (store.has(sha)) {
        this.entries.delete(sha);
        continue;
      }
      if (entry.file.fetchFrom <= now) {
        if (!next || entry.file.fetchFrom < next.file.fetchFrom) next = entry;
      } else earliest = Math.min(earliest, entry.file.fetchFrom);
    }
    if (!next) {
      if (earliest < Infinity) timers.set('fetch', clock.delayUntil(earliest), () => this.pump());
      else timers.clear('fetch');
      return;
    }
    timers.clear('fetch');
    this.download(next);
  }

  private download(entry: Entry): void {
    const { store } = this.opts;
    const sha = entry.file.sha256;
    const controller = new AbortController();
    const active = { sha256: sha, controller };
    this.active = active;
    entry.state = 'active';
    downloadVerified(entry.file, {
      ...this.context(controller.signal),
      sink: store.openSink(sha, 'manifest'),
      onAttemptFailed: (reason) => {
        // Reported missing at once, while it retries (protocol §11.3 example).
        if (this.failures.get(sha) === reason) return;
        this.failures.set(sha, reason);
        this.opts.onChange();
      },
    }).then(
      (result) => {
        if (this.active !== active) return;
        this.active = null;
        if (result.ok) {
          store.add(sha);
          this.failures.delete(sha);
          this.entries.delete(sha);
        } else {
          this.failures.set(sha, result.reason);
          const current = this.entries.get(sha);
          if (current) current.state = 'failed';
          if (result.urlExpired) this.opts.onUrlExpired();
        }
        this.opts.onDownload(this.info(sha, result, false));
        this.opts.onChange();
        this.pump();
      },
      () => {
        // Aborted: whoever aborted already moved on.
        if (this.active === active) this.active = null;
      },
    );
  }

  private context(signal: AbortSignal) {
    const { scheduler } = this.opts;
    return {
      policy: this.opts.policy,
      signal,
      random: this.opts.rng,
      limiter: this.opts.limiter,
      onBytes: this.opts.onBytes,
      sleep: (ms: number, sig: AbortSignal) =>
        new Promise<void>((resolve, reject) => {
          if (sig.aborted) return reject(abortError());
          const onAbort = () => {
            cancel();
            reject(abortError());
          };
          const cancel = scheduler.after(ms, () => {
            sig.removeEventListener('abort', onAbort);
            resolve();
          });
          sig.addEventListener('abort', onAbort, { once: true });
        }),
    };
  }

  private info(sha256: string, result: DownloadResult, forCommand: boolean): DownloadInfo {
    return result.ok
      ? { sha256, ok: true, bytes: result.bytes, attempts: result.attempts, forCommand }
      : {
          sha256,
          ok: false,
          bytes: result.bytes,
          attempts: result.attempts,
          reason: result.reason,
          message: result.message,
          forCommand,
        };
  }
}
