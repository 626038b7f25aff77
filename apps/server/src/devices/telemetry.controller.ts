import {
  BadRequestException,
  Controller,
  Get,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Query,
} from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsInt, IsOptional, Max, Min } from 'class-validator';
import type { TelemetrySample } from '@loa-xa/persistence';
import { DeviceCommandRepository } from './device-command.repository';
import { TelemetryHistoryRepository } from './telemetry-history.repository';
import { CurrentPrincipal, RequirePermission } from '../access/access.decorators';
import type { Principal } from '../access/scope';

export class TelemetryQuery {
  @ApiPropertyOptional({ description: 'Start (ISO 8601), default 24 h before `to`' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;

  @ApiPropertyOptional({ description: 'End, exclusive (ISO 8601), default now' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date;

  @ApiPropertyOptional({ minimum: 1, maximum: 10000, default: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10000)
  limit: number = 1000;
}

@ApiTags('clusters')
@Controller('api/v1/clusters/:id/telemetry')
export class TelemetryController {
  constructor(
    private readonly history: TelemetryHistoryRepository,
    private readonly clusters: DeviceCommandRepository,
  ) {}

  @Get()
  @RequirePermission('telemetry.read')
  @ApiOperation({ summary: 'Telemetry history of a cluster, oldest first (server receive time)' })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: TelemetryQuery,
  ): Promise<{ items: TelemetrySample[]; from: Date; to: Date }> {
    if (!(await this.clusters.findCluster(id, principal.scope)))
      throw new NotFoundException(`cluster ${id} not found`);
    const to = query.to ?? new Date();
    const from = query.from ?? new Date(to.getTime() - 86_400_000);
    if (from >= to)
      throw new BadRequestException({
        message: 'from must be before to',
        errors: [{ field: 'from', rule: 'beforeTo', message: 'from must be before to' }],
      });
    const items = await this.history.find(id, from, to, query.limit);
    return { items, from, to };
  }
}
