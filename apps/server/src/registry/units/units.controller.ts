import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Page } from '../../common/pagination';
import { CurrentPrincipal, RequirePermission } from '../../access/access.decorators';
import type { Principal } from '../../access/scope';
import { ProvinceImportService } from './province-import.service';
import { UnitsService } from './units.service';
import {
  CreateUnitDto,
  ImportProvinceDto,
  ProvinceImportResult,
  UnitChildrenQuery,
  UnitDetailView,
  UnitPage,
  UnitQuery,
  UnitView,
} from './unit.dto';

@ApiTags('units')
@Controller('api/v1/units')
export class UnitsController {
  constructor(
    private readonly units: UnitsService,
    private readonly provinces: ProvinceImportService,
  ) {}

  @Get()
  @RequirePermission('units.read')
  @ApiOperation({
    summary: 'Administrative units, filtered and paged (pre-2025 tree unless era says otherwise)',
  })
  @ApiOkResponse({ type: UnitPage })
  list(@CurrentPrincipal() principal: Principal, @Query() query: UnitQuery): Promise<Page<UnitView>> {
    return this.units.list(principal, query);
  }

  @Post()
  @RequirePermission('units.write')
  @ApiOperation({
    summary: 'Add a village below a commune, or a province / commune of the post-2025 tree',
  })
  @ApiCreatedResponse({ type: UnitView })
  @ApiBadRequestResponse({ description: 'Invalid field, or a parent of the wrong level or era' })
  @ApiConflictResponse({ description: 'The code is taken for this era and level' })
  create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateUnitDto): Promise<UnitView> {
    return this.units.create(principal, dto);
  }

  @Post('import')
  @RequirePermission('units.import')
  @ApiOperation({
    summary: 'Import one province with its districts and communes from the official list (idempotent)',
  })
  @ApiCreatedResponse({ type: ProvinceImportResult })
  @ApiNotFoundResponse({ description: 'No province with this code in the official list' })
  importProvince(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: ImportProvinceDto,
  ): Promise<ProvinceImportResult> {
    return this.provinces.importProvince(dto.provinceCode, principal);
  }

  @Get(':id')
  @RequirePermission('units.read')
  @ApiOperation({ summary: 'One unit with its ancestors (breadcrumb) and its number of children' })
  @ApiOkResponse({ type: UnitDetailView })
  @ApiNotFoundResponse()
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<UnitDetailView> {
    return this.units.get(principal, id);
  }

  @Get(':id/children')
  @RequirePermission('units.read')
  @ApiOperation({ summary: 'The direct children of a unit, paged' })
  @ApiOkResponse({ type: UnitPage })
  @ApiNotFoundResponse()
  children(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: UnitChildrenQuery,
  ): Promise<Page<UnitView>> {
    return this.units.children(principal, id, query);
  }
}
