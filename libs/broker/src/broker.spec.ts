import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { clusterTopic, type DropReason } from '@loa-xa/protocol';
import { EmbeddedBroker } from './broker';
import { eventually } from '../../../test/support/http';

/**
 * The broker alone, with a hand-driven clock for the rate limit: no server, no database, no timing luck.
 * Usernames are the principal: `svc` is a service, anything else a device whose cluster id is the username.
 */
describe('EmbeddedBroker: per-client publish rate limit', () => {
  const BURST = 5;
  const RATE = 2; // tokens per second of the fake clock
  let clock = 0;
  let broker: EmbeddedBroker;
  let url: string;
  const drops: { reason: DropReason; clientId: string | undefined }[] = [];
  const clients: MqttClient[] = [];
  let observer: MqttClient;
  const received: string[] = [];

  const connect = async (username: string, options: mqtt.IClientOptions = {}) => {
    const client = await mqtt.connectAsync(url, {
      clientId: username === 'svc' ? `svc-${randomUUID()}` : username,
      username,
      password: 'x',
      reconnectPeriod: 0,
      protocolVersion: 4,
      ...options,
    });
    clients.push(client);
    return client;
  };
  const telemetry = (id: string) => clusterTopic(id, 'telemetry');
  const publishMany = (client: MqttClient, topic: string, count: number, qos: 0 | 1 = 1) =>
    Promise.all(Array.from({ length: count }, (_, i) => client.publishAsync(topic, `m${i}`, { qos })));
  const countOf = (topic: string) => received.filter((t) => t === topic).length;
  const rateLimited = (clientId: string) =>
    drops.filter((d) => d.reason === 'rate_limited' && d.clientId === clientId).length;
  /** Refills every bucket and sends one more message: once it arrives, everything before it has too. */
  const settle = async (client: MqttClient, id: string) => {
    clock += 3_600_000;
    const before = countOf(clusterTopic(id, 'event'));
    await client.publishAsync(clusterTopic(id, 'event'), 'sentinel', { qos: 1 });
    await eventually(async () => countOf(clusterTopic(id, 'event')) === before + 1);
  };

  beforeAll(async () => {
    broker = new EmbeddedBroker({
      host: '127.0.0.1',
      tcpPort: 0,
      wsPort: null,
      tlsPort: null,
      wssPort: null,
      rateLimit: { ratePerS: RATE, burst: BURST },
      now: () => clock,
      hooks: {
        authenticate: async (_clientId, username) =>
          username === 'svc'
            ? { ok: true, principal: { kind: 'service', name: 'svc' } }
            : { ok: true, principal: { kind: 'device', clusterId: username ?? '' } },
        onDrop: (reason, clientId) => drops.push({ reason, clientId }),
      },
    });
    url = (await broker.start()).tcp as string;
    observer = await connect('svc');
    observer.on('message', (topic) => received.push(topic));
    await observer.subscribeAsync('loa/v1/#', { qos: 1 });
  });
  afterEach(async () => {
    await Promise.all(clients.filter((c) => c !== observer).map((c) => c.endAsync(true)));
    clients.splice(0, clients.length, observer);
  });
  afterAll(async () => {
    await observer?.endAsync(true);
    await broker?.close();
  });

  it('delivers a burst, then acknowledges but drops and counts the rest, and keeps the connection', async () => {
    const id = randomUUID();
    const device = await connect(id);
    // Every QoS 1 publish gets its PUBACK (publishAsync resolves), delivered or not.
    await publishMany(device, telemetry(id), 3 * BURST, 1);
    await Promise.all([
      publishMany(device, telemetry(id), BURST, 0),
      // aedes handles a connection's packets in order: this PUBACK comes after the QoS 0 ones were judged.
      device.publishAsync(telemetry(id), 'barrier', { qos: 1 }),
    ]);
    expect(rateLimited(id)).toBe(3 * BURST + 1);
    await settle(device, id);
    expect(countOf(telemetry(id))).toBe(BURST);
    expect(device.connected).toBe(true);
  });

  it('refills at the configured rate', async () => {
    const id = randomUUID();
    const device = await connect(id);
    await publishMany(device, telemetry(id), BURST + 1);
    expect(rateLimited(id)).toBe(1);
    clock += 1000; // RATE tokens
    await publishMany(device, telemetry(id), RATE + 1);
    expect(rateLimited(id)).toBe(2);
    await settle(device, id);
    expect(countOf(telemetry(id))).toBe(BURST + RATE);
  });

  it('gives every client its own bucket, so a flooder does not starve the others', async () => {
    const [floodId, calmId] = [randomUUID(), randomUUID()];
    const [flooder, calm] = await Promise.all([connect(floodId), connect(calmId)]);
    await Promise.all([
      publishMany(flooder, telemetry(floodId), 50 * BURST, 0),
      publishMany(calm, telemetry(calmId), BURST, 1),
    ]);
    expect(rateLimited(calmId)).toBe(0);
    await settle(calm, calmId);
    expect(countOf(telemetry(calmId))).toBe(BURST);
  });

  it('does not limit services (the server)', async () => {
    const service = await connect('svc');
    const topic = clusterTopic(randomUUID(), 'cmd');
    await publishMany(service, topic, 10 * BURST, 1);
    await eventually(async () => countOf(topic) === 10 * BURST);
    expect(drops.filter((d) => d.clientId === service.options.clientId)).toEqual([]);
  });

  it('starts a new connection with a full bucket (state is dropped at disconnect)', async () => {
    const id = randomUUID();
    const first = await connect(id);
    await publishMany(first, telemetry(id), BURST + 2);
    expect(rateLimited(id)).toBe(2);
    await first.endAsync();
    const second = await connect(id, { clean: false });
    await publishMany(second, telemetry(id), BURST);
    expect(rateLimited(id)).toBe(2);
    await settle(second, id);
    expect(countOf(telemetry(id))).toBe(2 * BURST);
  });

  it("publishes a device's will even when its bucket is empty", async () => {
    const id = randomUUID();
    const status = clusterTopic(id, 'status');
    const device = await connect(id, {
      will: { topic: status, payload: Buffer.from('offline'), qos: 1, retain: false },
    });
    await publishMany(device, telemetry(id), BURST + 3);
    expect(rateLimited(id)).toBe(3);
    device.stream.destroy(); // link lost: the broker publishes the will
    await eventually(async () => countOf(status) === 1);
    expect(rateLimited(id)).toBe(3);
  });

  it('counts a foreign topic as `topic` while tokens last, and the flood beyond as `rate_limited`', async () => {
    const id = randomUUID();
    const device = await connect(id);
    await publishMany(device, telemetry(randomUUID()), BURST + 4);
    const mine = drops.filter((d) => d.clientId === id).map((d) => d.reason);
    expect(mine.filter((r) => r === 'topic')).toHaveLength(BURST);
    expect(mine.filter((r) => r === 'rate_limited')).toHaveLength(4);
  });
});
