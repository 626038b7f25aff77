import {
  MqttRecord,
  type ConsumerDeserializer,
  type IncomingEvent,
  type Serializer,
} from '@nestjs/microservices';

/**
 * Devices publish plain JSON documents, not Nest's `{pattern, data, id}` envelope. Every incoming message
 * becomes an event whose pattern is its topic; the payload stays as parsed (or the raw text when it was not
 * JSON), and the handler validates it against the contract.
 */
export class DeviceMessageDeserializer implements ConsumerDeserializer {
  deserialize(value: unknown, options?: Record<string, unknown>): IncomingEvent {
    return { pattern: String(options?.channel ?? ''), data: value };
  }
}

/** Publishes the payload itself (already contract-encoded), without Nest's envelope. */
export class DevicePayloadSerializer implements Serializer {
  serialize(packet: { data?: unknown }): Buffer | string {
    const data = packet.data instanceof MqttRecord ? (packet.data.data as unknown) : packet.data;
    return Buffer.isBuffer(data) ? data : JSON.stringify(data);
  }
}
