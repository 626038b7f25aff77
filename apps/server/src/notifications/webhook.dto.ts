import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  IsUrl,
  Length,
  MaxLength,
} from 'class-validator';
import {
  ALERT_SEVERITIES,
  DELIVERY_STATUSES,
  NOTIFICATION_CHANNELS,
  UNIT_LEVELS,
  WEBHOOK_EVENTS,
  type AlertSeverity,
  type DeliveryAttempt,
  type DeliveryStatus,
  type NotificationChannel,
  type NotificationDelivery,
  type NotificationEvent,
  type UnitLevel,
  type Webhook,
  type WebhookEvent,
} from '@loa-xa/persistence';
import { PageQuery } from '../common/pagination';
import { MaxChars } from '../common/text';
import { OptionalNotNull, OptionalNullable } from '../common/validation';
import { trimmed } from '../registry/validators';

const DELIVERY_EVENTS = [...WEBHOOK_EVENTS, 'ping'] as const;

const NameRules = () => applyDecorators(Transform(trimmed), IsString(), Length(1, 200), MaxChars(200));
const UrlRules = () =>
  applyDecorators(
    Transform(trimmed),
    IsString(),
    MaxLength(2000),
    IsUrl(
      { protocols: ['http', 'https'], require_protocol: true, require_tld: false, require_host: true },
      { message: 'url must be an absolute http:// or https:// URL' },
    ),
  );
const EventsRules = () =>
  applyDecorators(
    IsArray(),
    ArrayNotEmpty(),
    ArrayMaxSize(WEBHOOK_EVENTS.length),
    ArrayUnique(),
    IsIn(WEBHOOK_EVENTS, { each: true, message: `each event must be one of ${WEBHOOK_EVENTS.join(', ')}` }),
  );

const API = {
  name: { example: 'Hệ thống trực ban huyện Cao Lộc', maxLength: 200 },
  url: {
    description: 'Where deliveries are POSTed (http or https)',
    example: 'https://ops.example.vn/hooks/loa-xa',
    maxLength: 2000,
  },
  events: {
    enum: WEBHOOK_EVENTS,
    isArray: true,
    description:
      'What to receive (default: all). `alert.group` turns a storm (ALERT_GROUP_MIN or more alerts of one rule changing the same way within ALERT_GROUP_WINDOW_S) into one notification; without it every alert comes singly',
  },
  minSeverity: {
    enum: ALERT_SEVERITIES,
    description: 'Alerts below this severity are not sent (default: minor, i.e. all)',
  },
  unitId: {
    format: 'uuid',
    nullable: true,
    type: String,
    description:
      'Only alerts under this province, district or commune (must lie in your scope). Default: your scope unit; null (everything) only for administrators without a scope',
  },
  active: {
    description: 'Inactive webhooks receive nothing; switching one off fails its pending deliveries',
  },
} as const;

export class CreateWebhookDto {
  @ApiProperty(API.name)
  @NameRules()
  name!: string;

  @ApiProperty(API.url)
  @UrlRules()
  url!: string;

  @ApiPropertyOptional(API.events)
  @OptionalNotNull()
  @EventsRules()
  events?: WebhookEvent[];

  @ApiPropertyOptional(API.minSeverity)
  @OptionalNotNull()
  @IsIn(ALERT_SEVERITIES)
  minSeverity?: AlertSeverity;

  @ApiPropertyOptional(API.unitId)
  @OptionalNullable()
  @IsUUID()
  unitId?: string | null;

  @ApiPropertyOptional({ ...API.active, default: true })
  @OptionalNotNull()
  @IsBoolean()
  active?: boolean;
}

export class UpdateWebhookDto {
  @ApiPropertyOptional(API.name)
  @OptionalNotNull()
  @NameRules()
  name?: string;

  @ApiPropertyOptional(API.url)
  @OptionalNotNull()
  @UrlRules()
  url?: string;

  @ApiPropertyOptional(API.events)
  @OptionalNotNull()
  @EventsRules()
  events?: WebhookEvent[];

  @ApiPropertyOptional(API.minSeverity)
  @OptionalNotNull()
  @IsIn(ALERT_SEVERITIES)
  minSeverity?: AlertSeverity;

  @ApiPropertyOptional({ ...API.unitId, description: 'Move the webhook to another unit in your scope' })
  @OptionalNullable()
  @IsUUID()
  unitId?: string | null;

  @ApiPropertyOptional(API.active)
  @OptionalNotNull()
  @IsBoolean()
  active?: boolean;
}

export class WebhookUnitView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Huyện, Xã, Phường…' }) type!: string | null;
  @ApiProperty({ enum: UNIT_LEVELS }) level!: UnitLevel;
}

export class WebhookView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ enum: WEBHOOK_EVENTS, isArray: true }) events!: WebhookEvent[];
  @ApiProperty({ enum: ALERT_SEVERITIES }) minSeverity!: AlertSeverity;
  @ApiProperty({ type: WebhookUnitView, nullable: true, description: 'null: every alert of the server' })
  unit!: WebhookUnitView | null;
  @ApiProperty() active!: boolean;
  @ApiProperty({ description: '`user:<id>`, `api_key:<id>` or `system`' }) createdBy!: string;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
  @ApiProperty({ description: 'Failed attempts since the last success' }) consecutiveFailures!: number;
  @ApiProperty({ nullable: true, type: Date }) lastSuccessAt!: Date | null;
  @ApiProperty({ nullable: true, type: Date }) lastFailureAt!: Date | null;

  static from(w: Webhook): WebhookView {
    return {
      id: w.id,
      name: w.name,
      url: w.url,
      events: w.events,
      minSeverity: w.minSeverity,
      unit: w.unit ? { id: w.unit.id, name: w.unit.name, type: w.unit.type, level: w.unit.level } : null,
      active: w.active,
      createdBy: w.createdBy,
      createdAt: w.createdAt,
      updatedAt: w.updatedAt,
      consecutiveFailures: w.consecutiveFailures,
      lastSuccessAt: w.lastSuccessAt,
      lastFailureAt: w.lastFailureAt,
    };
  }
}

/** A webhook with its signing secret: only the answers of create and rotate-secret carry it. */
export class WebhookWithSecretView extends WebhookView {
  @ApiProperty({
    description:
      'Key of the X-Loa-Signature HMAC, shown only now (and after a rotation); store it with the receiver',
    example: 'whsec_3q2-7wEvTqS0b2b8kQ1yqYQyF3kE9oS9w7xX0d2m6rI',
  })
  secret!: string;
}

export class WebhookDeliveryQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc', description: 'By creation time' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  override order: 'asc' | 'desc' = 'desc';

  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;

  @ApiPropertyOptional({ enum: DELIVERY_EVENTS })
  @IsOptional()
  @IsIn(DELIVERY_EVENTS)
  event?: NotificationEvent;
}

export class WebhookDeliveryAttemptView {
  @ApiProperty({ description: 'When the attempt started' }) at!: string;
  @ApiProperty({ nullable: true, type: Number, description: 'HTTP status; null when no answer came' })
  statusCode!: number | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty() durationMs!: number;
}

export class WebhookDeliveryView {
  @ApiProperty({ format: 'uuid', description: 'Also the X-Loa-Delivery header and `deliveryId` of the body' })
  id!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) webhookId!: string | null;
  @ApiProperty({ enum: NOTIFICATION_CHANNELS }) channel!: NotificationChannel;
  @ApiProperty({ description: 'The URL used by the latest attempt' }) recipient!: string;
  @ApiProperty({ enum: DELIVERY_EVENTS }) event!: NotificationEvent;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status!: DeliveryStatus;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: Date, description: 'When the next attempt is due (pending only)' })
  nextAttemptAt!: Date | null;
  @ApiProperty({ nullable: true, type: Date }) lastAttemptAt!: Date | null;
  @ApiProperty({ nullable: true, type: Number }) lastStatusCode!: number | null;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ type: [WebhookDeliveryAttemptView], description: 'The latest attempts, oldest first' })
  attemptLog!: DeliveryAttempt[];
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ nullable: true, type: Date }) deliveredAt!: Date | null;

  static from(d: NotificationDelivery): WebhookDeliveryView {
    return {
      id: d.id,
      webhookId: d.webhookId,
      channel: d.channel,
      recipient: d.recipient,
      event: d.event,
      status: d.status,
      attempts: d.attempts,
      nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt : null,
      lastAttemptAt: d.lastAttemptAt,
      lastStatusCode: d.lastStatusCode,
      lastError: d.lastError,
      attemptLog: d.attemptLog,
      createdAt: d.createdAt,
      deliveredAt: d.deliveredAt,
    };
  }
}

export class WebhookDeliveryDetailView extends WebhookDeliveryView {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The JSON body sent (see docs/webhooks.md)',
  })
  payload!: Record<string, unknown>;

  static detail(d: NotificationDelivery): WebhookDeliveryDetailView {
    return { ...WebhookDeliveryView.from(d), payload: d.payload };
  }
}

export class WebhookDeliveryPage {
  @ApiProperty({ type: [WebhookDeliveryView] }) items!: WebhookDeliveryView[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}
