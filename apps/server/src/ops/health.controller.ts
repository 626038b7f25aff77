import { Public } from '../access/access.decorators';
import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { BrokerService } from '../broker/broker.service';
import { FleetView } from '../fleet/fleet-view.service';

type Check = { status: 'up' | 'down'; detail?: string };

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly broker: BrokerService,
    private readonly fleet: FleetView,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  live(): { status: 'up' } {
    return { status: 'up' };
  }

  @Get(['', 'ready'])
  @ApiOperation({ summary: 'Readiness: database, broker and the server MQTT link; 503 when any is down' })
  async ready(@Res({ passthrough: true }) res: Response) {
    const checks: Record<string, Check> = {
      database: await this.database(),
      broker: this.broker.healthy ? { status: 'up' } : { status: 'down', detail: 'embedded broker closed' },
      mqttLink: this.broker.serverLinkUp
        ? { status: 'up' }
        : { status: 'down', detail: 'server not connected to the broker' },
    };
    const up = Object.values(checks).every((c) => c.status === 'up');
    res.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status: up ? 'up' : 'down',
      checks,
      fleet: { known: this.fleet.size, online: this.fleet.online },
    };
  }

  private async database(): Promise<Check> {
    try {
      await Promise.race([
        this.dataSource.query('SELECT 1'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout after 2 s')), 2000).unref()),
      ]);
      return { status: 'up' };
    } catch (err) {
      return { status: 'down', detail: err instanceof Error ? err.message : String(err) };
    }
  }
}
