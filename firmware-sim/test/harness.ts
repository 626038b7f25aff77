import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import Aedes from 'aedes';
import { connectAsync, type MqttClient } from 'mqtt';
import {
  TOPIC_SPECS,
  clusterTopic,
  decodePayload,
  parseTopic,
  type Channel,
  type Command,
  type CommandAck,
  type DeviceEvent,
  type Hello,
  type Manifest,
  type ManifestSync,
  type PlayLog,
  type Status,
  type Telemetry,
} from '@loa-xa/protocol';

/** Payload type per channel, for typed assertions (validation itself goes by TOPIC_SPECS). */
export interface ChannelPayloads {
  hello: Hello;
  status: Status;
  telemetry: Telemetry;
  event: DeviceEvent;
  ack: CommandAck;
  cmd: Command;
  sync: ManifestSync;
  playlog: PlayLog;
  manifest: Manifest;
}

/**
 * Test support: a real in-process aedes broker on an ephemeral 127.0.0.1 port, and a real MQTT.js
 * observer that records everything under `loa/v1/#` (playing the server's side).
 */

export interface TestBroker {
  url: string;
  aedes: Aedes;
  close(): Promise<void>;
}

/** `port` reuses a port (a broker that "comes back" after being stopped); default: an ephemeral one. */
export async function startBroker(port = 0): Promise<TestBroker> {
  const aedes = new Aedes();
  const server = createServer(aedes.handle);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  return {
    url: `mqtt://127.0.0.1:${address.port}`,
    aedes,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Seen {
  topic: string;
  clusterId: string;
  channel: Channel;
  payload: Buffer;
  retain: boolean;
  /** Observer's receive time (real clock). */
  at: number;
  /** Position in the observer's log. */
  index: number;
}

type Predicate = (message: Seen) => boolean;

export class Observer {
  readonly messages: Seen[] = [];
  private waiters = new Set<{ predicate: Predicate; from: number; resolve: (m: Seen) => void }>();

  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      const parsed = parseTopic(topic);
      if (!parsed) return;
      const seen: Seen = {
        topic,
        ...parsed,
        payload,
        retain: packet.retain,
        at: Date.now(),
        index: this.messages.length,
      };
      this.messages.push(seen);
      for (const waiter of [...this.waiters]) {
        if (seen.index >= waiter.from && waiter.predicate(seen)) {
          this.waiters.delete(waiter);
          waiter.resolve(seen);
        }
      }
    });
  }

  static async connect(url: string, filter = 'loa/v1/#'): Promise<Observer> {
    const client = await connectAsync(url, {
      clientId: `observer-${Math.random().toString(16).slice(2)}`,
      reconnectPeriod: 0,
    });
    const observer = new Observer(client);
    await client.subscribeAsync(filter, { qos: 1 });
    return observer;
  }

  /** First message (from log index `from` on) matching `predicate`, already received or still to come. */
  waitFor(predicate: Predicate, { from = 0, timeoutMs = 15_000, what = 'message' } = {}): Promise<Seen> {
    const found = this.messages.slice(from).find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise<Seen>((resolve, reject) => {
      const waiter = {
        predicate,
        from,
        resolve: (m: Seen) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const topics = this.messages
          .slice(-10)
          .map((m) => `${m.channel}:${m.payload.toString().slice(0, 80)}`);
        reject(
          new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen:\n${topics.join('\n')}`),
        );
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Messages of one cluster's channel, decoded; throws if any breaks the contract. */
  decoded<C extends Channel>(
    clusterId: string,
    channel: C,
  ): Array<{ seen: Seen; value: ChannelPayloads[C] }> {
    return this.messages
      .filter((m) => m.clusterId === clusterId && m.channel === channel)
      .map((seen) => ({ seen, value: decodeAs(seen, channel) }));
  }

  publishCommand(clusterId: string, command: Command | string): Promise<unknown> {
    const payload = typeof command === 'string' ? command : JSON.stringify(command);
    return this.client.publishAsync(clusterTopic(clusterId, 'cmd'), payload, { qos: TOPIC_SPECS.cmd.qos });
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

/** Decodes a message with the schema its channel carries in the contract; throws on any violation. */
export function decodeAs<C extends Channel>(seen: Seen, channel: C): ChannelPayloads[C] {
  const spec = TOPIC_SPECS[channel];
  const result = decodePayload(spec.payload, seen.payload);
  if (!result.ok) throw new Error(`${seen.topic}: ${result.message} in ${seen.payload.toString()}`);
  return result.value as ChannelPayloads[C];
}

/** Polls `condition` until true (for counters that have no event of their own). */
export async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
