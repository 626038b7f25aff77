import mqtt, { type MqttClient } from 'mqtt';
import { clusterTopic, encodePayload, MAX_PACKET_BYTES } from '@loa-xa/protocol';
import { startTestServer, type TestServer } from '../support/test-server';
import { eventually } from '../support/http';
import {
  connectDevice,
  metric,
  provisionClusters,
  sampleTelemetry,
  type ProvisionedCluster,
} from '../support/fleet';

describe('embedded broker: authentication and topic rights', () => {
  let server: TestServer;
  let a: ProvisionedCluster;
  let b: ProvisionedCluster;
  const clients: MqttClient[] = [];
  const track = (c: MqttClient) => (clients.push(c), c);

  beforeAll(async () => {
    server = await startTestServer();
    [a, b] = await provisionClusters(server, 2);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  });
  afterAll(async () => {
    await server?.close();
  });

  it('accepts a cluster with its own credential', async () => {
    const client = track(await connectDevice(server.mqttUrl, a));
    expect(client.connected).toBe(true);
  });

  it.each([
    ['a wrong password', (c: ProvisionedCluster) => ({ ...c, secret: 'not-the-secret' }), 'bad_credentials'],
    [
      'an unknown cluster id',
      () => ({ id: '00000000-0000-4000-8000-000000000000', secret: 'x' }),
      'unknown_client',
    ],
  ])('refuses %s at CONNECT and counts it', async (_label, mutate, reason) => {
    const before = await metric(server.httpUrl, 'loa_mqtt_auth_failures_total', { reason });
    await expect(connectDevice(server.mqttUrl, mutate(a))).rejects.toThrow(
      /Bad username or password|Not authorized/,
    );
    expect(await metric(server.httpUrl, 'loa_mqtt_auth_failures_total', { reason })).toBe(before + 1);
  });

  it('refuses a client id that is not the username', async () => {
    await expect(
      mqtt.connectAsync(server.mqttUrl, {
        clientId: b.id,
        username: a.id,
        password: a.secret,
        reconnectPeriod: 0,
        protocolVersion: 4,
      }),
    ).rejects.toThrow(/Not authorized/);
  });

  it("drops and counts a publish on another cluster's topic without disconnecting the sender", async () => {
    const observer = track(
      await mqtt.connectAsync(server.mqttUrl, {
        username: server.config.mqttUsername,
        password: server.config.mqttPassword,
        reconnectPeriod: 0,
      }),
    );
    const seen: string[] = [];
    observer.on('message', (topic) => seen.push(topic));
    await observer.subscribeAsync('loa/v1/#', { qos: 1 });
    const device = track(await connectDevice(server.mqttUrl, a));
    const before = await metric(server.httpUrl, 'loa_mqtt_messages_rejected_total', { reason: 'topic' });

    await device.publishAsync(
      clusterTopic(b.id, 'telemetry'),
      encodePayload('Telemetry', sampleTelemetry(1)),
      { qos: 1 },
    );
    await device.publishAsync(clusterTopic(a.id, 'cmd'), 'x', { qos: 1 }); // devices never publish commands
    await device.publishAsync(
      clusterTopic(a.id, 'telemetry'),
      encodePayload('Telemetry', sampleTelemetry(1)),
      { qos: 1 },
    );

    await eventually(async () => seen.includes(clusterTopic(a.id, 'telemetry')));
    expect(seen).not.toContain(clusterTopic(b.id, 'telemetry'));
    expect(seen).not.toContain(clusterTopic(a.id, 'cmd'));
    expect(device.connected).toBe(true);
    expect(await metric(server.httpUrl, 'loa_mqtt_messages_rejected_total', { reason: 'topic' })).toBe(
      before + 2,
    );
  });

  it("refuses subscriptions to another cluster's commands and to wildcards", async () => {
    const device = track(await connectDevice(server.mqttUrl, a));
    // MQTT.js rejects the whole call when any filter is refused; the SUBACK return codes ride on the error.
    const error = await device
      .subscribeAsync(
        [
          clusterTopic(a.id, 'cmd'),
          clusterTopic(b.id, 'cmd'),
          'loa/v1/#',
          `loa/v1/c/+/cmd`,
          clusterTopic(a.id, 'telemetry'),
        ],
        { qos: 1 },
      )
      .then(
        () => null,
        (err: { packet?: { granted?: number[] } }) => err,
      );
    expect(error?.packet?.granted).toEqual([1, 128, 128, 128, 128]);
    expect(device.connected).toBe(true);
  });

  it('closes a connection that announces a packet above the size limit, and counts it', async () => {
    const device = track(await connectDevice(server.mqttUrl, a));
    const before = await metric(server.httpUrl, 'loa_mqtt_messages_rejected_total', { reason: 'oversize' });
    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
    device.publish(clusterTopic(a.id, 'telemetry'), Buffer.alloc(MAX_PACKET_BYTES + 1024, 0x20), { qos: 0 });
    await closed;
    expect(await metric(server.httpUrl, 'loa_mqtt_messages_rejected_total', { reason: 'oversize' })).toBe(
      before + 1,
    );
    // The broker is still serving others.
    const other = track(await connectDevice(server.mqttUrl, b));
    expect(other.connected).toBe(true);
  });

  it('serves MQTT over WebSocket with the same rules', async () => {
    const wsUrl = server.broker.listening.ws;
    expect(wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/mqtt$/);
    const device = track(await connectDevice(wsUrl as string, a));
    expect(device.connected).toBe(true);
    await expect(connectDevice(wsUrl as string, { ...a, secret: 'nope' })).rejects.toThrow(
      /Bad username or password/,
    );
  });
});
