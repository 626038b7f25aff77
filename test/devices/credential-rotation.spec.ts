import mqtt, { type MqttClient } from 'mqtt';
import { DataSource } from 'typeorm';
import { ClusterCredential } from '@loa-xa/persistence';
import { clusterTopic, encodePayload } from '@loa-xa/protocol';
import { startTestServer, type TestServer } from '../support/test-server';
import { eventually, request } from '../support/http';
import { connectDevice, provisionClusters, sampleTelemetry, type ProvisionedCluster } from '../support/fleet';
import { MetricsService } from '../../apps/server/src/ops/metrics.service';

const WRONG_PASSWORD = /Bad username or password/;
const NOT_AUTHORIZED = /Not authorized/;

/** Counter value read in-process (what /metrics shows, whatever guards /metrics). */
const counter = (server: TestServer, name: string, labels: Record<string, string> = {}) =>
  server.app.get(MetricsService).counterValue(name, labels);

async function rotate(server: TestServer, clusterId: string): Promise<string> {
  const res = await request<{ credential: { password: string } }>(
    'POST',
    server.url(`/api/v1/clusters/${clusterId}/credential/rotate`),
  );
  expect(res.status).toBe(201);
  return res.body.credential.password;
}

/** Watches a live device connection for any sign of being cut. */
function watchLink(client: MqttClient): { cut: () => string[] } {
  const events: string[] = [];
  for (const name of ['close', 'offline', 'disconnect', 'end'] as const)
    client.on(name, () => events.push(name));
  return { cut: () => events };
}

async function storedTelemetry(server: TestServer, clusterId: string): Promise<number> {
  const [row] = (await server.app
    .get(DataSource)
    .query(`SELECT count(*)::int AS n FROM telemetry_sample WHERE cluster_id = $1`, [clusterId])) as {
    n: number;
  }[];
  return row.n;
}

/** The live session still carries data: a telemetry published now is stored. */
async function stillCarries(server: TestServer, client: MqttClient, cluster: ProvisionedCluster) {
  const before = await storedTelemetry(server, cluster.id);
  await client.publishAsync(
    clusterTopic(cluster.id, 'telemetry'),
    encodePayload('Telemetry', sampleTelemetry(before + 1)),
    { qos: 1 },
  );
  await eventually(async () => (await storedTelemetry(server, cluster.id)) === before + 1);
}

describe('credential rotation with a grace period (default CREDENTIAL_GRACE_S)', () => {
  let server: TestServer;
  const clients: MqttClient[] = [];
  const track = (c: MqttClient) => (clients.push(c), c);

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  });
  afterAll(async () => {
    await server?.close();
  });

  it('keeps the live session, lets the old secret reconnect until the new one is used, then refuses it', async () => {
    const [cluster] = await provisionClusters(server, 1);
    const live = track(await connectDevice(server.mqttUrl, cluster));
    const link = watchLink(live);

    const secret = await rotate(server, cluster.id);
    expect(secret).not.toBe(cluster.secret);
    await stillCarries(server, live, cluster);
    expect(link.cut()).toEqual([]);
    expect(live.connected).toBe(true);

    // The device reboots before it is reconfigured: the old secret still opens a session, and is counted.
    await live.endAsync();
    const usedBefore = await counter(server, 'loa_mqtt_previous_credential_used_total');
    const again = track(await connectDevice(server.mqttUrl, cluster));
    expect(again.connected).toBe(true);
    expect(await counter(server, 'loa_mqtt_previous_credential_used_total')).toBe(usedBefore + 1);
    await again.endAsync();

    // Reconfigured: the new secret connects, and from then on the old one is refused and counted.
    const renewed = track(await connectDevice(server.mqttUrl, { ...cluster, secret }));
    expect(renewed.connected).toBe(true);
    const refusedBefore = await counter(server, 'loa_mqtt_auth_failures_total', {
      reason: 'bad_credentials',
    });
    await expect(connectDevice(server.mqttUrl, cluster)).rejects.toThrow(WRONG_PASSWORD);
    expect(await counter(server, 'loa_mqtt_auth_failures_total', { reason: 'bad_credentials' })).toBe(
      refusedBefore + 1,
    );
    // A refused CONNECT with the same client id does not take the session over.
    await stillCarries(server, renewed, cluster);

    const row = await server.app.get(DataSource).getRepository(ClusterCredential).findOneByOrFail({
      clusterId: cluster.id,
    });
    expect([row.previousSecretSha256, row.previousValidUntil]).toEqual([null, null]);
  });

  it('keeps the old secret for the configured grace period', async () => {
    const [cluster] = await provisionClusters(server, 1);
    const before = Date.now();
    await rotate(server, cluster.id);
    const row = await server.app.get(DataSource).getRepository(ClusterCredential).findOneByOrFail({
      clusterId: cluster.id,
    });
    expect(row.previousSecretSha256).toMatch(/^[0-9a-f]{64}$/);
    const graceMs = server.config.credentialGraceS * 1000;
    expect(row.previousValidUntil!.getTime()).toBeGreaterThanOrEqual(before + graceMs - 1000);
    expect(row.previousValidUntil!.getTime()).toBeLessThanOrEqual(Date.now() + graceMs + 1000);
  });

  it('keeps only the secret replaced last when rotated twice', async () => {
    const [cluster] = await provisionClusters(server, 1);
    const second = await rotate(server, cluster.id);
    const third = await rotate(server, cluster.id);
    await expect(connectDevice(server.mqttUrl, cluster)).rejects.toThrow(WRONG_PASSWORD);
    const withSecond = await connectDevice(server.mqttUrl, { ...cluster, secret: second });
    await withSecond.endAsync();
    const withThird = track(await connectDevice(server.mqttUrl, { ...cluster, secret: third }));
    expect(withThird.connected).toBe(true);
  });

  it('revokes both secrets when the cluster is decommissioned, and closes its session', async () => {
    const [cluster] = await provisionClusters(server, 1);
    const live = track(await connectDevice(server.mqttUrl, cluster));
    const closed = new Promise<void>((resolve) => live.once('close', () => resolve()));
    const secret = await rotate(server, cluster.id);
    const res = await request('PATCH', server.url(`/api/v1/clusters/${cluster.id}`), {
      lifecycle: 'decommissioned',
    });
    expect(res.status).toBe(200);
    await closed;
    const before = await counter(server, 'loa_mqtt_auth_failures_total', { reason: 'revoked' });
    await expect(connectDevice(server.mqttUrl, cluster)).rejects.toThrow(NOT_AUTHORIZED);
    await expect(connectDevice(server.mqttUrl, { ...cluster, secret })).rejects.toThrow(NOT_AUTHORIZED);
    expect(await counter(server, 'loa_mqtt_auth_failures_total', { reason: 'revoked' })).toBe(before + 2);
  });
});

describe('credential rotation without a grace period (CREDENTIAL_GRACE_S=0)', () => {
  let server: TestServer;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    server = await startTestServer({ credentialGraceS: 0 });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await server?.close();
  });

  it('refuses the old secret at once but does not cut the live session', async () => {
    const [cluster] = await provisionClusters(server, 1);
    const live = await connectDevice(server.mqttUrl, cluster);
    clients.push(live);
    const link = watchLink(live);

    const secret = await rotate(server, cluster.id);
    await expect(connectDevice(server.mqttUrl, cluster)).rejects.toThrow(WRONG_PASSWORD);
    await stillCarries(server, live, cluster);
    expect(link.cut()).toEqual([]);
    expect(live.connected).toBe(true);

    const renewed = await connectDevice(server.mqttUrl, { ...cluster, secret });
    clients.push(renewed);
    expect(renewed.connected).toBe(true);
  });
});

describe('refused connections are counted by reason', () => {
  let server: TestServer;
  let cluster: ProvisionedCluster;
  let other: ProvisionedCluster;

  beforeAll(async () => {
    server = await startTestServer();
    [cluster, other] = await provisionClusters(server, 2);
  });
  afterAll(async () => {
    await server?.close();
  });

  const connectAs = (clientId: string, username: string, password: string, url = server.mqttUrl) =>
    mqtt.connectAsync(url, {
      clientId,
      username,
      password,
      reconnectPeriod: 0,
      protocolVersion: 4,
      connectTimeout: 5000,
    });

  it.each([
    ['a wrong password', 'bad_credentials', WRONG_PASSWORD, () => [cluster.id, cluster.id, 'not-the-secret']],
    [
      'an unknown cluster id',
      'unknown_client',
      NOT_AUTHORIZED,
      () => ['00000000-0000-4000-8000-000000000000', '00000000-0000-4000-8000-000000000000', 'x'],
    ],
    ['a username that is no cluster id', 'unknown_client', NOT_AUTHORIZED, () => ['someone', 'someone', 'x']],
    [
      'a client id that is not the username',
      'client_id_mismatch',
      NOT_AUTHORIZED,
      () => [other.id, cluster.id, cluster.secret],
    ],
    [
      "the server's username with a wrong password",
      'bad_credentials',
      WRONG_PASSWORD,
      () => ['intruder', server.config.mqttUsername, 'guess'],
    ],
  ] as [string, string, RegExp, () => [string, string, string]][])(
    'refuses %s over TCP and WebSocket, counted as %s',
    async (_label, reason, message, who) => {
      const [clientId, username, password] = who();
      const before = await counter(server, 'loa_mqtt_auth_failures_total', { reason });
      await expect(connectAs(clientId, username, password)).rejects.toThrow(message);
      await expect(
        connectAs(clientId, username, password, server.broker.listening.ws as string),
      ).rejects.toThrow(message);
      expect(await counter(server, 'loa_mqtt_auth_failures_total', { reason })).toBe(before + 2);
    },
  );

  it('refuses a revoked credential, counted as revoked', async () => {
    const [gone] = await provisionClusters(server, 1);
    expect(
      (await request('PATCH', server.url(`/api/v1/clusters/${gone.id}`), { lifecycle: 'decommissioned' }))
        .status,
    ).toBe(200);
    const before = await counter(server, 'loa_mqtt_auth_failures_total', { reason: 'revoked' });
    await expect(connectDevice(server.mqttUrl, gone)).rejects.toThrow(NOT_AUTHORIZED);
    expect(await counter(server, 'loa_mqtt_auth_failures_total', { reason: 'revoked' })).toBe(before + 1);
  });
});
