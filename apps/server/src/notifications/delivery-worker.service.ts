import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import type { DeliveryStatus } from '@loa-xa/persistence';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { MetricsService } from '../ops/metrics.service';
import { DeliveriesRepository, type ClaimedDelivery } from './deliveries.repository';
import { EmailTransport } from './email-transport';
import { NOTIFY_BACKOFF, retryDelayMs, type BackoffOptions } from './notification-backoff';
import { postWebhook, type SendResult } from './webhook-transport';
import { resolvedPrivateTarget } from './webhook-target';

/** How often the queue is looked at when nothing wakes the worker sooner, ms. */
const POLL_MS = 1000;
/** Deliveries sent at the same time by this process. */
const CONCURRENCY = 8;
/** Finished deliveries are kept this long in the log. */
const RETENTION_DAYS = 30;
const PRUNE_EVERY_MS = 3_600_000;

/**
 * Sends queued deliveries: claims due rows (a lease, so replicas never send one twice at once), sends up
 * to CONCURRENCY at a time, and records each attempt — success, a retry after exponential backoff, or the
 * final failure after WEBHOOK_MAX_ATTEMPTS.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Notifications');
  private readonly sent: Counter;
  private timer: NodeJS.Timeout | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private readonly wakeTimers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private claiming: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  /** Deliveries whose attempt shutdown cut short: given back uncounted. */
  private readonly cutShort: string[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly deliveries: DeliveriesRepository,
    private readonly email: EmailTransport,
    @Inject(NOTIFY_BACKOFF) private readonly backoff: BackoffOptions,
    metrics: MetricsService,
  ) {
    this.sent = new Counter({
      name: 'loa_notifications_total',
      help: 'Delivery attempts of alert notifications, by channel and outcome (succeeded, retrying, failed)',
      labelNames: ['channel', 'status'],
      registers: [metrics.registry],
    });
    const repository = deliveries;
    const logger = this.logger;
    new Gauge({
      name: 'loa_notification_queue_depth',
      help: 'Notification deliveries waiting to be sent or retried',
      registers: [metrics.registry],
      async collect() {
        try {
          this.set(await repository.pendingCount());
        } catch (err) {
          logger.warn({ err }, 'notification queue depth unavailable');
        }
      },
    });
  }

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), POLL_MS);
    this.timer.unref();
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
    this.kick();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    for (const t of this.wakeTimers) clearTimeout(t);
    this.wakeTimers.clear();
    await this.claiming;
    for (const { abort } of this.inFlight.values()) abort.abort();
    await Promise.all([...this.inFlight.values()].map((f) => f.done));
    try {
      await this.deliveries.release(this.cutShort.splice(0));
    } catch (err) {
      this.logger.warn(
        { err },
        'could not give back deliveries cut short (they are retried after their lease)',
      );
    }
  }

  /** Looks for due deliveries now (new ones were queued, or one finished and freed a slot). */
  kick(): void {
    if (this.stopped) return;
    if (this.claiming) {
      this.again = true;
      return;
    }
    this.claiming = this.fill()
      .catch((err: unknown) => this.logger.error({ err }, 'claiming notification deliveries failed'))
      .finally(() => {
        this.claiming = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Lease long enough for the slowest attempt (SMTP has three timeouts in a row), plus a margin. */
  private get leaseMs(): number {
    return this.config.webhookTimeoutMs * 3 + 30_000;
  }

  private async fill(): Promise<void> {
    const free = CONCURRENCY - this.inFlight.size;
    if (free <= 0) return;
    const claimed = await this.deliveries.claimDue(free, this.leaseMs);
    for (const delivery of claimed) {
      if (this.stopped) {
        this.cutShort.push(delivery.id);
        continue;
      }
      const abort = new AbortController();
      const done = this.attempt(delivery, abort.signal)
        .catch((err: unknown) =>
          this.logger.error({ err, delivery: delivery.id }, 'recording a delivery failed'),
        )
        .finally(() => {
          this.inFlight.delete(delivery.id);
          this.kick();
        });
      this.inFlight.set(delivery.id, { abort, done });
    }
  }

  private async attempt(delivery: ClaimedDelivery, signal: AbortSignal): Promise<void> {
    const started = Date.now();
    const result = await this.send(delivery, signal);
    if (!result.ok && this.stopped) {
      this.cutShort.push(delivery.id);
      return;
    }
    const status: DeliveryStatus = result.ok
      ? 'succeeded'
      : delivery.attempt >= this.config.webhookMaxAttempts
        ? 'failed'
        : 'pending';
    const retryInMs = status === 'pending' ? retryDelayMs(delivery.attempt, this.backoff) : 0;
    await this.deliveries.recordAttempt(delivery.id, {
      status,
      retryInMs,
      recipient: delivery.channel === 'webhook' && delivery.url ? delivery.url : delivery.recipient,
      attempt: {
        at: new Date(started).toISOString(),
        statusCode: result.statusCode,
        error: result.error?.slice(0, 500) ?? null,
        durationMs: Date.now() - started,
      },
    });
    this.sent.inc({ channel: delivery.channel, status: status === 'pending' ? 'retrying' : status });
    if (status === 'failed')
      this.logger.warn(
        { delivery: delivery.id, channel: delivery.channel, attempts: delivery.attempt, error: result.error },
        'notification delivery failed for good',
      );
    // A retry due before the next poll wakes the worker itself.
    if (status === 'pending' && retryInMs < POLL_MS) {
      const t = setTimeout(() => {
        this.wakeTimers.delete(t);
        this.kick();
      }, retryInMs);
      t.unref();
      this.wakeTimers.add(t);
    }
  }

  private async send(delivery: ClaimedDelivery, signal: AbortSignal): Promise<SendResult> {
    try {
      if (delivery.channel === 'email') {
        const payload = delivery.payload as { subject?: string; text?: string };
        return await this.email.send({
          to: delivery.recipient,
          subject: payload.subject ?? '',
          text: payload.text ?? '',
          deliveryId: delivery.id,
        });
      }
      if (!delivery.url || delivery.secret === null)
        return { ok: false, statusCode: null, error: 'the webhook no longer exists' };
      // Checked at every attempt: a name may resolve elsewhere since the webhook was saved.
      const refused =
        this.config.webhookPrivateTargets === 'allow' ? null : await resolvedPrivateTarget(delivery.url);
      if (refused) return { ok: false, statusCode: null, error: `refused: ${refused}` };
      return await postWebhook({
        url: delivery.url,
        secret: delivery.secret,
        deliveryId: delivery.id,
        event: delivery.event,
        body: JSON.stringify(delivery.payload),
        timeoutMs: this.config.webhookTimeoutMs,
        signal,
      });
    } catch (err) {
      return { ok: false, statusCode: null, error: err instanceof Error ? err.message : String(err) };
    }
  }

  private async prune(): Promise<void> {
    try {
      const removed = await this.deliveries.pruneFinished(RETENTION_DAYS);
      if (removed > 0) this.logger.log({ removed }, 'old notification deliveries removed');
    } catch (err) {
      this.logger.warn({ err }, 'pruning notification deliveries failed');
    }
  }
}
