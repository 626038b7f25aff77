import { Controller, Param, ParseUUIDPipe, Sse, type MessageEvent } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Observable } from 'rxjs';
import { CurrentPrincipal, RequirePermission } from '../../access/access.decorators';
import type { Principal } from '../../access/scope';
import { FleetView, type PresenceChange } from '../../fleet/fleet-view.service';
import { ClustersService } from './clusters.service';

const HEARTBEAT_MS = 25_000;

/** One cluster's live state as server-sent events, for the console's cluster page. */
@ApiTags('clusters')
@Controller('api/v1/clusters')
export class ClusterStreamController {
  constructor(
    private readonly clusters: ClustersService,
    private readonly fleet: FleetView,
  ) {}

  @Sse(':id/stream')
  @RequirePermission('clusters.read')
  @ApiOperation({
    summary:
      "A cluster's live state as server-sent events: `live` ({live}: the detail view's `live` object) at once and after every presence change, telemetry message and fault raised or cleared; `heartbeat` every 25 s",
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'event: live, data: {live: ClusterLiveView | null} (null for FM clusters)' })
  @ApiNotFoundResponse({ description: 'No such cluster in my scope' })
  async follow(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<Observable<MessageEvent>> {
    const cluster = await this.clusters.get(principal, id); // 404 outside the caller's scope
    const ip = cluster.kind === 'ip';
    return new Observable<MessageEvent>((subscriber) => {
      const send = () =>
        subscriber.next({ type: 'live', data: { live: ip ? this.clusters.live(id) : null } });
      const onCluster = (clusterId: string) => clusterId === id && send();
      const onPresence = (change: PresenceChange) => change.clusterId === id && send();
      send();
      if (ip) {
        this.fleet.on('presence', onPresence);
        this.fleet.on('telemetry', onCluster);
        this.fleet.on('faults', onCluster);
      }
      const heartbeat = setInterval(() => subscriber.next({ type: 'heartbeat', data: {} }), HEARTBEAT_MS);
      heartbeat.unref();
      return () => {
        clearInterval(heartbeat);
        this.fleet.off('presence', onPresence);
        this.fleet.off('telemetry', onCluster);
        this.fleet.off('faults', onCluster);
      };
    });
  }
}
