import type { MqttClient } from 'mqtt';
import { PROTOCOL_VERSION, clusterTopic, encodePayload } from '@loa-xa/protocol';
import { createAccount } from '../access/support';
import { startTestServer, type TestServer } from '../support/test-server';
import { eventually, request } from '../support/http';
import { sampleTelemetry } from '../support/fleet';
import {
  createCluster,
  createVillage,
  goOnline,
  importLangSon,
  type ClusterItem,
  type Credential,
  type Unit,
} from './fixtures';

interface MapView {
  fields: string[];
  rows: unknown[][];
  communes: Record<string, string>;
  villages: Record<string, string>;
  total: number;
}

/** The compact rows as objects keyed by field name, by code. */
function byCode(view: MapView): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const row of view.rows) {
    const item = Object.fromEntries(view.fields.map((f, i) => [f, row[i]]));
    out[item.code as string] = item;
  }
  return out;
}

describe('registry: GET /clusters/map (every cluster in scope, compact, with an ETag)', () => {
  let server: TestServer;
  let units: Record<string, Unit>;
  const made: Record<string, { cluster: ClusterItem; credential: Credential | null }> = {};
  let device: MqttClient | undefined;
  const getMap = (query = '', headers: Record<string, string> = {}) =>
    request<MapView>('GET', server.url(`/api/v1/clusters/map${query}`), undefined, headers);

  beforeAll(async () => {
    server = await startTestServer();
    const { byCode: unit } = await importLangSon(server);
    units = {};
    for (const code of ['05971', '05974']) units[code] = await unit(code);
    units.v1 = await createVillage(server, units['05971'].id, '05971-01', 'Khối 1');
    const specs: [string, Record<string, unknown>][] = [
      [
        'MAP-001',
        { name: 'Cụm loa Khối 1', kind: 'ip', communeId: units['05971'].id, villageId: units.v1.id },
      ],
      [
        'MAP-002',
        { name: 'Cụm loa chợ', kind: 'ip', communeId: units['05971'].id, latitude: 21.85, longitude: 106.76 },
      ],
      ['MAP-003', { name: 'Cụm loa Tam Thanh', kind: 'ip', communeId: units['05974'].id }],
      ['MAP-004', { name: 'Cụm loa FM', kind: 'fm_wired', communeId: units['05974'].id }],
    ];
    for (const [code, body] of specs) made[code] = await createCluster(server, { code, ...body });
  }, 120_000);
  afterAll(async () => {
    await device?.endAsync();
    await server?.close();
  });

  it('lists every cluster with names given once, the live state and the latest telemetry', async () => {
    const { cluster, credential } = made['MAP-002'];
    device = await goOnline(server, cluster.id, credential!.password);
    await device.publishAsync(
      clusterTopic(cluster.id, 'telemetry'),
      encodePayload(
        'Telemetry',
        sampleTelemetry(1, { volume: 65, power: { source: 'battery', batteryPct: 40 } }),
      ),
      { qos: 1 },
    );
    await device.publishAsync(
      clusterTopic(cluster.id, 'event'),
      encodePayload('DeviceEvent', {
        v: PROTOCOL_VERSION,
        ts: Date.now(),
        id: 'evt-map-1',
        type: 'fault_raised',
        code: 'line_open',
        detail: 'Đứt dây loa',
      }),
      { qos: 1 },
    );
    const view = await eventually(async () => {
      const res = await getMap('?q=MAP-');
      const row = byCode(res.body)['MAP-002'];
      return row?.volume === 65 && (row.faults as string[]).length > 0 ? res.body : null;
    });
    expect(view.fields.slice(0, 12)).toEqual([
      'id',
      'code',
      'name',
      'kind',
      'lifecycle',
      'communeId',
      'villageId',
      'lat',
      'lon',
      'online',
      'lastSeenAt',
      'faults',
    ]);
    expect(view.total).toBe(4);
    expect(view.rows.map((r) => r[1])).toEqual(['MAP-001', 'MAP-002', 'MAP-003', 'MAP-004']);
    expect(view.rows.every((r) => r.length === view.fields.length)).toBe(true);
    const rows = byCode(view);
    expect(rows['MAP-002']).toMatchObject({
      id: cluster.id,
      name: 'Cụm loa chợ',
      kind: 'ip',
      lifecycle: 'active',
      communeId: units['05971'].id,
      villageId: null,
      lat: 21.85,
      lon: 106.76,
      online: true,
      faults: ['line_open'],
      rsrp: -95,
      rssi: -70,
      power: 'battery',
      batteryPct: 40,
      volume: 65,
    });
    expect(typeof rows['MAP-002'].lastSeenAt).toBe('string');
    // Never heard from: offline, no telemetry; an FM cluster has no live state at all.
    for (const code of ['MAP-001', 'MAP-004'])
      expect(rows[code]).toMatchObject({
        online: false,
        lastSeenAt: null,
        faults: [],
        rsrp: null,
        power: null,
      });
    expect(rows['MAP-001']).toMatchObject({ villageId: units.v1.id, lat: null, lon: null });
    expect(view.communes).toEqual({
      [units['05971'].id]: units['05971'].name,
      [units['05974'].id]: units['05974'].name,
    });
    expect(view.villages).toEqual({ [units.v1.id]: 'Khối 1' });

    // The list's filters apply.
    const ids = async (query: string) => (await getMap(query)).body.rows.map((r) => r[1]);
    await expect(ids(`?unitId=${units['05974'].id}`)).resolves.toEqual(['MAP-003', 'MAP-004']);
    await expect(ids(`?unitId=${units.v1.id}`)).resolves.toEqual(['MAP-001']);
    await expect(ids('?q=MAP-&kind=fm_wired')).resolves.toEqual(['MAP-004']);
    await expect(ids('?q=MAP-&online=true')).resolves.toEqual(['MAP-002']);
    expect((await getMap('?kind=tv')).status).toBe(400);
    // "map" is not a cluster id, and ids still work.
    expect((await request('GET', server.url(`/api/v1/clusters/${cluster.id}`))).status).toBe(200);
  });

  it('shows a commune operator only the clusters of their commune', async () => {
    const operator = await createAccount(server, 'commune_operator', units['05974'].id);
    const res = await getMap('', operator.auth);
    expect(res.status).toBe(200);
    expect(res.body.rows.map((r) => r[1])).toEqual(['MAP-003', 'MAP-004']);
    expect(Object.keys(res.body.communes)).toEqual([units['05974'].id]);
    expect(res.body.villages).toEqual({});
    // Asking for another commune gives nothing rather than its clusters.
    const other = await getMap(`?unitId=${units['05971'].id}`, operator.auth);
    expect(other.body.rows).toEqual([]);
    expect((await getMap('', { authorization: '' })).status).toBe(401);
  });

  it('answers 304 without a body while nothing changed, 200 with a new ETag after a change', async () => {
    const first = await getMap('?q=MAP-', { 'accept-encoding': 'gzip' });
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    expect(first.headers.get('content-encoding')).toBe('gzip');

    const again = await getMap('?q=MAP-', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body).toBeUndefined();
    expect(again.headers.get('etag')).toBe(etag);
    // The tag depends on the caller's view: another filter, another tag.
    const filtered = await getMap(`?q=MAP-&unitId=${units['05974'].id}`, { 'if-none-match': etag });
    expect(filtered.status).toBe(200);

    // A change in the registry…
    const renamed = await request('PATCH', server.url(`/api/v1/clusters/${made['MAP-003'].cluster.id}`), {
      name: 'Cụm loa Tam Thanh mới',
    });
    expect(renamed.status).toBe(200);
    const changed = await getMap('?q=MAP-', { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(byCode(changed.body)['MAP-003'].name).toBe('Cụm loa Tam Thanh mới');
    const etag2 = changed.headers.get('etag')!;
    expect(etag2).not.toBe(etag);
    expect((await getMap('?q=MAP-', { 'if-none-match': etag2 })).status).toBe(304);
    // A cluster registered, then deleted: in, then out (the server's cache of rows follows).
    const added = await createCluster(server, {
      code: 'MAP-005',
      name: 'Cụm loa mới',
      kind: 'ip',
      lifecycle: 'planned',
      communeId: units['05974'].id,
    });
    const withNew = await getMap('?q=MAP-', { 'if-none-match': etag2 });
    expect(withNew.status).toBe(200);
    expect(withNew.body.rows.map((r) => r[1])).toContain('MAP-005');
    expect((await request('DELETE', server.url(`/api/v1/clusters/${added.cluster.id}`))).status).toBe(204);
    const without = await getMap('?q=MAP-', { 'if-none-match': etag2 });
    expect(without.status).toBe(304);

    // …or in the live state changes the answer too.
    const { cluster } = made['MAP-002'];
    await device!.publishAsync(
      clusterTopic(cluster.id, 'telemetry'),
      encodePayload('Telemetry', sampleTelemetry(2, { volume: 30 })),
      { qos: 1 },
    );
    const live = await eventually(async () => {
      const res = await getMap('?q=MAP-', { 'if-none-match': etag2 });
      return res.status === 200 ? res : null;
    });
    expect(byCode(live.body)['MAP-002'].volume).toBe(30);
  });
});
