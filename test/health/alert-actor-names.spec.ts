import type { MqttClient } from 'mqtt';
import { DataSource } from 'typeorm';
import { Cluster } from '@loa-xa/persistence';
import { PROTOCOL_VERSION, clusterTopic, encodePayload } from '@loa-xa/protocol';
import { startTestServer, type TestServer } from '../support/test-server';
import { defaultAuthorization, eventually, request } from '../support/http';
import { connectDevice, provisionClusters, sampleTelemetry, type ProvisionedCluster } from '../support/fleet';
import type { AlertApiView } from '../../apps/server/src/health/alert-views';
import { createAccount } from '../access/support';
import { followSse } from './sse';

interface Schema {
  properties?: Record<string, unknown>;
}

/**
 * Who acknowledged and who resolved an alert, by name, on the HTTP answers (list, one, acknowledge, resolve,
 * CSV) — a user's display name or an API key's name — while the stream (and so webhooks and email, which
 * share its bus) keeps the bare `user:<id>`.
 */
describe('alerts: actors by name', () => {
  let server: TestServer;
  let cluster: ProvisionedCluster;
  let client: MqttClient;
  let communeId: string;
  let adminName: string;

  const alertsOf = async (rule: string) =>
    (
      await request<{ items: AlertApiView[] }>(
        'GET',
        server.url(`/api/v1/alerts?clusterId=${cluster.id}&rule=${rule}&state=all`),
      )
    ).body.items;

  beforeAll(async () => {
    server = await startTestServer({ healthTickMs: 50 });
    [cluster] = await provisionClusters(server, 1);
    const ds = server.app.get(DataSource);
    communeId = (await ds.getRepository(Cluster).findOneByOrFail({ id: cluster.id })).communeId;
    [{ display_name: adminName }] = await ds.query(
      `SELECT display_name FROM app_user WHERE username = 'admin'`,
    );
    for (const rule of ['amp_fault', 'speaker_line']) {
      const res = await request('PUT', server.url(`/api/v1/health-rules/overrides/${communeId}/${rule}`), {
        params: { raiseAfterS: 0, clearAfterS: 1 },
      });
      expect(res.status).toBe(200);
    }
    client = await connectDevice(server.mqttUrl, cluster);
    await client.publishAsync(
      clusterTopic(cluster.id, 'status'),
      encodePayload('Status', { v: PROTOCOL_VERSION, ts: Date.now(), state: 'online' }),
      { qos: 1, retain: true },
    );
    // Two faults at once: two alerts to be taken by two different actors.
    for (let seq = 1; seq < 4; seq++)
      await client.publishAsync(
        clusterTopic(cluster.id, 'telemetry'),
        encodePayload('Telemetry', sampleTelemetry(seq, { amp: 'fault', line: 'open' })),
        { qos: 1 },
      );
    await eventually(async () => {
      const [amp] = await alertsOf('amp_fault');
      const [line] = await alertsOf('speaker_line');
      return amp?.state === 'open' && line?.state === 'open';
    });
  });
  afterAll(async () => {
    await client?.endAsync();
    await server?.close();
  });

  it('names the user or API key who acknowledged and who resolved, but not on the stream', async () => {
    const stream = followSse(server.url('/api/v1/alerts/stream'), {
      authorization: defaultAuthorization(server.url('/')) as string,
    });
    expect(await stream.status).toBe(200);
    const [amp] = await alertsOf('amp_fault');
    const [line] = await alertsOf('speaker_line');
    expect(amp).toMatchObject({ acknowledgedByName: null, resolvedByName: null });

    // A person acknowledges one…
    const operator = await createAccount(server, 'commune_operator', communeId);
    const ack = await request<AlertApiView>(
      'POST',
      server.url(`/api/v1/alerts/${amp.id}/acknowledge`),
      {},
      operator.auth,
    );
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({
      acknowledgedBy: `user:${operator.id}`,
      acknowledgedByName: `Người dùng ${operator.username}`,
    });
    // …a machine client the other.
    const key = await request<{ key: string; apiKey: { id: string } }>(
      'POST',
      server.url('/api/v1/api-keys'),
      {
        name: 'Tổng đài báo lỗi',
        role: 'commune_operator',
        scopeUnitId: communeId,
      },
    );
    expect(key.status).toBe(201);
    const bulk = await request(
      'POST',
      server.url('/api/v1/alerts/acknowledge'),
      { ids: [line.id] },
      { authorization: `Bearer ${key.body.key}` },
    );
    expect(bulk.body).toMatchObject({ acknowledged: 1 });
    // The administrator closes the first by hand.
    const done = await request<AlertApiView>('POST', server.url(`/api/v1/alerts/${amp.id}/resolve`), {});
    expect(done.body).toMatchObject({
      resolvedBy: expect.stringMatching(/^user:/),
      resolvedByName: adminName,
    });

    // The list and the single alert name both actors, in one answer.
    const list = await request<{ items: AlertApiView[] }>(
      'GET',
      server.url(`/api/v1/alerts?clusterId=${cluster.id}&state=all`),
    );
    const byId = new Map(list.body.items.map((a) => [a.id, a]));
    expect(byId.get(amp.id)).toMatchObject({
      acknowledgedByName: `Người dùng ${operator.username}`,
      resolvedByName: adminName,
    });
    expect(byId.get(line.id)).toMatchObject({
      acknowledgedBy: `api_key:${key.body.apiKey.id}`,
      acknowledgedByName: 'Tổng đài báo lỗi',
      resolvedByName: null,
    });
    const one = await request<AlertApiView>(
      'GET',
      server.url(`/api/v1/alerts/${line.id}`),
      undefined,
      operator.auth,
    );
    expect(one.body.acknowledgedByName).toBe('Tổng đài báo lỗi');

    // The CSV export carries the names too.
    const csv = await fetch(server.url(`/api/v1/alerts?clusterId=${cluster.id}&state=all&format=csv`), {
      headers: { authorization: defaultAuthorization(server.url('/')) as string },
    });
    const text = await csv.text();
    expect(text.split('\n')[0]).toContain('acknowledgedBy,acknowledgedByName,ackNote');
    expect(text).toContain('Tổng đài báo lỗi');

    // The stream (the bus webhooks and email also read) keeps to ids.
    const changes = await eventually(async () => {
      const seen = stream.events
        .filter((e) => e.event === 'acknowledged' || e.event === 'resolved')
        .map((e) => JSON.parse(e.data) as { alert: Record<string, unknown> });
      return seen.length >= 3 && seen;
    });
    for (const change of changes) {
      expect(change.alert.acknowledgedBy).toMatch(/^(user|api_key):/);
      expect(change.alert).not.toHaveProperty('acknowledgedByName');
      expect(change.alert).not.toHaveProperty('resolvedByName');
    }
    await stream.close();
  });

  it('documents every field of the answers in Swagger', async () => {
    const doc = (
      await request<{ components: { schemas: Record<string, Schema> } }>('GET', server.url('/api/docs-json'))
    ).body;
    const documented = Object.keys(doc.components.schemas.AlertViewDto.properties ?? {}).sort();
    const [amp] = await alertsOf('amp_fault');
    expect(Object.keys(amp).sort()).toEqual(documented);
    expect(documented).toEqual(expect.arrayContaining(['acknowledgedByName', 'resolvedByName']));
  });
});
