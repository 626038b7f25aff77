import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Page } from '../common/pagination';
import { CurrentPrincipal, RequirePermission } from '../access/access.decorators';
import type { Principal } from '../access/scope';
import {
  CreateWorkOrderDto,
  TransitionWorkOrderDto,
  UpdateWorkOrderDto,
  WorkOrderDetailView,
  WorkOrderPage,
  WorkOrderQuery,
  WorkOrderView,
} from './work-order.dto';
import { WorkOrdersService } from './work-orders.service';

@ApiTags('work-orders')
@Controller('api/v1/work-orders')
export class WorkOrdersController {
  constructor(private readonly orders: WorkOrdersService) {}

  @Get()
  @RequirePermission('workorders.read')
  @ApiOperation({ summary: 'Work orders in my scope, filtered, sorted and paged' })
  @ApiOkResponse({ type: WorkOrderPage })
  @ApiBadRequestResponse({ description: 'Invalid filter (the field is named)' })
  @ApiNotFoundResponse({ description: 'unitId is not in my scope' })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: WorkOrderQuery,
  ): Promise<Page<WorkOrderView>> {
    return this.orders.list(principal, query);
  }

  @Post()
  @RequirePermission('workorders.write')
  @ApiOperation({
    summary:
      'Propose a work order (new station, replacement of a broken FM cluster, expansion to a village); its code WO-<year>-<n> is generated',
  })
  @ApiCreatedResponse({ type: WorkOrderDetailView })
  @ApiBadRequestResponse({ description: 'Invalid field, or a commune / village that does not fit' })
  @ApiUnprocessableEntityResponse({
    description:
      'Expansion without villageId, replacement without a broken FM cluster of the commune (the field is named)',
  })
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateWorkOrderDto,
  ): Promise<WorkOrderDetailView> {
    return this.orders.create(principal, dto);
  }

  @Get(':id')
  @RequirePermission('workorders.read')
  @ApiOperation({ summary: 'One work order with its linked clusters and its history, oldest first' })
  @ApiOkResponse({ type: WorkOrderDetailView })
  @ApiNotFoundResponse()
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<WorkOrderDetailView> {
    return this.orders.get(principal, id);
  }

  @Patch(':id')
  @RequirePermission('workorders.write')
  @ApiOperation({
    summary:
      'Change an order that is not closed or cancelled (null clears an optional field); send the revision you edited',
  })
  @ApiOkResponse({ type: WorkOrderDetailView })
  @ApiBadRequestResponse({ description: 'Invalid field' })
  @ApiConflictResponse({ description: 'Stale revision, closed or cancelled order, or placement fixed' })
  @ApiUnprocessableEntityResponse({ description: 'The change breaks a rule of the order kind' })
  @ApiNotFoundResponse()
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateWorkOrderDto,
  ): Promise<WorkOrderDetailView> {
    return this.orders.update(principal, id, dto);
  }

  @Post(':id/transition')
  @HttpCode(200)
  @RequirePermission('workorders.write')
  @ApiOperation({
    summary:
      'Move an order: proposed → approved (workorders.approve) → installing → commissioned (links the IP cluster; a replaced FM cluster becomes replaced) → closed, or cancelled before commissioning',
  })
  @ApiOkResponse({ type: WorkOrderDetailView })
  @ApiBadRequestResponse({ description: 'Invalid field' })
  @ApiConflictResponse({ description: 'Transition not allowed from the current status, or stale revision' })
  @ApiUnprocessableEntityResponse({ description: 'ipClusterId missing or not acceptable' })
  @ApiNotFoundResponse()
  transition(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: TransitionWorkOrderDto,
  ): Promise<WorkOrderDetailView> {
    return this.orders.transition(principal, id, dto);
  }
}
