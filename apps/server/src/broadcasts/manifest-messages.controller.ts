import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, MqttContext, Payload } from '@nestjs/microservices';
import { allClustersFilter } from '@loa-xa/protocol';
import { DeviceMessageGate } from '../devices/device-message-gate';
import { FleetView } from '../fleet/fleet-view.service';
import { ManifestService } from './manifest.service';

/** Device side of manifests: acknowledgements and held files on `sync`. */
@Controller()
export class ManifestMessagesController {
  constructor(
    private readonly gate: DeviceMessageGate,
    private readonly fleet: FleetView,
    private readonly manifests: ManifestService,
  ) {}

  @EventPattern(allClustersFilter('sync'))
  onSync(@Payload() data: unknown, @Ctx() ctx: MqttContext): void {
    const msg = this.gate.accept('ManifestSync', data, ctx);
    if (!msg) return;
    this.fleet.touch(msg.clusterId, msg.at);
    this.manifests.applySync(msg.clusterId, msg.value, msg.at);
  }
}
