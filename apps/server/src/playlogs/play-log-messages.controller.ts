import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, MqttContext, Payload } from '@nestjs/microservices';
import { allClustersFilter } from '@loa-xa/protocol';
import { DeviceMessageGate } from '../devices/device-message-gate';
import { FleetView } from '../fleet/fleet-view.service';
import { MetricsService } from '../ops/metrics.service';
import { toPlayLogRows } from './play-log-rows';
import { PlayLogWriter } from './play-log.writer';

/** The `playlog` device channel: reports are checked, split into rows and queued for the batch writer. */
@Controller()
export class PlayLogMessagesController {
  constructor(
    private readonly gate: DeviceMessageGate,
    private readonly fleet: FleetView,
    private readonly metrics: MetricsService,
    private readonly writer: PlayLogWriter,
  ) {}

  @EventPattern(allClustersFilter('playlog'))
  onPlayLog(@Payload() data: unknown, @Ctx() ctx: MqttContext): void {
    const msg = this.gate.accept('PlayLog', data, ctx);
    if (!msg) return;
    this.fleet.touch(msg.clusterId, msg.at);
    // Device clocks drift: place each report on the server's time axis with the last reported offset.
    const offset = this.fleet.get(msg.clusterId)?.telemetry?.clockOffsetMs ?? null;
    const { rows, rejected } = toPlayLogRows(msg.clusterId, msg.value, msg.at, offset);
    for (const r of rejected)
      this.metrics.drop(r.reason, `cluster ${msg.clusterId} report ${r.reportId}: ${r.why}`);
    this.writer.enqueue(rows);
  }
}
