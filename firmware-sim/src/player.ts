import {
  preempts,
  type PlayEvent,
  type PlayFailureReason,
  type PlayoutClaim,
  type PlayoutSource,
  type Priority,
} from '@loa-xa/protocol';
import type { DeviceClock } from './device-clock';
import type { TimerBag } from './scheduler';

/**
 * The speakers: one thing on air at a time. Who may take them is decided by `preempts()` from the
 * contract; this class only keeps what plays, times its end and reports started/finished/interrupted.
 * Playing time is the item's duration (the simulator does not decode audio).
 */

/** What is on air, for observers and telemetry. */
export interface OnAir {
  source: PlayoutSource;
  /** Occurrence id (schedule), command id (command) or stream id (live). */
  ref: string;
  priority: Priority;
  volume?: number;
  /** Device clock when it went on air (the `at` of its `started` report). */
  since: number;
  /** Planned playing time; none for a live stream. */
  durationMs?: number;
  /** The play_now command behind it (command and live). */
  commandId?: string;
}

export interface PlaybackEnd {
  event: Extract<PlayEvent, 'finished' | 'interrupted'>;
  reason?: PlayFailureReason;
  playedMs: number;
}

export interface PlaybackSpec extends Omit<OnAir, 'since'> {
  /** Called once when it leaves the air, after its report. */
  onEnd?: (end: PlaybackEnd) => void;
  /** Releases what feeds it (a live stream's connection). */
  release?: () => void;
}

/** A play report before the cluster gives it an id and a time. */
export interface ReportDraft {
  source: PlayoutSource;
  ref: string;
  event: PlayEvent;
  reason?: PlayFailureReason;
  playedMs?: number;
  detail?: string;
  /** Device clock of the event; default: when the report is made. */
  at?: number;
}

interface Playback extends OnAir {
  startedReal: number;
  onEnd?: (end: PlaybackEnd) => void;
  release?: () => void;
}

const MAX_PLAYED_MS = 86_400_000;

export class Player {
  private current: Playback | null = null;

  constructor(
    private readonly timers: TimerBag,
    private readonly clock: DeviceClock,
    private readonly report: (draft: ReportDraft) => void,
  ) {}

  get onAir(): Readonly<OnAir> | null {
    if (!this.current) return null;
    const { startedReal: _r, onEnd: _e, release: _l, ...info } = this.current;
    return info;
  }

  /** The token of what plays now, to tell later whether it is still the same playback. */
  get token(): object | null {
    return this.current;
  }

  mayTake(claim: PlayoutClaim): boolean {
    return preempts(claim, this.current);
  }

  /**
   * Puts `spec` on air, interrupting (preempted) what played. The caller checked `mayTake`.
   * Returns a token for `isOnAir`.
   */
  start(spec: PlaybackSpec): object {
    if (this.current) this.end('interrupted', 'preempted');
    const playback: Playback = { ...spec, since: this.clock.now(), startedReal: Date.now() };
    this.current = playback;
    // The report and the telemetry's `playing.since` name the same instant.
    this.report({ source: spec.source, ref: spec.ref, event: 'started', at: playback.since });
    if (spec.durationMs !== undefined) {
      this.timers.set('on-air', spec.durationMs, () => {
        if (this.current === playback) this.end('finished');
      });
    }
    return playback;
  }

  isOnAir(token: object): boolean {
    return this.current === token;
  }

  /** Ends what plays before its time; false when nothing played. */
  interrupt(reason: PlayFailureReason, detail?: string): boolean {
    if (!this.current) return false;
    this.end('interrupted', reason, detail);
    return true;
  }

  /** Silence without any report (the simulator is shutting down). */
  clear(): void {
    const playback = this.current;
    this.current = null;
    this.timers.clear('on-air');
    playback?.release?.();
  }

  private end(event: PlaybackEnd['event'], reason?: PlayFailureReason, detail?: string): void {
    const playback = this.current;
    if (!playback) return;
    this.current = null;
    this.timers.clear('on-air');
    playback.release?.();
    const elapsed = Math.max(0, Date.now() - playback.startedReal);
    const playedMs = Math.min(
      event === 'finished' ? (playback.durationMs ?? elapsed) : elapsed,
      playback.durationMs ?? MAX_PLAYED_MS,
      MAX_PLAYED_MS,
    );
    this.report({
      source: playback.source,
      ref: playback.ref,
      event,
      playedMs,
      ...(reason ? { reason } : {}),
      ...(detail ? { detail } : {}),
    });
    playback.onEnd?.({ event, reason, playedMs });
  }
}
