import { ConflictException, ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { WEBHOOK_EVENTS, type AdminUnit, type Webhook } from '@loa-xa/persistence';
import { AuditService, diff } from '../audit/audit.service';
import { pathInScope, type Principal } from '../access/scope';
import type { Page } from '../common/pagination';
import { fieldError } from '../registry/errors';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { literalPrivateTarget } from './webhook-target';
import { DeliveriesRepository } from './deliveries.repository';
import { DeliveryWorker } from './delivery-worker.service';
import { pingPayload } from './notification-payloads';
import { WebhooksRepository, type WebhookChanges } from './webhooks.repository';
import {
  WebhookDeliveryDetailView,
  WebhookDeliveryView,
  WebhookView,
  type CreateWebhookDto,
  type WebhookDeliveryQuery,
  type UpdateWebhookDto,
  type WebhookWithSecretView,
} from './webhook.dto';

/** Fields compared for the audit log (the secret is recorded as changed, never its value). */
const AUDITED: (keyof Webhook)[] = ['name', 'url', 'events', 'minSeverity', 'unitId', 'active', 'secret'];

const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

const actor = (p: Principal) => (p.kind === 'system' ? 'system' : `${p.kind}:${p.id}`);

/** Webhooks: who may have which, inside their scope; their delivery log; test and redelivery. */
@Injectable()
export class WebhooksService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly webhooks: WebhooksRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly worker: DeliveryWorker,
    private readonly audit: AuditService,
  ) {}

  /** Refuses a URL naming this server or a private network (unless WEBHOOK_PRIVATE_TARGETS=allow). */
  private checkTarget(url: string): void {
    if (this.config.webhookPrivateTargets === 'allow') return;
    const why = literalPrivateTarget(url);
    if (why) throw fieldError('url', 'publicTarget', `url: ${why}`);
  }

  async list(principal: Principal): Promise<WebhookView[]> {
    return (await this.webhooks.list(principal.scope)).map((w) => WebhookView.from(w));
  }

  async get(principal: Principal, id: string): Promise<WebhookView> {
    return WebhookView.from(await this.require(principal, id));
  }

  async create(principal: Principal, dto: CreateWebhookDto): Promise<WebhookWithSecretView> {
    this.checkTarget(dto.url);
    const unit = await this.unitFor(
      principal,
      dto.unitId === undefined ? (principal.scope?.unitId ?? null) : dto.unitId,
    );
    const row = {
      id: randomUUID(),
      name: dto.name.normalize('NFC'),
      url: dto.url,
      secret: newSecret(),
      events: dto.events ?? [...WEBHOOK_EVENTS],
      minSeverity: dto.minSeverity ?? 'minor',
      unitId: unit?.id ?? null,
      unitPath: unit?.path ?? null,
      active: dto.active ?? true,
      createdBy: actor(principal),
    };
    const created = await this.webhooks.transaction(async (manager) => {
      const webhook = await this.webhooks.insert(row, manager);
      await this.audit.record(manager, principal, {
        action: 'webhook.create',
        objectType: 'webhook',
        objectId: row.id,
        unitPath: row.unitPath,
        changes: diff(null, webhook, AUDITED),
      });
      return webhook;
    });
    return { ...WebhookView.from(created), secret: created.secret };
  }

  async update(principal: Principal, id: string, dto: UpdateWebhookDto): Promise<WebhookView> {
    const current = await this.require(principal, id);
    if (dto.url !== undefined) this.checkTarget(dto.url);
    const changes: WebhookChanges = {};
    if (dto.name !== undefined) changes.name = dto.name.normalize('NFC');
    if (dto.url !== undefined) changes.url = dto.url;
    if (dto.events !== undefined) changes.events = dto.events;
    if (dto.minSeverity !== undefined) changes.minSeverity = dto.minSeverity;
    if (dto.active !== undefined) changes.active = dto.active;
    if (dto.unitId !== undefined && dto.unitId !== current.unitId) {
      const unit = await this.unitFor(principal, dto.unitId);
      changes.unitId = unit?.id ?? null;
      changes.unitPath = unit?.path ?? null;
    }
    const updated = await this.webhooks.transaction(async (manager) => {
      const after = await this.webhooks.update(id, changes, manager);
      const switchedOff = current.active && !after.active;
      const dropped = switchedOff
        ? await this.webhooks.failPending(id, 'the webhook was switched off', manager)
        : 0;
      const changed = diff(current, after, AUDITED);
      if (Object.keys(changed).length > 0)
        await this.audit.record(manager, principal, {
          action: 'webhook.update',
          objectType: 'webhook',
          objectId: id,
          unitPath: after.unitPath,
          changes: changed,
          detail: dropped ? { pendingDeliveriesFailed: dropped } : null,
        });
      return after;
    });
    return WebhookView.from(updated);
  }

  async remove(principal: Principal, id: string): Promise<void> {
    const current = await this.require(principal, id);
    await this.webhooks.transaction(async (manager) => {
      await this.webhooks.delete(id, manager);
      await this.audit.record(manager, principal, {
        action: 'webhook.delete',
        objectType: 'webhook',
        objectId: id,
        unitPath: current.unitPath,
        changes: diff(current, null, AUDITED),
      });
    });
  }

  /** A new secret takes effect at once: deliveries still queued are signed with it. */
  async rotateSecret(principal: Principal, id: string): Promise<WebhookWithSecretView> {
    const current = await this.require(principal, id);
    const secret = newSecret();
    const updated = await this.webhooks.transaction(async (manager) => {
      const after = await this.webhooks.update(id, { secret }, manager);
      await this.audit.record(manager, principal, {
        action: 'webhook.rotate_secret',
        objectType: 'webhook',
        objectId: id,
        unitPath: current.unitPath,
        changes: diff(current, after, ['secret']),
      });
      return after;
    });
    return { ...WebhookView.from(updated), secret };
  }

  /** Queues a `ping` (sent even to an inactive webhook: it is how one checks an endpoint). */
  async test(principal: Principal, id: string): Promise<WebhookDeliveryView> {
    const webhook = await this.require(principal, id);
    const deliveryId = randomUUID();
    const delivery = await this.webhooks.transaction(async (manager) => {
      await this.deliveries.insertMany(
        [
          {
            id: deliveryId,
            channel: 'webhook',
            webhookId: id,
            recipient: webhook.url,
            event: 'ping',
            payload: pingPayload(deliveryId, webhook, new Date()),
          },
        ],
        manager,
      );
      await this.audit.record(manager, principal, {
        action: 'webhook.test',
        objectType: 'webhook',
        objectId: id,
        unitPath: webhook.unitPath,
        detail: { deliveryId },
      });
      return this.deliveries.find(id, deliveryId, manager);
    });
    this.worker.kick();
    return WebhookDeliveryView.from(delivery!);
  }

  async deliveryPage(
    principal: Principal,
    id: string,
    query: WebhookDeliveryQuery,
  ): Promise<Page<WebhookDeliveryView>> {
    await this.require(principal, id);
    const [rows, total] = await this.deliveries.page({
      webhookId: id,
      status: query.status,
      event: query.event,
      order: query.order,
      page: query.page,
      pageSize: query.pageSize,
    });
    return {
      items: rows.map((d) => WebhookDeliveryView.from(d)),
      total,
      page: query.page,
      pageSize: query.pageSize,
    };
  }

  async delivery(principal: Principal, id: string, deliveryId: string): Promise<WebhookDeliveryDetailView> {
    await this.require(principal, id);
    const delivery = await this.deliveries.find(id, deliveryId);
    if (!delivery) throw new NotFoundException(`delivery ${deliveryId} of webhook ${id} not found`);
    return WebhookDeliveryDetailView.detail(delivery);
  }

  /** Sends a finished delivery again: same id and body (receivers may deduplicate on it), attempts anew. */
  async redeliver(principal: Principal, id: string, deliveryId: string): Promise<WebhookDeliveryView> {
    const webhook = await this.require(principal, id);
    const delivery = await this.webhooks.transaction(async (manager) => {
      const before = await this.deliveries.find(id, deliveryId, manager);
      if (!before) throw new NotFoundException(`delivery ${deliveryId} of webhook ${id} not found`);
      if (!(await this.deliveries.redeliver(deliveryId, manager)))
        throw new ConflictException(
          `delivery ${deliveryId} is still pending: it will be attempted again anyway`,
        );
      await this.audit.record(manager, principal, {
        action: 'webhook.redeliver',
        objectType: 'webhook',
        objectId: id,
        unitPath: webhook.unitPath,
        detail: { deliveryId, event: before.event, previousStatus: before.status },
      });
      return this.deliveries.find(id, deliveryId, manager);
    });
    this.worker.kick();
    return WebhookDeliveryView.from(delivery!);
  }

  private async require(principal: Principal, id: string): Promise<Webhook> {
    const webhook = await this.webhooks.findInScope(id, principal.scope);
    if (!webhook) throw new NotFoundException(`webhook ${id} not found`);
    return webhook;
  }

  /**
   * The unit a webhook is limited to: a province, district or commune inside the caller's scope (403
   * outside it); null (everything) only for a caller without a scope.
   */
  private async unitFor(principal: Principal, unitId: string | null): Promise<AdminUnit | null> {
    if (unitId === null) {
      if (principal.scope !== null)
        throw new ForbiddenException(
          'only an administrator without a scope may have a webhook for every unit',
        );
      return null;
    }
    const unit = await this.webhooks.unit(unitId);
    if (!unit) throw fieldError('unitId', 'exists', `unitId ${unitId} is not a known unit`);
    if (unit.level === 'village')
      throw fieldError(
        'unitId',
        'level',
        'unitId must be a province, district or commune (alerts are per commune)',
      );
    if (!pathInScope(principal.scope, unit.path))
      // Only the id the caller sent: the name of a unit out of scope is not theirs to read.
      throw new ForbiddenException(`unitId ${unit.id} is outside your scope`);
    return unit;
  }
}
