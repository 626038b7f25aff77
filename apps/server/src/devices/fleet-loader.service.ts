import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { FleetView } from '../fleet/fleet-view.service';
import { DeviceEventsService } from './device-events.service';

/** Fills the fleet view at start: every IP cluster still in service, when it was last seen, its open faults. */
@Injectable()
export class FleetLoader implements OnModuleInit {
  private readonly logger = new Logger('FleetLoader');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly fleet: FleetView,
    private readonly events: DeviceEventsService,
  ) {}

  async onModuleInit(): Promise<void> {
    const rows: { id: string; last_seen_at: Date | null }[] = await this.dataSource.query(
      `SELECT c.id, s.last_seen_at FROM cluster c LEFT JOIN cluster_state s ON s.cluster_id = c.id WHERE c.kind = 'ip' AND c.lifecycle NOT IN ('replaced', 'decommissioned')`,
    );
    for (const row of rows) this.fleet.register(row.id, row.last_seen_at ? new Date(row.last_seen_at) : null);
    const faults = await this.events.loadActiveFaults();
    this.logger.log({ clusters: rows.length, openFaults: faults }, 'fleet view loaded');
  }
}
