import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Page } from '../common/pagination';
import { CurrentPrincipal, RequirePermission } from './access.decorators';
import { UsersService } from './users.service';
import { CreateUserDto, ResetPasswordDto, UpdateUserDto, UserPage, UserQuery, UserView } from './user.dto';
import type { Principal } from './scope';

@ApiTags('users')
@Controller('api/v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @RequirePermission('users.read')
  @ApiOperation({ summary: 'Accounts whose scope lies inside mine' })
  @ApiOkResponse({ type: UserPage })
  list(@CurrentPrincipal() principal: Principal, @Query() query: UserQuery): Promise<Page<UserView>> {
    return this.users.list(principal, query);
  }

  @Post()
  @RequirePermission('users.manage')
  @ApiOperation({ summary: 'Create an account with a role up to mine and a scope inside mine' })
  @ApiCreatedResponse({ type: UserView })
  @ApiBadRequestResponse({ description: 'Invalid field, weak password, or a scope of the wrong level' })
  @ApiConflictResponse({ description: 'The username is taken' })
  create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateUserDto): Promise<UserView> {
    return this.users.create(principal, dto);
  }

  @Get(':id')
  @RequirePermission('users.read')
  @ApiOperation({ summary: 'One account' })
  @ApiOkResponse({ type: UserView })
  @ApiNotFoundResponse()
  get(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<UserView> {
    return this.users.get(principal, id);
  }

  @Patch(':id')
  @RequirePermission('users.manage')
  @ApiOperation({ summary: 'Change an account; active=false disables it and ends its sessions' })
  @ApiOkResponse({ type: UserView })
  @ApiNotFoundResponse()
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateUserDto,
  ): Promise<UserView> {
    return this.users.update(principal, id, dto);
  }

  @Post(':id/password')
  @RequirePermission('users.manage')
  @HttpCode(204)
  @ApiOperation({
    summary: "Set someone's password (they forgot it): unlocks the account, ends its sessions",
  })
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  resetPassword(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ResetPasswordDto,
  ): Promise<void> {
    return this.users.resetPassword(principal, id, dto);
  }
}
