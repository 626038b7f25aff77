import type { MqttClient } from 'mqtt';
import { DataSource } from 'typeorm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterFault, DeviceEventRow, TelemetrySample, openDatabase } from '@loa-xa/persistence';
import { PROTOCOL_VERSION, clusterTopic, encodePayload, type DeviceEvent } from '@loa-xa/protocol';
import { startTestServer, type TestServer } from '../support/test-server';
import { eventually, request } from '../support/http';
import {
  connectDevice,
  metric,
  provisionClusters,
  sampleTelemetry,
  type ProvisionedCluster,
} from '../support/fleet';
import { FleetView } from '../../apps/server/src/fleet/fleet-view.service';

const online = (server: TestServer, id: string) => server.app.get(FleetView).get(id)?.online;
const statusOnline = () => encodePayload('Status', { v: PROTOCOL_VERSION, ts: Date.now(), state: 'online' });
const event = (id: string, type: DeviceEvent['type'], code: DeviceEvent['code']): Buffer =>
  encodePayload('DeviceEvent', { v: PROTOCOL_VERSION, ts: Date.now(), id, type, code });

describe('device side: presence, telemetry, events, bad input', () => {
  let server: TestServer;
  let clusters: ProvisionedCluster[];
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    clusters = await provisionClusters(server, 3);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await server?.close();
  });

  it('shows a cluster online after its status, and offline when its last will fires', async () => {
    const [c] = clusters;
    const device = await connectDevice(server.mqttUrl, c);
    await device.publishAsync(clusterTopic(c.id, 'status'), statusOnline(), { qos: 1, retain: true });
    await eventually(async () => online(server, c.id) === true);
    device.stream.destroy(); // link lost: no DISCONNECT, so the broker publishes the will
    await eventually(async () => online(server, c.id) === false);
    const ds = server.app.get(DataSource);
    const transitions = await eventually(async () => {
      const rows = await ds.query(
        `SELECT online, cause FROM presence_transition WHERE cluster_id = $1 ORDER BY id`,
        [c.id],
      );
      return rows.length === 2 ? rows : null;
    });
    expect(transitions.map((t: { online: boolean }) => t.online)).toEqual([true, false]);
  });

  it('marks a cluster offline on a clean disconnect that sent no offline status', async () => {
    const [, c] = clusters;
    const device = await connectDevice(server.mqttUrl, c);
    await device.publishAsync(clusterTopic(c.id, 'status'), statusOnline(), { qos: 1, retain: true });
    await eventually(async () => online(server, c.id) === true);
    await device.endAsync();
    await eventually(async () => online(server, c.id) === false);
  });

  it('stores telemetry in batches and serves its history', async () => {
    const [, , c] = clusters;
    const device = await connectDevice(server.mqttUrl, c);
    clients.push(device);
    for (let seq = 1; seq <= 25; seq++) {
      await device.publishAsync(
        clusterTopic(c.id, 'telemetry'),
        encodePayload('Telemetry', sampleTelemetry(seq, { volume: seq })),
        {
          qos: 1,
        },
      );
    }
    const history = await eventually(async () => {
      const res = await request<{ items: { seq: string; volume: number }[] }>(
        'GET',
        server.url(`/api/v1/clusters/${c.id}/telemetry`),
      );
      return res.body.items.length === 25 ? res.body.items : null;
    });
    expect(history.map((h) => Number(h.seq))).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(history[24].volume).toBe(25);
    expect(server.app.get(FleetView).get(c.id)?.telemetry?.volume).toBe(25);
    // Fewer write statements than messages: the writer batches.
    expect(
      await metric(server.httpUrl, 'loa_db_batch_write_seconds_count', { kind: 'telemetry' }),
    ).toBeLessThan(25);
  });

  it('counts seq gaps as lost telemetry', async () => {
    const [, , c] = clusters;
    const device = clients[0];
    const before = await metric(server.httpUrl, 'loa_telemetry_seq_gaps_total');
    await device.publishAsync(
      clusterTopic(c.id, 'telemetry'),
      encodePayload('Telemetry', sampleTelemetry(30)),
      { qos: 1 },
    );
    await eventually(
      async () => (await metric(server.httpUrl, 'loa_telemetry_seq_gaps_total')) === before + 4,
    );
  });

  it('rejects a bad history query with the field', async () => {
    const [c] = clusters;
    const res = await request<{ errors: { field: string }[] }>(
      'GET',
      server.url(`/api/v1/clusters/${c.id}/telemetry?from=yesterday`),
    );
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('from');
    const missing = await request(
      'GET',
      server.url('/api/v1/clusters/00000000-0000-4000-8000-000000000000/telemetry'),
    );
    expect(missing.status).toBe(404);
  });

  it('opens and closes fault episodes from events, ignoring replays', async () => {
    const [, , c] = clusters;
    const device = clients[0];
    const ds = server.app.get(DataSource);
    await device.publishAsync(clusterTopic(c.id, 'event'), event('e-1', 'fault_raised', 'amp_fault'), {
      qos: 1,
    });
    await device.publishAsync(clusterTopic(c.id, 'event'), event('e-1', 'fault_raised', 'amp_fault'), {
      qos: 1,
    });
    await eventually(async () => server.app.get(FleetView).get(c.id)?.faults.has('amp_fault'));
    await device.publishAsync(clusterTopic(c.id, 'event'), event('e-2', 'fault_cleared', 'amp_fault'), {
      qos: 1,
    });
    await eventually(async () => !server.app.get(FleetView).get(c.id)?.faults.has('amp_fault'));
    expect(await ds.getRepository(DeviceEventRow).countBy({ clusterId: c.id })).toBe(2);
    const episodes = await ds.getRepository(ClusterFault).findBy({ clusterId: c.id });
    expect(episodes).toHaveLength(1);
    expect(episodes[0].clearedAt).not.toBeNull();
  });

  it('drops and counts malformed payloads without storing anything', async () => {
    const [, , c] = clusters;
    const device = clients[0];
    const ds = server.app.get(DataSource);
    const rowsBefore = await ds.getRepository(TelemetrySample).countBy({ clusterId: c.id });
    const counts = async () => ({
      json: await metric(server.httpUrl, 'loa_mqtt_messages_rejected_total', { reason: 'invalid_json' }),
      schema: await metric(server.httpUrl, 'loa_mqtt_messages_rejected_total', { reason: 'schema' }),
      version: await metric(server.httpUrl, 'loa_mqtt_messages_rejected_total', { reason: 'version' }),
    });
    const before = await counts();
    const topic = clusterTopic(c.id, 'telemetry');
    await device.publishAsync(topic, '{"v":1,"ts":', { qos: 1 });
    await device.publishAsync(topic, 'not json at all', { qos: 1 });
    await device.publishAsync(topic, JSON.stringify({ ...sampleTelemetry(31), volume: 101 }), { qos: 1 });
    await device.publishAsync(topic, JSON.stringify({ ...sampleTelemetry(32), extra: true }), { qos: 1 });
    await device.publishAsync(topic, JSON.stringify('"a string"'), { qos: 1 });
    await device.publishAsync(topic, JSON.stringify({ ...sampleTelemetry(33), v: 2 }), { qos: 1 });
    await device.publishAsync(
      clusterTopic(c.id, 'event'),
      JSON.stringify({ v: 1, ts: 1, id: 'x', type: 'boom', code: 'amp_fault' }),
      {
        qos: 1,
      },
    );
    await eventually(async () => {
      const now = await counts();
      return (
        now.json === before.json + 2 && now.schema === before.schema + 4 && now.version === before.version + 1
      );
    });
    expect(await ds.getRepository(TelemetrySample).countBy({ clusterId: c.id })).toBe(rowsBefore);
    const health = await request<{ status: string }>('GET', server.url('/health'));
    expect(health.body.status).toBe('up');
  });

  it('counts messages for clusters the registry does not know', async () => {
    const observer = await connectDevice(
      server.mqttUrl,
      { id: 'x', secret: '' },
      {
        clientId: 'svc-test',
        username: server.config.mqttUsername,
        password: server.config.mqttPassword,
        will: undefined,
        clean: true,
      },
    );
    const before = await metric(server.httpUrl, 'loa_mqtt_messages_rejected_total', {
      reason: 'unknown_cluster',
    });
    await observer.publishAsync(
      clusterTopic('00000000-0000-4000-8000-000000000000', 'telemetry'),
      encodePayload('Telemetry', sampleTelemetry(1)),
      {
        qos: 1,
      },
    );
    await eventually(
      async () =>
        (await metric(server.httpUrl, 'loa_mqtt_messages_rejected_total', { reason: 'unknown_cluster' })) ===
        before + 1,
    );
    await observer.endAsync();
  });
});

describe('graceful shutdown', () => {
  it('flushes queued telemetry before the database closes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loa-flush-'));
    try {
      // A flush interval far longer than the test: only the shutdown flush can write these rows.
      const server = await startTestServer({
        dataDir: dir,
        telemetryFlushMs: 600_000,
        telemetryBatchMax: 50_000,
      });
      const [c] = await provisionClusters(server, 1);
      const device = await connectDevice(server.mqttUrl, c);
      for (let seq = 1; seq <= 40; seq++) {
        await device.publishAsync(
          clusterTopic(c.id, 'telemetry'),
          encodePayload('Telemetry', sampleTelemetry(seq)),
          { qos: 1 },
        );
      }
      await eventually(async () => server.app.get(FleetView).get(c.id)?.lastSeq === 40);
      await device.endAsync(true);
      await server.stop();
      const ds = await openDatabase(
        server.config.databaseUrl
          ? { databaseUrl: server.config.databaseUrl }
          : { pgliteDir: join(dir, 'pglite') },
      );
      expect(await ds.getRepository(TelemetrySample).countBy({ clusterId: c.id })).toBe(40);
      await ds.destroy();
      await server.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
