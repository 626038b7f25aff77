import { Injectable, Logger } from '@nestjs/common';
import type { MqttContext } from '@nestjs/microservices';
import { parseTopic, type DecodeResult, type PayloadName, type PayloadTypes } from '@loa-xa/protocol';
import { FleetView } from '../fleet/fleet-view.service';
import { MetricsService } from '../ops/metrics.service';
import { decodeDeviceMessage } from './device-payload';

export interface AcceptedMessage<N extends PayloadName> {
  clusterId: string;
  value: PayloadTypes[N];
  /** Server clock when it arrived. */
  at: Date;
}

/**
 * The checks every device message passes before it touches anything (contract topic, known cluster,
 * schema), shared by every module that handles a device channel. A bad message is dropped and counted.
 */
@Injectable()
export class DeviceMessageGate {
  private readonly logger = new Logger('DeviceMessages');

  constructor(
    private readonly fleet: FleetView,
    private readonly metrics: MetricsService,
  ) {}

  accept<N extends PayloadName>(name: N, data: unknown, ctx: MqttContext): AcceptedMessage<N> | null {
    const topic = ctx.getTopic();
    const parsed = parseTopic(topic);
    const channel = parsed?.channel ?? 'unknown';
    this.metrics.messagesIn.inc({ channel });
    if (!parsed) {
      this.metrics.drop('topic', topic);
      return null;
    }
    if (!this.fleet.has(parsed.clusterId)) {
      this.metrics.drop('unknown_cluster', topic);
      return null;
    }
    const result: DecodeResult<PayloadTypes[N]> = decodeDeviceMessage(name, data);
    if (!result.ok) {
      this.metrics.drop(result.reason, `${topic}: ${result.message}`);
      return null;
    }
    return { clusterId: parsed.clusterId, value: result.value, at: new Date() };
  }

  /** A database hiccup while handling one message must not take the device side down. */
  async guard<T>(work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (err) {
      this.logger.error({ err }, 'device message handling failed');
      return undefined;
    }
  }
}
