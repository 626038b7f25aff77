import { Controller, Get, HttpCode, NotFoundException, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission } from '../access/access.decorators';
import type { Principal } from '../access/scope';
import { DeviceCommandRepository } from '../devices/device-command.repository';
import { ManifestService } from './manifest.service';

class ManifestItemView {
  @ApiProperty() id!: string;
  @ApiProperty() start!: string;
  @ApiProperty() durationMs!: number;
  @ApiProperty() priority!: string;
  @ApiProperty() volume!: number;
  @ApiProperty({ type: [String], description: 'Rendition ids, in playing order' }) media!: string[];
  @ApiProperty({ description: 'The cluster reported holding every file of it' }) held!: boolean;
}

class ClusterManifestView {
  @ApiProperty({ description: 'Last version published (0: none yet)' }) version!: number;
  @ApiProperty({ nullable: true, type: String }) publishedAt!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Version the cluster says it follows' })
  ackedVersion!: number | null;
  @ApiProperty({ nullable: true, type: String }) ackedAt!: string | null;
  @ApiProperty({ description: 'The cluster follows the latest version' }) upToDate!: boolean;
  @ApiProperty({ type: [ManifestItemView], description: 'What the manifest lists now' })
  items!: ManifestItemView[];
  @ApiProperty({ description: 'Occurrences left out because a file is not transcoded yet' })
  notReady!: number;
  @ApiProperty({ type: [Object], description: 'Files it failed to fetch: { sha256, reason }' })
  missing!: { sha256: string; reason: string }[];
}

/** A technician's view of one cluster's manifest, and a way to send it again. */
@ApiTags('broadcasting')
@Controller('api/v1/clusters/:id/manifest')
export class ClusterManifestController {
  constructor(
    private readonly manifests: ManifestService,
    private readonly clusters: DeviceCommandRepository,
  ) {}

  @Get()
  @RequirePermission('schedules.read')
  @ApiOperation({ summary: 'What this cluster must play over the next hours, and whether it is ready' })
  @ApiOkResponse({ type: ClusterManifestView })
  @ApiNotFoundResponse()
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<ClusterManifestView> {
    await this.visible(principal, id);
    const state = this.manifests.state(id);
    const built = await this.manifests.preview(id);
    const shaOf = new Map(built.body.media.map((m) => [m.id, m.sha256]));
    return {
      version: state?.version ?? 0,
      publishedAt: state?.publishedAt ? new Date(state.publishedAt).toISOString() : null,
      ackedVersion: state?.ackedVersion ?? null,
      ackedAt: state?.ackedAt ? new Date(state.ackedAt).toISOString() : null,
      upToDate: Boolean(state && state.ackedVersion !== null && state.ackedVersion >= state.version),
      items: built.body.items.map((item) => ({
        id: item.id,
        start: new Date(item.start).toISOString(),
        durationMs: item.durationMs,
        priority: item.priority,
        volume: item.volume,
        media: item.media,
        held: item.media.every((m) => state?.held.has(shaOf.get(m) as string) ?? false),
      })),
      notReady: built.notReady,
      missing: state?.missing ?? [],
    };
  }

  @Post('publish')
  @HttpCode(202)
  @RequirePermission('commands.send')
  @ApiOperation({ summary: 'Publish this cluster’s manifest again (a new version), e.g. after a repair' })
  @ApiAcceptedResponse()
  @ApiNotFoundResponse()
  async republish(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<void> {
    await this.visible(principal, id);
    this.manifests.republish(id);
  }

  private async visible(principal: Principal, id: string): Promise<void> {
    const cluster = await this.clusters.findCluster(id, principal.scope);
    if (!cluster || cluster.kind !== 'ip') throw new NotFoundException(`IP cluster ${id} not found`);
  }
}
