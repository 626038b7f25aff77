/**
 * Messages a device must not lose: events and command acks. They wait here while the link is down
 * and leave only when the broker acknowledged them (PUBACK), so a cut link means a resend, not a loss.
 * Resends can duplicate a message; the contract makes that harmless (event ids, ack ids).
 */

export interface OutboxItem {
  topic: string;
  payload: Buffer;
  qos: 0 | 1;
  retain: boolean;
}

type Publish = (item: OutboxItem, done: (error?: Error) => void) => void;

interface Slot {
  item: OutboxItem;
  inFlight: boolean;
}

export class Outbox {
  private queue: Slot[] = [];
  private drainWaiters: Array<() => void> = [];
  /** Items discarded because the queue was full (a device has bounded flash too). */
  overflowed = 0;

  constructor(private readonly capacity = 1000) {}

  get length(): number {
    return this.queue.length;
  }

  push(item: OutboxItem): void {
    if (this.queue.length >= this.capacity) {
      this.queue.shift();
      this.overflowed++;
    }
    this.queue.push({ item, inFlight: false });
  }

  /** Publishes every item not yet in flight, oldest first (TCP keeps them in that order). */
  flush(publish: Publish): void {
    for (const slot of this.queue) {
      if (slot.inFlight) continue;
      slot.inFlight = true;
      publish(slot.item, (error) => {
        if (error) {
          slot.inFlight = false; // retried at the next flush
          return;
        }
        this.remove(slot);
      });
    }
  }

  /** The link is gone: whatever was in flight must be sent again on the next connection. */
  linkLost(): void {
    for (const slot of this.queue) slot.inFlight = false;
  }

  /** Calls `fn` once the queue is empty (at once if it already is). */
  onDrained(fn: () => void): void {
    if (this.queue.length === 0) fn();
    else this.drainWaiters.push(fn);
  }

  private remove(slot: Slot): void {
    const index = this.queue.indexOf(slot);
    if (index >= 0) this.queue.splice(index, 1);
    if (this.queue.length === 0 && this.drainWaiters.length > 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const fn of waiters) fn();
    }
  }
}
