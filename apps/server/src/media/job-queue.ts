interface Running {
  controller: AbortController;
  done: Promise<void>;
}

/**
 * A bounded in-process job queue: at most `concurrency` jobs run at once, one job per key (adding a key that
 * is queued or running does nothing), first in first out. A job gets an AbortSignal, aborted when its key is
 * cancelled or the queue stops.
 */
export class JobQueue {
  private readonly waiting: string[] = [];
  private readonly running = new Map<string, Running>();
  private stopped = false;

  constructor(
    private readonly concurrency: number,
    private readonly work: (key: string, signal: AbortSignal) => Promise<void>,
    private readonly onChange: (waiting: number, running: number) => void = () => undefined,
  ) {}

  /** Queues a job for `key` unless one is queued or running. */
  add(key: string): void {
    if (this.stopped || this.running.has(key) || this.waiting.includes(key)) return;
    this.waiting.push(key);
    this.pump();
  }

  /** Drops the queued job of `key`, or aborts it if it runs; resolves once it has finished. */
  async cancel(key: string): Promise<void> {
    const index = this.waiting.indexOf(key);
    if (index >= 0) this.waiting.splice(index, 1);
    const running = this.running.get(key);
    this.changed();
    if (!running) return;
    running.controller.abort();
    await running.done;
  }

  has(key: string): boolean {
    return this.running.has(key) || this.waiting.includes(key);
  }

  /** Aborts every running job, forgets the queued ones (shutdown) and waits for the running ones to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.waiting.length = 0;
    const running = [...this.running.values()];
    for (const job of running) job.controller.abort();
    this.changed();
    await Promise.all(running.map((job) => job.done));
  }

  private pump(): void {
    while (!this.stopped && this.running.size < this.concurrency && this.waiting.length > 0) {
      const key = this.waiting.shift()!;
      const controller = new AbortController();
      const done = this.work(key, controller.signal)
        .catch(() => undefined)
        .finally(() => {
          this.running.delete(key);
          this.pump();
        });
      this.running.set(key, { controller, done });
    }
    this.changed();
  }

  private changed(): void {
    this.onChange(this.waiting.length, this.running.size);
  }
}
