import { Module } from '@nestjs/common';
import { DeliveriesRepository } from './deliveries.repository';
import { DeliveryWorker } from './delivery-worker.service';
import { EmailTransport } from './email-transport';
import { DEFAULT_BACKOFF, NOTIFY_BACKOFF } from './notification-backoff';
import { NotificationDispatcher } from './notification-dispatcher.service';
import { WebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

/**
 * Alert notifications: the webhooks API, the dispatcher that turns AlertBus changes into deliveries
 * (grouping storms per unit), and the worker that sends them by webhook or email with retries.
 */
@Module({
  controllers: [WebhooksController],
  providers: [
    { provide: NOTIFY_BACKOFF, useValue: DEFAULT_BACKOFF },
    WebhooksRepository,
    DeliveriesRepository,
    WebhooksService,
    EmailTransport,
    DeliveryWorker,
    NotificationDispatcher,
  ],
  exports: [NotificationDispatcher],
})
export class NotificationsModule {}
