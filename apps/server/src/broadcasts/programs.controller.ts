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
import { CreateProgramDto, ProgramView, UpdateProgramDto } from './program.dto';
import { ProgramsService } from './programs.service';

@ApiTags('broadcasting')
@Controller('api/v1/programs')
export class ProgramsController {
  constructor(private readonly programs: ProgramsService) {}

  @Get()
  @RequirePermission('schedules.read')
  @ApiOperation({ summary: 'Programs (ordered lists of media) in my scope' })
  @ApiOkResponse({ type: [ProgramView] })
  list(@CurrentPrincipal() principal: Principal): Promise<ProgramView[]> {
    return this.programs.list(principal);
  }

  @Get(':id')
  @RequirePermission('schedules.read')
  @ApiOperation({ summary: 'One program with its items, total duration and readiness' })
  @ApiOkResponse({ type: ProgramView })
  @ApiNotFoundResponse()
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<ProgramView> {
    return this.programs.get(principal, id);
  }

  @Post()
  @RequirePermission('schedules.write')
  @ApiOperation({ summary: 'Create a program: media assets played one after another' })
  @ApiCreatedResponse({ type: ProgramView })
  create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateProgramDto): Promise<ProgramView> {
    return this.programs.create(principal, dto);
  }

  @Patch(':id')
  @RequirePermission('schedules.write')
  @ApiOperation({ summary: 'Rename a program or replace its items (schedules playing it follow)' })
  @ApiOkResponse({ type: ProgramView })
  @ApiNotFoundResponse()
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateProgramDto,
  ): Promise<ProgramView> {
    return this.programs.update(principal, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('schedules.write')
  @ApiOperation({ summary: 'Delete a program (refused while a schedule plays it)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  @ApiConflictResponse()
  remove(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.programs.remove(principal, id);
  }
}
