import { createWriteStream, type WriteStream } from 'node:fs';
import type { Priority } from '@loa-xa/protocol';
import type { LiveSourceKind } from '@loa-xa/persistence';
import type { MediaProfile } from '../config/app-config';
import type { Principal } from '../access/scope';
import type { TargetDto } from '../broadcasts/target.dto';
import { Fanout } from './fanout';
import type { IngestSource } from './live-source';
import { startTranscoder, type Transcoder, type TranscoderExit } from './transcoder';

/** What the running session needs to know about itself. */
export interface ChannelSession {
  id: string;
  title: string;
  target: TargetDto;
  priority: Priority;
  volume: number | null;
  unitId: string;
  unitPath: string;
}

export interface ChannelOptions {
  ffmpeg: string;
  profile: MediaProfile;
  recordingPath: string;
  backlogMs: number;
  /** How much MP3 (in ms of audio) a listener may lag before it is dropped. */
  maxLagMs: number;
  /** Called on every chunk of audio the transcoder produces until the session has started. */
  onAudio: (channel: LiveChannel) => void;
  /** Called when the current source is gone (disconnected, or ffmpeg failed on its audio). */
  onSourceGone: (channel: LiveChannel, exit: TranscoderExit) => void;
}

/**
 * The running part of one live session: at most one source at a time feeding one ffmpeg, whose MP3 frames
 * go to every listener (Fanout) and to the recording file.
 */
export class LiveChannel {
  readonly fanout: Fanout;
  bytesIn = 0;
  recordingBytes = 0;
  /** The last transcoder failure, if the session ends without audio. */
  lastError: string | null = null;
  /** Writing the recording failed (disk full…): the session goes on, the recording is lost. */
  recordingError: string | null = null;
  private source: { ingest: IngestSource; transcoder: Transcoder } | null = null;
  private recording: WriteStream | null = null;
  /** A source was accepted but its handshake is not finished yet. */
  reserved = false;
  closing = false;
  /** Reconnection grace or "never connected" expiry. */
  timer: NodeJS.Timeout | null = null;
  /** Settles when the session has been finished (stored as ended or failed). */
  finished: Promise<unknown> | null = null;
  broadcastId: string | null = null;
  /** Audio went out: the session is live (set by whoever starts the rollout). */
  started = false;
  /** The start (row, audit, rollout) in progress or done. */
  starting: Promise<void> = Promise.resolve();
  /** The current (or last) source: who connected it and what it sends. */
  sourceActor: Principal | null = null;
  sourceKind: LiveSourceKind | null = null;
  sourceType: string | null = null;

  constructor(
    readonly session: ChannelSession,
    /** Who created the session: the rollout and the recording import act in their name. */
    readonly owner: Principal,
    private readonly options: ChannelOptions,
  ) {
    const bytesPerMs = options.profile.bitrateKbps / 8;
    this.fanout = new Fanout({
      backlogMs: options.backlogMs,
      maxQueuedBytes: Math.max(64 * 1024, Math.round(bytesPerMs * options.maxLagMs)),
    });
  }

  get sourceConnected(): boolean {
    return this.source !== null;
  }

  get busy(): boolean {
    return this.source !== null || this.reserved;
  }

  /** Starts transcoding a newly connected source. */
  attach(ingest: IngestSource): void {
    this.reserved = false;
    this.clearTimer();
    this.fanout.resetBacklog();
    const transcoder = startTranscoder({
      ffmpeg: this.options.ffmpeg,
      profile: this.options.profile,
      contentType: ingest.contentType,
      onChunk: (chunk) => {
        this.record(chunk.data);
        this.fanout.publish(chunk);
        if (!this.started) this.options.onAudio(this);
      },
    });
    const current = { ingest, transcoder };
    this.source = current;
    const { stream } = ingest;
    const input = transcoder.input;
    stream.on('data', (bytes: Buffer) => {
      this.bytesIn += bytes.length;
      if (!input.write(bytes)) {
        stream.pause();
        input.once('drain', () => stream.resume());
      }
    });
    // Whichever way the source goes, ffmpeg gets end of input, flushes and exits.
    const ended = () => input.end();
    stream.once('end', ended);
    stream.once('close', ended);
    stream.once('error', ended);
    void transcoder.exit.then((exit) => {
      if (!exit.ok) this.lastError = exit.error ?? 'ffmpeg failed';
      if (this.source !== current) return;
      this.source = null;
      ingest.close(exit.ok ? 'source ended' : 'audio could not be decoded');
      if (!this.closing) this.options.onSourceGone(this, exit);
    });
  }

  /** Ends the session's media: drops the source, lets ffmpeg flush, ends every listener, closes the file. */
  async close(reason: string): Promise<void> {
    this.closing = true;
    this.clearTimer();
    const current = this.source;
    if (current) {
      current.ingest.close(reason);
      await current.transcoder.stop();
      this.source = null;
    }
    this.fanout.end();
    const file = this.recording;
    this.recording = null;
    if (file) await new Promise<void>((resolve) => file.end(resolve));
  }

  clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  get recordingPath(): string {
    return this.options.recordingPath;
  }

  private record(data: Buffer): void {
    if (this.closing && !this.recording) return;
    if (!this.recording) {
      this.recording = createWriteStream(this.options.recordingPath);
      this.recording.on('error', (err) => (this.recordingError = err.message));
    }
    this.recording.write(data);
    this.recordingBytes += data.length;
  }
}
