import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AdminUnit, NotificationDelivery, Webhook } from '@loa-xa/persistence';
import { whereInScope, type Scope } from '../access/scope';

export type NewWebhook = Omit<
  Webhook,
  'unit' | 'createdAt' | 'updatedAt' | 'consecutiveFailures' | 'lastSuccessAt' | 'lastFailureAt'
>;
export type WebhookChanges = Partial<
  Pick<Webhook, 'name' | 'url' | 'secret' | 'events' | 'minSeverity' | 'unitId' | 'unitPath' | 'active'>
>;

/** Storage of webhooks (their deliveries are in DeliveriesRepository). */
@Injectable()
export class WebhooksRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Webhooks whose unit lies in the scope (those without a unit only for an unscoped caller), newest first. */
  list(scope: Scope | null): Promise<Webhook[]> {
    const query = this.dataSource
      .getRepository(Webhook)
      .createQueryBuilder('w')
      .leftJoinAndSelect('w.unit', 'unit');
    return whereInScope(query, scope, 'w.unit_path').orderBy('w.created_at', 'DESC').getMany();
  }

  findInScope(
    id: string,
    scope: Scope | null,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Webhook | null> {
    const query = manager
      .getRepository(Webhook)
      .createQueryBuilder('w')
      .leftJoinAndSelect('w.unit', 'unit')
      .where('w.id = :id', { id });
    return whereInScope(query, scope, 'w.unit_path').getOne();
  }

  /** Every active webhook (the dispatcher matches alerts against them). */
  active(): Promise<Webhook[]> {
    return this.dataSource.getRepository(Webhook).findBy({ active: true });
  }

  unit(id: string): Promise<AdminUnit | null> {
    return this.dataSource.getRepository(AdminUnit).findOneBy({ id });
  }

  async insert(row: NewWebhook, manager: EntityManager): Promise<Webhook> {
    await manager.getRepository(Webhook).insert(row as QueryDeepPartialEntity<Webhook>);
    return manager.getRepository(Webhook).findOneOrFail({ where: { id: row.id }, relations: { unit: true } });
  }

  async update(id: string, changes: WebhookChanges, manager: EntityManager): Promise<Webhook> {
    if (Object.keys(changes).length > 0)
      await manager.getRepository(Webhook).update({ id }, changes as QueryDeepPartialEntity<Webhook>);
    return manager.getRepository(Webhook).findOneOrFail({ where: { id }, relations: { unit: true } });
  }

  async delete(id: string, manager: EntityManager): Promise<void> {
    await manager.getRepository(Webhook).delete({ id });
  }

  /** Ends the pending deliveries of a webhook that was switched off; returns how many. */
  async failPending(webhookId: string, reason: string, manager: EntityManager): Promise<number> {
    const result = await manager
      .createQueryBuilder()
      .update(NotificationDelivery)
      .set({ status: 'failed', nextAttemptAt: null, lastError: reason })
      .where('webhook_id = :webhookId AND status = :pending', { webhookId, pending: 'pending' })
      .execute();
    return result.affected ?? 0;
  }
}
