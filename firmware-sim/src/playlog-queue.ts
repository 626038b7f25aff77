import type { PlayReport } from '@loa-xa/protocol';

/**
 * Play reports waiting for the broker's PUBACK (protocol §11.4). Reports queue here while the link is down
 * and leave in batches of at most 100, oldest first, one batch in flight at a time; a batch whose PUBACK
 * never came (link cut) is sent again, which the report ids make harmless. Like the outbox, the queue
 * lives across simulated power cycles (the device's flash).
 */
export const MAX_REPORTS_PER_BATCH = 100;

export class PlayLogQueue {
  private readonly queue: PlayReport[] = [];
  private inFlight = 0;
  /** Reports discarded because the queue was full. */
  overflowed = 0;

  constructor(private readonly capacity = 10_000) {}

  get length(): number {
    return this.queue.length;
  }

  get pending(): readonly PlayReport[] {
    return this.queue;
  }

  push(report: PlayReport): void {
    if (this.queue.length >= this.capacity) {
      // Never drop a report already in flight: its PUBACK would remove the wrong one.
      if (this.inFlight > 0) return void this.overflowed++;
      this.queue.shift();
      this.overflowed++;
    }
    this.queue.push(report);
  }

  /** The next batch to publish, or null when one is in flight or nothing waits. */
  takeBatch(): PlayReport[] | null {
    if (this.inFlight > 0 || this.queue.length === 0) return null;
    const batch = this.queue.slice(0, MAX_REPORTS_PER_BATCH);
    this.inFlight = batch.length;
    return batch;
  }

  /** The broker acknowledged the batch in flight. */
  acknowledged(): number {
    const count = this.inFlight;
    this.queue.splice(0, count);
    this.inFlight = 0;
    return count;
  }

  /** The batch in flight was lost with the link: it is sent again at the next flush. */
  linkLost(): void {
    this.inFlight = 0;
  }
}
