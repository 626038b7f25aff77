import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Observable } from 'rxjs';
import { AlertBus, type AlertChange } from './alert-events';

const REPLAY = 2000;
const HEARTBEAT_MS = 25_000;

/**
 * Feeds the SSE stream: every alert change, with the last REPLAY kept so a client reconnecting with
 * Last-Event-ID misses nothing that happened while it was away (within this process).
 */
@Injectable()
export class AlertStream implements OnModuleInit, OnModuleDestroy {
  private readonly recent: AlertChange[] = [];
  private off: (() => void) | null = null;

  constructor(private readonly bus: AlertBus) {}

  onModuleInit(): void {
    this.off = this.bus.onChange((change) => {
      this.recent.push(change);
      if (this.recent.length > REPLAY) this.recent.splice(0, this.recent.length - REPLAY);
    });
  }

  onModuleDestroy(): void {
    this.off?.();
  }

  /** Changes after `lastEventId` (replayed), then live ones, and a heartbeat so proxies keep the line open. */
  follow(lastEventId: number | null): Observable<AlertChange | 'heartbeat'> {
    return new Observable((subscriber) => {
      if (lastEventId !== null) for (const c of this.recent) if (c.seq > lastEventId) subscriber.next(c);
      const off = this.bus.onChange((change) => subscriber.next(change));
      const heartbeat = setInterval(() => subscriber.next('heartbeat'), HEARTBEAT_MS);
      heartbeat.unref();
      return () => {
        off();
        clearInterval(heartbeat);
      };
    });
  }
}
