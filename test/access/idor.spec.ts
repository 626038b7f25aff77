import { createHash, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { eventually, request, type JsonResponse } from '../support/http';
import { startTestServer, type TestServer } from '../support/test-server';
import {
  connectAs,
  createCluster,
  createVillage,
  importLangSon,
  type ClusterItem,
  type Page,
  type Unit,
} from '../registry/fixtures';
import { instantOf, localTime, readyAsset } from '../broadcasts/support';
import { publishPlayLog } from '../playlogs/support';
import { upload, type Asset } from '../media/support';
import { MediaUrlSigner } from '../../apps/server/src/media/media-url-signer';
import { childrenOf, createAccount, type Account } from './support';

/**
 * Insecure direct object references: people scoped to commune A (and to A's district) try, by id, to read and
 * change every kind of object of commune B, in another district — broadcasting's too: media, programs, groups,
 * schedules and their occurrences, broadcasts, play logs, live sessions. Each attempt must be refused with 404
 * (the object is not even confirmed to exist) or 403 (their role may not do this at all), A's writes may not
 * refer to B's objects, A's lists and exports show nothing of B, and B must be unchanged. The province's own
 * recordings are the exception the media library makes: usable from A, not changeable.
 */
describe('scope: nobody reaches another commune’s objects by id', () => {
  let server: TestServer;
  let communeA: Unit;
  let communeB: Unit;
  let villageB: Unit;
  let stationB: { id: string };
  let clusterA: ClusterItem;
  let clusterB: ClusterItem;
  /** MQTT passwords of the clusters, by id. */
  let passwords: Record<string, string>;
  let commandB: { id: string };
  let userB: Account;
  let keyB: { id: string };
  let operatorA: Account;
  let technicianA: Account;
  let viewerA: Account;
  let provinceAdmin: Account;
  const tried: { who: string; what: string; status: number }[] = [];
  /** Broadcasting objects: B's (created by the administrator), and A's (created by A's operator). */
  let province: Unit;
  let provinceAsset: Asset;
  let assetA: Asset;
  let assetB: Asset;
  let programA: string;
  let programB: string;
  let groupA: string;
  let groupB: string;
  let scheduleA: string;
  let scheduleB: string;
  /** Original starts of two occurrences of B's schedule: the first as planned, the second skipped. */
  let occurrenceB: number;
  let skippedB: number;
  let broadcastB: string;
  let liveB: string;
  /** The local day the play reports' occurrence falls on (the summary's day), and B's rows before A's tries. */
  let day: string;
  let stateOfB: Record<string, string>;

  beforeAll(async () => {
    server = await startTestServer();
    await importLangSon(server);
    province = (await request<Page<Unit>>('GET', server.url('/api/v1/units?level=province&code=20'))).body
      .items[0];
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
    const createdA = await createCluster(server, {
      code: 'A-1',
      name: 'Cụm A',
      kind: 'ip',
      communeId: communeA.id,
    });
    const createdB = await createCluster(server, {
      code: 'B-1',
      name: 'Cụm B',
      kind: 'ip',
      communeId: communeB.id,
      villageId: villageB.id,
    });
    clusterA = createdA.cluster;
    clusterB = createdB.cluster;
    passwords = {
      [clusterA.id]: createdA.credential!.password,
      [clusterB.id]: createdB.credential!.password,
    };
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
    await broadcastingObjects();
  }, 180_000);

  /**
   * Media, programs, groups, schedules (one occurrence skipped), a broadcast, play logs and a live session:
   * B's made by the administrator, A's by A's own operator (who may use the province's recording).
   */
  async function broadcastingObjects(): Promise<void> {
    const created = async (path: string, body: object, headers: Record<string, string> = {}) => {
      const res = await request<{ id: string; session?: { id: string } }>(
        'POST',
        server.url(path),
        body,
        headers,
      );
      if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.session?.id ?? res.body.id;
    };
    [provinceAsset, assetA, assetB] = await Promise.all([
      readyAsset(server, province.id, 2, 'Cảnh báo bão của tỉnh'),
      readyAsset(server, communeA.id, 2, 'Bản tin xã A'),
      readyAsset(server, communeB.id, 2, 'Bản tin xã B'),
    ]);
    programB = await created('/api/v1/programs', {
      name: 'Chương trình B',
      unitId: communeB.id,
      assetIds: [assetB.id],
    });
    groupB = await created('/api/v1/cluster-groups', {
      name: 'Nhóm B',
      unitId: communeB.id,
      clusterIds: [clusterB.id],
    });
    const startB = localTime(2, '06:00');
    occurrenceB = instantOf(startB);
    skippedB = occurrenceB + 86_400_000;
    scheduleB = await created('/api/v1/schedules', {
      title: 'Lịch B',
      programId: programB,
      target: { groupIds: [groupB] },
      start: startB,
      rrule: 'FREQ=DAILY',
    });
    const skip = await request('PUT', server.url(`/api/v1/schedules/${scheduleB}/occurrences/${skippedB}`), {
      skip: true,
    });
    expect(skip.status).toBe(200);

    // A's own: the province's recording is usable from the commune.
    const asA = operatorA.auth;
    programA = await created(
      '/api/v1/programs',
      { name: 'Chương trình A', assetIds: [provinceAsset.id] },
      asA,
    );
    groupA = await created('/api/v1/cluster-groups', { name: 'Nhóm A', clusterIds: [clusterA.id] }, asA);
    scheduleA = await created(
      '/api/v1/schedules',
      {
        title: 'Lịch A',
        assetId: provinceAsset.id,
        target: { clusterIds: [clusterA.id] },
        start: localTime(2, '07:00'),
      },
      asA,
    );

    // Play logs of both clusters, sent by the devices, this morning.
    day = startB.slice(0, 10);
    const at = Date.now() - 60_000;
    const ds = server.app.get(DataSource);
    for (const [cluster, code] of [
      [clusterA, 'A'],
      [clusterB, 'B'],
    ] as const) {
      const device = await connectAs(server, cluster.id, passwords[cluster.id]);
      const ref = `${code === 'A' ? scheduleA : scheduleB}@${occurrenceB}`;
      await publishPlayLog(device, cluster.id, [
        { id: `${code}-1`, source: 'schedule', ref, event: 'started', at },
        { id: `${code}-2`, source: 'schedule', ref, event: 'finished', at: at + 2_000, playedMs: 2_000 },
      ]);
      await device.endAsync();
    }
    await eventually(async () => {
      const [row] = await ds.query(`SELECT count(*)::int AS n FROM play_log`);
      return row.n === 4;
    });

    // B's broadcast stays pending (no device listens) for a day; B's live session waits for a source.
    broadcastB = await created('/api/v1/broadcasts', {
      kind: 'play_now',
      title: 'Phát ngay B',
      target: { clusterIds: [clusterB.id] },
      priority: 'commune',
      assetIds: [assetB.id],
      ttlS: 86_400,
    });
    liveB = await created('/api/v1/live', {
      title: 'Trực tiếp B',
      target: { clusterIds: [clusterB.id] },
      priority: 'commune',
      unitId: communeB.id,
    });
    stateOfB = await broadcastingRowsOfB();
  }

  /**
   * A hash of the rows, by table, of everything of B's broadcasting (owned by commune B, or reaching its
   * cluster) and of the province's recording: changed or added by a request of A's people, it shows here.
   */
  async function broadcastingRowsOfB(): Promise<Record<string, string>> {
    const ds = server.app.get(DataSource);
    const inB = `(unit_path = $1 OR unit_path LIKE $1 || '/%')`;
    const queries: Record<string, [string, unknown[]]> = {
      media_asset: [
        `SELECT * FROM media_asset WHERE unit_id = $1 OR id = $2 ORDER BY id`,
        [communeB.id, provinceAsset.id],
      ],
      media_rendition: [
        `SELECT r.* FROM media_rendition r JOIN media_asset a ON a.id = r.asset_id
          WHERE a.unit_id = $1 OR a.id = $2 ORDER BY r.id`,
        [communeB.id, provinceAsset.id],
      ],
      program: [`SELECT * FROM program WHERE ${inB} ORDER BY id`, [communeB.path]],
      program_item: [
        `SELECT i.* FROM program_item i JOIN program p ON p.id = i.program_id
          WHERE p.unit_path = $1 OR p.unit_path LIKE $1 || '/%' ORDER BY i.program_id, i.position`,
        [communeB.path],
      ],
      cluster_group: [`SELECT * FROM cluster_group WHERE ${inB} ORDER BY id`, [communeB.path]],
      cluster_group_member: [
        `SELECT * FROM cluster_group_member WHERE group_id = $1 OR cluster_id = $2 ORDER BY group_id, cluster_id`,
        [groupB, clusterB.id],
      ],
      schedule: [`SELECT * FROM schedule WHERE ${inB} ORDER BY id`, [communeB.path]],
      schedule_override: [
        `SELECT * FROM schedule_override WHERE schedule_id = $1 ORDER BY original_start`,
        [scheduleB],
      ],
      broadcast: [`SELECT * FROM broadcast WHERE ${inB} ORDER BY id`, [communeB.path]],
      device_command: [`SELECT * FROM device_command WHERE cluster_id = $1 ORDER BY id`, [clusterB.id]],
      play_log: [`SELECT * FROM play_log WHERE cluster_id = $1 ORDER BY id`, [clusterB.id]],
      live_session: [`SELECT * FROM live_session WHERE ${inB} ORDER BY id`, [communeB.path]],
    };
    const out: Record<string, string> = {};
    for (const [table, [sql, params]] of Object.entries(queries)) {
      const rows: unknown[] = await ds.query(sql, params);
      out[table] = `${rows.length} rows ${createHash('sha256').update(JSON.stringify(rows)).digest('hex')}`;
    }
    return out;
  }

  afterAll(async () => {
    // The figure quoted in the closing note of issue 4.
    console.log(`IDOR cases tried: ${tried.length}, all refused with 404/403`);
    await server?.close();
  });

  const as = (account: Account) => account.auth;

  /** Names only B's objects carry (a cluster's code and name, titles, names): none may reach A's people. */
  const NAMES_OF_B = [
    'Cụm B',
    'B-1',
    'Bản tin xã B',
    'Chương trình B',
    'Nhóm B',
    'Lịch B',
    'Phát ngay B',
    'Trực tiếp B',
  ];
  const namesOfBIn = (text: string) => NAMES_OF_B.filter((name) => text.includes(name));

  /**
   * A request as `who`. An event stream (SSE) is read up to its status only: a stream that wrongly opened
   * would otherwise run until its broadcast completes.
   */
  async function send(
    who: Account,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<JsonResponse> {
    if (!path.includes('/events')) return request(method, server.url(path), body, { ...as(who), ...headers });
    const abort = new AbortController();
    const res = await fetch(server.url(path), { headers: as(who), signal: abort.signal });
    const text = res.headers.get('content-type')?.startsWith('application/json') ? await res.text() : '';
    abort.abort();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : '', headers: res.headers };
  }

  async function attempt(
    who: Account,
    whoName: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<JsonResponse> {
    const res = await send(who, method, path, body, headers);
    tried.push({ who: whoName, what: `${method} ${path}`, status: res.status });
    expect({ who: whoName, what: `${method} ${path}`, status: res.status }).toEqual({
      who: whoName,
      what: `${method} ${path}`,
      status: [403, 404].includes(res.status) ? res.status : 'not 403/404',
    });
    // Nothing of B leaks into the error.
    expect({ what: `${method} ${path}`, leaked: namesOfBIn(JSON.stringify(res.body)) }).toEqual({
      what: `${method} ${path}`,
      leaked: [],
    });
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
    // Broadcasting (issue 5): B's media, programs, groups, schedules, broadcasts, play logs, live session.
    ['GET', `/api/v1/media/${assetB.id}`],
    ['GET', `/api/v1/media/${assetB.id}/file`],
    ['PATCH', `/api/v1/media/${assetB.id}`, { title: 'Đổi tên' }],
    ['DELETE', `/api/v1/media/${assetB.id}`],
    // The province's recording is usable from A, but not A's to change.
    ['PATCH', `/api/v1/media/${provinceAsset.id}`, { title: 'Đổi tên' }],
    ['DELETE', `/api/v1/media/${provinceAsset.id}`],
    ['GET', `/api/v1/programs/${programB}`],
    ['PATCH', `/api/v1/programs/${programB}`, { name: 'Đổi tên' }],
    ['PATCH', `/api/v1/programs/${programB}`, { assetIds: [provinceAsset.id] }],
    ['DELETE', `/api/v1/programs/${programB}`],
    ['GET', `/api/v1/cluster-groups/${groupB}`],
    ['PATCH', `/api/v1/cluster-groups/${groupB}`, { name: 'Đổi tên' }],
    ['PATCH', `/api/v1/cluster-groups/${groupB}`, { clusterIds: [] }],
    ['DELETE', `/api/v1/cluster-groups/${groupB}`],
    ['GET', `/api/v1/schedules/${scheduleB}`],
    ['GET', `/api/v1/schedules/${scheduleB}/occurrences`],
    ['PATCH', `/api/v1/schedules/${scheduleB}`, { title: 'Đổi tên' }],
    ['PATCH', `/api/v1/schedules/${scheduleB}`, { enabled: false }],
    ['DELETE', `/api/v1/schedules/${scheduleB}`],
    ['PUT', `/api/v1/schedules/${scheduleB}/occurrences/${occurrenceB}`, { skip: true }],
    ['PUT', `/api/v1/schedules/${scheduleB}/occurrences/${skippedB}`, { start: localTime(3, '09:00') }],
    ['DELETE', `/api/v1/schedules/${scheduleB}/occurrences/${skippedB}`],
    ['GET', `/api/v1/broadcasts/${broadcastB}`],
    ['GET', `/api/v1/broadcasts/${broadcastB}/deliveries`],
    ['GET', `/api/v1/broadcasts/${broadcastB}/events`],
    ['POST', `/api/v1/broadcasts/${broadcastB}/stop`],
    ['GET', `/api/v1/play-logs?clusterId=${clusterB.id}`],
    ['GET', `/api/v1/play-logs?unitId=${communeB.id}`],
    ['GET', `/api/v1/play-logs?unitId=${villageB.id}&format=csv`],
    ['GET', `/api/v1/play-logs?clusterId=${clusterB.id}&format=csv`],
    ['GET', `/api/v1/play-logs/summary?date=${day}&unitId=${communeB.id}`],
    ['GET', `/api/v1/play-logs/summary?date=${day}&unitId=${communeB.id}&format=csv`],
    ['GET', `/api/v1/live/${liveB}`],
    ['POST', `/api/v1/live/${liveB}/stop`],
    ['DELETE', `/api/v1/live/${liveB}`],
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
    expect(commands.body.total).toBe(2); // the ping, and B's broadcast
    expect(tried.length).toBeGreaterThanOrEqual(3 * attempts().length + 1);
  });

  /** Writes by A's people that name one of B's objects, or reach B: each must be refused. */
  const references = (): [string, string, unknown][] => {
    const schedule = { title: 'Lịch lạ', start: localTime(3, '08:00') };
    const onA = { clusterIds: [clusterA.id] };
    const playNow = { kind: 'play_now', priority: 'commune' };
    const fromProvince = { assetId: provinceAsset.id };
    return [
      ['POST', '/api/v1/schedules', { ...schedule, assetId: assetB.id, target: onA }],
      ['POST', '/api/v1/schedules', { ...schedule, programId: programB, target: onA }],
      ['POST', '/api/v1/schedules', { ...schedule, ...fromProvince, target: { groupIds: [groupB] } }],
      ['POST', '/api/v1/schedules', { ...schedule, ...fromProvince, target: { clusterIds: [clusterB.id] } }],
      [
        'POST',
        '/api/v1/schedules',
        { ...schedule, ...fromProvince, target: { clusterIds: [clusterA.id, clusterB.id] } },
      ],
      ['POST', '/api/v1/schedules', { ...schedule, ...fromProvince, target: { unitIds: [communeB.id] } }],
      ['POST', '/api/v1/schedules', { ...schedule, ...fromProvince, target: { villageIds: [villageB.id] } }],
      ['PATCH', `/api/v1/schedules/${scheduleA}`, { assetId: assetB.id }],
      ['PATCH', `/api/v1/schedules/${scheduleA}`, { programId: programB }],
      ['PATCH', `/api/v1/schedules/${scheduleA}`, { target: { clusterIds: [clusterB.id] } }],
      ['PATCH', `/api/v1/schedules/${scheduleA}`, { target: { groupIds: [groupB] } }],
      ['POST', '/api/v1/programs', { name: 'Chương trình lạ', assetIds: [assetB.id] }],
      [
        'POST',
        '/api/v1/programs',
        { name: 'Chương trình lạ', assetIds: [provinceAsset.id], unitId: communeB.id },
      ],
      ['PATCH', `/api/v1/programs/${programA}`, { assetIds: [provinceAsset.id, assetB.id] }],
      ['POST', '/api/v1/cluster-groups', { name: 'Nhóm lạ', clusterIds: [clusterB.id] }],
      ['POST', '/api/v1/cluster-groups', { name: 'Nhóm lạ', clusterIds: [], unitId: communeB.id }],
      ['PATCH', `/api/v1/cluster-groups/${groupA}`, { clusterIds: [clusterA.id, clusterB.id] }],
      [
        'POST',
        '/api/v1/broadcasts',
        { ...playNow, target: { clusterIds: [clusterB.id] }, assetIds: [provinceAsset.id] },
      ],
      [
        'POST',
        '/api/v1/broadcasts',
        { kind: 'stop', target: { unitIds: [communeB.id] }, priority: 'commune' },
      ],
      ['POST', '/api/v1/broadcasts', { ...playNow, target: onA, assetIds: [assetB.id] }],
      ['POST', '/api/v1/broadcasts', { ...playNow, target: onA, programId: programB }],
      [
        'POST',
        '/api/v1/broadcasts',
        { ...playNow, target: { groupIds: [groupB] }, assetIds: [provinceAsset.id] },
      ],
      [
        'POST',
        '/api/v1/broadcasts',
        { ...playNow, target: { villageIds: [villageB.id] }, assetIds: [provinceAsset.id] },
      ],
      [
        'POST',
        '/api/v1/broadcasts',
        { kind: 'stop', priority: 'commune', target: { clusterIds: [clusterB.id] }, ref: broadcastB },
      ],
      [
        'POST',
        '/api/v1/live',
        { title: 'Trực tiếp lạ', target: onA, priority: 'commune', unitId: communeB.id },
      ],
      [
        'POST',
        '/api/v1/live',
        { title: 'Trực tiếp lạ', target: { groupIds: [groupB] }, priority: 'commune' },
      ],
      [
        'POST',
        '/api/v1/live',
        { title: 'Trực tiếp lạ', target: { clusterIds: [clusterB.id] }, priority: 'commune' },
      ],
    ];
  };

  /** Rows of every broadcasting table, counted: a refused write adds none anywhere. */
  const broadcastingCounts = async () => {
    const ds = server.app.get(DataSource);
    const out: Record<string, number> = {};
    for (const table of [
      'media_asset',
      'program',
      'program_item',
      'cluster_group',
      'cluster_group_member',
      'schedule',
      'schedule_override',
      'broadcast',
      'device_command',
      'live_session',
    ])
      out[table] = (await ds.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n as number;
    return out;
  };

  /** Sends each reference as `who`; returns what was wrong: not refused, a 400 naming no field, B named. */
  async function referTo(who: Account, whoName: string): Promise<{ refused: string[]; leaks: string[] }> {
    const refused: string[] = [];
    const leaks: string[] = [];
    const check = (what: string, res: JsonResponse) => {
      tried.push({ who: whoName, what, status: res.status });
      const errors = (res.body as { errors?: { field?: string }[] }).errors;
      if (![400, 403, 404, 422].includes(res.status)) refused.push(`${what}: HTTP ${res.status}`);
      else if ([400, 422].includes(res.status) && !errors?.every((e) => e.field))
        refused.push(`${what}: HTTP ${res.status} naming no field`);
      const leaked = namesOfBIn(JSON.stringify(res.body));
      if (leaked.length) leaks.push(`${what}: HTTP ${res.status} names ${leaked.join(', ')}`);
    };
    for (const [method, path, body] of references())
      check(`${method} ${path} ${JSON.stringify(body)}`, await send(who, method, path, body));
    const upload_ = await upload(server, Buffer.from('ID3 not really audio'), {
      headers: as(who),
      filename: 'tin.mp3',
      fields: { title: 'Tệp lạ', unitId: communeB.id },
    });
    check('POST /api/v1/media (unitId of commune B)', upload_);
    return { refused, leaks };
  }

  it.each([
    ['commune operator of A', () => operatorA],
    ['district technician of A', () => technicianA],
  ])('%s cannot play B’s media or programs, nor reach B’s groups, clusters or commune', async (name, who) => {
    const before = await broadcastingCounts();
    const { refused } = await referTo(who(), name);
    expect(refused).toEqual([]);
    expect(await broadcastingCounts()).toEqual(before);
  });

  // BUG: a 403 for a target, group member or owner outside the caller's scope names B's cluster code or
  // group (TargetResolver.resolve, GroupsService.checkMembers): data of another commune reaches A.
  it('refusing a reference names nothing of B', async () => {
    const { leaks } = await referTo(operatorA, 'commune operator of A');
    expect(leaks).toEqual([]);
  });

  it('A’s lists, exports and daily summary show A’s broadcasting and nothing of B', async () => {
    const idsOfB = [assetB.id, programB, groupB, scheduleB, broadcastB, liveB, clusterB.id, communeB.id];
    for (const who of [operatorA, technicianA, viewerA]) {
      const get = async (path: string, allowNotFound = false) => {
        const res = await send(who, 'GET', path);
        expect({ path, status: res.status }).toEqual({
          path,
          status: allowNotFound && res.status === 404 ? 404 : 200,
        });
        const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
        expect({ path, ids: idsOfB.filter((id) => text.includes(id)), names: namesOfBIn(text) }).toEqual({
          path,
          ids: [],
          names: [],
        });
        return { body: res.body as Record<string, unknown> & { items: { id: string }[] }, text };
      };
      const media = await get('/api/v1/media?pageSize=100');
      expect(media.body.items.map((a) => a.id).sort()).toEqual([provinceAsset.id, assetA.id].sort());
      await get(`/api/v1/media?unitId=${communeB.id}`, true);
      const programs = await get('/api/v1/programs');
      expect((programs.body as unknown as { id: string }[]).map((p) => p.id)).toEqual([programA]);
      const groups = await get('/api/v1/cluster-groups');
      expect((groups.body as unknown as { id: string }[]).map((g) => g.id)).toEqual([groupA]);
      const schedules = await get('/api/v1/schedules?pageSize=100');
      expect(schedules.body.items.map((x) => x.id)).toEqual([scheduleA]);
      await get(`/api/v1/schedules?unitId=${communeB.id}`, true);
      const broadcasts = await get('/api/v1/broadcasts');
      expect(broadcasts.body.items.every((b) => !idsOfB.includes(b.id))).toBe(true);
      const live = await get('/api/v1/live');
      expect(live.body.items).toEqual([]);
      const logs = await get('/api/v1/play-logs?pageSize=500');
      expect((logs.body.items as unknown as { reportId: string }[]).map((l) => l.reportId).sort()).toEqual([
        'A-1',
        'A-2',
      ]);
      expect((await get(`/api/v1/play-logs?scheduleId=${scheduleB}`)).body.items).toEqual([]);
      expect((await get(`/api/v1/play-logs?broadcastId=${broadcastB}`)).body.items).toEqual([]);
      const csv = await get('/api/v1/play-logs?format=csv&order=asc');
      expect(
        csv.text
          .trim()
          .split(/\r?\n/)
          .slice(1)
          .map((line) => line.split(',').at(-1)),
      ).toEqual(['A-1', 'A-2']);
      const summary = await get(`/api/v1/play-logs/summary?date=${day}`);
      const communes = summary.body.communes as { communeId: string; started: number }[];
      expect(communes.find((c) => c.communeId === communeA.id)).toMatchObject({ started: 1 });
      const summaryCsv = await get(`/api/v1/play-logs/summary?date=${day}&format=csv`);
      expect(summaryCsv.text).toContain(communeA.id);
    }
  });

  it('the province’s recording is usable from A (not changeable); a signed URL opens its own file only', async () => {
    for (const who of [operatorA, technicianA, viewerA]) {
      const asset = await send(who, 'GET', `/api/v1/media/${provinceAsset.id}`);
      expect(asset.status).toBe(200);
      expect(asset.body).toMatchObject({ id: provinceAsset.id, editable: false });
      const file = await fetch(server.url(`/api/v1/media/${provinceAsset.id}/file`), { headers: as(who) });
      expect(file.status).toBe(200);
      await file.arrayBuffer();
    }
    // A's program and schedule play it (made in the set-up); so may an immediate broadcast to A.
    const program = await send(operatorA, 'GET', `/api/v1/programs/${programA}`);
    expect(program.body).toMatchObject({ items: [expect.objectContaining({ assetId: provinceAsset.id })] });
    const broadcast = await send(operatorA, 'POST', '/api/v1/broadcasts', {
      kind: 'play_now',
      target: { clusterIds: [clusterA.id] },
      priority: 'commune',
      assetIds: [provinceAsset.id],
    });
    expect(broadcast.status).toBe(201);

    // Devices fetch files by signed URL: the signature is for one rendition until one time.
    const signer = server.app.get(MediaUrlSigner);
    const fetchStatus = async (url: string, headers: Record<string, string> = {}) => {
      const res = await fetch(url, { headers });
      await res.arrayBuffer();
      return res.status;
    };
    const local = (url: string) => server.url(new URL(url).pathname + new URL(url).search);
    const own = signer.url(provinceAsset.renditions[0].id, Date.now() + 600_000);
    expect(await fetchStatus(local(own))).toBe(200);
    const renditionB = assetB.renditions[0].id;
    expect(await fetchStatus(server.url(`/media/r/${renditionB}${new URL(own).search}`))).toBe(403);
    expect(await fetchStatus(server.url(`/media/r/${renditionB}`))).toBe(403);
    expect(await fetchStatus(server.url(`/media/r/${renditionB}`), as(operatorA))).toBe(403);
    expect(await fetchStatus(local(signer.url(renditionB, Date.now() - 60_000)))).toBe(403);
    expect(await fetchStatus(server.url(`/media/r/${randomUUID()}${new URL(own).search}`))).toBe(403);
  });

  it('B’s broadcasting is unchanged, and B’s province administrator still sees it', async () => {
    expect(await broadcastingRowsOfB()).toEqual(stateOfB);
    const asProvince = (path: string) => send(provinceAdmin, 'GET', path);
    expect((await asProvince(`/api/v1/schedules/${scheduleB}`)).body).toMatchObject({ title: 'Lịch B' });
    const occurrences = await asProvince(
      `/api/v1/schedules/${scheduleB}/occurrences?from=${new Date(occurrenceB - 1).toISOString()}&to=${new Date(skippedB + 1).toISOString()}`,
    );
    expect((occurrences.body as { status: string }[]).map((o) => o.status)).toEqual(['scheduled', 'skipped']);
    expect((await asProvince(`/api/v1/broadcasts/${broadcastB}`)).body).toMatchObject({
      summary: { targets: 1, pending: 1 },
    });
    expect((await asProvince(`/api/v1/live/${liveB}`)).body).toMatchObject({ status: 'waiting' });
    expect((await asProvince(`/api/v1/media/${assetB.id}`)).body).toMatchObject({ title: 'Bản tin xã B' });
    expect((await asProvince(`/api/v1/cluster-groups/${groupB}`)).body).toMatchObject({
      clusterIds: [clusterB.id],
    });
  });
});
