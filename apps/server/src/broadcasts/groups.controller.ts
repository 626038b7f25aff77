import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import {
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
import { CreateGroupDto, GroupView, UpdateGroupDto } from './group.dto';
import { GroupsService } from './groups.service';

@ApiTags('broadcasting')
@Controller('api/v1/cluster-groups')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Get()
  @RequirePermission('schedules.read')
  @ApiOperation({ summary: 'Named cluster groups in my scope' })
  @ApiOkResponse({ type: [GroupView] })
  list(@CurrentPrincipal() principal: Principal): Promise<GroupView[]> {
    return this.groups.list(principal);
  }

  @Get(':id')
  @RequirePermission('schedules.read')
  @ApiOperation({ summary: 'One cluster group with its members' })
  @ApiOkResponse({ type: GroupView })
  @ApiNotFoundResponse()
  get(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<GroupView> {
    return this.groups.get(principal, id);
  }

  @Post()
  @RequirePermission('schedules.write')
  @ApiOperation({ summary: 'Create a named group of clusters (a schedule or broadcast can target it)' })
  @ApiCreatedResponse({ type: GroupView })
  create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateGroupDto): Promise<GroupView> {
    return this.groups.create(principal, dto);
  }

  @Patch(':id')
  @RequirePermission('schedules.write')
  @ApiOperation({ summary: 'Rename a group or replace its members (schedules targeting it follow)' })
  @ApiOkResponse({ type: GroupView })
  @ApiNotFoundResponse()
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateGroupDto,
  ): Promise<GroupView> {
    return this.groups.update(principal, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('schedules.write')
  @ApiOperation({ summary: 'Delete a group (refused while a schedule targets it)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  @ApiConflictResponse()
  remove(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.groups.remove(principal, id);
  }
}
