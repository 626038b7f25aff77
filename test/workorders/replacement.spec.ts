import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { eventually } from '../support/http';
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
import { publishPlayLog } from '../playlogs/support';
import {
  api,
  clustersUnder,
  expectedCoverage,
  expectedFm,
  fields,
  type CoverageGaps,
  type FmInventory,
  type WorkOrder,
} from './support';

/**
 * The whole life of a replacement, through the API with real accounts, real MQTT and real play reports: a
 * broken FM cluster is proposed for replacement by the district's technician, approved by the province, the
 * IP cluster is installed and commissioned (the FM cluster becomes replaced), then connects and plays its
 * first broadcast to the end, and the order records both. Around it: the rules (invalid moves, fields,
 * roles, scope) and the FM inventory / coverage figures, recomputed here from what the test registered.
 */
describe('work orders: an FM cluster replaced by an IP cluster, from proposal to first broadcast', () => {
  let server: TestServer;
  let province: Unit;
  let communeA: Unit;
  let communeA2: Unit;
  let communeB: Unit;
  let villages: Unit[];
  let provinceAdmin: Account;
  let technicianA: Account;
  let technicianB: Account;
  let operatorA: Account;
  let brokenFm: ClusterItem;
  let workingFm: ClusterItem;
  let order: WorkOrder;
  let ip: { id: string; password: string };
  const clients: MqttClient[] = [];
  const as = (a: Account) => a.auth;
  const move = (id: string, body: Record<string, unknown>, who: Account) =>
    api<WorkOrder>(server, 'POST', `/api/v1/work-orders/${id}/transition`, body, as(who));

  beforeAll(async () => {
    server = await startTestServer();
    await importLangSon(server);
    province = (await api<Page<Unit>>(server, 'GET', '/api/v1/units?level=province&code=20&era=pre_2025'))
      .body.items[0];
    const [districtA, districtB] = await childrenOf(server, province.id, 2);
    [communeA, communeA2] = await childrenOf(server, districtA.id, 2);
    [communeB] = await childrenOf(server, districtB.id, 1);
    villages = [];
    for (const [code, name] of [
      ['WV1', 'Thôn Nà Chuông'],
      ['WV2', 'Thôn Khòn Cuổi'],
      ['WV3', 'Thôn Bản Đồn'],
      ['WV4', 'Thôn Pác Cáp'],
    ])
      villages.push(await createVillage(server, communeA.id, code, name));
    provinceAdmin = await createAccount(server, 'province_admin', province.id);
    technicianA = await createAccount(server, 'district_technician', districtA.id);
    technicianB = await createAccount(server, 'district_technician', districtB.id);
    operatorA = await createAccount(server, 'commune_operator', communeA.id);

    const fm = async (code: string, kind: string, lifecycle: string, extra: Record<string, unknown> = {}) =>
      (await createCluster(server, { code, name: `Cụm FM ${code}`, kind, lifecycle, ...extra })).cluster;
    brokenFm = await fm('FM-A-1', 'fm_wired', 'faulty', {
      communeId: communeA.id,
      villageId: villages[0].id,
    });
    workingFm = await fm('FM-A-2', 'fm_wired', 'active', {
      communeId: communeA.id,
      villageId: villages[1].id,
      ipConnected: true,
    });
    await fm('FM-A-3', 'fm_wireless', 'active', { communeId: communeA.id, villageId: villages[2].id });
    await fm('FM-A-4', 'fm_wireless', 'faulty', { communeId: communeA.id, villageId: villages[3].id });
    await fm('FM-A2-1', 'fm_wireless', 'active', { communeId: communeA2.id, ipConnected: true });
    await fm('FM-B-1', 'fm_wired', 'faulty', { communeId: communeB.id });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync()));
    await server?.close();
  });

  it('keeps ipConnected for FM clusters: filter, edit, refusal on an IP cluster', async () => {
    expect(workingFm.ipConnected).toBe(true);
    expect(brokenFm.ipConnected).toBe(false);
    const connected = await api<Page<ClusterItem>>(
      server,
      'GET',
      `/api/v1/clusters?ipConnected=true&unitId=${province.id}`,
    );
    expect(connected.body.items.map((c) => c.code).sort()).toEqual(['FM-A-2', 'FM-A2-1']);
    const notConnected = await api<Page<ClusterItem>>(
      server,
      'GET',
      `/api/v1/clusters?ipConnected=false&unitId=${communeA.id}`,
    );
    expect(notConnected.body.items.map((c) => c.code).sort()).toEqual(['FM-A-1', 'FM-A-3', 'FM-A-4']);
    expect((await api(server, 'GET', '/api/v1/clusters?ipConnected=maybe')).status).toBe(400);

    const ipCreate = await api(server, 'POST', '/api/v1/clusters', {
      code: 'IP-WRONG',
      name: 'Cụm IP',
      kind: 'ip',
      communeId: communeA.id,
      ipConnected: true,
    });
    expect(ipCreate.status).toBe(400);
    expect(fields(ipCreate)).toEqual(['ipConnected']);

    // Connecting a working FM cluster is an audited registry change.
    const patched = await api<ClusterItem>(
      server,
      'PATCH',
      `/api/v1/clusters/${workingFm.id}`,
      { ipConnected: false },
      as(technicianA),
    );
    expect(patched.status).toBe(200);
    expect(patched.body.ipConnected).toBe(false);
    await api(server, 'PATCH', `/api/v1/clusters/${workingFm.id}`, { ipConnected: true }, as(technicianA));
    const audit = await api<{ items: { changes: Record<string, unknown> | null }[] }>(
      server,
      'GET',
      `/api/v1/audit?objectId=${workingFm.id}&action=cluster.update`,
    );
    expect(audit.body.items.map((e) => e.changes)).toContainEqual({
      ipConnected: { before: false, after: true },
    });
  });

  it('counts FM clusters per commune and lists villages without a working cluster', async () => {
    const inventory = await api<FmInventory>(
      server,
      'GET',
      '/api/v1/work-orders/fm-inventory',
      undefined,
      as(technicianA),
    );
    expect(inventory.status).toBe(200);
    // The technician sees the district's communes only: B's FM cluster is not counted.
    const clusters = await clustersUnder(server, province.id);
    expect(inventory.body.communes.map((c) => c.commune.id).sort()).toEqual(
      [communeA.id, communeA2.id].sort(),
    );
    const all = await api<FmInventory>(
      server,
      'GET',
      `/api/v1/work-orders/fm-inventory?unitId=${province.id}`,
    );
    expect(all.body.communes.map((c) => c.commune.id).sort()).toEqual(
      [communeA.id, communeA2.id, communeB.id].sort(),
    );
    for (const entry of all.body.communes) {
      expect(entry.district?.level).toBe('district');
      expect({ fmWired: entry.fmWired, fmWireless: entry.fmWireless }).toEqual(
        expectedFm(clusters, entry.commune.id),
      );
    }
    expect(inventory.body.communes.find((c) => c.commune.id === communeA.id)).toMatchObject({
      fmWired: { working: 1, ipConnected: 1, broken: 1, replaced: 0 },
      fmWireless: { working: 1, ipConnected: 0, broken: 1, replaced: 0 },
    });

    const gaps = await api<CoverageGaps>(
      server,
      'GET',
      `/api/v1/work-orders/coverage-gaps?unitId=${communeA.id}`,
      undefined,
      as(operatorA),
    );
    expect(gaps.status).toBe(200);
    expect(gaps.body.communes).toHaveLength(1);
    const { villagesTotal, villagesCovered, uncovered } = gaps.body.communes[0];
    expect({ villagesTotal, villagesCovered, uncovered }).toEqual(
      expectedCoverage(await clustersUnder(server, communeA.id), villages),
    );
    expect(uncovered.map((v) => v.code)).toEqual(['WV1', 'WV4']);

    const csv = await api<string>(
      server,
      'GET',
      `/api/v1/work-orders/fm-inventory?unitId=${communeA.id}&format=csv`,
    );
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'districtCode,districtName,communeId,communeCode,communeName,fmWiredWorking,fmWiredIpConnected,fmWiredBroken,fmWiredReplaced,fmWirelessWorking,fmWirelessIpConnected,fmWirelessBroken,fmWirelessReplaced',
    );
    expect(lines).toHaveLength(2);
    expect(lines[1].endsWith(',1,1,1,0,1,0,1,0')).toBe(true);

    const gapsCsv = await api<string>(
      server,
      'GET',
      `/api/v1/work-orders/coverage-gaps?unitId=${communeA.id}&format=csv`,
    );
    expect(gapsCsv.headers.get('content-disposition')).toMatch(/attachment; filename="coverage-gaps-/);
    const gapLines = gapsCsv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(gapLines.map((l) => l.split(',').slice(5).join(','))).toEqual([
      'villagesTotal,villagesCovered,villageId,villageCode,villageName',
      `4,2,${villages[0].id},WV1,Thôn Nà Chuông`,
      `4,2,${villages[3].id},WV4,Thôn Pác Cáp`,
    ]);

    // A unit outside the caller's scope is not even confirmed.
    expect(
      (
        await api(
          server,
          'GET',
          `/api/v1/work-orders/coverage-gaps?unitId=${communeB.id}`,
          undefined,
          as(technicianA),
        )
      ).status,
    ).toBe(404);
  });

  it('refuses invalid orders, naming the field', async () => {
    const base = {
      kind: 'replacement',
      title: 'Thay cụm loa FM thôn Nà Chuông',
      communeId: communeA.id,
      fmClusterId: brokenFm.id,
      fundingProgramme: 'ntp_new_rural',
    };
    const post = (body: Record<string, unknown>) =>
      api(server, 'POST', '/api/v1/work-orders', body, as(technicianA));
    const cases: [Record<string, unknown>, number, string][] = [
      [{ ...base, fmClusterId: undefined }, 422, 'fmClusterId'],
      [{ ...base, fmClusterId: workingFm.id }, 422, 'fmClusterId'],
      [{ ...base, kind: 'expansion', fmClusterId: undefined }, 422, 'villageId'],
      [{ ...base, kind: 'new_station' }, 422, 'fmClusterId'],
      [{ ...base, kind: 'repair' }, 400, 'kind'],
      [{ ...base, fundingProgramme: 'lottery' }, 400, 'fundingProgramme'],
      [{ ...base, plannedCostVnd: -5 }, 400, 'plannedCostVnd'],
      [{ ...base, plannedCostVnd: 1.5 }, 400, 'plannedCostVnd'],
      [{ ...base, plannedCostVnd: '12 triệu' }, 400, 'plannedCostVnd'],
      [{ ...base, plannedStart: '2026-02-30' }, 400, 'plannedStart'],
      [{ ...base, plannedStart: '2026-05-01', plannedEnd: '2026-04-01' }, 400, 'plannedEnd'],
      [{ ...base, title: '' }, 400, 'title'],
      [{ ...base, villageId: randomUUID() }, 400, 'villageId'],
      [{ ...base, communeId: province.id }, 400, 'communeId'],
    ];
    for (const [body, status, field] of cases) {
      const res = await post(body);
      expect({ body, status: res.status }).toEqual({ body, status });
      expect(fields(res)).toContain(field);
    }
    // Working FM clusters are connected, not replaced: the message says so.
    const working = await post({ ...base, fmClusterId: workingFm.id });
    expect((working.body as { message: string }).message).toMatch(/working.*connected/);
  });

  it('follows a replacement from proposal to commissioning, with roles and scope', async () => {
    const created = await api<WorkOrder>(
      server,
      'POST',
      '/api/v1/work-orders',
      {
        kind: 'replacement',
        title: 'Thay cụm loa FM thôn Nà Chuông',
        communeId: communeA.id,
        villageId: villages[0].id,
        fmClusterId: brokenFm.id,
        fundingProgramme: 'ntp_poverty_reduction',
        plannedStart: '2026-03-01',
        plannedEnd: '2026-04-30',
        plannedCostVnd: '45000000',
        notes: 'Cụm loa hỏng do sét',
      },
      as(technicianA),
    );
    expect(created.status).toBe(201);
    order = created.body;
    expect(order).toMatchObject({
      kind: 'replacement',
      status: 'proposed',
      communeId: communeA.id,
      villageId: villages[0].id,
      fmCluster: { id: brokenFm.id, code: 'FM-A-1', kind: 'fm_wired', lifecycle: 'faulty' },
      ipCluster: null,
      plannedCostVnd: '45000000',
      revision: 1,
    });
    expect(order.code).toMatch(/^WO-\d{4}-\d{4}$/);
    expect(order.history).toEqual([
      expect.objectContaining({ type: 'created', toStatus: 'proposed', actor: `user:${technicianA.id}` }),
    ]);
    // The same FM cluster cannot be in two orders.
    const again = await api(
      server,
      'POST',
      '/api/v1/work-orders',
      {
        kind: 'replacement',
        title: 'Lần nữa',
        communeId: communeA.id,
        fmClusterId: brokenFm.id,
        fundingProgramme: 'other',
      },
      as(technicianA),
    );
    expect(again.status).toBe(422);
    expect(fields(again)).toEqual(['fmClusterId']);

    // Another district's technician: not found, and may not create in this commune.
    expect(
      (await api(server, 'GET', `/api/v1/work-orders/${order.id}`, undefined, as(technicianB))).status,
    ).toBe(404);
    expect(
      (await api(server, 'PATCH', `/api/v1/work-orders/${order.id}`, { notes: 'x' }, as(technicianB))).status,
    ).toBe(404);
    expect((await move(order.id, { to: 'cancelled' }, technicianB)).status).toBe(404);
    const listB = await api<Page<WorkOrder>>(
      server,
      'GET',
      '/api/v1/work-orders',
      undefined,
      as(technicianB),
    );
    expect(listB.body.total).toBe(0);
    const foreign = await api(
      server,
      'POST',
      '/api/v1/work-orders',
      { kind: 'new_station', title: 'Đài mới', communeId: communeA.id, fundingProgramme: 'local_budget' },
      as(technicianB),
    );
    expect(foreign.status).toBe(403);
    // The commune's operator reads, but does not write.
    expect(
      (await api(server, 'GET', `/api/v1/work-orders/${order.id}`, undefined, as(operatorA))).status,
    ).toBe(200);
    const listA = await api<Page<WorkOrder>>(server, 'GET', '/api/v1/work-orders', undefined, as(operatorA));
    expect(listA.body.items.map((o) => o.id)).toEqual([order.id]);
    expect(
      (await api(server, 'PATCH', `/api/v1/work-orders/${order.id}`, { notes: 'x' }, as(operatorA))).status,
    ).toBe(403);
    expect((await move(order.id, { to: 'cancelled' }, operatorA)).status).toBe(403);
    expect(
      (
        await api(
          server,
          'POST',
          '/api/v1/work-orders',
          { kind: 'new_station', title: 'Đài mới', communeId: communeA.id, fundingProgramme: 'local_budget' },
          as(operatorA),
        )
      ).status,
    ).toBe(403);

    // Approval is the province's.
    const byTechnician = await move(order.id, { to: 'approved' }, technicianA);
    expect(byTechnician.status).toBe(403);
    const approved = await move(order.id, { to: 'approved', note: 'Đồng ý, vốn CTMTQG 2026' }, provinceAdmin);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', revision: 2 });

    // Moves that skip a step or go back are refused, naming from and to.
    for (const to of ['commissioned', 'closed', 'proposed', 'approved']) {
      const res = await move(order.id, { to }, technicianA);
      expect(res.status).toBe(409);
      expect((res.body as unknown as { message: string }).message).toContain(`from approved to ${to}`);
    }
    const installing = await move(order.id, { to: 'installing', actualStart: '2026-03-05' }, technicianA);
    expect(installing.body).toMatchObject({ status: 'installing', actualStart: '2026-03-05', revision: 3 });

    // Editing with a stale revision is refused; with the current one it goes through and is in the history.
    const stale = await api(
      server,
      'PATCH',
      `/api/v1/work-orders/${order.id}`,
      { notes: 'cũ', revision: 1 },
      as(technicianA),
    );
    expect(stale.status).toBe(409);
    const edited = await api<WorkOrder>(
      server,
      'PATCH',
      `/api/v1/work-orders/${order.id}`,
      { actualCostVnd: 43_500_000, revision: 3 },
      as(technicianA),
    );
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ actualCostVnd: '43500000', revision: 4 });
    expect(edited.body.history.at(-1)).toMatchObject({
      type: 'edited',
      changes: { actualCostVnd: { before: null, after: '43500000' } },
    });

    // Commissioning needs the IP cluster installed in the order's village.
    const missing = await move(order.id, { to: 'commissioned' }, technicianA);
    expect(missing.status).toBe(422);
    expect(fields(missing)).toEqual(['ipClusterId']);
    const elsewhere = await createCluster(server, {
      code: 'IP-A-WV2',
      name: 'Cụm IP thôn Khòn Cuổi',
      kind: 'ip',
      lifecycle: 'planned',
      communeId: communeA.id,
      villageId: villages[1].id,
    });
    const wrongVillage = await move(
      order.id,
      { to: 'commissioned', ipClusterId: elsewhere.cluster.id },
      technicianA,
    );
    expect(wrongVillage.status).toBe(422);
    expect(fields(wrongVillage)).toEqual(['ipClusterId']);
    const notIp = await move(order.id, { to: 'commissioned', ipClusterId: workingFm.id }, technicianA);
    expect(notIp.status).toBe(422);

    const installed = await api<{ cluster: ClusterItem; credential: { password: string } }>(
      server,
      'POST',
      '/api/v1/clusters',
      {
        code: 'IP-A-WV1',
        name: 'Cụm IP thôn Nà Chuông',
        kind: 'ip',
        lifecycle: 'planned',
        communeId: communeA.id,
        villageId: villages[0].id,
      },
      as(technicianA),
    );
    expect(installed.status).toBe(201);
    ip = { id: installed.body.cluster.id, password: installed.body.credential.password };
    const commissioned = await move(
      order.id,
      { to: 'commissioned', ipClusterId: ip.id, actualEnd: '2026-04-20', note: 'Nghiệm thu' },
      technicianA,
    );
    expect(commissioned.status).toBe(200);
    expect(commissioned.body).toMatchObject({
      status: 'commissioned',
      ipClusterId: ip.id,
      ipCluster: { code: 'IP-A-WV1', lifecycle: 'active' },
      fmCluster: { code: 'FM-A-1', lifecycle: 'replaced' },
      actualEnd: '2026-04-20',
      firstConnectedAt: null,
      firstBroadcastAt: null,
    });
    expect(Date.parse(commissioned.body.commissionedAt as string)).toBeGreaterThan(Date.now() - 60_000);
    expect(commissioned.body.history.map((e) => [e.type, e.fromStatus, e.toStatus, e.actor])).toEqual([
      ['created', null, 'proposed', `user:${technicianA.id}`],
      ['status', 'proposed', 'approved', `user:${provinceAdmin.id}`],
      ['status', 'approved', 'installing', `user:${technicianA.id}`],
      ['edited', null, null, `user:${technicianA.id}`],
      ['status', 'installing', 'commissioned', `user:${technicianA.id}`],
    ]);
    expect(commissioned.body.history[1].note).toBe('Đồng ý, vốn CTMTQG 2026');
    // The registry agrees; the IP cluster cannot serve another order.
    const fmNow = await api<ClusterItem>(server, 'GET', `/api/v1/clusters/${brokenFm.id}`);
    expect(fmNow.body.lifecycle).toBe('replaced');
    const other = await api<WorkOrder>(
      server,
      'POST',
      '/api/v1/work-orders',
      {
        kind: 'expansion',
        title: 'Mở rộng',
        communeId: communeA.id,
        villageId: villages[0].id,
        fundingProgramme: 'other',
      },
      as(technicianA),
    );
    for (const to of ['approved', 'installing']) await move(other.body.id, { to }, provinceAdmin);
    const taken = await move(other.body.id, { to: 'commissioned', ipClusterId: ip.id }, technicianA);
    expect(taken.status).toBe(422);
    expect((taken.body as unknown as { message: string }).message).toContain(order.code);
    expect((await move(other.body.id, { to: 'cancelled' }, technicianA)).body.status).toBe('cancelled');
    expect((await move(other.body.id, { to: 'approved' }, provinceAdmin)).status).toBe(409);

    // Every change is in the audit log, in the commune's scope.
    const audit = await api<{ items: { action: string }[] }>(
      server,
      'GET',
      `/api/v1/audit?objectId=${order.id}`,
      undefined,
      as(technicianA),
    );
    expect(audit.body.items.map((e) => e.action).sort()).toEqual(
      [
        'work_order.create',
        'work_order.transition',
        'work_order.transition',
        'work_order.update',
        'work_order.transition',
      ].sort(),
    );
  });

  it('records the first connection and the first broadcast played to its end', async () => {
    const client = await goOnline(server, ip.id, ip.password);
    clients.push(client);
    const connected = await eventually(async () => {
      const res = await api<WorkOrder>(server, 'GET', `/api/v1/work-orders/${order.id}`);
      return res.body.firstConnectedAt ? res.body : null;
    });
    expect(Date.parse(connected.firstConnectedAt as string)).toBeGreaterThan(
      Date.parse(connected.commissionedAt as string) - 1,
    );
    expect(connected.history.at(-1)).toMatchObject({ type: 'first_connection', actor: 'system' });
    expect(connected.firstBroadcastAt).toBeNull();

    // A report that is not a finished broadcast does not count; the first finished one does.
    const start = Date.now() - 120_000;
    const ref = `${randomUUID()}@${start}`;
    await publishPlayLog(client, ip.id, [
      { id: 'wo-1', source: 'schedule', ref, event: 'started', at: start + 100 },
    ]);
    await publishPlayLog(client, ip.id, [
      { id: 'wo-2', source: 'schedule', ref, event: 'finished', at: start + 60_100, playedMs: 60_000 },
    ]);
    const played = await eventually(async () => {
      const res = await api<WorkOrder>(server, 'GET', `/api/v1/work-orders/${order.id}`);
      return res.body.firstBroadcastAt ? res.body : null;
    });
    expect(played.firstBroadcastAt).toBe(new Date(start + 60_100).toISOString());
    expect(played.history.filter((e) => e.type === 'first_broadcast')).toEqual([
      expect.objectContaining({
        actor: 'system',
        changes: { firstBroadcastAt: { before: null, after: new Date(start + 60_100).toISOString() } },
      }),
    ]);
    // Later broadcasts change nothing: each is written once.
    await publishPlayLog(client, ip.id, [
      { id: 'wo-3', source: 'schedule', ref, event: 'finished', at: start + 90_000, playedMs: 60_000 },
    ]);
    const closed = await move(order.id, { to: 'closed' }, technicianA);
    expect(closed.status).toBe(200);
    expect(closed.body.firstBroadcastAt).toBe(played.firstBroadcastAt);
    expect(closed.body.history.filter((e) => e.type.startsWith('first_'))).toHaveLength(2);
    expect(
      (await api(server, 'PATCH', `/api/v1/work-orders/${order.id}`, { notes: 'x' }, as(technicianA))).status,
    ).toBe(409);
    expect((await move(order.id, { to: 'cancelled' }, technicianA)).status).toBe(409);
  });

  it('recomputes inventory and coverage after the replacement', async () => {
    const inventory = await api<FmInventory>(
      server,
      'GET',
      `/api/v1/work-orders/fm-inventory?unitId=${communeA.id}`,
      undefined,
      as(operatorA),
    );
    const clusters = await clustersUnder(server, communeA.id);
    expect(inventory.body.communes).toHaveLength(1);
    const [entry] = inventory.body.communes;
    expect({ fmWired: entry.fmWired, fmWireless: entry.fmWireless }).toEqual(
      expectedFm(clusters, communeA.id),
    );
    expect(entry.fmWired).toEqual({ working: 1, ipConnected: 1, broken: 0, replaced: 1 });
    expect(inventory.body.totals).toEqual({ fmWired: entry.fmWired, fmWireless: entry.fmWireless });

    const gaps = await api<CoverageGaps>(
      server,
      'GET',
      `/api/v1/work-orders/coverage-gaps?unitId=${communeA.id}`,
    );
    const { villagesTotal, villagesCovered, uncovered } = gaps.body.communes[0];
    expect({ villagesTotal, villagesCovered, uncovered }).toEqual(expectedCoverage(clusters, villages));
    // The new IP cluster covers Nà Chuông now; Pác Cáp still has only a broken FM cluster.
    expect(uncovered.map((v) => v.code)).toEqual(['WV4']);
    expect(gaps.body.totals).toEqual({ villagesTotal: 4, villagesCovered: 3 });
  });
});
