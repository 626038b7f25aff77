import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { MetricsService } from '../ops/metrics.service';

/** Media metrics, on the process registry of MetricsService. */
@Injectable()
export class MediaMetrics {
  readonly transcodeJobs: Counter<'result'>;
  readonly transcodeQueue: Gauge<'state'>;
  readonly bytesServed: Counter<'route'>;
  readonly uploadsRefused: Counter<'reason'>;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.transcodeJobs = new Counter({
      name: 'loa_media_transcode_jobs_total',
      help: 'Transcoding jobs finished, by result (ready, failed, cancelled)',
      labelNames: ['result'],
      registers,
    });
    this.transcodeQueue = new Gauge({
      name: 'loa_media_transcode_queue',
      help: 'Transcoding jobs waiting and running',
      labelNames: ['state'],
      registers,
    });
    this.bytesServed = new Counter({
      name: 'loa_media_bytes_served_total',
      help: 'Media bytes sent, by route (signed device URL or authenticated download)',
      labelNames: ['route'],
      registers,
    });
    this.uploadsRefused = new Counter({
      name: 'loa_media_uploads_refused_total',
      help: 'Uploads refused, by reason (too_large, not_audio, invalid)',
      labelNames: ['reason'],
      registers,
    });
  }
}
