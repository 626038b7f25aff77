import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, MqttContext, Payload } from '@nestjs/microservices';
import {
  allClustersFilter,
  parseTopic,
  type DecodeResult,
  type PayloadName,
  type PayloadTypes,
} from '@loa-xa/protocol';
import { FleetView } from '../fleet/fleet-view.service';
import { MetricsService } from '../ops/metrics.service';
import { decodeDeviceMessage } from './device-payload';
import { DeviceDataWriter } from './device-data.writer';
import { DeviceEventsService } from './device-events.service';
import { CommandsService } from './commands.service';

/**
 * The server's device side: one handler per device channel, subscribed through the Nest MQTT transport.
 * Every message is checked (contract topic, known cluster, schema) before it touches anything; a bad one
 * is dropped and counted, never thrown.
 */
@Controller()
export class DeviceMessagesController {
  private readonly logger = new Logger('DeviceMessages');

  constructor(
    private readonly fleet: FleetView,
    private readonly writer: DeviceDataWriter,
    private readonly events: DeviceEventsService,
    private readonly commands: CommandsService,
    private readonly metrics: MetricsService,
  ) {}

  @EventPattern(allClustersFilter('status'))
  onStatus(@Payload() data: unknown, @Ctx() ctx: MqttContext): void {
    const msg = this.accept('Status', data, ctx);
    if (!msg) return;
    if (msg.value.state === 'online') this.fleet.setPresence(msg.clusterId, true, msg.at, 'connect');
    else this.fleet.setPresence(msg.clusterId, false, msg.at, 'offline_status');
  }

  @EventPattern(allClustersFilter('hello'))
  async onHello(@Payload() data: unknown, @Ctx() ctx: MqttContext): Promise<void> {
    const msg = this.accept('Hello', data, ctx);
    if (!msg) return;
    this.fleet.setHello(msg.clusterId, msg.value, msg.at);
    this.writer.markDirty(msg.clusterId);
    await this.guard(() => this.commands.resendUndelivered(msg.clusterId));
  }

  @EventPattern(allClustersFilter('telemetry'))
  onTelemetry(@Payload() data: unknown, @Ctx() ctx: MqttContext): void {
    const msg = this.accept('Telemetry', data, ctx);
    if (!msg) return;
    const gap = this.fleet.setTelemetry(msg.clusterId, msg.value, msg.at);
    if (gap > 0) this.metrics.telemetryGaps.inc(gap);
    this.writer.enqueueTelemetry(msg.clusterId, msg.value, msg.at);
  }

  @EventPattern(allClustersFilter('event'))
  async onEvent(@Payload() data: unknown, @Ctx() ctx: MqttContext): Promise<void> {
    const msg = this.accept('DeviceEvent', data, ctx);
    if (!msg) return;
    this.fleet.touch(msg.clusterId, msg.at);
    await this.guard(() => this.events.record(msg.clusterId, msg.value, msg.at));
  }

  @EventPattern(allClustersFilter('ack'))
  async onAck(@Payload() data: unknown, @Ctx() ctx: MqttContext): Promise<void> {
    const msg = this.accept('CommandAck', data, ctx);
    if (!msg) return;
    this.fleet.touch(msg.clusterId, msg.at);
    const known = await this.guard(() => this.commands.applyAck(msg.clusterId, msg.value, msg.at));
    if (known === false) this.metrics.drop('unknown_command', `cluster ${msg.clusterId} ack ${msg.value.id}`);
  }

  /** Topic, cluster and schema checks shared by every handler. */
  private accept<N extends PayloadName>(
    name: N,
    data: unknown,
    ctx: MqttContext,
  ): { clusterId: string; value: PayloadTypes[N]; at: Date } | null {
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
  private async guard<T>(work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (err) {
      this.logger.error({ err }, 'device message handling failed');
      return undefined;
    }
  }
}
