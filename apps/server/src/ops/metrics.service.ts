import { Injectable, Logger } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DropReason } from '@loa-xa/protocol';

/** Prometheus metrics of this process, on a private registry (tests may run several servers in one process). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly logger = new Logger('DeviceInput');
  private readonly dropLog = new Map<string, { count: number; last: number; example: string }>();

  readonly clustersConnected = new Gauge({
    name: 'loa_clusters_connected',
    help: 'Clusters online in the fleet view',
    registers: [this.registry],
  });
  readonly mqttConnections = new Gauge({
    name: 'loa_mqtt_connections',
    help: 'MQTT connections open on the embedded broker (devices and services)',
    registers: [this.registry],
  });
  readonly messagesIn = new Counter({
    name: 'loa_mqtt_messages_in_total',
    help: 'Device messages received by the server, by channel',
    labelNames: ['channel'],
    registers: [this.registry],
  });
  readonly messagesOut = new Counter({
    name: 'loa_mqtt_messages_out_total',
    help: 'Messages the server published to devices, by channel',
    labelNames: ['channel'],
    registers: [this.registry],
  });
  readonly messagesRejected = new Counter({
    name: 'loa_mqtt_messages_rejected_total',
    help: 'Device messages dropped, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly authFailures = new Counter({
    name: 'loa_mqtt_auth_failures_total',
    help: 'MQTT connections refused at CONNECT, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly previousCredentialUsed = new Counter({
    name: 'loa_mqtt_previous_credential_used_total',
    help: 'Device connections accepted with the secret a rotation replaced (inside its grace period)',
    registers: [this.registry],
  });
  readonly batchWriteSeconds = new Histogram({
    name: 'loa_db_batch_write_seconds',
    help: 'Duration of one batched write of device data, by kind',
    labelNames: ['kind'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly rowsWritten = new Counter({
    name: 'loa_db_rows_written_total',
    help: 'Rows of device data written in batches, by kind',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  readonly telemetryQueue = new Gauge({
    name: 'loa_telemetry_queue_depth',
    help: 'Telemetry rows waiting for the next batch write',
    registers: [this.registry],
  });
  readonly telemetryGaps = new Counter({
    name: 'loa_telemetry_seq_gaps_total',
    help: 'Telemetry messages a device numbered but the server never received (seq gaps)',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'loa_process_' });
  }

  /** Counts a dropped device message and logs it, at most once per reason every 10 s. */
  drop(reason: DropReason, detail: string): void {
    this.messagesRejected.inc({ reason });
    const now = Date.now();
    const entry = this.dropLog.get(reason) ?? { count: 0, last: 0, example: detail };
    entry.count++;
    if (now - entry.last >= 10_000) {
      this.logger.warn(
        { reason, dropped: entry.count, example: detail.slice(0, 300) },
        'device message dropped',
      );
      entry.count = 0;
      entry.last = now;
    }
    this.dropLog.set(reason, entry);
  }

  /** Value of a counter for one label set (tests and benchmarks). */
  async counterValue(name: string, labels: Record<string, string> = {}): Promise<number> {
    const metric = await this.registry.getSingleMetric(name)?.get();
    if (!metric) return 0;
    return metric.values
      .filter((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val))
      .reduce((sum, v) => sum + v.value, 0);
  }
}
