import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { ClusterFault, DeviceEventRow } from '@loa-xa/persistence';
import type { DeviceEvent } from '@loa-xa/protocol';
import { FleetView } from '../fleet/fleet-view.service';

/**
 * Device events: faults raised and cleared. Events are rare, so each is written at once, in one
 * transaction with the fault episode it opens or closes; a replayed event id changes nothing.
 */
@Injectable()
export class DeviceEventsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly fleet: FleetView,
  ) {}

  /** Loads the open fault episodes into the fleet view (at start). */
  async loadActiveFaults(): Promise<number> {
    const open = await this.dataSource.getRepository(ClusterFault).findBy({ clearedAt: IsNull() });
    for (const fault of open)
      this.fleet.raiseFault(fault.clusterId, fault.code, fault.raisedAt, fault.detail);
    return open.length;
  }

  /** Records an event; returns false when it was a replay of one already stored. */
  async record(clusterId: string, event: DeviceEvent, receivedAt: Date): Promise<boolean> {
    // Device clocks drift: place the event on the server's time axis using the last reported offset.
    const offset = this.fleet.get(clusterId)?.telemetry?.clockOffsetMs ?? 0;
    const at = new Date(event.ts - offset);
    const stored = await this.dataSource.transaction(async (manager) => {
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(DeviceEventRow)
        .values({
          clusterId,
          eventId: event.id,
          type: event.type,
          code: event.code,
          deviceTs: new Date(event.ts),
          receivedAt,
          detail: event.detail ?? null,
        })
        .orIgnore()
        .returning(['id'])
        .updateEntity(false)
        .execute();
      if (inserted.raw.length === 0) return false;
      if (event.type === 'fault_raised') {
        await manager.query(
          `INSERT INTO cluster_fault (cluster_id, code, raised_at, detail) VALUES ($1, $2, $3, $4)
           ON CONFLICT (cluster_id, code) WHERE cleared_at IS NULL DO NOTHING`,
          [clusterId, event.code, at, event.detail ?? null],
        );
      } else {
        await manager.query(
          `UPDATE cluster_fault SET cleared_at = GREATEST($3::timestamptz, raised_at)
           WHERE cluster_id = $1 AND code = $2 AND cleared_at IS NULL`,
          [clusterId, event.code, at],
        );
      }
      return true;
    });
    if (stored) {
      if (event.type === 'fault_raised')
        this.fleet.raiseFault(clusterId, event.code, at, event.detail ?? null);
      else this.fleet.clearFault(clusterId, event.code);
    }
    return stored;
  }
}
