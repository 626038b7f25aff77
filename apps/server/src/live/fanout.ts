import type { Mp3Chunk } from './mp3-frames';

/** Where the relay writes one listener's copy of the stream (an HTTP response). */
export interface FanoutSink {
  write(chunk: Buffer): boolean;
  /** Bytes accepted by write() but not yet handed to the operating system. */
  readonly writableLength: number;
  end(): void;
  destroy(error?: Error): void;
  once(event: 'close', listener: () => void): unknown;
}

export interface FanoutOptions {
  /** Audio a late joiner gets at once, so its player starts without waiting; ms. */
  backlogMs: number;
  /** A listener with more than this queued in the server is too slow and is dropped. */
  maxQueuedBytes: number;
}

export interface Listener {
  readonly key: string;
  bytes: number;
}

/**
 * One copy of the same MP3 chunks per listener. Chunks hold whole frames, so a late joiner starts on a frame
 * boundary (after a short backlog). Nobody waits for a slow listener: once its queue in this process passes
 * `maxQueuedBytes` (its TCP buffers are full too), it is dropped and the others never notice.
 */
export class Fanout {
  private readonly sinks = new Map<FanoutSink, Listener>();
  private readonly backlog: Mp3Chunk[] = [];
  private backlogMs = 0;
  private ended = false;
  bytesOut = 0;
  dropped = 0;
  peak = 0;

  constructor(private readonly options: FanoutOptions) {}

  get size(): number {
    return this.sinks.size;
  }

  /** Adds a listener; it gets the backlog now and every chunk from here on. */
  join(sink: FanoutSink, key: string): Listener {
    if (this.ended) {
      sink.end();
      return { key, bytes: 0 };
    }
    const listener: Listener = { key, bytes: 0 };
    this.sinks.set(sink, listener);
    this.peak = Math.max(this.peak, this.sinks.size);
    sink.once('close', () => this.sinks.delete(sink));
    for (const chunk of this.backlog) this.send(sink, listener, chunk.data);
    return listener;
  }

  publish(chunk: Mp3Chunk): void {
    if (this.ended) return;
    this.backlog.push(chunk);
    this.backlogMs += chunk.durationMs;
    while (this.backlog.length > 1 && this.backlogMs > this.options.backlogMs)
      this.backlogMs -= (this.backlog.shift() as Mp3Chunk).durationMs;
    for (const [sink, listener] of this.sinks) this.send(sink, listener, chunk.data);
  }

  /** Ends every listener's stream (the session is over). */
  end(): void {
    this.ended = true;
    this.backlog.length = 0;
    for (const sink of this.sinks.keys()) sink.end();
    this.sinks.clear();
  }

  /** Forgets the backlog (a new source: its first frames must not follow stale audio). */
  resetBacklog(): void {
    this.backlog.length = 0;
    this.backlogMs = 0;
  }

  private send(sink: FanoutSink, listener: Listener, data: Buffer): void {
    if (sink.writableLength > this.options.maxQueuedBytes) {
      this.sinks.delete(sink);
      this.dropped++;
      sink.destroy();
      return;
    }
    sink.write(data);
    listener.bytes += data.length;
    this.bytesOut += data.length;
  }
}
