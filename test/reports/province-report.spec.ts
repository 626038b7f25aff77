import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { startTestServer, type TestServer } from '../support/test-server';
import { eventually, request } from '../support/http';
import { childrenOf, createAccount, type Account } from '../access/support';
import { createVillage, importLangSon, type Unit } from '../registry/fixtures';
import {
  cluster,
  dailySchedule,
  db,
  insertAlerts,
  insertPlayLogs,
  insertTransitions,
  insertWorkOrders,
  vn,
} from './support';

type Figures = Record<string, number | null>;
interface Row {
  level: 'district' | 'commune';
  stt: string;
  unitId: string;
  code: string;
  name: string;
  districtCode: string | null;
  figures: Figures;
}
interface Report {
  schema: string;
  generatedAt: string;
  timeZone: string;
  period: { from: string; to: string; start: string; end: string };
  unit: { id: string; code: string; name: string; level: string; era: string; lineage: string[] };
  scheduledKnown: boolean;
  rows: Row[];
  totals: Figures;
  spending: {
    programme: string;
    programmeName: string;
    kind: string;
    orders: number;
    costVnd: number;
    ordersWithoutCost: number;
  }[];
  spendingTotal: { orders: number; costVnd: number };
}
interface Job {
  id: string;
  state: string;
  progress: number;
  stage: string;
  error: string | null;
  downloadUrl: string | null;
}

const FROM = '2025-06-01';
const TO = '2025-11-30';
const DAYS = 183;
const DAY = 86_400_000;
const START = vn(`${FROM}T00:00`);
const END = vn('2025-12-01T00:00');

const ADDITIVE = [
  'stationsIp',
  'stationsOther',
  'ipWorking',
  'ipBroken',
  'fmWiredWorking',
  'fmWiredBroken',
  'fmWirelessWorking',
  'fmWirelessBroken',
  'fmConnectedToIp',
  'newStations',
  'replacements',
  'expansions',
  'villages',
  'villagesCovered',
  'scheduledMs',
  'playedMs',
  'onlineMs',
  'observedMs',
  'openAlerts',
];

async function fetchFile(server: TestServer, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(server.url(path), {
    headers: { authorization: `Bearer ${server.adminToken}`, ...headers },
  });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

/**
 * The report's additive figures per commune recomputed from the raw tables with plain loops (no GROUP BY):
 * what docs/reports.md says each figure counts. Scheduled and presence figures are added by the test.
 */
async function recount(server: TestServer, provincePath: string): Promise<Map<string, Figures>> {
  const q = (sql: string) => db(server).query(sql);
  const units: {
    id: string;
    level: string;
    parent_id: string;
    path: string;
    successor_id: string | null;
    valid_to: string | null;
  }[] = await q(`SELECT id, level, parent_id, path, successor_id, valid_to FROM admin_unit`);
  const inProvince = (path: string) => path === provincePath || path.startsWith(`${provincePath}/`);
  const out = new Map<string, Figures>();
  for (const u of units)
    if (u.level === 'commune' && inProvince(u.path))
      out.set(u.id, Object.fromEntries(ADDITIVE.map((k) => [k, 0])));
  const bump = (communeId: string, key: string, by = 1) => {
    const row = out.get(communeId);
    if (row) row[key] = (row[key] as number) + by;
  };
  for (const s of await q(`SELECT commune_id, is_ip FROM station`))
    bump(s.commune_id, s.is_ip ? 'stationsIp' : 'stationsOther');
  const clusters: {
    commune_id: string;
    village_id: string | null;
    kind: string;
    lifecycle: string;
    ip_connected: boolean;
  }[] = await q(`SELECT commune_id, village_id, kind, lifecycle, ip_connected FROM cluster`);
  const key = { ip: 'ip', fm_wired: 'fmWired', fm_wireless: 'fmWireless' } as Record<string, string>;
  for (const c of clusters) {
    if (c.lifecycle === 'active') bump(c.commune_id, `${key[c.kind]}Working`);
    if (c.lifecycle === 'faulty') bump(c.commune_id, `${key[c.kind]}Broken`);
    if (c.kind !== 'ip' && c.lifecycle === 'active' && c.ip_connected) bump(c.commune_id, 'fmConnectedToIp');
  }
  for (const v of units.filter((u) => u.level === 'village' && !u.successor_id && !u.valid_to)) {
    bump(v.parent_id, 'villages');
    if (clusters.some((c) => c.village_id === v.id && c.lifecycle === 'active'))
      bump(v.parent_id, 'villagesCovered');
  }
  const inPeriod = (at: Date | null) => at !== null && at >= START && at < END;
  const kinds = {
    new_station: 'newStations',
    replacement: 'replacements',
    expansion: 'expansions',
  } as Record<string, string>;
  for (const w of await q(`SELECT commune_id, kind, status, commissioned_at FROM work_order`))
    if (w.status !== 'cancelled' && inPeriod(w.commissioned_at)) bump(w.commune_id, kinds[w.kind]);
  for (const p of await q(
    `SELECT commune_id, source, event, played_ms, occurred_at, broadcast_id FROM play_log`,
  ))
    if (
      ['finished', 'interrupted'].includes(p.event) &&
      (p.source === 'schedule' || p.broadcast_id !== null) &&
      inPeriod(p.occurred_at)
    )
      bump(p.commune_id, 'playedMs', p.played_ms ?? 0);
  for (const a of await q(`SELECT commune_id, opened_at, resolved_at FROM alert`))
    if (a.opened_at <= END && (a.resolved_at === null || a.resolved_at > END))
      bump(a.commune_id, 'openAlerts');
  return out;
}

const sumOf = (rows: Figures[]) =>
  Object.fromEntries(ADDITIVE.map((k) => [k, rows.reduce((s, r) => s + ((r[k] as number) ?? 0), 0)]));
const additive = (f: Figures) => Object.fromEntries(ADDITIVE.map((k) => [k, f[k]]));

describe('provincial report: JSON feed, XLSX appendix, CSV, jobs', () => {
  let server: TestServer;
  let province: Unit;
  let d1: Unit;
  let d2: Unit;
  let k1: Unit;
  let k2: Unit;
  let k3: Unit;
  let durationMs: number;
  let tech: Account;
  const c: Record<string, string> = {};

  const json = (query: string, headers?: Record<string, string>) =>
    request<Report & { errors?: { field: string }[] }>(
      'GET',
      server.url(`/api/v1/reports/province?format=json&${query}`),
      undefined,
      headers,
    );

  beforeAll(async () => {
    server = await startTestServer();
    const { byCode } = await importLangSon(server);
    province = await byCode('20');
    [d1, d2] = await childrenOf(server, province.id, 2);
    [k1, k2] = await childrenOf(server, d1.id, 2);
    [k3] = await childrenOf(server, d2.id, 1);
    for (const [communeId, isIp] of [
      [k1.id, true],
      [k2.id, false],
      [k3.id, true],
    ] as const) {
      const res = await request('POST', server.url('/api/v1/stations'), {
        communeId,
        name: 'Đài truyền thanh xã',
        isIp,
      });
      expect(res.status).toBe(201);
    }
    const v = {
      v1: await createVillage(server, k1.id, 'RV-1', 'Thôn Một'),
      v2: await createVillage(server, k1.id, 'RV-2', 'Thôn Hai'),
      v3: await createVillage(server, k1.id, 'RV-3', 'Thôn Ba'),
      v4: await createVillage(server, k2.id, 'RV-4', 'Bản Bốn'),
      v5: await createVillage(server, k3.id, 'RV-5', 'Bản Năm'),
      v6: await createVillage(server, k3.id, 'RV-6', 'Bản Sáu'),
    };
    c.ipA = (await cluster(server, k1.id, { villageId: v.v1.id })).id;
    c.ipB = (await cluster(server, k1.id, { villageId: v.v1.id })).id;
    c.ipC = (await cluster(server, k1.id, { villageId: v.v2.id, lifecycle: 'faulty' })).id;
    c.fmW = (await cluster(server, k1.id, { villageId: v.v3.id, kind: 'fm_wired', ipConnected: true })).id;
    c.fmL = (
      await cluster(server, k1.id, { villageId: v.v2.id, kind: 'fm_wireless', lifecycle: 'faulty' })
    ).id;
    c.ipX = (await cluster(server, k1.id, { villageId: v.v2.id })).id;
    expect(
      (await request('PATCH', server.url(`/api/v1/clusters/${c.ipX}`), { lifecycle: 'decommissioned' }))
        .status,
    ).toBe(200);
    c.fm2 = (await cluster(server, k2.id, { kind: 'fm_wired' })).id;
    c.fmL2 = (
      await cluster(server, k2.id, { villageId: v.v4.id, kind: 'fm_wireless', ipConnected: true })
    ).id;
    c.ipP = (await cluster(server, k2.id, { villageId: v.v4.id, lifecycle: 'planned' })).id;
    c.ip3 = (await cluster(server, k3.id, { villageId: v.v5.id })).id;
    c.fm3 = (await cluster(server, k3.id, { villageId: v.v6.id, kind: 'fm_wired', lifecycle: 'faulty' })).id;

    // Every IP cluster of k1 and k3 that takes broadcasts (ipA, ipB, ipC, ip3) gets a daily programme.
    const schedule = await dailySchedule(server, province.id, [k1.id, k3.id], '2025-05-01T05:30');
    expect(schedule.clusterCount).toBe(4);
    durationMs = schedule.durationMs;

    await insertTransitions(server, [
      { clusterId: c.ipA, at: START, online: true },
      { clusterId: c.ipA, at: vn('2025-06-11T00:00'), online: false },
      { clusterId: c.ipA, at: vn('2025-06-12T00:00'), online: true },
      { clusterId: c.ipB, at: vn('2025-05-01T00:00'), online: true },
      { clusterId: c.ip3, at: vn('2025-11-01T00:00'), online: true },
      { clusterId: c.ipX, at: vn('2025-05-01T00:00'), online: false },
    ]);
    const at = (local: string) => vn(local);
    await insertPlayLogs(server, [
      {
        clusterId: c.ipA,
        source: 'schedule',
        event: 'finished',
        occurredAt: at('2025-06-02T05:32'),
        playedMs: 120_000,
        scheduleId: schedule.id,
        occurrenceStart: at('2025-06-02T05:30'),
      },
      {
        clusterId: c.ipA,
        source: 'schedule',
        event: 'interrupted',
        occurredAt: at('2025-06-03T05:31'),
        playedMs: 30_000,
        scheduleId: schedule.id,
        occurrenceStart: at('2025-06-03T05:30'),
      },
      {
        clusterId: c.ipA,
        source: 'schedule',
        event: 'started',
        occurredAt: at('2025-06-03T05:30'),
        scheduleId: schedule.id,
        occurrenceStart: at('2025-06-03T05:30'),
      },
      {
        clusterId: c.ipA,
        source: 'schedule',
        event: 'failed',
        occurredAt: at('2025-06-04T05:30'),
        playedMs: 5_000,
        scheduleId: schedule.id,
        occurrenceStart: at('2025-06-04T05:30'),
      },
      {
        clusterId: c.ipA,
        source: 'command',
        event: 'finished',
        occurredAt: at('2025-07-01T09:00'),
        playedMs: 60_000,
        broadcastId: '00000000-0000-4000-8000-000000000001',
      },
      {
        clusterId: c.ipA,
        source: 'command',
        event: 'finished',
        occurredAt: at('2025-07-01T10:00'),
        playedMs: 45_000,
      },
      {
        clusterId: c.ipA,
        source: 'live',
        event: 'finished',
        occurredAt: at('2025-07-01T11:00'),
        playedMs: 100_000,
      },
      {
        clusterId: c.ipA,
        source: 'schedule',
        event: 'finished',
        occurredAt: at('2025-05-31T23:59'),
        playedMs: 99_999,
        scheduleId: schedule.id,
        occurrenceStart: at('2025-05-31T05:30'),
      },
      {
        clusterId: c.ipA,
        source: 'schedule',
        event: 'finished',
        occurredAt: at('2025-12-01T00:00'),
        playedMs: 99_999,
        scheduleId: schedule.id,
        occurrenceStart: at('2025-12-01T05:30'),
      },
      {
        clusterId: c.ipB,
        source: 'schedule',
        event: 'finished',
        occurredAt: at('2025-11-30T23:59'),
        playedMs: 7_000,
        scheduleId: schedule.id,
        occurrenceStart: at('2025-11-30T05:30'),
      },
      {
        clusterId: c.ip3,
        source: 'schedule',
        event: 'finished',
        occurredAt: at('2025-11-02T05:31'),
        playedMs: null,
        scheduleId: schedule.id,
        occurrenceStart: at('2025-11-02T05:30'),
      },
      {
        clusterId: c.ipX,
        source: 'schedule',
        event: 'finished',
        occurredAt: at('2025-06-05T05:31'),
        playedMs: 10_000,
        scheduleId: schedule.id,
        occurrenceStart: at('2025-06-05T05:30'),
      },
    ]);
    await insertAlerts(server, [
      {
        clusterId: c.ipA,
        rule: 'offline',
        since: at('2025-11-01T00:00'),
        openedAt: at('2025-11-01T00:10'),
        resolvedAt: null,
      },
      {
        clusterId: c.ipB,
        rule: 'amp_fault',
        since: at('2025-11-20T00:00'),
        openedAt: at('2025-11-20T00:00'),
        resolvedAt: at('2025-12-05T00:00'),
      },
      {
        clusterId: c.ipC,
        rule: 'amp_fault',
        since: at('2025-10-01T00:00'),
        openedAt: at('2025-10-01T00:00'),
        resolvedAt: at('2025-10-02T00:00'),
      },
      {
        clusterId: c.ip3,
        rule: 'weak_signal',
        since: at('2025-12-02T00:00'),
        openedAt: at('2025-12-02T00:00'),
        resolvedAt: null,
      },
    ]);
    await insertWorkOrders(server, [
      {
        communeId: k1.id,
        kind: 'new_station',
        status: 'commissioned',
        programme: 'ntp_new_rural',
        commissionedAt: at('2025-07-01T10:00'),
        plannedCost: 450_000_000,
        actualCost: 500_000_000,
      },
      {
        communeId: k1.id,
        kind: 'replacement',
        status: 'commissioned',
        programme: 'ntp_poverty_reduction',
        commissionedAt: at('2025-08-01T10:00'),
        plannedCost: 30_000_000,
        actualCost: null,
      },
      {
        communeId: k1.id,
        kind: 'expansion',
        status: 'closed',
        programme: 'local_budget',
        commissionedAt: at('2025-09-01T10:00'),
        plannedCost: null,
        actualCost: null,
      },
      {
        communeId: k3.id,
        kind: 'expansion',
        status: 'commissioned',
        programme: 'ntp_poverty_reduction',
        commissionedAt: at('2025-11-30T23:00'),
        plannedCost: 20_000_000,
        actualCost: 25_000_000,
      },
      {
        communeId: k3.id,
        kind: 'replacement',
        status: 'cancelled',
        programme: 'ntp_poverty_reduction',
        commissionedAt: at('2025-08-01T10:00'),
        plannedCost: 1,
        actualCost: 1,
      },
      {
        communeId: k2.id,
        kind: 'expansion',
        status: 'commissioned',
        programme: 'other',
        commissionedAt: at('2025-12-01T00:00'),
        plannedCost: 5,
        actualCost: 5,
      },
      {
        communeId: k2.id,
        kind: 'replacement',
        status: 'approved',
        programme: 'other',
        commissionedAt: null,
        plannedCost: 7,
        actualCost: null,
      },
    ]);
    tech = await createAccount(server, 'district_technician', d1.id);
  }, 240_000);
  afterAll(async () => {
    await server?.close();
  });

  let report: Report;

  it('JSON: every commune of the province matches the raw rows, districts and the total add up', async () => {
    const res = await json(`from=${FROM}&to=${TO}&unit=${province.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="bao-cao-20-${FROM}-${TO}.json"`,
    );
    report = res.body;
    expect(report).toMatchObject({
      schema: 'loa-xa/province-report/v1',
      timeZone: 'Asia/Ho_Chi_Minh',
      period: { from: FROM, to: TO, start: START.toISOString(), end: END.toISOString() },
      unit: { id: province.id, code: '20', level: 'province', era: 'pre_2025', lineage: [province.name] },
      scheduledKnown: true,
    });
    const want = await recount(server, province.path);
    // Scheduled time: 183 daily occurrences for each broadcastable IP cluster of k1 (3) and k3 (1).
    want.get(k1.id)!.scheduledMs = 3 * DAYS * durationMs;
    want.get(k3.id)!.scheduledMs = DAYS * durationMs;
    // Presence: ipA one day down, ipB always up, ip3 first seen on 1 November; ipC never seen; ipX retired.
    Object.assign(want.get(k1.id)!, { observedMs: 2 * DAYS * DAY, onlineMs: (2 * DAYS - 1) * DAY });
    Object.assign(want.get(k3.id)!, { observedMs: 30 * DAY, onlineMs: 30 * DAY });

    const communes = report.rows.filter((r) => r.level === 'commune');
    const districts = report.rows.filter((r) => r.level === 'district');
    expect(communes.map((r) => r.unitId).sort()).toEqual([...want.keys()].sort());
    for (const row of communes)
      expect({ code: row.code, ...additive(row.figures) }).toEqual({
        code: row.code,
        ...want.get(row.unitId),
      });
    // A few figures spelled out, so the recount itself is checked too.
    const k1Row = communes.find((r) => r.unitId === k1.id)!;
    expect(k1Row.figures).toMatchObject({
      stationsIp: 1,
      ipWorking: 2,
      ipBroken: 1,
      fmWiredWorking: 1,
      fmWirelessBroken: 1,
      fmConnectedToIp: 1,
      newStations: 1,
      replacements: 1,
      expansions: 1,
      villages: 3,
      villagesCovered: 2,
      playedMs: 120_000 + 30_000 + 60_000 + 7_000 + 10_000,
      playedHours: 0.06,
      openAlerts: 2,
      uptimePercent: Math.round(((2 * DAYS - 1) / (2 * DAYS)) * 10_000) / 100,
    });
    expect(communes.find((r) => r.unitId === k2.id)!.figures).toMatchObject({
      stationsOther: 1,
      fmWiredWorking: 1,
      fmWirelessWorking: 1,
      fmConnectedToIp: 1,
      villagesCovered: 1,
      ipWorking: 0,
      expansions: 0,
      scheduledMs: 0,
      uptimePercent: null,
    });
    expect(communes.find((r) => r.unitId === k3.id)!.figures).toMatchObject({
      expansions: 1,
      replacements: 0,
      villagesCovered: 1,
      uptimePercent: 100,
    });

    // Print order: each district, then its communes; Roman numbering for districts.
    expect(report.rows[0]).toMatchObject({ level: 'district', stt: 'I', districtCode: null });
    expect(districts.map((d) => d.stt).slice(0, 3)).toEqual(['I', 'II', 'III']);
    for (const d of districts) {
      const members = communes.filter((r) => r.districtCode === d.code);
      expect(members.map((m) => m.stt)).toEqual(members.map((_, i) => String(i + 1)));
      expect(additive(d.figures)).toEqual(sumOf(members.map((m) => m.figures)));
    }
    expect(additive(report.totals)).toEqual(sumOf(communes.map((m) => m.figures)));
    expect(report.totals.scheduledHours).toBe(Math.round(((4 * DAYS * durationMs) / 3_600_000) * 100) / 100);

    // Spending: actual cost, else planned; cancelled and out-of-period orders left out.
    const spend = (programme: string, kind: string) =>
      report.spending.find((s) => s.programme === programme && s.kind === kind);
    expect(report.spending).toHaveLength(15);
    expect(spend('ntp_new_rural', 'new_station')).toMatchObject({
      orders: 1,
      costVnd: 500_000_000,
      programmeName: 'CTMTQG Xây dựng nông thôn mới',
    });
    expect(spend('ntp_poverty_reduction', 'replacement')).toMatchObject({ orders: 1, costVnd: 30_000_000 });
    expect(spend('ntp_poverty_reduction', 'expansion')).toMatchObject({ orders: 1, costVnd: 25_000_000 });
    expect(spend('local_budget', 'expansion')).toMatchObject({ orders: 1, costVnd: 0, ordersWithoutCost: 1 });
    expect(spend('other', 'expansion')).toMatchObject({ orders: 0, costVnd: 0 });
    expect(report.spendingTotal).toEqual({ orders: 4, costVnd: 555_000_000 });
  });

  it('XLSX: the appendix layout in Vietnamese, with the same figures', async () => {
    const file = await fetchFile(
      server,
      `/api/v1/reports/province?from=${FROM}&to=${TO}&unit=${province.id}`,
    );
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(file.headers.get('content-disposition')).toBe(
      `attachment; filename="bao-cao-20-${FROM}-${TO}.xlsx"`,
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file.body as unknown as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toEqual(['Báo cáo', 'Kinh phí']);
    const sheet = book.getWorksheet('Báo cáo')!;
    const text = (ref: string) => String(sheet.getCell(ref).value ?? '');
    expect(text('A1')).toBe('PHỤ LỤC');
    expect(text('A2')).toBe('BÁO CÁO KẾT QUẢ HOẠT ĐỘNG ĐÀI TRUYỀN THANH CẤP XÃ ỨNG DỤNG CNTT-VT');
    expect(text('A3')).toBe('Kỳ báo cáo: từ ngày 01/06/2025 đến ngày 30/11/2025');
    expect(text('A4')).toBe(`Đơn vị: ${province.name}`);
    expect(sheet.getCell('T2').isMerged).toBe(true);
    expect(sheet.getCell('T2').master.address).toBe('A2');
    // Two header rows: groups merged over their sub-headers, lone headers merged down.
    expect([text('A6'), text('B6'), text('C6'), text('C7'), text('D7')]).toEqual([
      'STT',
      'Đơn vị hành chính',
      'Số đài truyền thanh',
      'Ứng dụng CNTT-VT',
      'Có dây, FM',
    ]);
    expect(sheet.getCell('D6').master.address).toBe('C6');
    expect(sheet.getCell('A7').master.address).toBe('A6');
    expect([text('E6'), text('E7'), text('F7'), text('G6'), text('I6'), text('K6')]).toEqual([
      'Cụm loa ứng dụng CNTT-VT',
      'Hoạt động',
      'Hỏng',
      'Cụm loa có dây',
      'Cụm loa không dây FM',
      'Cụm loa FM kết nối hệ thống CNTT-VT',
    ]);
    expect([
      text('L7'),
      text('M7'),
      text('N7'),
      text('O6'),
      text('Q6'),
      text('Q7'),
      text('R7'),
      text('S6'),
      text('T6'),
    ]).toEqual([
      'Thiết lập mới',
      'Thay thế',
      'Mở rộng',
      'Thôn/bản',
      'Giờ phát (giờ)',
      'Theo lịch',
      'Đã phát',
      'Tỷ lệ hoạt động (%)',
      'Cảnh báo đang mở',
    ]);
    expect(text('A8')).toBe('(1)');
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 8, xSplit: 2 });
    // Data rows in the JSON order; district rows bold; the total equals the JSON total.
    const keys = [
      'stationsIp',
      'stationsOther',
      'ipWorking',
      'ipBroken',
      'fmWiredWorking',
      'fmWiredBroken',
      'fmWirelessWorking',
      'fmWirelessBroken',
      'fmConnectedToIp',
      'newStations',
      'replacements',
      'expansions',
      'villages',
      'villagesCovered',
      'scheduledHours',
      'playedHours',
      'uptimePercent',
      'openAlerts',
    ];
    const values = (rowNumber: number) =>
      keys.map((_, i) => sheet.getRow(rowNumber).getCell(i + 3).value ?? null);
    report.rows.forEach((r, i) => {
      const row = sheet.getRow(9 + i);
      expect([row.getCell(1).value, row.getCell(2).value]).toEqual([r.stt, r.name]);
      expect(values(9 + i)).toEqual(keys.map((k) => r.figures[k]));
      expect(row.getCell(2).font?.bold ?? false).toBe(r.level === 'district');
    });
    const totalRow = 9 + report.rows.length;
    expect(sheet.getRow(totalRow).getCell(2).value).toBe('Tổng cộng');
    expect(sheet.getRow(totalRow).getCell(2).font?.bold).toBe(true);
    expect(values(totalRow)).toEqual(keys.map((k) => report.totals[k]));
    expect(sheet.getRow(totalRow).getCell(5).numFmt).toBe('#,##0');
    expect(sheet.getRow(totalRow).getCell(3).border?.top?.style).toBe('thin');
    const all: string[] = [];
    sheet.eachRow((row) => row.eachCell((cell) => all.push(String(cell.value))));
    expect(all).toEqual(expect.arrayContaining(['Người lập biểu', 'Thủ trưởng đơn vị']));

    const money = book.getWorksheet('Kinh phí')!;
    expect(String(money.getCell('A1').value)).toBe('PHỤ LỤC');
    expect(String(money.getCell('C6').value)).toBe('Thiết lập mới');
    expect(String(money.getCell('C7').value)).toBe('Số lượng');
    expect(String(money.getCell('D7').value)).toBe('Kinh phí (đồng)');
    const programmes = [9, 10, 11, 12, 13].map((n) => money.getRow(n).getCell(2).value);
    expect(programmes).toEqual([
      'CTMTQG Giảm nghèo bền vững',
      'CTMTQG Xây dựng nông thôn mới',
      'CTMTQG Phát triển KT-XH vùng đồng bào DTTS và miền núi',
      'Ngân sách địa phương',
      'Nguồn khác',
    ]);
    // Giảm nghèo: a replacement (30 M) and an expansion (25 M).
    expect([9].map((n) => [3, 4, 5, 6, 7, 8, 9, 10].map((c) => money.getRow(n).getCell(c).value))[0]).toEqual(
      [0, 0, 1, 30_000_000, 1, 25_000_000, 2, 55_000_000],
    );
    expect(money.getRow(14).getCell(2).value).toBe('Tổng cộng');
    expect([money.getRow(14).getCell(9).value, money.getRow(14).getCell(10).value]).toEqual([
      report.spendingTotal.orders,
      report.spendingTotal.costVnd,
    ]);
  });

  it('CSV: UTF-8 with a BOM, the same rows and total', async () => {
    const file = await fetchFile(
      server,
      `/api/v1/reports/province?from=${FROM}&to=${TO}&unit=${province.id}&format=csv`,
    );
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(file.headers.get('content-disposition')).toContain(`bao-cao-20-${FROM}-${TO}.csv`);
    expect([...file.body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records: Record<string, string>[] = parse(file.body.subarray(3).toString('utf8'), {
      columns: true,
    });
    expect(records).toHaveLength(report.rows.length + 1);
    expect(records.slice(0, -1).map((r) => [r.level, r.stt, r.code, r.name])).toEqual(
      report.rows.map((r) => [r.level, r.stt, r.code, r.name]),
    );
    const total = records[records.length - 1];
    expect(total.level).toBe('total');
    for (const k of [...ADDITIVE, 'uptimePercent', 'scheduledHours', 'playedHours'])
      expect({ k, v: Number(total[k]) }).toEqual({ k, v: report.totals[k] });
  });

  it('jobs: progress up to done, then the same file for me and my scope only', async () => {
    const started = await request<Job>('POST', server.url('/api/v1/reports/province/jobs'), {
      from: FROM,
      to: TO,
      unit: province.id,
      format: 'json',
    });
    expect(started.status).toBe(202);
    expect(['queued', 'running']).toContain(started.body.state);
    const seen = new Set<string>();
    const done = await eventually(
      async () => {
        const res = await request<Job>('GET', server.url(`/api/v1/reports/jobs/${started.body.id}`));
        expect(res.status).toBe(200);
        expect(res.body.progress).toBeGreaterThanOrEqual(0);
        expect(res.body.progress).toBeLessThanOrEqual(1);
        seen.add(res.body.state);
        return res.body.state === 'done' || res.body.state === 'failed' ? res.body : null;
      },
      60_000,
      20,
    );
    expect(done).toMatchObject({ state: 'done', progress: 1, stage: 'done', error: null });
    expect(done.downloadUrl).toBe(`/api/v1/reports/jobs/${done.id}/download`);
    const file = await fetchFile(server, done.downloadUrl!);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toContain(`bao-cao-20-${FROM}-${TO}.json`);
    const body = JSON.parse(file.body.toString('utf8')) as Report;
    expect(body.totals).toEqual(report.totals);
    expect(body.rows).toEqual(report.rows);
    // Another administrator (same, unscoped, scope) may read it; a district technician may not.
    const admin2 = await createAccount(server, 'admin', undefined);
    expect((await fetchFile(server, done.downloadUrl!, admin2.auth)).status).toBe(200);
    expect(
      (await request('GET', server.url(`/api/v1/reports/jobs/${done.id}`), undefined, tech.auth)).status,
    ).toBe(404);
    expect((await fetchFile(server, done.downloadUrl!, tech.auth)).status).toBe(404);

    // An XLSX job downloads a workbook.
    const xlsx = await request<Job>('POST', server.url('/api/v1/reports/province/jobs'), {
      from: FROM,
      to: TO,
      unit: d2.id,
    });
    expect(xlsx.status).toBe(202);
    const finished = await eventually(async () => {
      const res = await request<Job>('GET', server.url(`/api/v1/reports/jobs/${xlsx.body.id}`));
      return res.body.state === 'done' ? res.body : null;
    });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await fetchFile(server, finished.downloadUrl!)).body as unknown as ArrayBuffer);
    expect(String(book.getWorksheet('Báo cáo')!.getCell('A4').value)).toBe(
      `Đơn vị: ${d2.name}, ${province.name}`,
    );
    // Refused at once, not after a failed build.
    const bad = await request<{ errors: { field: string }[] }>(
      'POST',
      server.url('/api/v1/reports/province/jobs'),
      { from: TO, to: FROM, unit: province.id },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e) => e.field)).toContain('from');
    expect(
      (
        await request(
          'POST',
          server.url('/api/v1/reports/province/jobs'),
          { from: FROM, to: TO, unit: d2.id },
          tech.auth,
        )
      ).status,
    ).toBe(404);
    expect(
      (await request('GET', server.url(`/api/v1/reports/jobs/00000000-0000-4000-8000-000000000000`))).status,
    ).toBe(404);
  });

  it('scope: a district technician reports on their district by default, never on another', async () => {
    const mine = await json(`from=${FROM}&to=${TO}`, tech.auth);
    expect(mine.status).toBe(200);
    expect(mine.body.unit).toMatchObject({ id: d1.id, level: 'district', lineage: [province.name, d1.name] });
    expect(mine.body.rows[0]).toMatchObject({ level: 'district', unitId: d1.id, stt: 'I' });
    expect(mine.body.rows.filter((r) => r.level === 'district')).toHaveLength(1);
    const fromProvince = report.rows.find((r) => r.unitId === d1.id)!;
    expect(mine.body.rows[0].figures).toEqual(fromProvince.figures);
    expect(mine.body.totals).toEqual(fromProvince.figures);
    expect((await json(`from=${FROM}&to=${TO}&unit=${d2.id}`, tech.auth)).status).toBe(404);
    expect((await json(`from=${FROM}&to=${TO}&unit=${province.id}`, tech.auth)).status).toBe(404);
    // A commune inside the district: one row, no subtotal.
    const one = await json(`from=${FROM}&to=${TO}&unit=${k1.id}`, tech.auth);
    expect(one.body.rows.map((r) => [r.level, r.stt, r.unitId])).toEqual([['commune', '1', k1.id]]);
    expect(one.body.totals).toEqual(report.rows.find((r) => r.unitId === k1.id)!.figures);
    const operator = await createAccount(server, 'commune_operator', k2.id);
    expect((await json(`from=${FROM}&to=${TO}`, operator.auth)).body.unit.id).toBe(k2.id);
    expect((await json(`from=${FROM}&to=${TO}`, { authorization: '' })).status).toBe(401);
  });

  it('post-2025 provinces have no district level: communes sit directly under the province', async () => {
    const created = async (body: object) => {
      const res = await request<Unit>('POST', server.url('/api/v1/units'), body);
      expect(res.status).toBe(201);
      return res.body;
    };
    const p = await created({
      level: 'province',
      era: 'post_2025',
      code: '98',
      name: 'Tỉnh Thử Nghiệm',
      type: 'Tỉnh',
    });
    const x1 = await created({
      level: 'commune',
      era: 'post_2025',
      code: '98001',
      name: 'Xã Một',
      type: 'Xã',
      parentId: p.id,
    });
    const x2 = await created({
      level: 'commune',
      era: 'post_2025',
      code: '98002',
      name: 'Phường Hai',
      type: 'Phường',
      parentId: p.id,
    });
    await cluster(server, x2.id);
    const res = await json(`from=${FROM}&to=${TO}&unit=${p.id}`);
    expect(res.status).toBe(200);
    expect(res.body.unit).toMatchObject({ era: 'post_2025', level: 'province' });
    expect(res.body.rows.map((r) => [r.level, r.stt, r.code, r.districtCode])).toEqual([
      ['commune', '1', x1.code, null],
      ['commune', '2', x2.code, null],
    ]);
    expect(res.body.totals.ipWorking).toBe(1);
  });

  it('refuses bad requests, naming the field', async () => {
    const cases: [string, string][] = [
      [`from=2025-13-01&to=${TO}&unit=${province.id}`, 'from'],
      [`from=${FROM}&unit=${province.id}`, 'to'],
      [`from=${TO}&to=${FROM}&unit=${province.id}`, 'from'],
      [`from=2023-06-01&to=${TO}&unit=${province.id}`, 'to'],
      [`from=${FROM}&to=${TO}&unit=${province.id}&format=pdf`, 'format'],
      [`from=${FROM}&to=${TO}&unit=x`, 'unit'],
      // An administrator has no scope unit to default to.
      [`from=${FROM}&to=${TO}`, 'unit'],
    ];
    for (const [query, field] of cases) {
      const res = await request<{ errors?: { field: string }[] }>(
        'GET',
        server.url(`/api/v1/reports/province?${query}`),
      );
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.body.errors?.map((e) => e.field)).toContain(field);
    }
    const village = (await db(server).query(`SELECT id FROM admin_unit WHERE level = 'village' LIMIT 1`))[0]
      .id;
    const res = await request<{ errors?: { field: string }[] }>(
      'GET',
      server.url(`/api/v1/reports/province?from=${FROM}&to=${TO}&unit=${village}`),
    );
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0].field).toBe('unit');
  });
});
