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
  Req,
  Res,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Page } from '../../common/pagination';
import { CurrentPrincipal, RequirePermission } from '../../access/access.decorators';
import type { Principal } from '../../access/scope';
import { ClustersService } from './clusters.service';
import { ClusterMapService } from './cluster-map.service';
import { ClusterMapQuery, ClusterMapView } from './cluster-map.dto';
import { sendCachedJson } from './cached-json';
import {
  ClusterDetailView,
  ClusterPage,
  ClusterQuery,
  ClusterView,
  CreateClusterDto,
  CreatedClusterView,
  RotatedCredentialView,
  UpdateClusterDto,
} from './cluster.dto';

@ApiTags('clusters')
@Controller('api/v1/clusters')
export class ClustersController {
  constructor(
    private readonly clusters: ClustersService,
    private readonly clusterMap: ClusterMapService,
  ) {}

  @Get()
  @RequirePermission('clusters.read')
  @ApiOperation({ summary: 'Clusters with their live summary, filtered, sorted and paged' })
  @ApiOkResponse({ type: ClusterPage })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ClusterQuery): Promise<Page<ClusterView>> {
    return this.clusters.list(principal, query);
  }

  @Post()
  @RequirePermission('clusters.write')
  @ApiOperation({
    summary: 'Register a cluster; an IP cluster gets its MQTT credential, shown only in this response',
  })
  @ApiCreatedResponse({ type: CreatedClusterView })
  @ApiBadRequestResponse({ description: 'Invalid field, or a commune / village / station that does not fit' })
  @ApiConflictResponse({ description: 'The code is taken' })
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateClusterDto,
  ): Promise<CreatedClusterView> {
    return this.clusters.create(principal, dto);
  }

  // Declared before GET :id, so that "map" is never taken for a cluster id.
  @Get('map')
  @RequirePermission('clusters.read')
  @ApiOperation({
    summary:
      'Every cluster in my scope at once, compact (a row of values per cluster, unit names given once): for maps and whole-province lists',
    description:
      "The list's filters apply, without paging; rows come in code order. The answer carries a strong ETag and " +
      '`Cache-Control: private, no-cache`: a request with `If-None-Match` gets 304 without a body while nothing ' +
      'changed (registry or live state). Gzip-compressed when the client accepts it.',
  })
  @ApiOkResponse({
    type: ClusterMapView,
    headers: { ETag: { description: 'SHA-256 of the body', schema: { type: 'string' } } },
  })
  @ApiResponse({ status: 304, description: 'If-None-Match holds the current ETag: nothing changed' })
  async map(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ClusterMapQuery,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await sendCachedJson(req, res, await this.clusterMap.view(principal, query));
  }

  @Get(':id')
  @RequirePermission('clusters.read')
  @ApiOperation({
    summary: 'One cluster with its live state: presence, hello, latest telemetry, open faults',
  })
  @ApiOkResponse({ type: ClusterDetailView })
  @ApiNotFoundResponse()
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<ClusterDetailView> {
    return this.clusters.get(principal, id);
  }

  @Patch(':id')
  @RequirePermission('clusters.write')
  @ApiOperation({
    summary:
      'Change a cluster (null clears an optional field). Lifecycle moves are checked; replacing or decommissioning an IP cluster revokes its credential',
  })
  @ApiOkResponse({ type: ClusterDetailView })
  @ApiBadRequestResponse({ description: 'Invalid field, or an attempt to change the kind' })
  @ApiConflictResponse({ description: 'Lifecycle change not allowed, or the code is taken' })
  @ApiNotFoundResponse()
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateClusterDto,
  ): Promise<ClusterDetailView> {
    return this.clusters.update(principal, id, dto);
  }

  @Delete(':id')
  @RequirePermission('clusters.write')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a planned cluster (others are decommissioned instead)' })
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'The cluster is not planned' })
  @ApiNotFoundResponse()
  remove(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.clusters.remove(principal, id);
  }

  @Post(':id/credential/rotate')
  @RequirePermission('clusters.credentials')
  @ApiOperation({
    summary:
      'Issue a new MQTT password for an IP cluster. The live session stays up; the old password keeps working for CREDENTIAL_GRACE_S, or until the device first connects with the new one',
  })
  @ApiCreatedResponse({ type: RotatedCredentialView })
  @ApiConflictResponse({ description: 'Not an IP cluster, or replaced / decommissioned' })
  @ApiNotFoundResponse()
  rotate(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<RotatedCredentialView> {
    return this.clusters.rotateCredential(principal, id);
  }
}
