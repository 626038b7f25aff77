import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import {
  AdminUnit,
  AppUser,
  NotificationDelivery,
  type DeliveryAttempt,
  type DeliveryStatus,
  type NotificationChannel,
  type NotificationEvent,
  type Role,
} from '@loa-xa/persistence';
import type { UnitInfo } from './alert-names';

/** A delivery to queue. */
export interface NewDelivery {
  id: string;
  channel: NotificationChannel;
  webhookId: string | null;
  recipient: string;
  event: NotificationEvent;
  payload: object;
}

/** A delivery the sender has claimed (its lease runs), with what it needs to send it. */
export interface ClaimedDelivery {
  id: string;
  channel: NotificationChannel;
  webhookId: string | null;
  recipient: string;
  event: NotificationEvent;
  payload: Record<string, unknown>;
  /** This attempt's number (1-based). */
  attempt: number;
  /** The webhook's current URL and secret (webhooks only). */
  url: string | null;
  secret: string | null;
}

/** How an attempt ended, and what becomes of the delivery. */
export interface AttemptOutcome {
  status: DeliveryStatus;
  /** Pending deliveries: wait this long before the next attempt. */
  retryInMs: number;
  attempt: DeliveryAttempt;
  /** The URL used (a webhook's URL may have changed since it was queued). */
  recipient: string;
}

export interface DeliveryFilter {
  webhookId: string;
  status?: DeliveryStatus;
  event?: NotificationEvent;
  order: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

export interface EmailRecipient {
  email: string;
  role: Role;
  scopeUnitId: string | null;
}

/** Attempts kept on a delivery row (the attempt count goes on). */
export const ATTEMPT_LOG_MAX = 50;

/** The delivery queue and log, and the lookups notifications need (units, email recipients). */
@Injectable()
export class DeliveriesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Queues deliveries in one statement (all due now). */
  async insertMany(
    rows: readonly NewDelivery[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    if (rows.length === 0) return;
    const records = rows.map((r) => ({
      id: r.id,
      channel: r.channel,
      webhook_id: r.webhookId,
      recipient: r.recipient,
      event: r.event,
      payload: r.payload,
    }));
    await manager.query(
      `INSERT INTO notification_delivery (id, channel, webhook_id, recipient, event, payload, status, attempts, next_attempt_at)
       SELECT r.id, r.channel, r.webhook_id, r.recipient, r.event, r.payload, 'pending', 0, now()
       FROM jsonb_to_recordset(CAST($1 AS jsonb))
         AS r(id uuid, channel varchar, webhook_id uuid, recipient varchar, event varchar, payload jsonb)`,
      [JSON.stringify(records)],
    );
  }

  /**
   * Takes up to `limit` due deliveries and leases them for `leaseMs` (their next_attempt_at moves past the
   * lease, and the attempt is counted), in one statement whose row locks skip rows another replica is
   * claiming: no delivery is sent twice at once, and one whose sender died is retried when its lease ends.
   */
  async claimDue(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const rows = await this.dataSource.query<
      {
        id: string;
        channel: NotificationChannel;
        webhook_id: string | null;
        recipient: string;
        event: NotificationEvent;
        payload: Record<string, unknown>;
        attempts: number;
        url: string | null;
        secret: string | null;
      }[]
    >(
      `WITH due AS (
         SELECT id FROM notification_delivery
         WHERE status = 'pending' AND next_attempt_at <= now()
         ORDER BY next_attempt_at
         LIMIT CAST($1 AS integer)
         FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE notification_delivery d
         SET attempts = d.attempts + 1,
             last_attempt_at = now(),
             next_attempt_at = now() + make_interval(secs => CAST($2 AS double precision))
         FROM due WHERE d.id = due.id
         RETURNING d.id, d.channel, d.webhook_id, d.recipient, d.event, d.payload, d.attempts, d.next_attempt_at
       )
       SELECT c.id, c.channel, c.webhook_id, c.recipient, c.event, c.payload, c.attempts, w.url, w.secret
       FROM claimed c LEFT JOIN webhook w ON w.id = c.webhook_id
       ORDER BY c.next_attempt_at`,
      [limit, leaseMs / 1000],
    );
    return rows.map((r) => ({
      id: r.id,
      channel: r.channel,
      webhookId: r.webhook_id,
      recipient: r.recipient,
      event: r.event,
      payload: r.payload,
      attempt: r.attempts,
      url: r.url,
      secret: r.secret,
    }));
  }

  /** Stores an attempt's outcome on the delivery (and on its webhook's health), in one statement. */
  async recordAttempt(id: string, outcome: AttemptOutcome): Promise<void> {
    await this.dataSource.query(
      `WITH d AS (
         UPDATE notification_delivery SET
           status = CAST($2 AS varchar),
           recipient = CAST($3 AS varchar),
           last_status_code = CAST($4 AS integer),
           last_error = CAST($5 AS varchar),
           next_attempt_at = CASE WHEN CAST($2 AS varchar) = 'pending'
             THEN now() + make_interval(secs => CAST($6 AS double precision)) END,
           delivered_at = CASE WHEN CAST($2 AS varchar) = 'succeeded' THEN now() ELSE delivered_at END,
           attempt_log = (
             SELECT COALESCE(jsonb_agg(t.e ORDER BY t.n), '[]'::jsonb)
             FROM jsonb_array_elements(attempt_log || jsonb_build_array(CAST($7 AS jsonb))) WITH ORDINALITY AS t(e, n)
             WHERE t.n > jsonb_array_length(attempt_log) + 1 - CAST($8 AS integer)
           )
         -- a delivery ended meanwhile (its webhook switched off) only takes a success
         WHERE id = CAST($1 AS uuid) AND (status = 'pending' OR CAST($2 AS varchar) = 'succeeded')
         RETURNING webhook_id
       )
       UPDATE webhook w SET
         consecutive_failures = CASE WHEN CAST($2 AS varchar) = 'succeeded' THEN 0 ELSE w.consecutive_failures + 1 END,
         last_success_at = CASE WHEN CAST($2 AS varchar) = 'succeeded' THEN now() ELSE w.last_success_at END,
         last_failure_at = CASE WHEN CAST($2 AS varchar) = 'succeeded' THEN w.last_failure_at ELSE now() END
       FROM d WHERE w.id = d.webhook_id`,
      [
        id,
        outcome.status,
        outcome.recipient.slice(0, 2000),
        outcome.attempt.statusCode,
        outcome.attempt.error?.slice(0, 500) ?? null,
        outcome.retryInMs / 1000,
        JSON.stringify(outcome.attempt),
        ATTEMPT_LOG_MAX,
      ],
    );
  }

  /** Gives leased deliveries back at once, uncounted (an attempt cut short by shutdown). */
  async release(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.query(
      `UPDATE notification_delivery SET next_attempt_at = now(), attempts = GREATEST(attempts - 1, 0)
       WHERE id = ANY(CAST($1 AS uuid[])) AND status = 'pending'`,
      [ids],
    );
  }

  /** Removes finished deliveries older than `days`; returns how many. */
  async pruneFinished(days: number): Promise<number> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(NotificationDelivery)
      .where("status <> 'pending'")
      .andWhere('created_at < now() - make_interval(days => CAST(:days AS integer))', { days })
      .execute();
    return result.affected ?? 0;
  }

  pendingCount(): Promise<number> {
    return this.dataSource.getRepository(NotificationDelivery).countBy({ status: 'pending' });
  }

  page(filter: DeliveryFilter): Promise<[NotificationDelivery[], number]> {
    const query = this.dataSource
      .getRepository(NotificationDelivery)
      .createQueryBuilder('d')
      .where('d.webhook_id = :webhookId', { webhookId: filter.webhookId });
    if (filter.status) query.andWhere('d.status = :status', { status: filter.status });
    if (filter.event) query.andWhere('d.event = :event', { event: filter.event });
    const order = filter.order === 'asc' ? 'ASC' : 'DESC';
    return query
      .orderBy('d.created_at', order)
      .addOrderBy('d.id', order)
      .skip((filter.page - 1) * filter.pageSize)
      .take(filter.pageSize)
      .getManyAndCount();
  }

  find(
    webhookId: string,
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<NotificationDelivery | null> {
    return manager.getRepository(NotificationDelivery).findOneBy({ webhookId, id });
  }

  /** Queues a finished delivery again, as new: same id and payload, attempts from zero (the log goes on). */
  async redeliver(id: string, manager: EntityManager): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(NotificationDelivery)
      .set({ status: 'pending', attempts: 0, deliveredAt: null, nextAttemptAt: () => 'now()' })
      .where('id = :id AND status <> :pending', { id, pending: 'pending' })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Units by id, as notifications name them. */
  async units(ids: readonly string[]): Promise<Map<string, UnitInfo>> {
    if (ids.length === 0) return new Map();
    const rows = await this.dataSource
      .getRepository(AdminUnit)
      .createQueryBuilder('u')
      .select(['u.id', 'u.name', 'u.type', 'u.level', 'u.path'])
      .where('u.id = ANY(CAST(:ids AS uuid[]))', { ids: [...new Set(ids)] })
      .getMany();
    return new Map(
      rows.map((u) => [u.id, { id: u.id, name: u.name, type: u.type, level: u.level, path: u.path }]),
    );
  }

  /** Active people of these roles who have an email address. */
  async emailRecipients(roles: readonly Role[]): Promise<EmailRecipient[]> {
    const rows = await this.dataSource
      .getRepository(AppUser)
      .createQueryBuilder('u')
      .select(['u.email', 'u.role', 'u.scopeUnitId'])
      .where('u.active = true')
      .andWhere("u.email IS NOT NULL AND u.email <> ''")
      .andWhere('u.role IN (:...roles)', { roles })
      .getMany();
    return rows.map((u) => ({ email: u.email!, role: u.role, scopeUnitId: u.scopeUnitId }));
  }
}
