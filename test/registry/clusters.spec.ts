import type { MqttClient } from 'mqtt';
import { PROTOCOL_VERSION, clusterTopic, encodePayload } from '@loa-xa/protocol';
import { startTestServer, type TestServer } from '../support/test-server';
import { eventually, request } from '../support/http';
import { sampleTelemetry } from '../support/fleet';
import {
  clusterCodes,
  connectAs,
  createCluster,
  createVillage,
  goOnline,
  importLangSon,
  type ClusterItem,
  type Credential,
  type ErrorBody,
  type Page,
  type Unit,
} from './fixtures';

interface ClusterDetail extends ClusterItem {
  live: {
    online: boolean;
    since: string | null;
    lastSeenAt: string | null;
    hello: Record<string, unknown> | null;
    telemetry: { volume: number; seq: number; [key: string]: unknown } | null;
    telemetryAt: string | null;
    faults: { code: string; since: string; detail: string | null }[];
  } | null;
}

const MISSING = '00000000-0000-4000-8000-000000000000';
const WRONG_PASSWORD = /Bad username or password/;
const REFUSED = /Not authorized/;

describe('registry: clusters', () => {
  let server: TestServer;
  let units: Record<string, Unit>;
  /** The fixed set, all with codes LST-…; tests that create more use other codes. */
  const fixed: Record<string, { cluster: ClusterItem; credential: Credential | null }> = {};
  const clients: MqttClient[] = [];
  const track = (client: MqttClient) => (clients.push(client), client);
  const get = (id: string) => request<ClusterDetail & ErrorBody>('GET', server.url(`/api/v1/clusters/${id}`));
  const patch = (id: string, body: Record<string, unknown>) =>
    request<ClusterDetail & ErrorBody>('PATCH', server.url(`/api/v1/clusters/${id}`), body);
  const post = (body: Record<string, unknown>) =>
    request<{ cluster: ClusterItem; credential: Credential | null } & ErrorBody>(
      'POST',
      server.url('/api/v1/clusters'),
      body,
    );
  const codes = (query: string) => clusterCodes(server, `q=LST-&pageSize=500&${query}`);

  beforeAll(async () => {
    server = await startTestServer();
    const { byCode } = await importLangSon(server);
    units = {};
    for (const code of ['20', '178', '180', '05971', '05974', '05998', '06001', '06004', '189'])
      units[code] = await byCode(code);
    units.v1 = await createVillage(server, units['05971'].id, '05971-01', 'Khối 1');
    units.v2 = await createVillage(server, units['05998'].id, '05998-01', 'Thôn Nà Pàn');
    units.v3 = await createVillage(server, units['05974'].id, '05974-01', 'Khối 3');
    const specs: [string, Record<string, unknown>][] = [
      [
        'LST-001',
        {
          name: 'Cụm loa Khối 1',
          kind: 'ip',
          communeId: units['05971'].id,
          villageId: units.v1.id,
          installedOn: '2024-01-10',
        },
      ],
      [
        'LST-002',
        { name: 'Cụm loa chợ Kỳ Lừa', kind: 'ip', communeId: units['05971'].id, installedOn: '2023-05-01' },
      ],
      [
        'LST-003',
        { name: 'Cụm loa Tam Thanh', kind: 'ip', lifecycle: 'planned', communeId: units['05974'].id },
      ],
      [
        'LST-004',
        {
          name: 'Cụm loa Bản Nà Pàn',
          kind: 'fm_wired',
          communeId: units['05998'].id,
          villageId: units.v2.id,
          installedOn: '2015-09-02',
        },
      ],
      [
        'LST-005',
        { name: 'Cụm loa Đoàn Kết', kind: 'fm_wireless', lifecycle: 'faulty', communeId: units['06001'].id },
      ],
      [
        'LST-006',
        {
          name: 'Cụm loa trung tâm Đoàn Kết',
          kind: 'ip',
          communeId: units['06001'].id,
          installedOn: '2025-02-20',
        },
      ],
    ];
    for (const [code, body] of specs) fixed[code] = await createCluster(server, { code, ...body });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  });
  afterAll(async () => {
    await server?.close();
  });

  describe('registration', () => {
    it('issues the MQTT credential of an IP cluster once, with the broker URL', async () => {
      const res = await post({
        code: 'X-IP-1',
        name: 'Cụm loa thôn Nà Chuông',
        kind: 'ip',
        communeId: units['05974'].id,
        villageId: units.v3.id,
        latitude: 21.8537,
        longitude: 106.7615,
        address: 'Đầu cầu Kỳ Cùng',
        vendor: 'Hanet',
        model: 'HN-IP4G',
        firmware: '2.1.0',
        serial: 'SN-0001',
        msisdn: '+84912345678',
        iccid: '8984049000123456789f',
        installedOn: '2024-11-30',
        notes: 'Lắp trên cột điện',
      });
      expect(res.status).toBe(201);
      const { cluster, credential } = res.body;
      expect(cluster).toMatchObject({
        code: 'X-IP-1',
        kind: 'ip',
        lifecycle: 'active',
        communeId: units['05974'].id,
        villageId: units.v3.id,
        latitude: 21.8537,
        iccid: '8984049000123456789F',
        installedOn: '2024-11-30',
        online: false,
        lastSeenAt: null,
        activeFaults: [],
      });
      expect(credential).toEqual({
        username: cluster.id,
        clientId: cluster.id,
        password: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        brokerUrl: server.mqttUrl,
      });
      const shown = await get(cluster.id);
      expect(shown.status).toBe(200);
      expect(JSON.stringify(shown.body)).not.toContain(credential!.password);
      const device = track(await connectAs(server, cluster.id, credential!.password));
      expect(device.connected).toBe(true);
    });

    it('registers FM clusters without a credential and without live state', async () => {
      const fm = fixed['LST-004'];
      expect(fm.credential).toBeNull();
      expect(fm.cluster).toMatchObject({ kind: 'fm_wired', villageId: units.v2.id, online: false });
      expect((await get(fm.cluster.id)).body.live).toBeNull();
    });

    it('answers 400 naming the field and the rule for every bad field', async () => {
      const kind = await post({ code: 'X-BAD-1', name: 'Cụm', kind: 'xyz', communeId: units['05971'].id });
      expect(kind.status).toBe(400);
      expect(kind.body.errors![0]).toMatchObject({ field: 'kind', rule: 'isIn' });

      const many = await post({
        code: 'bad code',
        name: '',
        kind: 'ip',
        lifecycle: 'decommissioned',
        communeId: 'abc',
        latitude: 91,
        longitude: 'east',
        msisdn: 'call me',
        iccid: '12345',
        installedOn: '2024-13-01',
      });
      expect(many.status).toBe(400);
      expect(new Set(many.body.errors!.map((e) => `${e.field}:${e.rule}`))).toEqual(
        new Set([
          'code:matches',
          'name:isLength',
          'lifecycle:isIn',
          'communeId:isUuid',
          'latitude:max',
          'longitude:isNumber',
          'longitude:min',
          'longitude:max',
          'msisdn:matches',
          'iccid:matches',
          'installedOn:isDateOnly',
        ]),
      );
      expect(many.body.message).toMatch(/kind|code/);

      const half = await post({
        code: 'X-BAD-2',
        name: 'Cụm',
        kind: 'ip',
        communeId: units['05971'].id,
        latitude: 21.8,
      });
      expect(half.status).toBe(400);
      expect(half.body.errors).toEqual([
        expect.objectContaining({ field: 'longitude', rule: 'pairedCoordinates' }),
      ]);

      const unknown = await post({
        code: 'X-BAD-3',
        name: 'Cụm',
        kind: 'ip',
        communeId: units['05971'].id,
        colour: 'red',
      });
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors![0]).toMatchObject({ field: 'colour', rule: 'whitelistValidation' });
      expect(await clusterCodes(server, 'q=X-BAD')).toEqual([]);
    });

    it('checks the commune, the village and the station against the tree', async () => {
      const base = { code: 'X-TREE', name: 'Cụm', kind: 'ip' };
      const district = await post({ ...base, communeId: units['178'].id });
      expect(district.status).toBe(400);
      expect(district.body.errors![0]).toMatchObject({ field: 'communeId', rule: 'isCommune' });
      const ghost = await post({ ...base, communeId: MISSING });
      expect(ghost.body.errors![0]).toMatchObject({ field: 'communeId', rule: 'exists' });
      const otherVillage = await post({ ...base, communeId: units['05971'].id, villageId: units.v2.id });
      expect(otherVillage.status).toBe(400);
      expect(otherVillage.body.errors![0]).toMatchObject({ field: 'villageId', rule: 'villageOfCommune' });
      const communeAsVillage = await post({
        ...base,
        communeId: units['05971'].id,
        villageId: units['05974'].id,
      });
      expect(communeAsVillage.body.errors![0]).toMatchObject({ field: 'villageId' });
      const station = await request<{ id: string }>('POST', server.url('/api/v1/stations'), {
        communeId: units['06004'].id,
        name: 'Đài truyền thanh xã Quốc Khánh',
      });
      const wrongStation = await post({ ...base, communeId: units['05971'].id, stationId: station.body.id });
      expect(wrongStation.status).toBe(400);
      expect(wrongStation.body.errors![0]).toMatchObject({ field: 'stationId', rule: 'stationOfCommune' });
    });

    it('refuses a code already in use with 409', async () => {
      const res = await post({
        code: 'LST-001',
        name: 'Trùng',
        kind: 'fm_wired',
        communeId: units['05974'].id,
      });
      expect(res.status).toBe(409);
      expect(res.body.message).toBe('a cluster with code LST-001 already exists');
    });
  });

  describe('listing', () => {
    it('filters by any unit above the cluster, down to the village', async () => {
      expect(await codes(`unitId=${units['20'].id}`)).toEqual([
        'LST-001',
        'LST-002',
        'LST-003',
        'LST-004',
        'LST-005',
        'LST-006',
      ]);
      expect(await codes(`unitId=${units['178'].id}`)).toEqual(['LST-001', 'LST-002', 'LST-003']);
      expect(await codes(`unitId=${units['180'].id}`)).toEqual(['LST-004', 'LST-005', 'LST-006']);
      expect(await codes(`unitId=${units['05971'].id}`)).toEqual(['LST-001', 'LST-002']);
      expect(await codes(`unitId=${units.v1.id}`)).toEqual(['LST-001']);
      expect(await codes(`unitId=${units.v2.id}`)).toEqual(['LST-004']);
      expect(await codes(`unitId=${units['189'].id}`)).toEqual([]);
      expect(await codes(`unitId=${MISSING}`)).toEqual([]);
    });

    it('filters by kind and lifecycle (one value or several)', async () => {
      expect(await codes('kind=ip')).toEqual(['LST-001', 'LST-002', 'LST-003', 'LST-006']);
      expect(await codes('kind=fm_wired,fm_wireless')).toEqual(['LST-004', 'LST-005']);
      expect(await codes('lifecycle=faulty')).toEqual(['LST-005']);
      expect(await codes('lifecycle=planned')).toEqual(['LST-003']);
      expect(await codes('lifecycle=active&kind=ip')).toEqual(['LST-001', 'LST-002', 'LST-006']);
      expect(await codes('kind=&lifecycle=')).toHaveLength(6); // empty filters filter nothing
      const bad = await request<ErrorBody>(
        'GET',
        server.url('/api/v1/clusters?kind=ip,xyz&lifecycle=broken'),
      );
      expect(bad.status).toBe(400);
      expect(bad.body.errors!.map((e) => e.field).sort()).toEqual(['kind', 'lifecycle']);
    });

    it('searches code and name without regard to case or accents', async () => {
      const found = await clusterCodes(server, `q=${encodeURIComponent('doan ket')}`);
      expect(found).toEqual(['LST-005', 'LST-006']);
      expect(await clusterCodes(server, 'q=lst-00')).toHaveLength(6);
      expect(await clusterCodes(server, `q=${encodeURIComponent('BẢN NÀ PÀN')}`)).toEqual(['LST-004']);
    });

    it('sorts by each allowed column in both orders', async () => {
      expect(await codes('sort=code&order=desc')).toEqual([
        'LST-006',
        'LST-005',
        'LST-004',
        'LST-003',
        'LST-002',
        'LST-001',
      ]);
      // Clusters never installed come last either way.
      expect(await codes('sort=installedOn')).toEqual([
        'LST-004',
        'LST-002',
        'LST-001',
        'LST-006',
        'LST-003',
        'LST-005',
      ]);
      expect(await codes('sort=installedOn&order=desc')).toEqual([
        'LST-006',
        'LST-001',
        'LST-002',
        'LST-004',
        'LST-005',
        'LST-003',
      ]);
      // Ties in code order: active (001, 002, 004, 006), faulty (005), planned (003).
      expect(await codes('sort=lifecycle')).toEqual([
        'LST-001',
        'LST-002',
        'LST-004',
        'LST-006',
        'LST-005',
        'LST-003',
      ]);
      expect(await codes('sort=lifecycle&order=desc')).toEqual([
        'LST-003',
        'LST-005',
        'LST-006',
        'LST-004',
        'LST-002',
        'LST-001',
      ]);
      expect(await codes('sort=createdAt')).toEqual([
        'LST-001',
        'LST-002',
        'LST-003',
        'LST-004',
        'LST-005',
        'LST-006',
      ]);
      // Name order depends on the database collation (C on PGlite, often en_US on PostgreSQL): check only what
      // both agree on — "Cụm loa Bản…" first — and that descending is the exact reverse.
      const byName = await codes('sort=name');
      expect(byName[0]).toBe('LST-004');
      expect(await codes('sort=name&order=desc')).toEqual([...byName].reverse());
      const bad = await request<ErrorBody>('GET', server.url('/api/v1/clusters?sort=secret'));
      expect(bad.status).toBe(400);
      expect(bad.body.errors![0]).toMatchObject({ field: 'sort', rule: 'isIn' });
    });

    it('pages with exact totals, at most 500 a page', async () => {
      const seen: string[] = [];
      for (let page = 1; page <= 3; page++) {
        const res = await request<Page<ClusterItem>>(
          'GET',
          server.url(`/api/v1/clusters?q=LST-&pageSize=2&page=${page}`),
        );
        expect(res.body).toMatchObject({ total: 6, page, pageSize: 2 });
        seen.push(...res.body.items.map((c) => c.code));
      }
      expect(seen).toEqual(await codes('sort=code'));
      const beyond = await request<Page<ClusterItem>>(
        'GET',
        server.url('/api/v1/clusters?q=LST-&pageSize=2&page=4'),
      );
      expect(beyond.body).toMatchObject({ total: 6, items: [] });
      const tooBig = await request<ErrorBody>('GET', server.url('/api/v1/clusters?pageSize=501'));
      expect(tooBig.status).toBe(400);
      expect(tooBig.body.errors![0]).toMatchObject({ field: 'pageSize', rule: 'max' });
    });
  });

  describe('live state', () => {
    it('filters on presence, which only a connected IP cluster has, and pages on it', async () => {
      const { cluster, credential } = fixed['LST-001'];
      track(await goOnline(server, cluster.id, credential!.password));
      await eventually(async () => (await codes('online=true')).join() === 'LST-001');
      expect(await codes('online=false')).toEqual(['LST-002', 'LST-003', 'LST-004', 'LST-005', 'LST-006']);
      const page = await request<Page<ClusterItem>>(
        'GET',
        server.url('/api/v1/clusters?q=LST-&online=false&pageSize=2&page=3'),
      );
      expect(page.body.total).toBe(5);
      expect(page.body.items.map((c) => c.code)).toEqual(['LST-006']);
      expect(await codes(`online=true&unitId=${units.v1.id}`)).toEqual(['LST-001']);
      expect(await codes(`online=true&unitId=${units['180'].id}`)).toEqual([]);
      const item = (await request<Page<ClusterItem>>('GET', server.url('/api/v1/clusters?q=LST-001'))).body
        .items[0];
      expect(item.online).toBe(true);
      expect(item.lastSeenAt).not.toBeNull();
      const bad = await request<ErrorBody>('GET', server.url('/api/v1/clusters?online=maybe'));
      expect(bad.status).toBe(400);
      expect(bad.body.errors![0]).toMatchObject({ field: 'online', rule: 'isBoolean' });
    });

    it('goes back offline when the device says so', async () => {
      const { cluster, credential } = fixed['LST-002'];
      const device = track(await goOnline(server, cluster.id, credential!.password));
      await eventually(async () => (await get(cluster.id)).body.live?.online === true);
      await device.publishAsync(
        clusterTopic(cluster.id, 'status'),
        encodePayload('Status', { v: PROTOCOL_VERSION, ts: Date.now(), state: 'offline' }),
        { qos: 1, retain: true },
      );
      await eventually(async () => (await get(cluster.id)).body.live?.online === false);
      expect(await codes('online=true')).not.toContain('LST-002');
    });

    it('shows the hello, the latest telemetry and the open faults the device reported', async () => {
      const { cluster, credential } = fixed['LST-006'];
      const device = track(await goOnline(server, cluster.id, credential!.password));
      await device.publishAsync(
        clusterTopic(cluster.id, 'hello'),
        encodePayload('Hello', {
          v: PROTOCOL_VERSION,
          ts: Date.now(),
          vendor: 'Hanet',
          model: 'HN-IP4G',
          firmware: '2.1.0',
          capabilities: ['volume', 'reboot'],
        }),
        { qos: 1 },
      );
      await device.publishAsync(
        clusterTopic(cluster.id, 'telemetry'),
        encodePayload('Telemetry', sampleTelemetry(7, { volume: 65, amp: 'ok', line: 'open' })),
        { qos: 1 },
      );
      await device.publishAsync(
        clusterTopic(cluster.id, 'event'),
        encodePayload('DeviceEvent', {
          v: PROTOCOL_VERSION,
          ts: Date.now(),
          id: 'evt-1',
          type: 'fault_raised',
          code: 'line_open',
          detail: 'Đứt dây loa số 2',
        }),
        { qos: 1 },
      );
      const detail = await eventually(async () => {
        const res = await get(cluster.id);
        return res.body.live?.telemetry && res.body.live.faults.length > 0 && res.body.live.hello
          ? res.body
          : null;
      });
      expect(detail.live).toMatchObject({
        online: true,
        hello: { vendor: 'Hanet', model: 'HN-IP4G', firmware: '2.1.0' },
        telemetry: { seq: 7, volume: 65, line: 'open' },
        faults: [{ code: 'line_open', detail: 'Đứt dây loa số 2' }],
      });
      expect(detail.live!.since).not.toBeNull();
      expect(detail.live!.telemetryAt).not.toBeNull();
      expect(detail.activeFaults).toEqual(['line_open']);
      const listed = (await request<Page<ClusterItem>>('GET', server.url('/api/v1/clusters?q=LST-006'))).body
        .items[0];
      expect(listed.activeFaults).toEqual(['line_open']);
    });
  });

  describe('credentials', () => {
    it('refuses a wrong password at CONNECT', async () => {
      const { cluster } = fixed['LST-003'];
      await expect(connectAs(server, cluster.id, 'not-the-secret')).rejects.toThrow(WRONG_PASSWORD);
    });

    it('rotates: the old secret works until the device first uses the new one, then is refused', async () => {
      const created = await createCluster(server, {
        code: 'X-ROT',
        name: 'Cụm xoay',
        kind: 'ip',
        communeId: units['06004'].id,
      });
      const old = created.credential!.password;
      track(await connectAs(server, created.cluster.id, old)).end(true);
      const res = await request<{ credential: Credential }>(
        'POST',
        server.url(`/api/v1/clusters/${created.cluster.id}/credential/rotate`),
      );
      expect(res.status).toBe(201);
      expect(res.body.credential).toMatchObject({
        username: created.cluster.id,
        clientId: created.cluster.id,
        brokerUrl: server.mqttUrl,
      });
      expect(res.body.credential.password).not.toBe(old);
      // A device that has not stored the new secret yet is not locked out…
      track(await connectAs(server, created.cluster.id, old)).end(true);
      const device = track(await connectAs(server, created.cluster.id, res.body.credential.password));
      expect(device.connected).toBe(true);
      // …but once it used the new one, the old one is done.
      await expect(connectAs(server, created.cluster.id, old)).rejects.toThrow(WRONG_PASSWORD);
    });

    it('has nothing to rotate for FM clusters or unknown ids', async () => {
      const fm = await request<ErrorBody>(
        'POST',
        server.url(`/api/v1/clusters/${fixed['LST-004'].cluster.id}/credential/rotate`),
      );
      expect(fm.status).toBe(409);
      expect(fm.body.message).toMatch(/only IP clusters have an MQTT credential/);
      expect(
        (await request('POST', server.url(`/api/v1/clusters/${MISSING}/credential/rotate`))).status,
      ).toBe(404);
    });
  });

  describe('lifecycle', () => {
    it('allows only the defined transitions, with a message naming both states', async () => {
      const { cluster } = await createCluster(server, {
        code: 'X-LIFE',
        name: 'Cụm vòng đời',
        kind: 'fm_wireless',
        lifecycle: 'planned',
        communeId: units['06004'].id,
      });
      const refused = await patch(cluster.id, { lifecycle: 'faulty' });
      expect(refused.status).toBe(409);
      expect(refused.body.message).toMatch(/lifecycle change from planned to faulty is not allowed/);
      for (const step of ['active', 'faulty', 'active', 'faulty', 'replaced']) {
        const res = await patch(cluster.id, { lifecycle: step });
        expect([res.status, res.body.lifecycle]).toEqual([200, step]);
      }
      const back = await patch(cluster.id, { lifecycle: 'active' });
      expect(back.status).toBe(409);
      expect(back.body.message).toMatch(/from replaced to active is not allowed/);
      expect((await patch(cluster.id, { lifecycle: 'decommissioned' })).status).toBe(200);
      for (const to of ['active', 'planned', 'replaced']) {
        const res = await patch(cluster.id, { lifecycle: to });
        expect(res.status).toBe(409);
        expect(res.body.message).toMatch(new RegExp(`from decommissioned to ${to} is not allowed.*final`));
      }
      expect((await patch(cluster.id, { lifecycle: 'decommissioned' })).status).toBe(200); // no change: fine
    });

    it('revokes the credential when an IP cluster is decommissioned or replaced', async () => {
      for (const [code, path] of [
        ['X-DEC', ['decommissioned']],
        ['X-REP', ['faulty', 'replaced']],
      ] as const) {
        const { cluster, credential } = await createCluster(server, {
          code,
          name: 'Cụm cũ',
          kind: 'ip',
          communeId: units['06004'].id,
        });
        track(await connectAs(server, cluster.id, credential!.password)).end(true);
        for (const lifecycle of path) expect((await patch(cluster.id, { lifecycle })).status).toBe(200);
        await expect(connectAs(server, cluster.id, credential!.password)).rejects.toThrow(REFUSED);
        const rotate = await request<ErrorBody>(
          'POST',
          server.url(`/api/v1/clusters/${cluster.id}/credential/rotate`),
        );
        expect(rotate.status).toBe(409);
        expect(rotate.body.message).toMatch(/credential stays revoked/);
        expect((await get(cluster.id)).body.live).toBeNull();
      }
    });

    it('ends the open session of a cluster that is decommissioned', async () => {
      const { cluster, credential } = await createCluster(server, {
        code: 'X-KICK',
        name: 'Cụm đang chạy',
        kind: 'ip',
        communeId: units['06004'].id,
      });
      const device = track(await connectAs(server, cluster.id, credential!.password));
      const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
      expect((await patch(cluster.id, { lifecycle: 'decommissioned' })).status).toBe(200);
      await closed;
      expect(device.connected).toBe(false);
    });

    it('never changes the kind', async () => {
      const { cluster } = fixed['LST-002'];
      const res = await patch(cluster.id, { kind: 'fm_wired' });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'kind', rule: 'immutable' })]);
      expect((await patch(cluster.id, { kind: 'ip' })).status).toBe(200);
    });
  });

  describe('changes', () => {
    it('changes fields, clears optional ones with null, and refuses a taken code', async () => {
      const { cluster } = await createCluster(server, {
        code: 'X-EDIT',
        name: 'Cụm sửa',
        kind: 'fm_wired',
        communeId: units['05971'].id,
        villageId: units.v1.id,
        latitude: 21.85,
        longitude: 106.76,
        notes: 'ghi chú',
      });
      const res = await patch(cluster.id, {
        code: 'X-EDIT-2',
        name: 'Cụm đã sửa',
        notes: null,
        latitude: null,
        longitude: null,
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        code: 'X-EDIT-2',
        name: 'Cụm đã sửa',
        notes: null,
        latitude: null,
        villageId: units.v1.id,
      });
      const taken = await patch(cluster.id, { code: 'LST-001' });
      expect(taken.status).toBe(409);
      const half = await patch(cluster.id, { latitude: 21.9 });
      expect(half.status).toBe(400);
      expect(half.body.errors![0]).toMatchObject({ field: 'longitude', rule: 'pairedCoordinates' });
      const nullName = await patch(cluster.id, { name: null });
      expect(nullName.status).toBe(400);
      expect(nullName.body.errors![0].field).toBe('name');
    });

    it('moves a cluster to another commune, dropping a village that is not there', async () => {
      const { cluster } = await createCluster(server, {
        code: 'X-MOVE',
        name: 'Cụm chuyển',
        kind: 'fm_wired',
        communeId: units['05971'].id,
        villageId: units.v1.id,
      });
      const wrong = await patch(cluster.id, { communeId: units['05998'].id, villageId: units.v1.id });
      expect(wrong.status).toBe(400);
      expect(wrong.body.errors![0]).toMatchObject({ field: 'villageId', rule: 'villageOfCommune' });
      const moved = await patch(cluster.id, { communeId: units['05998'].id });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({
        communeId: units['05998'].id,
        villageId: null,
        commune: { code: '05998' },
      });
      const withVillage = await patch(cluster.id, { villageId: units.v2.id });
      expect(withVillage.body.villageId).toBe(units.v2.id);
    });
  });

  describe('deletion', () => {
    it('deletes a planned cluster only; others are to be decommissioned', async () => {
      const { cluster } = await createCluster(server, {
        code: 'X-DEL',
        name: 'Cụm dự kiến',
        kind: 'ip',
        lifecycle: 'planned',
        communeId: units['06004'].id,
      });
      const del = await request('DELETE', server.url(`/api/v1/clusters/${cluster.id}`));
      expect(del.status).toBe(204);
      expect((await get(cluster.id)).status).toBe(404);
      const active = await request<ErrorBody>(
        'DELETE',
        server.url(`/api/v1/clusters/${fixed['LST-002'].cluster.id}`),
      );
      expect(active.status).toBe(409);
      expect(active.body.message).toMatch(
        /LST-002 is active: only planned clusters can be deleted; decommission it instead/,
      );
      expect((await get(fixed['LST-002'].cluster.id)).status).toBe(200);
    });
  });

  it('answers 404 for unknown ids and 400 for ids that are not UUIDs', async () => {
    expect((await get(MISSING)).status).toBe(404);
    expect((await patch(MISSING, { name: 'x' })).status).toBe(404);
    expect((await request('DELETE', server.url(`/api/v1/clusters/${MISSING}`))).status).toBe(404);
    const notUuid = await get('LST-001');
    expect(notUuid.status).toBe(400);
    expect(notUuid.body.message).toMatch(/uuid/i);
    expect((await request('GET', server.url('/api/v1/clusters?unitId=20'))).status).toBe(400);
  });
});
