/**
 * Timers of the simulator. A single cluster can use plain `setTimeout`; a fleet of 10,000 clusters
 * shares one `SharedTicker` (one Node timer, a heap of due callbacks) instead of tens of thousands of
 * Node timers. Every timer is unref'd: sockets keep the process alive, timers alone never do.
 */

/** Cancels a scheduled callback; calling it after the callback ran is harmless. */
export type Cancel = () => void;

export interface SimScheduler {
  /** Runs `fn` once after `delayMs` (never synchronously). */
  after(delayMs: number, fn: () => void): Cancel;
}

/** One Node timer per callback: fine for a handful of clusters. */
export const timerScheduler: SimScheduler = {
  after(delayMs, fn) {
    const timer = setTimeout(fn, Math.max(0, delayMs));
    timer.unref();
    return () => clearTimeout(timer);
  },
};

interface Entry {
  at: number;
  order: number;
  fn: () => void;
  /** pending → fired or cancelled; cancelled entries stay in the heap until popped (lazy deletion). */
  state: 'pending' | 'fired' | 'cancelled';
}

/**
 * Min-heap of due callbacks driven by one re-armed Node timer. Callbacks due within `resolutionMs`
 * of each other run in the same wake-up, which keeps wake-ups bounded when 10,000 clusters tick.
 */
export class SharedTicker implements SimScheduler {
  private heap: Entry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private armedAt = Infinity;
  private order = 0;
  private cancelled = 0;
  private closed = false;

  constructor(
    private readonly resolutionMs = 10,
    private readonly onError: (error: unknown) => void = (error) =>
      console.error('[sim] timer callback', error),
  ) {}

  /** Number of callbacks waiting (cancelled ones included until they are swept). */
  get size(): number {
    return this.heap.length - this.cancelled;
  }

  after(delayMs: number, fn: () => void): Cancel {
    if (this.closed) return () => undefined;
    const entry: Entry = { at: Date.now() + Math.max(0, delayMs), order: this.order++, fn, state: 'pending' };
    this.push(entry);
    this.arm();
    return () => {
      if (entry.state !== 'pending') return;
      entry.state = 'cancelled';
      this.cancelled++;
      this.compactIfWasteful();
    };
  }

  /** Drops every pending callback and the Node timer. */
  close(): void {
    this.closed = true;
    this.heap = [];
    this.cancelled = 0;
    this.disarm();
  }

  private arm(): void {
    while (this.heap.length > 0 && this.heap[0].state === 'cancelled') {
      this.pop();
      this.cancelled--;
    }
    if (this.heap.length === 0) return this.disarm();
    const next = this.heap[0].at;
    if (this.timer && this.armedAt <= next) return;
    this.disarm();
    this.armedAt = next;
    this.timer = setTimeout(() => this.fire(), Math.max(0, next - Date.now()));
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedAt = Infinity;
  }

  private fire(): void {
    this.timer = undefined;
    this.armedAt = Infinity;
    const horizon = Date.now() + this.resolutionMs;
    // Entries added by the callbacks below wait for the next wake-up, so a callback that re-schedules
    // itself with delay 0 cannot starve the event loop.
    const lastOrder = this.order;
    while (this.heap.length > 0 && !this.closed) {
      const top = this.heap[0];
      if (top.at > horizon || top.order >= lastOrder) break;
      this.pop();
      if (top.state === 'cancelled') {
        this.cancelled--;
        continue;
      }
      top.state = 'fired';
      try {
        top.fn();
      } catch (error) {
        this.onError(error);
      }
    }
    if (!this.closed) this.arm();
  }

  /** Rebuilds the heap when most of it is cancelled entries (e.g. many reconnect timers cleared). */
  private compactIfWasteful(): void {
    if (this.cancelled < 1024 || this.cancelled * 2 < this.heap.length) return;
    const live = this.heap.filter((e) => e.state === 'pending');
    this.heap = [];
    this.cancelled = 0;
    for (const e of live) this.push(e);
    this.arm();
  }

  private less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.order < b.order);
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  private pop(): Entry | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let smallest = i;
        if (l < heap.length && this.less(heap[l], heap[smallest])) smallest = l;
        if (r < heap.length && this.less(heap[r], heap[smallest])) smallest = r;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest], heap[i]];
        i = smallest;
      }
    }
    return top;
  }
}

/**
 * The timers one cluster owns, so that `stop()` can clear all of them at once (no leaks).
 * Keyed timers replace each other (one telemetry timer, one reconnect timer); anonymous ones
 * (command execution) are tracked until they fire.
 */
export class TimerBag {
  private readonly keyed = new Map<string, Cancel>();
  private readonly anonymous = new Set<Cancel>();

  constructor(private readonly scheduler: SimScheduler) {}

  set(key: string, delayMs: number, fn: () => void): void {
    this.clear(key);
    const cancel = this.scheduler.after(delayMs, () => {
      this.keyed.delete(key);
      fn();
    });
    this.keyed.set(key, cancel);
  }

  has(key: string): boolean {
    return this.keyed.has(key);
  }

  clear(key: string): void {
    const cancel = this.keyed.get(key);
    if (!cancel) return;
    cancel();
    this.keyed.delete(key);
  }

  once(delayMs: number, fn: () => void): void {
    const cancel: Cancel = this.scheduler.after(delayMs, () => {
      this.anonymous.delete(cancel);
      fn();
    });
    this.anonymous.add(cancel);
  }

  clearAll(): void {
    for (const cancel of this.keyed.values()) cancel();
    for (const cancel of this.anonymous) cancel();
    this.keyed.clear();
    this.anonymous.clear();
  }
}
