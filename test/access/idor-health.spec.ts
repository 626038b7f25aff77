import type { MqttClient } from 'mqtt';
import { request, eventually, type JsonResponse } from '../support/http';
import { startTestServer, type TestServer } from '../support/test-server';
import { createCluster, createVillage, importLangSon, unitByCode, type Unit } from '../registry/fixtures';
import { startReceiver, type Receiver } from '../notifications/support';
import { followSse } from '../health/sse';
import { fastRules, raiseAlert, tableHashes, type AlertRow } from '../fuzz/health-support';
import { AlertBus, type AlertView } from '../../apps/server/src/health/alert-events';
import { childrenOf, createAccount, type Account } from './support';

/**
 * Insecure direct object references in fleet health: people of commune A (its operator, its viewer, and the
 * technician of A's district) try, by id, every read and change of commune B's alerts, health-rule overrides,
 * webhooks, work orders, availability and reports (B lies in another district). House rule: a read or change
 * of an object out of scope answers 404 (it is not even confirmed to exist), a write naming a unit out of
 * scope 403, and a route the role may not use at all 403. A's lists and streams show nothing of B, B is
 * unchanged afterwards, and B's own technician still sees it all.
 */

type Role = 'commune_operator' | 'district_technician' | 'viewer';
type Permission =
  | 'alerts.read'
  | 'alerts.manage'
  | 'health.configure'
  | 'webhooks.manage'
  | 'workorders.read'
  | 'workorders.write'
  | 'reports.read';

/** What each role of A may do at all (apps/server/src/access/permissions.ts), for the expected refusal. */
const CAN: Record<Role, Permission[]> = {
  viewer: ['alerts.read', 'workorders.read', 'reports.read'],
  commune_operator: ['alerts.read', 'alerts.manage', 'workorders.read', 'reports.read'],
  district_technician: [
    'alerts.read',
    'alerts.manage',
    'health.configure',
    'webhooks.manage',
    'workorders.read',
    'workorders.write',
    'reports.read',
  ],
};

/**
 * byId: a read or change of one of B's objects named in the path (404); filter: a read narrowed to B's unit
 * (404, "not in my scope"); refer: a write naming B's unit, or a unit above the caller (403).
 */
type Kind = 'byId' | 'filter' | 'refer';

interface Try {
  method: string;
  path: string;
  body?: unknown;
  kind: Kind;
  needs: Permission;
}

const expectedStatus = (role: Role, t: Try) =>
  !CAN[role].includes(t.needs) ? 403 : t.kind === 'refer' ? 403 : 404;

describe('scope: nobody reaches another commune’s fleet health by id', () => {
  let server: TestServer;
  let receiver: Receiver;
  const devices: MqttClient[] = [];
  let province: Unit;
  let districtA: Unit;
  let districtB: Unit;
  let communeA: Unit;
  let communeB: Unit;
  let villageA: Unit;
  let villageB: Unit;
  let clusterB: string;
  let fmA: string;
  let fmB: string;
  let alertA: AlertRow;
  let alertB: AlertRow;
  let webhookA: string;
  let webhookB: string;
  let deliveryB: string;
  let orderA: string;
  let orderB: string;
  let replacementB: string;
  let jobB: string;
  let operatorA: Account;
  let technicianA: Account;
  let viewerA: Account;
  let technicianB: Account;
  let stateOfB: Record<string, string>;
  const tried: { who: string; what: string; status: number }[] = [];
  const today = new Date().toISOString().slice(0, 10);
  const weekAgo = new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10);
  const period = `from=${weekAgo}&to=${today}`;

  beforeAll(async () => {
    server = await startTestServer({ healthTickMs: 50 });
    receiver = await startReceiver();
    await importLangSon(server);
    province = await unitByCode(server, '20');
    [districtA, districtB] = await childrenOf(server, province.id, 2);
    [communeA] = await childrenOf(server, districtA.id, 1);
    [communeB] = await childrenOf(server, districtB.id, 1);
    villageA = await createVillage(server, communeA.id, 'A01', 'Thôn A');
    villageB = await createVillage(server, communeB.id, 'B01', 'Thôn B');
    const ip = async (code: string, name: string, communeId: string, villageId: string) => {
      const { cluster, credential } = await createCluster(server, {
        code,
        name,
        kind: 'ip',
        communeId,
        villageId,
      });
      return { id: cluster.id, password: credential!.password };
    };
    const fm = async (code: string, name: string, communeId: string, villageId: string) =>
      (
        await createCluster(server, {
          code,
          name,
          kind: 'fm_wired',
          lifecycle: 'faulty',
          communeId,
          villageId,
        })
      ).cluster.id;
    const ipA = await ip('A-1', 'Cụm A', communeA.id, villageA.id);
    const ipB = await ip('B-1', 'Cụm B', communeB.id, villageB.id);
    clusterB = ipB.id;
    fmA = await fm('A-FM', 'Cụm FM A', communeA.id, villageA.id);
    fmB = await fm('B-FM', 'Cụm FM B', communeB.id, villageB.id);

    // Real alerts, from devices with an amplifier fault; overrides of both communes and of B's district.
    await fastRules(server, communeA.id, ['amp_fault']);
    await fastRules(server, communeB.id, ['amp_fault']);
    const weak = await request(
      'PUT',
      server.url(`/api/v1/health-rules/overrides/${districtB.id}/weak_signal`),
      {
        params: { rsrpDbm: -115 },
      },
    );
    expect(weak.status).toBe(200);
    const a = await raiseAlert(server, ipA, 'amp_fault');
    const b = await raiseAlert(server, ipB, 'amp_fault');
    devices.push(a.device, b.device);
    alertA = a.alert;
    alertB = b.alert;

    operatorA = await createAccount(server, 'commune_operator', communeA.id);
    technicianA = await createAccount(server, 'district_technician', districtA.id);
    viewerA = await createAccount(server, 'viewer', communeA.id);
    technicianB = await createAccount(server, 'district_technician', districtB.id);

    const created = async (path: string, body: object, who: Account | null = null, status = 201) => {
      const res = await request<{ id: string }>('POST', server.url(path), body, who?.auth ?? {});
      if (res.status !== status) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.id;
    };
    // Webhooks that receive nothing (inactive); B's has a ping delivered.
    const hook = { url: receiver.url, active: false };
    webhookB = await created('/api/v1/webhooks', { ...hook, name: 'Webhook B', unitId: communeB.id });
    webhookA = await created(
      '/api/v1/webhooks',
      { ...hook, name: 'Webhook A', unitId: communeA.id },
      technicianA,
    );
    deliveryB = await created(`/api/v1/webhooks/${webhookB}/test`, {}, null, 202);
    await eventually(async () => {
      const res = await request<{ status: string }>(
        'GET',
        server.url(`/api/v1/webhooks/${webhookB}/deliveries/${deliveryB}`),
      );
      const webhook = await request<{ lastSuccessAt: string | null }>(
        'GET',
        server.url(`/api/v1/webhooks/${webhookB}`),
      );
      return res.body.status === 'succeeded' && webhook.body.lastSuccessAt !== null;
    });

    const order = { fundingProgramme: 'ntp_new_rural' };
    orderB = await created('/api/v1/work-orders', {
      ...order,
      kind: 'new_station',
      title: 'Lệnh B trạm mới',
      communeId: communeB.id,
    });
    replacementB = await created('/api/v1/work-orders', {
      ...order,
      kind: 'replacement',
      title: 'Lệnh B thay thế',
      communeId: communeB.id,
      villageId: villageB.id,
      fmClusterId: fmB,
    });
    orderA = await created(
      '/api/v1/work-orders',
      { ...order, kind: 'new_station', title: 'Lệnh A trạm mới', communeId: communeA.id },
      technicianA,
    );
    jobB = await created(
      '/api/v1/reports/province/jobs',
      { from: weekAgo, to: today, unit: communeB.id, format: 'json' },
      technicianB,
      202,
    );
    stateOfB = await rowsOfB();
  }, 180_000);

  afterAll(async () => {
    console.log(`fleet-health IDOR cases tried: ${tried.length}`);
    for (const device of devices) await device.endAsync().catch(() => undefined);
    await receiver?.close();
    await server?.close();
  });

  /** Every row of fleet health that belongs to B's district (and B's clusters), hashed by table. */
  function rowsOfB(): Promise<Record<string, string>> {
    const under = `(unit_path = $1 OR unit_path LIKE $1 || '/%')`;
    const path = [districtB.path];
    return tableHashes(
      server,
      {
        alert: [under, path],
        health_rule_override: [under, path],
        webhook: [under, path],
        notification_delivery: ['webhook_id = $1', [webhookB]],
        work_order: [under, path],
        work_order_event: [`work_order_id IN (SELECT id FROM work_order WHERE ${under})`, path],
        cluster: ['commune_id = $1', [communeB.id]],
      },
      [
        'alert',
        'health_rule_override',
        'webhook',
        'notification_delivery',
        'work_order',
        'work_order_event',
        'cluster',
      ],
    );
  }

  /** Names only B's objects carry: none may reach A's people. */
  const namesOfB = () => ['Cụm B', 'B-1', 'B-FM', 'Cụm FM B', 'Webhook B', 'Lệnh B', 'Thôn B', communeB.name];
  const namesOfBIn = (text: string) => namesOfB().filter((name) => text.includes(name));
  /** Ids of B's objects: none may appear in A's lists. */
  const idsOfB = () => [
    alertB.id,
    webhookB,
    deliveryB,
    orderB,
    replacementB,
    clusterB,
    fmB,
    communeB.id,
    villageB.id,
    districtB.id,
    jobB,
  ];

  /** A request as `who`; an event stream is read up to its status only. */
  async function send(who: Account, method: string, path: string, body?: unknown): Promise<JsonResponse> {
    if (!path.includes('/stream')) return request(method, server.url(path), body, who.auth);
    const abort = new AbortController();
    const res = await fetch(server.url(path), { headers: who.auth, signal: abort.signal });
    const text = res.headers.get('content-type')?.startsWith('application/json') ? await res.text() : '';
    abort.abort();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : '', headers: res.headers };
  }

  const tries = (): Try[] => {
    const alerts = (t: Omit<Try, 'needs'>, needs: Permission = 'alerts.read'): Try => ({ ...t, needs });
    const rules = (t: Omit<Try, 'needs'>): Try => ({ ...t, needs: 'health.configure' });
    const hooks = (t: Omit<Try, 'needs'>): Try => ({ ...t, needs: 'webhooks.manage' });
    const orders = (t: Omit<Try, 'needs'>, needs: Permission = 'workorders.write'): Try => ({ ...t, needs });
    const reports = (t: Omit<Try, 'needs'>): Try => ({ ...t, needs: 'reports.read' });
    const newHook = { name: 'Webhook lạ', url: receiver.url, active: false };
    const override = (unit: Unit, rule: string) => `/api/v1/health-rules/overrides/${unit.id}/${rule}`;
    return [
      // Alerts.
      alerts({ method: 'GET', path: `/api/v1/alerts/${alertB.id}`, kind: 'byId' }),
      alerts(
        { method: 'POST', path: `/api/v1/alerts/${alertB.id}/acknowledge`, body: {}, kind: 'byId' },
        'alerts.manage',
      ),
      alerts(
        { method: 'POST', path: `/api/v1/alerts/${alertB.id}/resolve`, body: { note: 'x' }, kind: 'byId' },
        'alerts.manage',
      ),
      alerts({ method: 'GET', path: `/api/v1/alerts?unitId=${communeB.id}`, kind: 'filter' }),
      alerts({
        method: 'GET',
        path: `/api/v1/alerts?unitId=${districtB.id}&state=all&format=csv`,
        kind: 'filter',
      }),
      alerts({ method: 'GET', path: `/api/v1/alerts?unitId=${villageB.id}`, kind: 'filter' }),
      alerts({ method: 'GET', path: `/api/v1/alerts/summary?unitId=${communeB.id}`, kind: 'filter' }),
      alerts({ method: 'GET', path: `/api/v1/alerts/summary?unitId=${districtB.id}`, kind: 'filter' }),
      alerts({ method: 'GET', path: `/api/v1/alerts/stream?unitId=${communeB.id}`, kind: 'filter' }),
      alerts({
        method: 'GET',
        path: `/api/v1/alerts/stream?unitId=${districtB.id}&minSeverity=minor`,
        kind: 'filter',
      }),
      // Health rules: B's units are neither inside nor above A's scope.
      alerts({ method: 'GET', path: `/api/v1/health-rules/effective?unitId=${communeB.id}`, kind: 'filter' }),
      alerts({
        method: 'GET',
        path: `/api/v1/health-rules/effective?unitId=${districtB.id}`,
        kind: 'filter',
      }),
      alerts({ method: 'GET', path: `/api/v1/health-rules/overrides?unitId=${communeB.id}`, kind: 'filter' }),
      alerts({
        method: 'GET',
        path: `/api/v1/health-rules/overrides?unitId=${districtB.id}`,
        kind: 'filter',
      }),
      rules({ method: 'PUT', path: override(communeB, 'amp_fault'), body: { enabled: false }, kind: 'byId' }),
      rules({
        method: 'PUT',
        path: override(communeB, 'offline'),
        body: { params: { raiseAfterS: 5 } },
        kind: 'byId',
      }),
      rules({
        method: 'PUT',
        path: override(districtB, 'weak_signal'),
        body: { severity: 'minor' },
        kind: 'byId',
      }),
      rules({ method: 'DELETE', path: override(communeB, 'amp_fault'), kind: 'byId' }),
      rules({ method: 'DELETE', path: override(districtB, 'weak_signal'), kind: 'byId' }),
      // The province is above A's scope: readable, not changeable.
      rules({ method: 'PUT', path: override(province, 'offline'), body: { enabled: false }, kind: 'refer' }),
      // Webhooks.
      hooks({ method: 'GET', path: `/api/v1/webhooks/${webhookB}`, kind: 'byId' }),
      hooks({
        method: 'PATCH',
        path: `/api/v1/webhooks/${webhookB}`,
        body: { name: 'Đổi tên' },
        kind: 'byId',
      }),
      hooks({
        method: 'PATCH',
        path: `/api/v1/webhooks/${webhookB}`,
        body: { url: 'http://127.0.0.1:9/x' },
        kind: 'byId',
      }),
      hooks({
        method: 'PATCH',
        path: `/api/v1/webhooks/${webhookB}`,
        body: { unitId: communeA.id },
        kind: 'byId',
      }),
      hooks({ method: 'DELETE', path: `/api/v1/webhooks/${webhookB}`, kind: 'byId' }),
      hooks({ method: 'POST', path: `/api/v1/webhooks/${webhookB}/rotate-secret`, kind: 'byId' }),
      hooks({ method: 'POST', path: `/api/v1/webhooks/${webhookB}/test`, kind: 'byId' }),
      hooks({ method: 'GET', path: `/api/v1/webhooks/${webhookB}/deliveries`, kind: 'byId' }),
      hooks({ method: 'GET', path: `/api/v1/webhooks/${webhookB}/deliveries/${deliveryB}`, kind: 'byId' }),
      hooks({
        method: 'POST',
        path: `/api/v1/webhooks/${webhookB}/deliveries/${deliveryB}/redeliver`,
        kind: 'byId',
      }),
      // B's delivery under A's own webhook.
      hooks({ method: 'GET', path: `/api/v1/webhooks/${webhookA}/deliveries/${deliveryB}`, kind: 'byId' }),
      hooks({
        method: 'POST',
        path: `/api/v1/webhooks/${webhookA}/deliveries/${deliveryB}/redeliver`,
        kind: 'byId',
      }),
      hooks({
        method: 'POST',
        path: '/api/v1/webhooks',
        body: { ...newHook, unitId: communeB.id },
        kind: 'refer',
      }),
      hooks({
        method: 'POST',
        path: '/api/v1/webhooks',
        body: { ...newHook, unitId: districtB.id },
        kind: 'refer',
      }),
      hooks({
        method: 'POST',
        path: '/api/v1/webhooks',
        body: { ...newHook, unitId: province.id },
        kind: 'refer',
      }),
      hooks({ method: 'POST', path: '/api/v1/webhooks', body: { ...newHook, unitId: null }, kind: 'refer' }),
      hooks({
        method: 'PATCH',
        path: `/api/v1/webhooks/${webhookA}`,
        body: { unitId: communeB.id },
        kind: 'refer',
      }),
      // Work orders.
      orders({ method: 'GET', path: `/api/v1/work-orders/${orderB}`, kind: 'byId' }, 'workorders.read'),
      orders({ method: 'GET', path: `/api/v1/work-orders/${replacementB}`, kind: 'byId' }, 'workorders.read'),
      orders({
        method: 'PATCH',
        path: `/api/v1/work-orders/${orderB}`,
        body: { title: 'Đổi tên' },
        kind: 'byId',
      }),
      orders({
        method: 'PATCH',
        path: `/api/v1/work-orders/${replacementB}`,
        body: { notes: 'x' },
        kind: 'byId',
      }),
      orders({
        method: 'POST',
        path: `/api/v1/work-orders/${orderB}/transition`,
        body: { to: 'cancelled' },
        kind: 'byId',
      }),
      orders({
        method: 'POST',
        path: `/api/v1/work-orders/${orderB}/transition`,
        body: { to: 'approved' },
        kind: 'byId',
      }),
      orders({
        method: 'POST',
        path: '/api/v1/work-orders',
        body: { kind: 'new_station', title: 'Lệnh lạ', communeId: communeB.id, fundingProgramme: 'other' },
        kind: 'refer',
      }),
      orders({
        method: 'POST',
        path: '/api/v1/work-orders',
        body: {
          kind: 'replacement',
          title: 'Lệnh lạ',
          communeId: communeB.id,
          fundingProgramme: 'other',
          fmClusterId: fmB,
        },
        kind: 'refer',
      }),
      orders(
        { method: 'GET', path: `/api/v1/work-orders?unitId=${communeB.id}`, kind: 'filter' },
        'workorders.read',
      ),
      orders(
        { method: 'GET', path: `/api/v1/work-orders?unitId=${villageB.id}`, kind: 'filter' },
        'workorders.read',
      ),
      orders(
        { method: 'GET', path: `/api/v1/work-orders/fm-inventory?unitId=${communeB.id}`, kind: 'filter' },
        'workorders.read',
      ),
      orders(
        {
          method: 'GET',
          path: `/api/v1/work-orders/fm-inventory?unitId=${districtB.id}&format=csv`,
          kind: 'filter',
        },
        'workorders.read',
      ),
      orders(
        { method: 'GET', path: `/api/v1/work-orders/coverage-gaps?unitId=${districtB.id}`, kind: 'filter' },
        'workorders.read',
      ),
      orders(
        {
          method: 'GET',
          path: `/api/v1/work-orders/coverage-gaps?unitId=${villageB.id}&format=csv`,
          kind: 'filter',
        },
        'workorders.read',
      ),
      // Availability and the provincial report (a report job is a read: 404 for a unit out of scope).
      reports({
        method: 'GET',
        path: `/api/v1/availability?${period}&unitId=${communeB.id}`,
        kind: 'filter',
      }),
      reports({
        method: 'GET',
        path: `/api/v1/availability?${period}&unitId=${villageB.id}&level=cluster&format=csv`,
        kind: 'filter',
      }),
      reports({
        method: 'GET',
        path: `/api/v1/reports/province?${period}&unit=${communeB.id}&format=json`,
        kind: 'filter',
      }),
      reports({
        method: 'GET',
        path: `/api/v1/reports/province?${period}&unit=${districtB.id}&format=xlsx`,
        kind: 'filter',
      }),
      reports({
        method: 'POST',
        path: '/api/v1/reports/province/jobs',
        body: { from: weekAgo, to: today, unit: communeB.id, format: 'csv' },
        kind: 'filter',
      }),
      reports({ method: 'GET', path: `/api/v1/reports/jobs/${jobB}`, kind: 'byId' }),
      reports({ method: 'GET', path: `/api/v1/reports/jobs/${jobB}/download`, kind: 'byId' }),
    ];
  };

  it.each([
    ['commune operator of A', 'commune_operator', () => operatorA],
    ['district technician of A', 'district_technician', () => technicianA],
    ['viewer of A', 'viewer', () => viewerA],
  ] as const)(
    '%s is refused on every fleet-health object of commune B (404 by id, 403 by reference)',
    async (name, role, who) => {
      const wrong: string[] = [];
      for (const t of tries()) {
        const res = await send(who(), t.method, t.path, t.body);
        const what = `${t.method} ${t.path}${t.body === undefined ? '' : ` ${JSON.stringify(t.body)}`}`;
        tried.push({ who: name, what, status: res.status });
        const expected = expectedStatus(role, t);
        if (res.status !== expected)
          wrong.push(`${what}: HTTP ${res.status}, expected ${expected} (${t.kind})`);
        const leaked = namesOfBIn(JSON.stringify(res.body));
        if (leaked.length) wrong.push(`${what}: HTTP ${res.status} names ${leaked.join(', ')}`);
      }
      expect(wrong).toEqual([]);
    },
  );

  it('acknowledging B’s alerts in bulk acknowledges none of them (a viewer may not try at all)', async () => {
    for (const [name, who] of [
      ['commune operator of A', operatorA],
      ['district technician of A', technicianA],
    ] as const) {
      const res = await send(who, 'POST', '/api/v1/alerts/acknowledge', { ids: [alertB.id], note: 'x' });
      tried.push({ who: name, what: 'POST /api/v1/alerts/acknowledge [alert of B]', status: res.status });
      // The bulk form reports what it skipped (ids sent and not acknowledged) instead of refusing the batch.
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ acknowledged: 0, skipped: [alertB.id] });
    }
    const viewer = await send(viewerA, 'POST', '/api/v1/alerts/acknowledge', { ids: [alertB.id] });
    tried.push({
      who: 'viewer of A',
      what: 'POST /api/v1/alerts/acknowledge [alert of B]',
      status: viewer.status,
    });
    expect(viewer.status).toBe(403);
  });

  it('writes by A’s technician that point at B’s objects are refused, naming the field and nothing of B', async () => {
    const refs: [string, string, unknown][] = [
      ['PATCH', `/api/v1/work-orders/${orderA}`, { villageId: villageB.id }],
      [
        'POST',
        '/api/v1/work-orders',
        {
          kind: 'expansion',
          title: 'Lệnh lạ',
          communeId: communeA.id,
          villageId: villageB.id,
          fundingProgramme: 'other',
        },
      ],
      [
        'POST',
        '/api/v1/work-orders',
        {
          kind: 'replacement',
          title: 'Lệnh lạ',
          communeId: communeA.id,
          fmClusterId: fmB,
          fundingProgramme: 'other',
        },
      ],
      ['POST', `/api/v1/work-orders/${orderA}/transition`, { to: 'cancelled', ipClusterId: clusterB }],
      [
        'POST',
        '/api/v1/work-orders',
        { kind: 'new_station', title: 'Lệnh lạ', communeId: villageB.id, fundingProgramme: 'other' },
      ],
      ['POST', '/api/v1/webhooks', { name: 'Webhook lạ', url: receiver.url, unitId: villageB.id }],
    ];
    const wrong: string[] = [];
    for (const [method, path, body] of refs) {
      const res = await send(technicianA, method, path, body);
      const what = `${method} ${path} ${JSON.stringify(body)}`;
      tried.push({ who: 'district technician of A', what, status: res.status });
      const errors = (res.body as { errors?: { field?: string }[] }).errors;
      if (![400, 403, 404, 422].includes(res.status)) wrong.push(`${what}: HTTP ${res.status}`);
      else if ([400, 422].includes(res.status) && !errors?.every((e) => e.field))
        wrong.push(`${what}: HTTP ${res.status} naming no field`);
      const leaked = namesOfBIn(JSON.stringify(res.body));
      if (leaked.length) wrong.push(`${what}: HTTP ${res.status} names ${leaked.join(', ')}`);
    }
    expect(wrong).toEqual([]);
    // A's own FM cluster is still a fine replacement (the refusals above were about B).
    const ok = await send(technicianA, 'POST', '/api/v1/work-orders', {
      kind: 'replacement',
      title: 'Thay FM A',
      communeId: communeA.id,
      fmClusterId: fmA,
      fundingProgramme: 'other',
    });
    expect(ok.status).toBe(201);
  });

  it('A’s lists, exports, summaries and reports show A’s fleet health and nothing of B', async () => {
    for (const [name, who, role] of [
      ['commune operator of A', operatorA, 'commune_operator'],
      ['district technician of A', technicianA, 'district_technician'],
      ['viewer of A', viewerA, 'viewer'],
    ] as const) {
      const get = async (path: string, status = 200) => {
        const res = await send(who, 'GET', path);
        const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
        expect({
          who: name,
          path,
          status: res.status,
          ids: idsOfB().filter((id) => text.includes(id)),
        }).toEqual({
          who: name,
          path,
          status,
          ids: [],
        });
        expect({ who: name, path, names: namesOfBIn(text) }).toEqual({ who: name, path, names: [] });
        return res.body as Record<string, unknown>;
      };
      const ids = (body: Record<string, unknown>) => (body.items as { id: string }[]).map((x) => x.id);
      expect(ids(await get('/api/v1/alerts?state=all'))).toEqual([alertA.id]);
      expect(ids(await get(`/api/v1/alerts?clusterId=${clusterB}&state=all`))).toEqual([]);
      expect(await get('/api/v1/alerts?state=all&format=csv')).toContain(alertA.id);
      const summary = (await get('/api/v1/alerts/summary')) as unknown as {
        byCommune: { communeId: string }[];
      };
      expect(summary.byCommune.map((c) => c.communeId)).toEqual([communeA.id]);
      const overrides = (await get('/api/v1/health-rules/overrides')) as unknown as { unitId: string }[];
      expect(overrides.map((o) => o.unitId)).toEqual([communeA.id]);
      await get(`/api/v1/health-rules/effective?unitId=${communeA.id}`);
      // Above the scope: readable (the thresholds inherited), with nothing of B.
      await get(`/api/v1/health-rules/effective?unitId=${province.id}`);
      if (role === 'district_technician') {
        const hooks = (await get('/api/v1/webhooks')) as unknown as { id: string }[];
        expect(hooks.map((h) => h.id)).toEqual([webhookA]);
      } else await get('/api/v1/webhooks', 403);
      const orders = ids(await get('/api/v1/work-orders?pageSize=100'));
      expect(orders).toContain(orderA);
      expect(ids(await get(`/api/v1/work-orders?q=${encodeURIComponent('Lệnh B')}`))).toEqual([]);
      await get('/api/v1/work-orders/fm-inventory');
      await get('/api/v1/work-orders/fm-inventory?format=csv');
      await get('/api/v1/work-orders/coverage-gaps');
      await get('/api/v1/work-orders/coverage-gaps?format=csv');
      await get(`/api/v1/availability?${period}&level=cluster`);
      await get(`/api/v1/availability?${period}&level=village&format=csv`);
      await get(`/api/v1/reports/province?${period}&format=json`);
      await get(`/api/v1/reports/province?${period}&format=csv`);
    }
  });

  it('A’s alert streams carry A’s alert changes and none of B’s', async () => {
    const admin = async (id: string) =>
      (await request<AlertView>('GET', server.url(`/api/v1/alerts/${id}`))).body;
    const streams = [operatorA, technicianA, viewerA].map((who) =>
      followSse(server.url('/api/v1/alerts/stream'), who.auth),
    );
    for (const stream of streams) expect(await stream.status).toBe(200);
    // Changes go through the bus as the engine publishes them (the rows stay as they are).
    const bus = server.app.get(AlertBus);
    bus.publish('updated', await admin(alertB.id));
    bus.publish('updated', await admin(alertA.id));
    for (const stream of streams)
      await eventually(async () => stream.events.some((e) => e.data.includes(alertA.id)));
    for (const stream of streams) {
      const text = JSON.stringify(stream.events);
      expect({ ids: idsOfB().filter((id) => text.includes(id)), names: namesOfBIn(text) }).toEqual({
        ids: [],
        names: [],
      });
    }
    await Promise.all(streams.map((s) => s.close()));
  });

  it('roles: a viewer cannot acknowledge, an operator cannot add webhooks or work orders, a technician cannot approve', async () => {
    const refused = async (who: Account, name: string, method: string, path: string, body?: unknown) => {
      const res = await send(who, method, path, body);
      tried.push({ who: name, what: `${method} ${path}`, status: res.status });
      expect({ who: name, what: `${method} ${path}`, status: res.status }).toEqual({
        who: name,
        what: `${method} ${path}`,
        status: 403,
      });
    };
    await refused(viewerA, 'viewer of A', 'POST', `/api/v1/alerts/${alertA.id}/acknowledge`, {});
    await refused(viewerA, 'viewer of A', 'POST', `/api/v1/alerts/${alertA.id}/resolve`, {});
    await refused(viewerA, 'viewer of A', 'POST', '/api/v1/alerts/acknowledge', { ids: [alertA.id] });
    await refused(operatorA, 'commune operator of A', 'POST', '/api/v1/webhooks', {
      name: 'Webhook xã',
      url: receiver.url,
      unitId: communeA.id,
    });
    await refused(operatorA, 'commune operator of A', 'PATCH', `/api/v1/webhooks/${webhookA}`, { name: 'x' });
    await refused(operatorA, 'commune operator of A', 'POST', '/api/v1/work-orders', {
      kind: 'new_station',
      title: 'Lệnh xã',
      communeId: communeA.id,
      fundingProgramme: 'other',
    });
    await refused(
      operatorA,
      'commune operator of A',
      'PUT',
      `/api/v1/health-rules/overrides/${communeA.id}/offline`,
      {
        enabled: false,
      },
    );
    await refused(
      technicianA,
      'district technician of A',
      'POST',
      `/api/v1/work-orders/${orderA}/transition`,
      {
        to: 'approved',
      },
    );
    const order = await send(technicianA, 'GET', `/api/v1/work-orders/${orderA}`);
    expect(order.body).toMatchObject({ status: 'proposed', revision: 1 });
    const alert = await send(viewerA, 'GET', `/api/v1/alerts/${alertA.id}`);
    expect(alert.body).toMatchObject({ state: 'open' });
  });

  it('B’s fleet health is unchanged, and B’s district technician still sees it all', async () => {
    expect(await rowsOfB()).toEqual(stateOfB);
    const asB = async (path: string) => {
      const res = await send(technicianB, 'GET', path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      return res.body as Record<string, unknown>;
    };
    expect(await asB(`/api/v1/alerts/${alertB.id}`)).toMatchObject({ state: 'open', rule: 'amp_fault' });
    expect(((await asB('/api/v1/alerts?state=all')).items as { id: string }[]).map((a) => a.id)).toEqual([
      alertB.id,
    ]);
    expect(await asB(`/api/v1/webhooks/${webhookB}`)).toMatchObject({ name: 'Webhook B', active: false });
    expect(
      ((await asB(`/api/v1/webhooks/${webhookB}/deliveries`)).items as { id: string }[]).map((d) => d.id),
    ).toEqual([deliveryB]);
    expect(await asB(`/api/v1/work-orders/${orderB}`)).toMatchObject({
      title: 'Lệnh B trạm mới',
      status: 'proposed',
    });
    expect(await asB(`/api/v1/work-orders/${replacementB}`)).toMatchObject({
      fmClusterId: fmB,
      status: 'proposed',
    });
    const overrides = (await asB(`/api/v1/health-rules/overrides?unitId=${districtB.id}`)) as unknown as {
      unitId: string;
      rule: string;
    }[];
    expect(
      overrides.map((o) => `${o.unitId === districtB.id ? 'district' : 'commune'}:${o.rule}`).sort(),
    ).toEqual(['commune:amp_fault', 'district:weak_signal']);
    expect(await asB(`/api/v1/reports/jobs/${jobB}`)).toMatchObject({ id: jobB });
    expect(tried.length).toBeGreaterThanOrEqual(3 * tries().length);
  });
});
