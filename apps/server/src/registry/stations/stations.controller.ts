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
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Page } from '../../common/pagination';
import { CurrentPrincipal, RequirePermission } from '../../access/access.decorators';
import type { Principal } from '../../access/scope';
import { StationsService } from './stations.service';
import { CreateStationDto, StationPage, StationQuery, StationView, UpdateStationDto } from './station.dto';

@ApiTags('stations')
@Controller('api/v1/stations')
export class StationsController {
  constructor(private readonly stations: StationsService) {}

  @Get()
  @RequirePermission('stations.read')
  @ApiOperation({ summary: 'Commune stations, filtered by any unit above them, paged' })
  @ApiOkResponse({ type: StationPage })
  list(@CurrentPrincipal() principal: Principal, @Query() query: StationQuery): Promise<Page<StationView>> {
    return this.stations.list(principal, query);
  }

  @Post()
  @RequirePermission('stations.write')
  @ApiOperation({ summary: "Register a commune's station (one per commune)" })
  @ApiCreatedResponse({ type: StationView })
  @ApiBadRequestResponse({ description: 'Invalid field, or communeId is not a commune' })
  @ApiConflictResponse({ description: 'The commune already has a station' })
  create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateStationDto): Promise<StationView> {
    return this.stations.create(principal, dto);
  }

  @Get(':id')
  @RequirePermission('stations.read')
  @ApiOperation({ summary: 'One station' })
  @ApiOkResponse({ type: StationView })
  @ApiNotFoundResponse()
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<StationView> {
    return this.stations.get(principal, id);
  }

  @Patch(':id')
  @RequirePermission('stations.write')
  @ApiOperation({ summary: 'Change a station (null clears an optional field)' })
  @ApiOkResponse({ type: StationView })
  @ApiNotFoundResponse()
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateStationDto,
  ): Promise<StationView> {
    return this.stations.update(principal, id, dto);
  }

  @Delete(':id')
  @RequirePermission('stations.write')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a station; its clusters stay, without a station' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  remove(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.stations.remove(principal, id);
  }
}
