import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '../ops/metrics.service';

/** Broadcasting metrics, on the process registry of MetricsService. */
@Injectable()
export class BroadcastMetrics {
  readonly manifestsPublished: Counter;
  readonly manifestSyncs: Counter;
  readonly broadcastCommands: Counter<'kind'>;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.manifestsPublished = new Counter({
      name: 'loa_manifests_published_total',
      help: 'Cluster manifests published (a new version, or republished on request)',
      registers,
    });
    this.manifestSyncs = new Counter({
      name: 'loa_manifest_syncs_total',
      help: 'Manifest acknowledgements received from clusters',
      registers,
    });
    this.broadcastCommands = new Counter({
      name: 'loa_broadcast_commands_total',
      help: 'Immediate broadcast commands sent to clusters, by kind (play_now, stop)',
      labelNames: ['kind'],
      registers,
    });
  }
}
