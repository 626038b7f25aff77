import {
  PRIORITIES,
  PRIORITY_RANK,
  decodePayload,
  type AckStatus,
  type CommandErrorCode,
  type Manifest,
  type ManifestItem,
  type ManifestSync,
  type PlayFailureReason,
  type PlayNowParams,
  type PlayoutClaim,
  type PlayoutSource,
  type Priority,
  type Telemetry,
} from '@loa-xa/protocol';
import type { DeviceClock } from './device-clock';
import type { DownloadPolicy } from './download';
import type { DownloadLimiter } from './limiter';
import { MediaFetcher, type DownloadInfo } from './media-fetcher';
import { MediaStore } from './media-store';
import { Player, type OnAir, type ReportDraft } from './player';
import type { Rng } from './rng';
import { TimerBag, type SimScheduler } from './scheduler';
import { openStream } from './stream';

/**
 * The broadcasting side of a cluster (protocol §11): holds the manifest and plays its items from the
 * device's own clock, keeps the listed media, answers play_now and stop, and tells the server what it
 * holds (`sync`). It knows nothing about MQTT: `SimCluster` feeds it messages and publishes for it.
 */

export interface BroadcasterHost {
  ack(
    id: string,
    status: AckStatus,
    extra?: { code?: CommandErrorCode; message?: string; result?: Record<string, unknown> },
  ): void;
  /** Queues a play report; the host gives it its id and time. */
  report(draft: ReportDraft): void;
  /** Publishes a sync; returns false when offline. `done(false)` when the publish failed. */
  publishSync(sync: Omit<ManifestSync, 'v' | 'ts'>, done: (ok: boolean) => void): boolean;
  manifestApplied(manifest: Manifest): void;
  manifestIgnored(version: number, held: number | null): void;
  invalidManifest(message: string): void;
  downloaded(info: DownloadInfo): void;
  downloadBytes(count: number): void;
  streamBytes(count: number): void;
}

export interface BroadcasterOptions {
  clock: DeviceClock;
  scheduler: SimScheduler;
  rng: Rng;
  host: BroadcasterHost;
  download: boolean;
  mediaDir?: string;
  policy: DownloadPolicy;
  limiter?: DownloadLimiter;
  syncDebounceMs: number;
  streamTimeoutMs: number;
}

/** A play_now between its `received` ack and going on air (downloading, or opening its stream). */
interface PendingCommand {
  commandId: string;
  ref: string;
  source: PlayoutSource;
  priority: Priority;
  /** Gives it up, reporting it failed with `reason`. */
  cancel(reason: Extract<PlayFailureReason, 'stopped' | 'power'>): void;
  /** Gives it up silently (the simulator shuts down). */
  abort(): void;
}

const DETAIL_MAX = 200;

/** The schemas type priorities as plain strings; validation already ensured they are known. */
function priorityOf(value: string): Priority {
  return (PRIORITIES as readonly string[]).includes(value) ? (value as Priority) : 'routine';
}

export class Broadcaster {
  private readonly timers: TimerBag;
  private readonly store: MediaStore;
  private readonly fetcher: MediaFetcher;
  private readonly player: Player;
  private current: Manifest | null = null;
  private shaById = new Map<string, string>();
  private listed: ReadonlySet<string> = new Set();
  /** Occurrences already started or reported failed: never run twice, even when a new manifest lists them. */
  private handled = new Set<string>();
  private readonly pending = new Map<string, PendingCommand>();
  private powered = true;
  /** A sync could not be sent (offline, or power off before the debounce): send one at the next link up. */
  private syncOwed = false;
  /** Ask for a fresh manifest at the next sync (an expired URL); at most once per manifest version. */
  private requestOwed = false;
  private requestedFor: number | null = null;

  constructor(private readonly opts: BroadcasterOptions) {
    this.timers = new TimerBag(opts.scheduler);
    this.store = new MediaStore(opts.mediaDir);
    this.player = new Player(this.timers, opts.clock, (draft) => opts.host.report(draft));
    this.fetcher = new MediaFetcher({
      store: this.store,
      timers: this.timers,
      scheduler: opts.scheduler,
      clock: opts.clock,
      policy: opts.policy,
      rng: opts.rng,
      limiter: opts.limiter,
      enabled: opts.download,
      onChange: () => this.scheduleSync(),
      onUrlExpired: () => {
        if (this.current && this.requestedFor !== this.current.version) {
          this.requestedFor = this.current.version;
          this.requestOwed = true;
          this.sendSync();
        }
      },
      onDownload: (info) => opts.host.downloaded(info),
      onBytes: (count) => opts.host.downloadBytes(count),
    });
  }

  // ---- state ------------------------------------------------------------------------------------

  get manifest(): Readonly<Manifest> | null {
    return this.current;
  }

  get manifestVersion(): number | null {
    return this.current?.version ?? null;
  }

  /** SHA-256 of every file held (verified). */
  get held(): ReadonlySet<string> {
    return this.store.files;
  }

  /** Listed files that failed to download, and why. */
  get missing(): ReadonlyMap<string, PlayFailureReason> {
    return this.fetcher.missing;
  }

  get onAir(): Readonly<OnAir> | null {
    return this.player.onAir;
  }

  /** Telemetry `playing`. */
  get playing(): Telemetry['playing'] {
    const onAir = this.player.onAir;
    return onAir ? { kind: onAir.source, ref: onAir.ref, since: onAir.since } : null;
  }

  // ---- manifest ---------------------------------------------------------------------------------

  /** A message on the `manifest` topic. */
  onManifest(payload: Buffer): void {
    const decoded = decodePayload('Manifest', payload);
    if (!decoded.ok) return this.opts.host.invalidManifest(decoded.message);
    const manifest = decoded.value;
    const held = this.manifestVersion;
    if (held !== null && manifest.version <= held) {
      this.opts.host.manifestIgnored(manifest.version, held);
      // The broker re-sends the retained manifest at every subscribe: a good moment to settle an owed sync.
      if (this.syncOwed) this.sendSync();
      return;
    }
    this.apply(manifest);
  }

  private apply(manifest: Manifest): void {
    this.current = manifest;
    this.shaById = new Map(manifest.media.map((m) => [m.id, m.sha256]));
    this.listed = new Set(manifest.media.map((m) => m.sha256));
    const ids = new Set(manifest.items.map((item) => item.id));

    const onAir = this.player.onAir;
    if (onAir?.source === 'schedule' && !ids.has(onAir.ref)) {
      this.player.interrupt('other', 'removed from manifest');
    }
    this.handled = new Set([...this.handled].filter((id) => ids.has(id)));
    this.store.retainOnly(this.listed);
    this.fetcher.update(manifest.media);
    this.opts.host.manifestApplied(manifest);
    this.sendSync();
    if (this.powered) this.runDueItems();
  }

  /** Starts (or reports) every item whose start has come, then waits for the next one. */
  private runDueItems(): void {
    const manifest = this.current;
    if (!manifest || !this.powered) return;
    const now = this.opts.clock.reference();
    const due: ManifestItem[] = [];
    let next = Infinity;
    for (const item of manifest.items) {
      if (this.handled.has(item.id)) continue;
      if (item.start <= now) due.push(item);
      else next = Math.min(next, item.start);
    }
    // Items due together: the highest priority takes the speakers, the others see it playing.
    const rank = (item: ManifestItem) => PRIORITY_RANK[priorityOf(item.priority)];
    due.sort((a, b) => rank(b) - rank(a) || a.start - b.start);
    for (const item of due) this.runItem(item, now);
    if (next < Infinity) {
      this.timers.set('item', this.opts.clock.delayUntil(next), () => this.runDueItems());
    } else this.timers.clear('item');
  }

  private runItem(item: ManifestItem, now: number): void {
    this.handled.add(item.id);
    const fail = (reason: PlayFailureReason, detail?: string) =>
      this.opts.host.report({
        source: 'schedule',
        ref: item.id,
        event: 'failed',
        reason,
        ...(detail ? { detail: detail.slice(0, DETAIL_MAX) } : {}),
      });
    if (now >= item.start + item.durationMs) return fail('expired', 'its end had passed');
    const priority = priorityOf(item.priority);
    const claim: PlayoutClaim = { priority, source: 'schedule' };
    if (!this.player.mayTake(claim)) return fail('preempted', this.describeOnAir());
    const notHeld = item.media.filter((id) => {
      const sha = this.shaById.get(id);
      return sha === undefined || !this.store.has(sha);
    });
    if (notHeld.length > 0) return fail('media_missing', `not held: ${notHeld.join(', ')}`);
    // Started late when its start has passed: from the beginning, for its whole duration.
    this.player.start({
      source: 'schedule',
      ref: item.id,
      priority,
      volume: item.volume,
      durationMs: item.durationMs,
    });
  }

  // ---- commands ---------------------------------------------------------------------------------

  /** play_now, after its `received` ack and the expiry check. */
  playNow(commandId: string, params: PlayNowParams): void {
    const { host } = this.opts;
    if ((params.media === undefined) === (params.stream === undefined)) {
      host.ack(commandId, 'rejected', {
        code: 'invalid_params',
        message: 'exactly one of media and stream',
      });
      return;
    }
    const source: PlayoutSource = params.stream ? 'live' : 'command';
    const ref = params.stream ? params.stream.id : commandId;
    const claim: PlayoutClaim = { priority: priorityOf(params.priority), source };
    if (!this.player.mayTake(claim)) return this.rejectBusy(commandId, source, ref);
    if (params.stream) this.startStream(commandId, params, params.stream, claim);
    else this.startMedia(commandId, params, claim);
  }

  /** stop: ends what plays (and any play_now still on its way) if its priority is not above the stop's. */
  stop(commandId: string, priority: string, ref: string | undefined): void {
    const rank = PRIORITY_RANK[priorityOf(priority)];
    const matches = (p: Priority, refs: Array<string | undefined>) =>
      PRIORITY_RANK[p] <= rank && (ref === undefined || refs.includes(ref));
    const stopped: string[] = [];
    const onAir = this.player.onAir;
    if (onAir && matches(onAir.priority, [onAir.ref, onAir.commandId])) {
      this.player.interrupt('stopped');
      stopped.push(onAir.ref);
    }
    for (const pending of [...this.pending.values()]) {
      if (!matches(pending.priority, [pending.ref, pending.commandId])) continue;
      pending.cancel('stopped');
      stopped.push(pending.ref);
    }
    this.opts.host.ack(commandId, 'ok', {
      result: stopped.length > 0 ? { stopped: true, refs: stopped } : { stopped: false },
    });
  }

  private rejectBusy(commandId: string, source: PlayoutSource, ref: string): void {
    const detail = this.describeOnAir();
    this.opts.host.ack(commandId, 'rejected', { code: 'busy', message: detail });
    this.opts.host.report({ source, ref, event: 'failed', reason: 'preempted', detail });
  }

  private startMedia(commandId: string, params: PlayNowParams, claim: PlayoutClaim): void {
    const { host } = this.opts;
    const files = params.media ?? [];
    for (const file of files) this.store.pin(file.sha256);
    let pinned = true;
    const unpin = () => {
      if (!pinned) return;
      pinned = false;
      for (const file of files) this.store.unpin(file.sha256);
      this.store.retainOnly(this.listed); // play_now files no manifest lists are not kept
    };
    const controller = new AbortController();
    const pending: PendingCommand = {
      commandId,
      ref: commandId,
      source: 'command',
      priority: claim.priority,
      cancel: (reason) => {
        this.giveUp(pending, controller, unpin);
        host.ack(commandId, 'error', {
          code: 'internal',
          message: reason === 'stopped' ? 'stopped before it started' : 'power lost before it started',
        });
        host.report({ source: 'command', ref: commandId, event: 'failed', reason });
      },
      abort: () => this.giveUp(pending, controller, unpin),
    };
    this.pending.set(commandId, pending);

    void (async () => {
      for (const file of files) {
        const result = await this.fetcher.fetchNow(file, controller.signal);
        if (!result.ok) return result;
      }
      return null;
    })().then(
      (failure) => {
        if (this.pending.get(commandId) !== pending) return;
        this.pending.delete(commandId);
        if (failure) {
          unpin();
          host.ack(commandId, 'error', { code: 'media_unavailable', message: failure.message });
          host.report({
            source: 'command',
            ref: commandId,
            event: 'failed',
            reason: failure.reason,
            detail: failure.message.slice(0, DETAIL_MAX),
          });
          return;
        }
        // Something higher may have started while it downloaded.
        if (!this.player.mayTake(claim)) {
          unpin();
          return this.rejectBusy(commandId, 'command', commandId);
        }
        this.player.start({
          source: 'command',
          ref: commandId,
          commandId,
          priority: claim.priority,
          volume: params.volume,
          durationMs: files.reduce((sum, file) => sum + file.durationMs, 0),
          onEnd: (end) => {
            unpin();
            host.ack(commandId, 'ok', { result: { ...end } });
          },
        });
        host.ack(commandId, 'started');
      },
      () => undefined, // aborted: whoever aborted reported it
    );
  }

  private startStream(
    commandId: string,
    params: PlayNowParams,
    stream: NonNullable<PlayNowParams['stream']>,
    claim: PlayoutClaim,
  ): void {
    const { host } = this.opts;
    let token: object | null = null;
    const handle = openStream(
      stream.url,
      {
        onAudio: () => {
          if (this.pending.get(commandId) !== pending) return handle.close();
          this.pending.delete(commandId);
          if (!this.player.mayTake(claim)) {
            handle.close();
            return this.rejectBusy(commandId, 'live', stream.id);
          }
          token = this.player.start({
            source: 'live',
            ref: stream.id,
            commandId,
            priority: claim.priority,
            volume: params.volume,
            release: () => handle.close(),
            onEnd: (end) => host.ack(commandId, 'ok', { result: { ...end } }),
          });
          host.ack(commandId, 'started');
        },
        onBytes: (count) => host.streamBytes(count),
        onEnd: ({ message }) => {
          if (token) {
            if (this.player.isOnAir(token))
              this.player.interrupt('stream_lost', message.slice(0, DETAIL_MAX));
            return;
          }
          if (this.pending.get(commandId) !== pending) return;
          this.pending.delete(commandId);
          host.ack(commandId, 'error', { code: 'stream_unavailable', message });
          host.report({
            source: 'live',
            ref: stream.id,
            event: 'failed',
            reason: 'stream_lost',
            detail: `could not open: ${message}`.slice(0, DETAIL_MAX),
          });
        },
      },
      this.opts.streamTimeoutMs,
    );
    const pending: PendingCommand = {
      commandId,
      ref: stream.id,
      source: 'live',
      priority: claim.priority,
      cancel: (reason) => {
        pending.abort();
        host.ack(commandId, 'error', {
          code: 'internal',
          message: reason === 'stopped' ? 'stopped before it started' : 'power lost before it started',
        });
        host.report({ source: 'live', ref: stream.id, event: 'failed', reason });
      },
      abort: () => {
        if (this.pending.get(commandId) === pending) this.pending.delete(commandId);
        handle.close();
      },
    };
    this.pending.set(commandId, pending);
  }

  private giveUp(pending: PendingCommand, controller: AbortController, unpin: () => void): void {
    if (this.pending.get(pending.commandId) === pending) this.pending.delete(pending.commandId);
    controller.abort();
    unpin();
  }

  private describeOnAir(): string {
    const onAir = this.player.onAir;
    return onAir ? `${onAir.priority} ${onAir.source} ${onAir.ref} on air`.slice(0, DETAIL_MAX) : '';
  }

  // ---- sync -------------------------------------------------------------------------------------

  /** After downloads change what is held: one sync per debounce period. */
  private scheduleSync(): void {
    if (this.timers.has('sync')) return;
    this.timers.set('sync', this.opts.syncDebounceMs, () => this.sendSync());
  }

  private sendSync(): void {
    this.timers.clear('sync');
    const manifest = this.current;
    if (!manifest && !this.requestOwed) return;
    const held = [...this.listed].filter((sha) => this.store.has(sha));
    const missing = [...this.fetcher.missing].map(([sha256, reason]) => ({ sha256, reason }));
    const request = this.requestOwed;
    const sync: Omit<ManifestSync, 'v' | 'ts'> = {
      version: manifest?.version ?? null,
      held,
      ...(missing.length > 0 ? { missing } : {}),
      ...(request ? { request: true } : {}),
    };
    const handed = this.opts.host.publishSync(sync, (ok) => {
      if (ok) return;
      this.syncOwed = true;
      if (request) this.requestOwed = true;
    });
    this.syncOwed = !handed;
    if (handed) this.requestOwed = false;
  }

  /** The MQTT link is up again: settle a sync that could not be sent. */
  linkUp(): void {
    if (this.syncOwed) this.sendSync();
  }

  // ---- power ------------------------------------------------------------------------------------

  /** Power cut: what plays is interrupted (`power`), downloads and streams are cut. Manifest and files stay. */
  powerOff(): void {
    if (!this.powered) return;
    this.powered = false;
    if (this.timers.has('sync')) this.syncOwed = true;
    this.fetcher.pause();
    for (const pending of [...this.pending.values()]) pending.cancel('power');
    this.player.interrupt('power');
    this.timers.clearAll();
  }

  /** Boot: items still to come are re-armed (one already begun is not replayed), downloads resume. */
  powerOn(): void {
    if (this.powered) return;
    this.powered = true;
    this.fetcher.resume();
    this.runDueItems();
  }

  /** The simulator stops: everything ends at once, without reports. */
  shutdown(): void {
    this.powered = false;
    this.fetcher.pause();
    for (const pending of [...this.pending.values()]) pending.abort();
    this.player.clear();
    this.timers.clearAll();
  }
}
