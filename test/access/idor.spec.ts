import { request, type JsonResponse } from '../support/http';
import { startTestServer, type TestServer } from '../support/test-server';
import {
  createCluster,
  createVillage,
  importLangSon,
  type ClusterItem,
  type Page,
  type Unit,
} from '../registry/fixtures';
import { childrenOf, createAccount, type Account } from './support';

/**
 * Insecure direct object references: people scoped to commune A (and to A's district) try, by id, to read and
 * change every kind of object of commune B, in another district. Each attempt must be refused with 404 (the
 * object is not even confirmed to exist) or 403 (their role may not do this at all), and B must be unchanged.
 */
describe('scope: nobody reaches another commune’s objects by id', () => {
  let server: TestServer;
  let communeA: Unit;
  let communeB: Unit;
  let villageB: Unit;
  let stationB: { id: string };
  let clusterA: ClusterItem;
  let clusterB: ClusterItem;
  let commandB: { id: string };
  let userB: Account;
  let keyB: { id: string };
  let operatorA: Account;
  let technicianA: Account;
  let viewerA: Account;
  let provinceAdmin: Account;
  const tried: { who: string; what: string; status: number }[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    await importLangSon(server);
    const province = (await request<Page<Unit>>('GET', server.url('/api/v1/units?level=province&code=20')))
      .body.items[0];
    const [districtA, districtB] = await childrenOf(server, province.id, 2);
    [communeA] = await childrenOf(server, districtA.id, 1);
    [communeB] = await childrenOf(server, districtB.id, 1);
    await createVillage(server, communeA.id, 'A01', 'Thôn A');
    villageB = await createVillage(server, communeB.id, 'B01', 'Thôn B');
    await request('POST', server.url('/api/v1/stations'), { communeId: communeA.id, name: 'Đài A' });
    stationB = (
      await request<{ id: string }>('POST', server.url('/api/v1/stations'), {
        communeId: communeB.id,
        name: 'Đài B',
      })
    ).body;
    clusterA = (
      await createCluster(server, { code: 'A-1', name: 'Cụm A', kind: 'ip', communeId: communeA.id })
    ).cluster;
    clusterB = (
      await createCluster(server, {
        code: 'B-1',
        name: 'Cụm B',
        kind: 'ip',
        communeId: communeB.id,
        villageId: villageB.id,
      })
    ).cluster;
    commandB = (
      await request<{ id: string }>('POST', server.url(`/api/v1/clusters/${clusterB.id}/commands`), {
        type: 'ping',
      })
    ).body;
    userB = await createAccount(server, 'commune_operator', communeB.id);
    keyB = (
      await request<{ apiKey: { id: string } }>('POST', server.url('/api/v1/api-keys'), {
        name: 'Khoá B',
        role: 'viewer',
        scopeUnitId: communeB.id,
      })
    ).body.apiKey;
    operatorA = await createAccount(server, 'commune_operator', communeA.id);
    technicianA = await createAccount(server, 'district_technician', districtA.id);
    viewerA = await createAccount(server, 'viewer', communeA.id);
    provinceAdmin = await createAccount(server, 'province_admin', province.id);
  }, 120_000);

  afterAll(async () => {
    // The figure quoted in the closing note of issue 4.
    console.log(`IDOR cases tried: ${tried.length}, all refused with 404/403`);
    await server?.close();
  });

  const as = (account: Account) => account.auth;

  async function attempt(
    who: Account,
    whoName: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<JsonResponse> {
    const res = await request(method, server.url(path), body, { ...as(who), ...headers });
    tried.push({ who: whoName, what: `${method} ${path}`, status: res.status });
    expect({ who: whoName, what: `${method} ${path}`, status: res.status }).toEqual({
      who: whoName,
      what: `${method} ${path}`,
      status: [403, 404].includes(res.status) ? res.status : 'not 403/404',
    });
    expect(JSON.stringify(res.body)).not.toContain('Cụm B'); // nothing of B leaks into the error
    return res;
  }

  const attempts = (): [string, string, unknown?][] => [
    ['GET', `/api/v1/units/${communeB.id}`],
    ['GET', `/api/v1/units/${communeB.id}/children`],
    ['GET', `/api/v1/units/${villageB.id}`],
    ['POST', '/api/v1/units', { level: 'village', code: 'X99', name: 'Thôn lạ', parentId: communeB.id }],
    ['GET', `/api/v1/stations/${stationB.id}`],
    ['PATCH', `/api/v1/stations/${stationB.id}`, { name: 'Đổi tên' }],
    ['DELETE', `/api/v1/stations/${stationB.id}`],
    ['POST', '/api/v1/stations', { communeId: communeB.id, name: 'Đài thứ hai' }],
    ['GET', `/api/v1/clusters/${clusterB.id}`],
    ['PATCH', `/api/v1/clusters/${clusterB.id}`, { name: 'Đổi tên' }],
    ['PATCH', `/api/v1/clusters/${clusterB.id}`, { lifecycle: 'decommissioned' }],
    ['PATCH', `/api/v1/clusters/${clusterA.id}`, { communeId: communeB.id }],
    ['DELETE', `/api/v1/clusters/${clusterB.id}`],
    ['POST', `/api/v1/clusters/${clusterB.id}/credential/rotate`],
    ['POST', '/api/v1/clusters', { code: 'X-1', name: 'Cụm lạ', kind: 'ip', communeId: communeB.id }],
    ['GET', `/api/v1/clusters/${clusterB.id}/telemetry`],
    ['GET', `/api/v1/clusters/${clusterB.id}/commands`],
    ['GET', `/api/v1/clusters/${clusterB.id}/commands/${commandB.id}`],
    ['POST', `/api/v1/clusters/${clusterB.id}/commands`, { type: 'set_volume', params: { volume: 0 } }],
    ['GET', `/api/v1/users/${userB.id}`],
    ['PATCH', `/api/v1/users/${userB.id}`, { active: false }],
    ['POST', `/api/v1/users/${userB.id}/password`, { password: 'mat-khau-moi-123' }],
    [
      'POST',
      '/api/v1/users',
      {
        username: 'lan-b',
        displayName: 'B',
        role: 'viewer',
        scopeUnitId: communeB.id,
        password: 'mat-khau-moi-123',
      },
    ],
    ['DELETE', `/api/v1/api-keys/${keyB.id}`],
    ['POST', '/api/v1/api-keys', { name: 'Khoá lạ', role: 'viewer', scopeUnitId: communeB.id }],
  ];

  it.each([
    ['commune operator of A', () => operatorA],
    ['district technician of A', () => technicianA],
    ['viewer of A', () => viewerA],
  ])('%s is refused on every object of commune B', async (name, who) => {
    for (const [method, path, body] of attempts()) await attempt(who(), name, method, path, body);
  });

  it('a CSV import naming commune B is refused row by row and writes nothing', async () => {
    const csv = `code,name,kind,commune_code\nX-2,Cụm lạ,ip,${communeB.code}\n`;
    const res = await request<{ errors: { field: string; rule: string }[] }>(
      'POST',
      server.url('/api/v1/clusters/import'),
      csv,
      { ...as(technicianA), 'content-type': 'text/csv' },
    );
    tried.push({ who: 'district technician of A', what: 'POST /api/v1/clusters/import', status: res.status });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'commune_code', rule: 'inScope' })]);
  });

  it('lists and the audit log show only what lies in the caller’s scope', async () => {
    for (const who of [operatorA, technicianA, viewerA]) {
      const clusters = await request<Page<ClusterItem>>(
        'GET',
        server.url('/api/v1/clusters'),
        undefined,
        as(who),
      );
      expect(clusters.body.items.map((c) => c.code)).toEqual(['A-1']);
      const stations = await request<Page<{ name: string }>>(
        'GET',
        server.url('/api/v1/stations'),
        undefined,
        as(who),
      );
      expect(stations.body.items.map((s) => s.name)).toEqual(['Đài A']);
      const units = await request<Page<Unit>>(
        'GET',
        server.url('/api/v1/units?level=commune'),
        undefined,
        as(who),
      );
      expect(units.body.items.map((u) => u.id)).not.toContain(communeB.id);
      expect(units.body.items.map((u) => u.id)).toContain(communeA.id);
    }
    const audit = await request<Page<{ objectId: string }>>(
      'GET',
      server.url(`/api/v1/audit?objectId=${clusterB.id}`),
      undefined,
      as(technicianA),
    );
    expect(audit.status).toBe(200);
    expect(audit.body.total).toBe(0);
    const users = await request<Page<{ id: string }>>(
      'GET',
      server.url('/api/v1/users'),
      undefined,
      as(technicianA),
    );
    expect(users.body.items.map((u) => u.id)).not.toContain(userB.id);
  });

  it('commune B is unchanged, and its province administrator still sees it all', async () => {
    const b = await request<ClusterItem>(
      'GET',
      server.url(`/api/v1/clusters/${clusterB.id}`),
      undefined,
      as(provinceAdmin),
    );
    expect(b.status).toBe(200);
    expect(b.body).toMatchObject({ code: 'B-1', name: 'Cụm B', lifecycle: 'active', communeId: communeB.id });
    const station = await request<{ name: string }>(
      'GET',
      server.url(`/api/v1/stations/${stationB.id}`),
      undefined,
      as(provinceAdmin),
    );
    expect(station.body.name).toBe('Đài B');
    const a = await request<ClusterItem>('GET', server.url(`/api/v1/clusters/${clusterA.id}`));
    expect(a.body.communeId).toBe(communeA.id);
    const user = await request<{ active: boolean }>(
      'GET',
      server.url(`/api/v1/users/${userB.id}`),
      undefined,
      as(provinceAdmin),
    );
    expect(user.body.active).toBe(true);
    const keys = await request<{ id: string; revokedAt: string | null }[]>(
      'GET',
      server.url('/api/v1/api-keys'),
      undefined,
      as(provinceAdmin),
    );
    expect(keys.body.find((k) => k.id === keyB.id)?.revokedAt).toBeNull();
    const commands = await request<Page<unknown>>(
      'GET',
      server.url(`/api/v1/clusters/${clusterB.id}/commands`),
    );
    expect(commands.body.total).toBe(1);
    expect(tried.length).toBeGreaterThanOrEqual(3 * attempts().length + 1);
  });
});
