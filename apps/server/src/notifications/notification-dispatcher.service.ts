import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Role, WebhookEvent } from '@loa-xa/persistence';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { ScopeResolver } from '../access/scope-resolver.service';
import { AlertBus, type AlertChange } from '../health/alert-events';
import { DeliveriesRepository, type NewDelivery } from './deliveries.repository';
import { DeliveryWorker } from './delivery-worker.service';
import { EmailTransport } from './email-transport';
import type { UnitInfo } from './alert-names';
import { groupEmail, singleEmail } from './notification-email';
import {
  planNotifications,
  selectChanges,
  type PlannedNotification,
  type RecipientFilter,
} from './notification-grouping';
import { alertPayload, groupPayload } from './notification-payloads';
import { WebhooksRepository } from './webhooks.repository';

/** Who receives alert email: technicians and administrators, within their scope. */
const EMAIL_ROLES: Role[] = ['district_technician', 'province_admin', 'admin'];
/** Email tells of new alerts and of their end (acknowledgements and updates would be noise), grouped. */
const EMAIL_EVENTS: ReadonlySet<WebhookEvent> = new Set(['alert.opened', 'alert.resolved', 'alert.group']);
/** Changes held while the database is unreachable; beyond this the oldest are dropped. */
const BUFFER_MAX = 100_000;

interface Recipient {
  channel: 'webhook' | 'email';
  webhookId: string | null;
  address: string;
  filter: RecipientFilter;
}

/**
 * Turns alert changes into deliveries. Changes are gathered for ALERT_GROUP_WINDOW_S from the first one;
 * then, for every active webhook and every email recipient, the changes it may see are planned (a storm of
 * one rule becomes one `alert.group`) and all deliveries of the window are queued in one statement.
 */
@Injectable()
export class NotificationDispatcher implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger('Notifications');
  private buffer: AlertChange[] = [];
  private windowTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly bus: AlertBus,
    private readonly webhooks: WebhooksRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly scopes: ScopeResolver,
    private readonly email: EmailTransport,
    private readonly worker: DeliveryWorker,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.bus.onChange((change) => this.accept(change));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** Changes of the window in progress are queued before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.flush();
  }

  /** Queues the changes gathered so far now (the window timer does it otherwise). */
  flush(): Promise<void> {
    if (this.windowTimer) clearTimeout(this.windowTimer);
    this.windowTimer = null;
    const changes = this.buffer;
    this.buffer = [];
    this.flushing = this.flushing.then(() => (changes.length ? this.dispatch(changes) : undefined));
    return this.flushing;
  }

  /** Never throws back into the health engine (the bus's rule). */
  private accept(change: AlertChange): void {
    this.buffer.push(change);
    if (this.buffer.length > BUFFER_MAX) this.buffer.splice(0, this.buffer.length - BUFFER_MAX);
    if (this.windowTimer) return;
    this.windowTimer = setTimeout(() => void this.flush(), this.config.alertGroupWindowS * 1000);
    this.windowTimer.unref();
  }

  private async dispatch(changes: AlertChange[]): Promise<void> {
    try {
      const recipients = await this.recipients();
      const plans = recipients
        .map((r) => ({
          recipient: r,
          notifications: planNotifications(
            selectChanges(changes, r.filter),
            r.filter.events,
            this.config.alertGroupMin,
          ),
        }))
        .filter((p) => p.notifications.length > 0);
      if (plans.length === 0) return;
      const units = await this.deliveries.units(unitIds(plans.flatMap((p) => p.notifications)));
      const rows = plans.flatMap(({ recipient, notifications }) =>
        notifications.map((n) => this.delivery(recipient, n, units)),
      );
      await this.deliveries.insertMany(rows);
      this.worker.kick();
    } catch (err) {
      // The database is unreachable: keep the changes for the next window rather than lose them.
      this.logger.error({ err, changes: changes.length }, 'queueing alert notifications failed; retrying');
      this.buffer.unshift(...changes);
      if (this.buffer.length > BUFFER_MAX) this.buffer.splice(0, this.buffer.length - BUFFER_MAX);
      if (!this.windowTimer) {
        this.windowTimer = setTimeout(
          () => void this.flush(),
          Math.max(1, this.config.alertGroupWindowS) * 1000,
        );
        this.windowTimer.unref();
      }
    }
  }

  private delivery(
    recipient: Recipient,
    notification: PlannedNotification,
    units: ReadonlyMap<string, UnitInfo>,
  ): NewDelivery {
    const id = randomUUID();
    const event: WebhookEvent =
      notification.type === 'group' ? 'alert.group' : `alert.${notification.change.kind}`;
    const base = {
      id,
      channel: recipient.channel,
      webhookId: recipient.webhookId,
      recipient: recipient.address,
      event,
    };
    if (recipient.channel === 'webhook') {
      const payload =
        notification.type === 'group'
          ? groupPayload(id, notification.group, units.get(notification.group.unitId ?? '') ?? null)
          : alertPayload(id, notification.change);
      return { ...base, payload };
    }
    const content =
      notification.type === 'group'
        ? groupEmail(
            notification.group,
            units.get(notification.group.unitId ?? '') ?? null,
            units,
            this.config.timeZone,
          )
        : singleEmail(
            notification.change,
            units.get(notification.change.alert.communeId),
            this.config.timeZone,
          );
    return { ...base, payload: content };
  }

  /** Active webhooks, and (with SMTP_URL) each email address once with the widest scope it has. */
  private async recipients(): Promise<Recipient[]> {
    const out: Recipient[] = [];
    for (const w of await this.webhooks.active()) {
      const paths =
        w.unitId === null ? null : ((await this.scopes.resolve(w.unitId))?.paths ?? [w.unitPath ?? '!']);
      out.push({
        channel: 'webhook',
        webhookId: w.id,
        address: w.url,
        filter: { paths, events: new Set(w.events), minSeverity: w.minSeverity },
      });
    }
    if (!this.email.enabled) return out;
    const byAddress = new Map<string, string[] | null>();
    for (const user of await this.deliveries.emailRecipients(EMAIL_ROLES)) {
      const address = user.email.trim().toLowerCase();
      // An administrator without a scope sees everything; a scoped one (or any other role) only their unit.
      const paths =
        user.scopeUnitId === null
          ? user.role === 'admin'
            ? null
            : []
          : ((await this.scopes.resolve(user.scopeUnitId))?.paths ?? []);
      const known = byAddress.get(address);
      if (known === null) continue;
      byAddress.set(address, paths === null ? null : [...(known ?? []), ...paths]);
    }
    for (const [address, paths] of byAddress) {
      if (paths !== null && paths.length === 0) continue;
      out.push({
        channel: 'email',
        webhookId: null,
        address,
        filter: { paths, events: EMAIL_EVENTS, minSeverity: this.config.alertEmailMinSeverity },
      });
    }
    return out;
  }
}

/** Units a batch of notifications names: groups' common units and every commune (email names them). */
function unitIds(notifications: PlannedNotification[]): string[] {
  const ids = new Set<string>();
  for (const n of notifications) {
    if (n.type === 'single') ids.add(n.change.alert.communeId);
    else {
      if (n.group.unitId) ids.add(n.group.unitId);
      for (const c of n.group.communes) ids.add(c.id);
    }
  }
  return [...ids].filter((id) => UUID.test(id));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
