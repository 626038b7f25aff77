import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ClientMqtt, MqttRecordBuilder } from '@nestjs/microservices';
import { randomBytes } from 'node:crypto';
import { lastValueFrom } from 'rxjs';
import { TOPIC_SPECS, clusterTopic, encodePayload, type Command, type Manifest } from '@loa-xa/protocol';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { BrokerService } from '../broker/broker.service';
import { MetricsService } from '../ops/metrics.service';
import { DevicePayloadSerializer } from './mqtt-codec';

/**
 * Publishes server-to-device messages with the contract's QoS and retain: straight into the embedded broker
 * when there is one, else through the Nest MQTT client to the external broker.
 */
@Injectable()
export class DevicePublisher implements OnApplicationShutdown {
  private clientInstance: ClientMqtt | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly broker: BrokerService,
    private readonly metrics: MetricsService,
  ) {}

  /** Created on first use: the embedded broker's address is known only once it listens. */
  private get client(): ClientMqtt {
    this.clientInstance ??= new ClientMqtt({
      url: this.broker.serverUrl,
      username: this.config.mqttUsername,
      password: this.config.mqttPassword,
      clientId: `loa-server-pub-${randomBytes(4).toString('hex')}`,
      protocolVersion: 4,
      serializer: new DevicePayloadSerializer(),
    });
    return this.clientInstance;
  }

  async sendCommand(clusterId: string, command: Command): Promise<void> {
    await this.publishEncoded(clusterId, 'cmd', encodePayload('Command', command));
  }

  /** Publishes (retained) the manifest a cluster must follow; the broker hands it over on subscribe. */
  async publishManifest(clusterId: string, manifest: Manifest): Promise<void> {
    await this.publishEncoded(clusterId, 'manifest', encodePayload('Manifest', manifest));
  }

  /** Publishes an already-encoded payload on a server channel with the contract's QoS and retain. */
  async publishEncoded(clusterId: string, channel: 'cmd' | 'manifest', payload: Buffer): Promise<void> {
    const spec = TOPIC_SPECS[channel];
    const topic = clusterTopic(clusterId, channel);
    const local = await this.broker.publishLocal({ topic, payload, qos: spec.qos, retain: spec.retain });
    if (!local) {
      const record = new MqttRecordBuilder(payload).setQoS(spec.qos).setRetain(spec.retain).build();
      await lastValueFrom(this.client.emit(topic, record), { defaultValue: undefined });
    }
    this.metrics.messagesOut.inc({ channel });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.clientInstance?.close();
    this.clientInstance = null;
  }
}
