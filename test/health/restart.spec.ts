import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { PROTOCOL_VERSION, clusterTopic, encodePayload, type Telemetry } from '@loa-xa/protocol';
import { startTestServer, type TestServer } from '../support/test-server';
import { eventually, request } from '../support/http';
import { connectDevice, provisionClusters, sampleTelemetry, type ProvisionedCluster } from '../support/fleet';
import type { AlertView } from '../../apps/server/src/health/alert-events';

/** Alerts live in the database: a restart neither loses an open one nor opens it twice. */
describe('alerts across a server restart', () => {
  let dir: string;
  let first: TestServer | undefined;
  let second: TestServer | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loa-health-restart-'));
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function report(server: TestServer, cluster: ProvisionedCluster, over: Partial<Telemetry>) {
    const client = await connectDevice(server.mqttUrl, cluster);
    await client.publishAsync(
      clusterTopic(cluster.id, 'status'),
      encodePayload('Status', { v: PROTOCOL_VERSION, ts: Date.now(), state: 'online' }),
      { qos: 1, retain: true },
    );
    await client.publishAsync(
      clusterTopic(cluster.id, 'telemetry'),
      encodePayload('Telemetry', sampleTelemetry(Date.now() % 100_000, over)),
      { qos: 1 },
    );
    return client;
  }
  const alerts = async (server: TestServer, clusterId: string) =>
    (
      await request<{ items: AlertView[] }>(
        'GET',
        server.url(`/api/v1/alerts?clusterId=${clusterId}&rule=amp_fault&state=all`),
      )
    ).body.items;

  it('keeps the open alert, does not open a second, and resolves it when the fault clears', async () => {
    first = await startTestServer({ dataDir: dir, healthTickMs: 50 });
    const [cluster] = await provisionClusters(first, 1);
    const rows: { commune_id: string }[] = await first.app
      .get(DataSource)
      .query(`SELECT commune_id FROM cluster WHERE id = $1`, [cluster.id]);
    await request('PUT', first.url(`/api/v1/health-rules/overrides/${rows[0].commune_id}/amp_fault`), {
      params: { raiseAfterS: 0, clearAfterS: 1 },
    });
    const before = await report(first, cluster, { amp: 'fault' });
    const [opened] = await eventually(async () => {
      const list = await alerts(first!, cluster.id);
      return list.length === 1 && list;
    });
    before.stream.destroy();
    await first.stop();

    second = await startTestServer(
      first.config.databaseUrl
        ? { databaseUrl: first.config.databaseUrl, healthTickMs: 50 }
        : { dataDir: dir, healthTickMs: 50 },
    );
    const still = await report(second, cluster, { amp: 'fault' });
    // The fault is reported again after the restart: the same alert, still open.
    await eventually(async () => (await alerts(second!, cluster.id))[0]?.state === 'open');
    expect((await alerts(second, cluster.id)).map((a) => a.id)).toEqual([opened.id]);

    await still.publishAsync(
      clusterTopic(cluster.id, 'telemetry'),
      encodePayload('Telemetry', sampleTelemetry((Date.now() % 100_000) + 1)),
      { qos: 1 },
    );
    await eventually(async () => (await alerts(second!, cluster.id))[0]?.state === 'resolved');
    expect((await alerts(second, cluster.id)).map((a) => a.id)).toEqual([opened.id]);
    await still.endAsync();
  }, 120_000);
});
