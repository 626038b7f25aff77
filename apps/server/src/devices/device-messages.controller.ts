import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, MqttContext, Payload } from '@nestjs/microservices';
import { allClustersFilter } from '@loa-xa/protocol';
import { FleetView } from '../fleet/fleet-view.service';
import { MetricsService } from '../ops/metrics.service';
import { DeviceMessageGate } from './device-message-gate';
import { DeviceDataWriter } from './device-data.writer';
import { DeviceEventsService } from './device-events.service';
import { CommandsService } from './commands.service';

/**
 * The server's device side: one handler per device channel, subscribed through the Nest MQTT transport.
 * Every message passes the DeviceMessageGate (contract topic, known cluster, schema) before it touches
 * anything; a bad one is dropped and counted, never thrown.
 */
@Controller()
export class DeviceMessagesController {
  constructor(
    private readonly fleet: FleetView,
    private readonly writer: DeviceDataWriter,
    private readonly events: DeviceEventsService,
    private readonly commands: CommandsService,
    private readonly metrics: MetricsService,
    private readonly gate: DeviceMessageGate,
  ) {}

  @EventPattern(allClustersFilter('status'))
  onStatus(@Payload() data: unknown, @Ctx() ctx: MqttContext): void {
    const msg = this.gate.accept('Status', data, ctx);
    if (!msg) return;
    if (msg.value.state === 'online') this.fleet.setPresence(msg.clusterId, true, msg.at, 'connect');
    else this.fleet.setPresence(msg.clusterId, false, msg.at, 'offline_status');
  }

  @EventPattern(allClustersFilter('hello'))
  async onHello(@Payload() data: unknown, @Ctx() ctx: MqttContext): Promise<void> {
    const msg = this.gate.accept('Hello', data, ctx);
    if (!msg) return;
    this.fleet.setHello(msg.clusterId, msg.value, msg.at);
    this.writer.markDirty(msg.clusterId);
    await this.gate.guard(() => this.commands.resendUndelivered(msg.clusterId));
  }

  @EventPattern(allClustersFilter('telemetry'))
  onTelemetry(@Payload() data: unknown, @Ctx() ctx: MqttContext): void {
    const msg = this.gate.accept('Telemetry', data, ctx);
    if (!msg) return;
    const gap = this.fleet.setTelemetry(msg.clusterId, msg.value, msg.at);
    if (gap > 0) this.metrics.telemetryGaps.inc(gap);
    this.writer.enqueueTelemetry(msg.clusterId, msg.value, msg.at);
  }

  @EventPattern(allClustersFilter('event'))
  async onEvent(@Payload() data: unknown, @Ctx() ctx: MqttContext): Promise<void> {
    const msg = this.gate.accept('DeviceEvent', data, ctx);
    if (!msg) return;
    this.fleet.touch(msg.clusterId, msg.at);
    await this.gate.guard(() => this.events.record(msg.clusterId, msg.value, msg.at));
  }

  @EventPattern(allClustersFilter('ack'))
  async onAck(@Payload() data: unknown, @Ctx() ctx: MqttContext): Promise<void> {
    const msg = this.gate.accept('CommandAck', data, ctx);
    if (!msg) return;
    this.fleet.touch(msg.clusterId, msg.at);
    const known = await this.gate.guard(() => this.commands.applyAck(msg.clusterId, msg.value, msg.at));
    if (known === false) this.metrics.drop('unknown_command', `cluster ${msg.clusterId} ack ${msg.value.id}`);
  }
}
