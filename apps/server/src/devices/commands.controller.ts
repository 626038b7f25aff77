import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PageQuery, type Page } from '../common/pagination';
import { CommandsService } from './commands.service';
import { CreateCommandDto } from './dto/create-command.dto';
import { CommandView } from './dto/command.view';
import { CurrentPrincipal, RequirePermission } from '../access/access.decorators';
import type { Principal } from '../access/scope';

@ApiTags('commands')
@Controller('api/v1/clusters/:id/commands')
export class CommandsController {
  constructor(private readonly commands: CommandsService) {}

  @Post()
  @RequirePermission('commands.send')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a remote command (set_volume, reboot, ping) to an IP cluster' })
  @ApiAcceptedResponse({ type: CommandView })
  create(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CreateCommandDto,
  ): Promise<CommandView> {
    return this.commands.create(principal, id, dto);
  }

  @Get()
  @RequirePermission('commands.read')
  @ApiOperation({ summary: "A cluster's commands, newest first" })
  list(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: PageQuery,
  ): Promise<Page<CommandView>> {
    return this.commands.list(principal, id, query.page, query.pageSize);
  }

  @Get(':commandId')
  @RequirePermission('commands.read')
  @ApiOperation({ summary: 'One command and its progress' })
  @ApiOkResponse({ type: CommandView })
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('commandId', ParseUUIDPipe) commandId: string,
  ): Promise<CommandView> {
    return this.commands.get(principal, id, commandId);
  }
}
