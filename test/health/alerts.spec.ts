import type { MqttClient } from 'mqtt';
import { DataSource } from 'typeorm';
import { Cluster } from '@loa-xa/persistence';
import { PROTOCOL_VERSION, clusterTopic, encodePayload, type Telemetry } from '@loa-xa/protocol';
import { startTestServer, type TestServer } from '../support/test-server';
import { eventually, request } from '../support/http';
import { connectDevice, provisionClusters, sampleTelemetry, type ProvisionedCluster } from '../support/fleet';
import type { AlertView } from '../../apps/server/src/health/alert-events';
import { createAccount } from '../access/support';
import { followSse } from './sse';
import { defaultAuthorization } from '../support/http';

interface Page {
  items: AlertView[];
  total: number;
}

/** Alerts of one cluster under one rule, any state. */
async function alertsOf(server: TestServer, clusterId: string, rule: string, state = 'all') {
  const res = await request<Page>(
    'GET',
    server.url(`/api/v1/alerts?clusterId=${clusterId}&rule=${rule}&state=${state}`),
  );
  expect(res.status).toBe(200);
  return res.body.items;
}

async function sendTelemetry(
  client: MqttClient,
  clusterId: string,
  seq: number,
  over: Partial<Telemetry> = {},
) {
  await client.publishAsync(
    clusterTopic(clusterId, 'telemetry'),
    encodePayload('Telemetry', sampleTelemetry(seq, over)),
    { qos: 1 },
  );
}

async function online(client: MqttClient, clusterId: string) {
  await client.publishAsync(
    clusterTopic(clusterId, 'status'),
    encodePayload('Status', { v: PROTOCOL_VERSION, ts: Date.now(), state: 'online' }),
    { qos: 1, retain: true },
  );
}

describe('alerts from device state', () => {
  let server: TestServer;
  let clusters: ProvisionedCluster[];
  let communeId: string;

  beforeAll(async () => {
    server = await startTestServer({ healthTickMs: 50 });
    clusters = await provisionClusters(server, 4);
    const ds = server.app.get(DataSource);
    communeId = (await ds.getRepository(Cluster).findOneByOrFail({ id: clusters[0].id })).communeId;
    // Fast hysteresis for the test commune (the defaults hold for minutes).
    for (const rule of ['amp_fault', 'speaker_line', 'offline', 'weak_signal']) {
      const res = await request('PUT', server.url(`/api/v1/health-rules/overrides/${communeId}/${rule}`), {
        params: { raiseAfterS: 0, clearAfterS: 1 },
      });
      expect(res.status).toBe(200);
    }
  });
  afterAll(async () => {
    await server?.close();
  });

  it('a fault opens exactly one alert, which resolves itself when it clears (and the stream tells)', async () => {
    const c = clusters[0];
    const stream = followSse(server.url('/api/v1/alerts/stream'), {
      authorization: defaultAuthorization(server.url('/')) as string,
    });
    expect(await stream.status).toBe(200);
    const client = await connectDevice(server.mqttUrl, c);
    await online(client, c.id);
    await sendTelemetry(client, c.id, 1);
    for (let seq = 2; seq < 6; seq++) await sendTelemetry(client, c.id, seq, { amp: 'fault' });
    const [opened] = await eventually(async () => {
      const list = await alertsOf(server, c.id, 'amp_fault');
      return list.length > 0 && list;
    });
    expect(opened).toMatchObject({ state: 'open', severity: 'critical', clusterId: c.id, communeId });
    expect(opened.detail).toContain('khuếch đại');
    await sendTelemetry(client, c.id, 6);
    const [resolved] = await eventually(async () => {
      const list = await alertsOf(server, c.id, 'amp_fault', 'resolved');
      return list.length > 0 && list;
    });
    expect(resolved).toMatchObject({ id: opened.id, resolution: 'auto' });
    expect(await alertsOf(server, c.id, 'amp_fault')).toHaveLength(1);
    const mine = await eventually(async () => {
      const seen = stream.events.filter((e) => e.event !== 'heartbeat' && e.data.includes(opened.id));
      return seen.length === 2 && seen;
    });
    expect(mine.map((e) => e.event)).toEqual(['opened', 'resolved']);
    expect(JSON.parse(mine[1].data)).toMatchObject({
      kind: 'resolved',
      alert: { id: opened.id, state: 'resolved' },
    });
    expect(Number(mine[1].id)).toBeGreaterThan(Number(mine[0].id));
    // Reconnecting with Last-Event-ID replays what came after it.
    const replay = followSse(server.url('/api/v1/alerts/stream'), {
      authorization: defaultAuthorization(server.url('/')) as string,
      'last-event-id': mine[0].id as string,
    });
    await eventually(async () => replay.events.some((e) => e.id === mine[1].id));
    expect(replay.events.some((e) => e.id === mine[0].id)).toBe(false);
    await Promise.all([stream.close(), replay.close()]);
    await client.endAsync();
  });

  it('offline dates from the disconnect and resolves when the cluster is back', async () => {
    const c = clusters[1];
    let client = await connectDevice(server.mqttUrl, c);
    await online(client, c.id);
    await sendTelemetry(client, c.id, 1);
    const before = Date.now();
    client.stream.destroy(); // an abrupt loss: the broker fires the will
    const [alert] = await eventually(async () => {
      const list = await alertsOf(server, c.id, 'offline', 'active');
      return list.length > 0 && list;
    });
    expect(new Date(alert.since).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(new Date(alert.since).getTime()).toBeLessThanOrEqual(new Date(alert.openedAt).getTime());
    expect(alert.flapping).toBe(false);
    client = await connectDevice(server.mqttUrl, c);
    await online(client, c.id);
    await eventually(async () => (await alertsOf(server, c.id, 'offline', 'resolved')).length === 1);
    await client.endAsync();
  });

  it('acknowledge and resolve by hand, audited, and a held condition does not reopen at once', async () => {
    const c = clusters[2];
    const client = await connectDevice(server.mqttUrl, c);
    await online(client, c.id);
    await sendTelemetry(client, c.id, 1, { line: 'open' });
    const [alert] = await eventually(async () => {
      const list = await alertsOf(server, c.id, 'speaker_line', 'active');
      return list.length > 0 && list;
    });
    expect(alert.detail).toContain('hở mạch');
    const ack = await request<AlertView>('POST', server.url(`/api/v1/alerts/${alert.id}/acknowledge`), {
      note: 'Đã cử kỹ thuật viên',
    });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ state: 'acknowledged', ackNote: 'Đã cử kỹ thuật viên' });
    expect(ack.body.acknowledgedBy).toMatch(/^user:/);
    const done = await request<AlertView>('POST', server.url(`/api/v1/alerts/${alert.id}/resolve`), {});
    expect(done.body).toMatchObject({ state: 'resolved', resolution: 'manual' });
    expect((await request('POST', server.url(`/api/v1/alerts/${alert.id}/resolve`), {})).status).toBe(409);
    // The line is still open: more telemetry does not open a new alert…
    for (let seq = 2; seq < 5; seq++) await sendTelemetry(client, c.id, seq, { line: 'open' });
    // …until the condition clears and comes back.
    await sendTelemetry(client, c.id, 5);
    await sendTelemetry(client, c.id, 6, { line: 'short' });
    const list = await eventually(async () => {
      const all = await alertsOf(server, c.id, 'speaker_line');
      return all.length === 2 && all;
    });
    expect(list[0]).toMatchObject({ state: 'open', value: { line: 'short' } });
    const audit = await request<{ items: { action: string }[] }>(
      'GET',
      server.url(`/api/v1/audit?objectId=${alert.id}`),
    );
    expect(audit.body.items.map((e) => e.action).sort()).toEqual(['alert.acknowledge', 'alert.resolve']);
    await client.endAsync();
  });

  it('thresholds come from the unit: a stricter commune raises weak signal where the default would not', async () => {
    const c = clusters[3];
    const client = await connectDevice(server.mqttUrl, c);
    await online(client, c.id);
    await sendTelemetry(client, c.id, 1, { net: { type: '4g', rsrp: -112 } });
    const effective = await request<{
      rules: { rule: string; params: Record<string, number>; from: unknown }[];
    }>('GET', server.url(`/api/v1/health-rules/effective?unitId=${communeId}`));
    const weak = effective.body.rules.find((r) => r.rule === 'weak_signal');
    expect(weak?.params).toMatchObject({ rsrpDbm: -115, raiseAfterS: 0 });
    expect(weak?.from).toMatchObject({ params: { raiseAfterS: communeId, rsrpDbm: null } });
    const put = await request('PUT', server.url(`/api/v1/health-rules/overrides/${communeId}/weak_signal`), {
      params: { raiseAfterS: 0, clearAfterS: 1, rsrpDbm: -110 },
    });
    expect(put.status).toBe(200);
    await sendTelemetry(client, c.id, 2, { net: { type: '4g', rsrp: -112 } });
    const [alert] = await eventually(async () => {
      const list = await alertsOf(server, c.id, 'weak_signal', 'active');
      return list.length > 0 && list;
    });
    expect(alert.value).toEqual({ rsrpDbm: -112, limit: -110 });
    await client.endAsync();
  });

  it('refuses bad overrides naming the field, and units outside the scope', async () => {
    const bad = await request<{ errors: { field: string }[] }>(
      'PUT',
      server.url(`/api/v1/health-rules/overrides/${communeId}/weak_signal`),
      { params: { rsrpDbm: -300 } },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('params.rsrpDbm');
    const unknownParam = await request<{ errors: { field: string }[] }>(
      'PUT',
      server.url(`/api/v1/health-rules/overrides/${communeId}/offline`),
      { params: { batteryPct: 5 } },
    );
    expect(unknownParam.body.errors[0].field).toBe('params.batteryPct');
    expect(
      (await request('PUT', server.url(`/api/v1/health-rules/overrides/${communeId}/nope`), {})).status,
    ).toBe(400);
  });

  it('another commune’s operator sees none of these alerts', async () => {
    const other = await provisionClusters(server, 1);
    const ds = server.app.get(DataSource);
    const otherCommune = (await ds.getRepository(Cluster).findOneByOrFail({ id: other[0].id })).communeId;
    const { auth } = await createAccount(server, 'commune_operator', otherCommune);
    const list = await request<Page>('GET', server.url('/api/v1/alerts?state=all'), undefined, auth);
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(0);
    const stream = followSse(server.url('/api/v1/alerts/stream'), auth);
    expect(await stream.status).toBe(200);
    const mine = await alertsOf(server, clusters[0].id, 'amp_fault');
    expect((await request('GET', server.url(`/api/v1/alerts/${mine[0].id}`), undefined, auth)).status).toBe(
      404,
    );
    expect(
      (await request('POST', server.url(`/api/v1/alerts/${mine[0].id}/acknowledge`), {}, auth)).status,
    ).toBe(404);
    // An alert of the first commune changes (acknowledged by the admin): the operator's stream stays silent.
    await request('POST', server.url(`/api/v1/alerts/${mine[0].id}/resolve`), {});
    const openOne = (await alertsOf(server, clusters[3].id, 'weak_signal', 'active'))[0];
    const admin = followSse(server.url('/api/v1/alerts/stream'), {
      authorization: defaultAuthorization(server.url('/')) as string,
    });
    expect(await admin.status).toBe(200);
    await request('POST', server.url(`/api/v1/alerts/${openOne.id}/acknowledge`), {});
    await eventually(async () => admin.events.some((e) => e.event === 'acknowledged'));
    expect(stream.events.filter((e) => e.event !== 'heartbeat')).toEqual([]);
    await Promise.all([stream.close(), admin.close()]);
  });
});
