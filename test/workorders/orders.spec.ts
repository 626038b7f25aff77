import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { getMetadataStorage } from 'class-validator';
import { DataSource } from 'typeorm';
import { request } from '../support/http';
import { startTestServer, type TestServer } from '../support/test-server';
import {
  createCluster,
  createVillage,
  goOnline,
  importLangSon,
  type ClusterItem,
  type Page,
  type Unit,
} from '../registry/fixtures';
import { childrenOf, createAccount, type Account } from '../access/support';
import { logsOf, publishPlayLog } from '../playlogs/support';
import {
  CreateWorkOrderDto,
  TransitionWorkOrderDto,
  UpdateWorkOrderDto,
  WorkOrderQuery,
} from '../../apps/server/src/workorders/work-order.dto';
import { InventoryQuery } from '../../apps/server/src/workorders/inventory.dto';
import { WorkOrderMilestones } from '../../apps/server/src/workorders/work-order-milestones.service';
import { WorkOrdersRepository } from '../../apps/server/src/workorders/work-orders.repository';
import { FleetView } from '../../apps/server/src/fleet/fleet-view.service';
import { PlayLogWriter } from '../../apps/server/src/playlogs/play-log.writer';
import { AuditService } from '../../apps/server/src/audit/audit.service';
import { api, fields, type WorkOrder } from './support';

interface Schema {
  properties?: Record<string, Schema>;
  $ref?: string;
  allOf?: Schema[];
  items?: Schema;
}
interface OpenApi {
  paths: Record<
    string,
    Record<string, { parameters?: { name: string; in: string }[]; responses: Record<string, unknown> }>
  >;
  components: { schemas: Record<string, Schema> };
}

const validated = (dto: new () => object) =>
  [
    ...new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(dto, '', false, false)
        .map((m) => m.propertyName),
    ),
  ].sort();

/**
 * Work orders beyond the replacement story: milestones already reached at commissioning, codes, list
 * filters, edits, new stations and expansions, API-key actors, ipConnected in the CSV import, and the
 * OpenAPI description.
 */
describe('work orders: lifecycle details, lists and description', () => {
  let server: TestServer;
  let province: Unit;
  let communeA: Unit;
  let communeB: Unit;
  let villageA: Unit;
  let technicianA: Account;
  const clients: MqttClient[] = [];
  const move = (id: string, body: Record<string, unknown>, who: Record<string, string> = {}) =>
    api<WorkOrder>(server, 'POST', `/api/v1/work-orders/${id}/transition`, body, who);
  const propose = async (body: Record<string, unknown>, who: Record<string, string> = {}) => {
    const res = await api<WorkOrder>(
      server,
      'POST',
      '/api/v1/work-orders',
      { fundingProgramme: 'local_budget', communeId: communeA.id, ...body },
      who,
    );
    if (res.status !== 201) throw new Error(`order not created: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  beforeAll(async () => {
    server = await startTestServer();
    await importLangSon(server);
    province = (await api<Page<Unit>>(server, 'GET', '/api/v1/units?level=province&code=20&era=pre_2025'))
      .body.items[0];
    const [districtA, districtB] = await childrenOf(server, province.id, 2);
    [communeA] = await childrenOf(server, districtA.id, 1);
    [communeB] = await childrenOf(server, districtB.id, 1);
    villageA = await createVillage(server, communeA.id, 'OV1', 'Bản Khuổi Phầy');
    technicianA = await createAccount(server, 'district_technician', districtA.id);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync()));
    await server?.close();
  });

  it('takes the first connection and broadcast that happened before commissioning', async () => {
    const { cluster, credential } = await createCluster(server, {
      code: 'IP-OV1',
      name: 'Cụm IP Khuổi Phầy',
      kind: 'ip',
      lifecycle: 'planned',
      communeId: communeA.id,
      villageId: villageA.id,
    });
    // Installed and tried out before the order is commissioned.
    const client = await goOnline(server, cluster.id, credential?.password as string);
    clients.push(client);
    const at = Date.now() - 300_000;
    await publishPlayLog(client, cluster.id, [
      {
        id: 'try-1',
        source: 'command',
        ref: randomUUID(),
        event: 'failed',
        at: at - 1000,
        reason: 'decode_error',
      },
      { id: 'try-2', source: 'command', ref: randomUUID(), event: 'finished', at, playedMs: 30_000 },
      {
        id: 'try-3',
        source: 'command',
        ref: randomUUID(),
        event: 'finished',
        at: at + 60_000,
        playedMs: 30_000,
      },
    ]);
    await logsOf(server, cluster.id, 3);

    const order = await propose({
      kind: 'expansion',
      title: 'Mở rộng bản Khuổi Phầy',
      villageId: villageA.id,
    });
    for (const to of ['approved', 'installing']) expect((await move(order.id, { to })).status).toBe(200);
    const done = await move(order.id, { to: 'commissioned', ipClusterId: cluster.id });
    expect(done.status).toBe(200);
    expect(done.body.ipCluster).toMatchObject({ id: cluster.id, lifecycle: 'active' });
    expect(done.body.firstBroadcastAt).toBe(new Date(at).toISOString());
    expect(done.body.firstConnectedAt).not.toBeNull();
    expect(Date.parse(done.body.firstConnectedAt as string)).toBeLessThanOrEqual(
      Date.parse(done.body.commissionedAt as string),
    );
    expect(done.body.history.slice(-3).map((e) => [e.type, e.toStatus, e.actor.split(':')[0]])).toEqual([
      ['status', 'commissioned', 'user'],
      ['first_connection', null, 'system'],
      ['first_broadcast', null, 'system'],
    ]);
    // Nothing is written twice when the cluster reconnects and plays again.
    await client.endAsync(true);
    clients.splice(clients.indexOf(client), 1);
    const again = await goOnline(server, cluster.id, credential?.password as string);
    clients.push(again);
    await publishPlayLog(again, cluster.id, [
      {
        id: 'try-4',
        source: 'command',
        ref: randomUUID(),
        event: 'finished',
        at: Date.now(),
        playedMs: 1000,
      },
    ]);
    await logsOf(server, cluster.id, 4);
    const after = await api<WorkOrder>(server, 'GET', `/api/v1/work-orders/${order.id}`);
    expect(after.body.history.filter((e) => e.type.startsWith('first_'))).toHaveLength(2);
    expect(after.body.firstConnectedAt).toBe(done.body.firstConnectedAt);
  });

  it('numbers orders WO-<year>-<nnnn>, uniquely, also when created at once', async () => {
    const made = await Promise.all(
      Array.from({ length: 6 }, (_, i) => propose({ kind: 'new_station', title: `Đài mới ${i}` })),
    );
    const codes = made.map((o) => o.code);
    expect(new Set(codes).size).toBe(6);
    for (const code of codes) expect(code).toMatch(/^WO-\d{4}-\d{4}$/);
    const numbers = codes.map((c) => Number(c.slice(-4))).sort((a, b) => a - b);
    expect(numbers[5] - numbers[0]).toBe(5);
  });

  it('filters, searches and pages the list', async () => {
    const tagged = `Lọc ${randomUUID().slice(0, 6)}`;
    const a = await propose({
      kind: 'new_station',
      title: `${tagged} Đài xã`,
      fundingProgramme: 'ntp_new_rural',
    });
    const b = await propose({
      kind: 'expansion',
      title: `${tagged} Mở rộng`,
      villageId: villageA.id,
      fundingProgramme: 'ntp_ethnic_minority',
    });
    const c = await propose({
      kind: 'new_station',
      title: `${tagged} Đài xã B`,
      communeId: communeB.id,
      fundingProgramme: 'ntp_new_rural',
    });
    await move(c.id, { to: 'cancelled', note: 'Trùng dự án' });
    const list = async (query: string, who: Record<string, string> = {}) => {
      const res = await api<Page<WorkOrder>>(server, 'GET', `/api/v1/work-orders?${query}`, undefined, who);
      expect(res.status).toBe(200);
      return res.body.items.map((o) => o.code);
    };
    // Accent- and case-insensitive search on the title.
    const q = encodeURIComponent(tagged.replace('Lọc', 'loc'));
    expect(await list(`q=${q}`)).toEqual([a.code, b.code, c.code]);
    expect(await list(`q=${encodeURIComponent(a.code)}`)).toEqual([a.code]);
    expect(await list(`q=${q}&kind=expansion`)).toEqual([b.code]);
    expect(await list(`q=${q}&fundingProgramme=ntp_new_rural`)).toEqual([a.code, c.code]);
    expect(await list(`q=${q}&status=proposed`)).toEqual([a.code, b.code]);
    expect(await list(`q=${q}&status=cancelled,closed`)).toEqual([c.code]);
    expect(await list(`q=${q}&unitId=${communeB.id}`)).toEqual([c.code]);
    expect(await list(`q=${q}&unitId=${villageA.id}`)).toEqual([b.code]);
    expect(await list(`q=${q}&sort=code&order=desc&pageSize=2`)).toEqual([c.code, b.code]);
    expect(await list(`q=${q}&sort=code&order=desc&pageSize=2&page=2`)).toEqual([a.code]);
    // A technician sees the district's orders only; a unit outside the scope is not found.
    expect(await list(`q=${q}`, technicianA.auth)).toEqual([a.code, b.code]);
    const outside = await api(
      server,
      'GET',
      `/api/v1/work-orders?unitId=${communeB.id}`,
      undefined,
      technicianA.auth,
    );
    expect(outside.status).toBe(404);
    for (const bad of ['status=open', 'kind=repair', 'fundingProgramme=x', 'unitId=1', 'sort=title'])
      expect((await api(server, 'GET', `/api/v1/work-orders?${bad}`)).status).toBe(400);
  });

  it('edits an order within the rules of its kind', async () => {
    const order = await propose({ kind: 'expansion', title: 'Mở rộng', villageId: villageA.id });
    const patch = (body: Record<string, unknown>) =>
      api<WorkOrder>(server, 'PATCH', `/api/v1/work-orders/${order.id}`, body);
    let res = await patch({ villageId: null });
    expect([res.status, fields(res)]).toEqual([422, ['villageId']]);
    res = await patch({ fmClusterId: randomUUID() });
    expect([res.status, fields(res)]).toEqual([422, ['fmClusterId']]);
    res = await patch({ kind: 'new_station' });
    expect([res.status, fields(res)]).toEqual([400, ['kind']]);
    res = await patch({ plannedStart: '2026-06-01', plannedEnd: '2026-05-01' });
    expect([res.status, fields(res)]).toEqual([400, ['plannedEnd']]);
    res = await patch({ title: null });
    expect([res.status, [...new Set(fields(res))]]).toEqual([400, ['title']]);
    res = await patch({
      plannedCostVnd: '0000120000000',
      plannedStart: '2026-06-01',
      title: '  Mở rộng thôn  ',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      plannedCostVnd: '120000000',
      plannedStart: '2026-06-01',
      title: 'Mở rộng thôn',
    });
    // Unchanged values make no history.
    const same = await patch({ plannedCostVnd: 120_000_000 });
    expect(same.body.revision).toBe(res.body.revision);
    expect(same.body.history).toHaveLength(2);
    res = await patch({ plannedCostVnd: null, revision: res.body.revision });
    expect(res.body).toMatchObject({ plannedCostVnd: null, revision: 3 });
    expect(res.body.history.at(-1)?.changes).toEqual({
      plannedCostVnd: { before: '120000000', after: null },
    });
    // ipClusterId belongs to commissioning only.
    const early = await move(order.id, { to: 'approved', ipClusterId: randomUUID() });
    expect([early.status, fields(early)]).toEqual([400, ['ipClusterId']]);
    const stale = await move(order.id, { to: 'approved', revision: 1 });
    expect(stale.status).toBe(409);
  });

  it('names an API key as the actor, and refuses a faulty or retired IP cluster at commissioning', async () => {
    const key = await request<{ apiKey: { id: string }; key: string }>(
      'POST',
      server.url('/api/v1/api-keys'),
      {
        name: 'Kỹ thuật huyện (tích hợp)',
        role: 'district_technician',
        scopeUnitId: communeA.id,
      },
    );
    expect(key.status).toBe(201);
    const auth = { authorization: `Bearer ${key.body.key}` };
    const order = await propose({ kind: 'new_station', title: 'Đài xã mới' }, auth);
    expect(order.history[0].actor).toBe(`api_key:${key.body.apiKey.id}`);
    await move(order.id, { to: 'approved' });
    await move(order.id, { to: 'installing' }, auth);
    const broken = (
      await createCluster(server, {
        code: 'IP-BROKEN',
        name: 'Cụm hỏng',
        kind: 'ip',
        lifecycle: 'faulty',
        communeId: communeA.id,
      })
    ).cluster;
    const res = await move(order.id, { to: 'commissioned', ipClusterId: broken.id }, auth);
    expect([res.status, fields(res)]).toEqual([422, ['ipClusterId']]);
    const foreign = (
      await createCluster(server, { code: 'IP-B', name: 'Cụm xã B', kind: 'ip', communeId: communeB.id })
    ).cluster;
    const other = await move(order.id, { to: 'commissioned', ipClusterId: foreign.id }, auth);
    expect([other.status, fields(other)]).toEqual([422, ['ipClusterId']]);
    const fresh = (
      await createCluster(server, { code: 'IP-NEW', name: 'Cụm mới', kind: 'ip', communeId: communeA.id })
    ).cluster;
    const ok = await move(order.id, { to: 'commissioned', ipClusterId: fresh.id }, auth);
    expect(ok.status).toBe(200);
    expect(ok.body.history.find((e) => e.toStatus === 'commissioned')?.actor).toBe(
      `api_key:${key.body.apiKey.id}`,
    );
  });

  it('reloads at start the clusters whose orders still wait for a milestone', async () => {
    const ids = async (code: string) =>
      (await api<Page<ClusterItem>>(server, 'GET', `/api/v1/clusters?q=${code}`)).body.items[0].id;
    const [waiting, done] = [await ids('IP-NEW'), await ids('IP-OV1')];
    // A second tracker over the same database, as a restarted server would build it.
    const app = server.app;
    const tracker = new WorkOrderMilestones(
      app.get(DataSource),
      app.get(WorkOrdersRepository),
      new FleetView(),
      app.get(PlayLogWriter),
      app.get(AuditService),
    );
    await tracker.onModuleInit();
    try {
      expect(tracker.isWaiting('first_connection', waiting)).toBe(true);
      expect(tracker.isWaiting('first_broadcast', waiting)).toBe(true);
      expect(tracker.isWaiting('first_connection', done)).toBe(false);
      expect(tracker.isWaiting('first_broadcast', done)).toBe(false);
    } finally {
      tracker.onModuleDestroy();
    }
  });

  it('imports ip_connected from CSV for FM clusters only', async () => {
    const csv = (body: string) =>
      request<{ imported: number; errors: { line: number; field: string }[] }>(
        'POST',
        server.url('/api/v1/clusters/import'),
        body,
        { 'content-type': 'text/csv' },
      );
    const refused = await csv(
      `code,name,kind,commune_code,ip_connected\nCSV-FM-1,Cụm FM,fm_wired,${communeA.code},có\nCSV-IP-1,Cụm IP,ip,${communeA.code},true\nCSV-FM-2,Cụm FM,fm_wireless,${communeA.code},perhaps\n`,
    );
    expect(refused.status).toBe(422);
    expect(refused.body.errors.map((e) => [e.line, e.field])).toEqual([
      [3, 'ip_connected'],
      [4, 'ip_connected'],
    ]);
    const accepted = await csv(
      `code,name,kind,commune_code,ip_connected\nCSV-FM-1,Cụm FM,fm_wired,${communeA.code},có\nCSV-FM-2,Cụm FM,fm_wireless,${communeA.code},0\nCSV-IP-1,Cụm IP,ip,${communeA.code},false\n`,
    );
    expect(accepted.status).toBe(201);
    const listed = await api<Page<ClusterItem>>(server, 'GET', '/api/v1/clusters?q=CSV-&pageSize=10');
    expect(listed.body.items.map((c) => [c.code, c.ipConnected])).toEqual([
      ['CSV-FM-1', true],
      ['CSV-FM-2', false],
      ['CSV-IP-1', false],
    ]);
    // An IP cluster cannot be switched on by PATCH either.
    const ipPatch = await api(server, 'PATCH', `/api/v1/clusters/${listed.body.items[2].id}`, {
      ipConnected: true,
    });
    expect([ipPatch.status, fields(ipPatch)]).toEqual([400, ['ipConnected']]);
  });

  it('describes every route, field and parameter in OpenAPI', async () => {
    const doc = (await request<OpenApi>('GET', server.url('/api/docs-json'))).body;
    const routes = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/v1/work-orders'))
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(routes).toEqual(
      [
        'GET /api/v1/work-orders',
        'POST /api/v1/work-orders',
        'GET /api/v1/work-orders/fm-inventory',
        'GET /api/v1/work-orders/coverage-gaps',
        'GET /api/v1/work-orders/{id}',
        'PATCH /api/v1/work-orders/{id}',
        'POST /api/v1/work-orders/{id}/transition',
      ].sort(),
    );
    const schema = (name: string) => doc.components.schemas[name];
    for (const [name, dto] of [
      ['CreateWorkOrderDto', CreateWorkOrderDto],
      ['UpdateWorkOrderDto', UpdateWorkOrderDto],
      ['TransitionWorkOrderDto', TransitionWorkOrderDto],
    ] as const)
      expect([name, Object.keys(schema(name).properties ?? {}).sort()]).toEqual([name, validated(dto)]);
    for (const [path, dto] of [
      ['/api/v1/work-orders', WorkOrderQuery],
      ['/api/v1/work-orders/fm-inventory', InventoryQuery],
      ['/api/v1/work-orders/coverage-gaps', InventoryQuery],
    ] as const) {
      const names = (doc.paths[path].get.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      expect([path, names.sort()]).toEqual([path, validated(dto)]);
    }

    const refName = (s: Schema | undefined) =>
      (s?.$ref ?? s?.allOf?.[0]?.$ref ?? s?.items?.$ref)?.split('/').pop();
    const undocumented = (value: unknown, name: string, path = name): string[] => {
      if (value === null || typeof value !== 'object') return [];
      const props = schema(name)?.properties ?? {};
      const out: string[] = [];
      for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
        const prop = props[key];
        if (!prop) {
          out.push(`${path}.${key}`);
          continue;
        }
        const nested = refName(prop);
        if (!nested) continue;
        for (const v of Array.isArray(inner) ? inner : [inner])
          out.push(...undocumented(v, nested, `${path}.${key}`));
      }
      return out;
    };
    const [first] = (await api<Page<WorkOrder>>(server, 'GET', '/api/v1/work-orders?status=commissioned'))
      .body.items;
    const bodies: [unknown, string][] = [
      [(await api(server, 'GET', '/api/v1/work-orders')).body, 'WorkOrderPage'],
      [(await api(server, 'GET', `/api/v1/work-orders/${first.id}`)).body, 'WorkOrderDetailView'],
      [(await api(server, 'GET', '/api/v1/work-orders/fm-inventory')).body, 'FmInventoryView'],
      [(await api(server, 'GET', '/api/v1/work-orders/coverage-gaps')).body, 'CoverageGapsView'],
    ];
    expect(bodies.flatMap(([body, name]) => undocumented(body, name))).toEqual([]);
  });
});
