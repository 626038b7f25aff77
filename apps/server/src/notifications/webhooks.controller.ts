import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission } from '../access/access.decorators';
import type { Principal } from '../access/scope';
import type { Page } from '../common/pagination';
import { WebhooksService } from './webhooks.service';
import {
  CreateWebhookDto,
  WebhookDeliveryDetailView,
  WebhookDeliveryPage,
  WebhookDeliveryQuery,
  WebhookDeliveryView,
  UpdateWebhookDto,
  WebhookView,
  WebhookWithSecretView,
} from './webhook.dto';

@ApiTags('webhooks')
@Controller('api/v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @RequirePermission('webhooks.manage')
  @ApiOperation({ summary: 'Webhooks of units in my scope, newest first (secrets are never shown)' })
  @ApiOkResponse({ type: [WebhookView] })
  list(@CurrentPrincipal() principal: Principal): Promise<WebhookView[]> {
    return this.webhooks.list(principal);
  }

  @Post()
  @RequirePermission('webhooks.manage')
  @ApiOperation({
    summary:
      'Create a webhook for alert notifications of a unit in my scope; its signing secret is in this response only',
  })
  @ApiCreatedResponse({ type: WebhookWithSecretView })
  @ApiBadRequestResponse({ description: 'Invalid field (name, url, events, minSeverity, unitId)' })
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateWebhookDto,
  ): Promise<WebhookWithSecretView> {
    return this.webhooks.create(principal, dto);
  }

  @Get(':id')
  @RequirePermission('webhooks.manage')
  @ApiOperation({ summary: 'One webhook with its delivery health' })
  @ApiOkResponse({ type: WebhookView })
  @ApiNotFoundResponse()
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<WebhookView> {
    return this.webhooks.get(principal, id);
  }

  @Patch(':id')
  @RequirePermission('webhooks.manage')
  @ApiOperation({ summary: 'Change a webhook; switching it off fails its pending deliveries' })
  @ApiOkResponse({ type: WebhookView })
  @ApiBadRequestResponse({ description: 'Invalid field' })
  @ApiNotFoundResponse()
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateWebhookDto,
  ): Promise<WebhookView> {
    return this.webhooks.update(principal, id, dto);
  }

  @Delete(':id')
  @RequirePermission('webhooks.manage')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a webhook and its delivery log' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  remove(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.webhooks.remove(principal, id);
  }

  @Post(':id/rotate-secret')
  @RequirePermission('webhooks.manage')
  @ApiOperation({
    summary:
      'Replace the signing secret (at once, also for deliveries still queued); shown only in this response',
  })
  @ApiCreatedResponse({ type: WebhookWithSecretView })
  @ApiNotFoundResponse()
  rotateSecret(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<WebhookWithSecretView> {
    return this.webhooks.rotateSecret(principal, id);
  }

  @Post(':id/test')
  @RequirePermission('webhooks.manage')
  @HttpCode(202)
  @ApiOperation({ summary: 'Queue a `ping` delivery (follow it in the delivery log)' })
  @ApiAcceptedResponse({ type: WebhookDeliveryView })
  @ApiNotFoundResponse()
  test(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<WebhookDeliveryView> {
    return this.webhooks.test(principal, id);
  }

  @Get(':id/deliveries')
  @RequirePermission('webhooks.manage')
  @ApiOperation({ summary: 'Delivery log of a webhook, newest first, with every attempt’s outcome' })
  @ApiOkResponse({ type: WebhookDeliveryPage })
  @ApiNotFoundResponse()
  deliveries(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: WebhookDeliveryQuery,
  ): Promise<Page<WebhookDeliveryView>> {
    return this.webhooks.deliveryPage(principal, id, query);
  }

  @Get(':id/deliveries/:deliveryId')
  @RequirePermission('webhooks.manage')
  @ApiOperation({ summary: 'One delivery with the body it carries' })
  @ApiOkResponse({ type: WebhookDeliveryDetailView })
  @ApiNotFoundResponse()
  delivery(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('deliveryId', ParseUUIDPipe) deliveryId: string,
  ): Promise<WebhookDeliveryDetailView> {
    return this.webhooks.delivery(principal, id, deliveryId);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @RequirePermission('webhooks.manage')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send a finished delivery again (same id and body, attempts counted anew)',
  })
  @ApiAcceptedResponse({ type: WebhookDeliveryView })
  @ApiConflictResponse({ description: 'The delivery is still pending' })
  @ApiNotFoundResponse()
  redeliver(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('deliveryId', ParseUUIDPipe) deliveryId: string,
  ): Promise<WebhookDeliveryView> {
    return this.webhooks.redeliver(principal, id, deliveryId);
  }
}
