import { parse } from 'csv-parse/sync';
import { startTestServer, type TestServer } from '../support/test-server';
import { eventually, request } from '../support/http';
import { createAccount, childrenOf } from '../access/support';
import { createVillage, goOnline, importLangSon, type Unit } from '../registry/fixtures';
import {
  cluster,
  dailySchedule,
  db,
  insertAlerts,
  insertPlayLogs,
  insertTransitions,
  localDays,
  setLifecycle,
  vn,
} from './support';

interface Figures {
  clusters: number;
  observedMs: number;
  onlineMs: number;
  downtimeMs: number;
  uptimePercent: number | null;
  outages: number;
  scheduledOccurrences: number | null;
  startedOccurrences: number;
  successRate: number | null;
  resolvedFaults: number;
  mttrMs: number | null;
  incidents: number;
}
interface Row extends Figures {
  level: string;
  id: string | null;
  code: string | null;
  communeId: string;
  villageId: string | null;
}
interface Report {
  from: string;
  to: string;
  start: string;
  end: string;
  observedUntil: string;
  scheduledKnown: boolean;
  rows: Row[];
  total: Figures;
}

const FROM = '2025-03-01';
const TO = '2025-03-31';
const FAULT_RULES = ['offline', 'amp_fault', 'speaker_line', 'on_battery'];

/** Availability recomputed from the raw rows the straightforward way: walk each cluster's transitions. */
async function expected(server: TestServer, clusterIds: string[], scheduledPerCluster: Map<string, number>) {
  const start = vn(`${FROM}T00:00`).getTime();
  const end = vn(`${TO}T00:00`).getTime() + 86_400_000;
  const transitions: { cluster_id: string; online: boolean; at: Date }[] = await db(server).query(
    `SELECT cluster_id, online, at FROM presence_transition ORDER BY at, id`,
  );
  const starts: { cluster_id: string; schedule_id: string; occurrence_start: Date }[] = await db(
    server,
  ).query(
    `SELECT cluster_id, schedule_id, occurrence_start FROM play_log WHERE source = 'schedule' AND event = 'started'`,
  );
  const alerts: {
    cluster_id: string;
    rule: string;
    since: Date;
    opened_at: Date;
    resolved_at: Date | null;
  }[] = await db(server).query(`SELECT cluster_id, rule, since, opened_at, resolved_at FROM alert`);
  const out = new Map<string, Figures & { repairMs: number }>();
  for (const id of clusterIds) {
    let state: boolean | null = null;
    let cursor = start;
    let observed = 0;
    let online = 0;
    let outages = 0;
    for (const t of transitions.filter((t) => t.cluster_id === id)) {
      const at = t.at.getTime();
      if (at < start) {
        state = t.online;
        continue;
      }
      if (at >= end) break;
      if (cursor === start && state === false) outages++; // an outage under way at the start
      if (state !== null) {
        observed += at - cursor;
        if (state) online += at - cursor;
      }
      if (!t.online && state !== false) outages++;
      state = t.online;
      cursor = at;
    }
    if (cursor === start && state === false) outages++;
    if (state !== null) {
      observed += end - cursor;
      if (state) online += end - cursor;
    }
    const startedKeys = new Set(
      starts
        .filter(
          (s) =>
            s.cluster_id === id &&
            s.occurrence_start.getTime() >= start &&
            s.occurrence_start.getTime() < end,
        )
        .map((s) => `${s.schedule_id}@${s.occurrence_start.getTime()}`),
    );
    const scheduled = scheduledPerCluster.get(id) ?? 0;
    const mine = alerts.filter((a) => a.cluster_id === id && FAULT_RULES.includes(a.rule));
    const resolved = mine.filter(
      (a) => a.resolved_at && a.resolved_at.getTime() >= start && a.resolved_at.getTime() < end,
    );
    const repairMs = resolved.reduce((s, a) => s + (a.resolved_at!.getTime() - a.since.getTime()), 0);
    const started = Math.min(startedKeys.size, scheduled);
    out.set(id, {
      clusters: 1,
      observedMs: observed,
      onlineMs: online,
      downtimeMs: observed - online,
      uptimePercent: observed ? Math.round((online / observed) * 10_000) / 100 : null,
      outages,
      scheduledOccurrences: scheduled,
      startedOccurrences: started,
      successRate: scheduled ? Math.round((started / scheduled) * 10_000) / 10_000 : null,
      resolvedFaults: resolved.length,
      mttrMs: resolved.length ? Math.round(repairMs / resolved.length) : null,
      incidents: mine.filter((a) => a.opened_at.getTime() >= start && a.opened_at.getTime() < end).length,
      repairMs,
    });
  }
  return out;
}

/** Sums per-cluster expectations the way a village or commune row should. */
function combine(parts: (Figures & { repairMs: number })[]): Figures {
  const sum = (
    k:
      | 'observedMs'
      | 'onlineMs'
      | 'outages'
      | 'startedOccurrences'
      | 'resolvedFaults'
      | 'incidents'
      | 'repairMs',
  ) => parts.reduce((s, p) => s + p[k], 0);
  const scheduled = parts.reduce((s, p) => s + (p.scheduledOccurrences ?? 0), 0);
  const observed = sum('observedMs');
  const online = sum('onlineMs');
  const resolved = sum('resolvedFaults');
  return {
    clusters: parts.length,
    observedMs: observed,
    onlineMs: online,
    downtimeMs: observed - online,
    uptimePercent: observed ? Math.round((online / observed) * 10_000) / 100 : null,
    outages: sum('outages'),
    scheduledOccurrences: scheduled,
    startedOccurrences: sum('startedOccurrences'),
    successRate: scheduled ? Math.round((sum('startedOccurrences') / scheduled) * 10_000) / 10_000 : null,
    resolvedFaults: resolved,
    mttrMs: resolved ? Math.round(sum('repairMs') / resolved) : null,
    incidents: sum('incidents'),
  };
}

const strip = (r: Row | Figures): Figures => ({
  clusters: r.clusters,
  observedMs: r.observedMs,
  onlineMs: r.onlineMs,
  downtimeMs: r.downtimeMs,
  uptimePercent: r.uptimePercent,
  outages: r.outages,
  scheduledOccurrences: r.scheduledOccurrences,
  startedOccurrences: r.startedOccurrences,
  successRate: r.successRate,
  resolvedFaults: r.resolvedFaults,
  mttrMs: r.mttrMs,
  incidents: r.incidents,
});

describe('availability: uptime, broadcast success and MTTR from stored transitions', () => {
  let server: TestServer;
  let district: Unit;
  let otherDistrict: Unit;
  let c1: Unit;
  let c2: Unit;
  let v1: Unit;
  let v2: Unit;
  const ids: Record<string, string> = {};
  let scheduleId: string;

  const get = (query: string, headers?: Record<string, string>) =>
    request<Report & { errors?: { field: string }[] }>(
      'GET',
      server.url(`/api/v1/availability?${query}`),
      undefined,
      headers,
    );

  beforeAll(async () => {
    server = await startTestServer();
    const { byCode } = await importLangSon(server);
    const province = await byCode('20');
    [district, otherDistrict] = await childrenOf(server, province.id, 2);
    [c1, c2] = await childrenOf(server, district.id, 2);
    v1 = await createVillage(server, c1.id, 'AV-01', 'Thôn Nà Lừa');
    v2 = await createVillage(server, c1.id, 'AV-02', 'Thôn Bản Chắt');
    ids.a = (await cluster(server, c1.id, { villageId: v1.id })).id;
    ids.b = (await cluster(server, c1.id, { villageId: v1.id })).id;
    ids.c = (await cluster(server, c1.id, { villageId: v2.id })).id;
    ids.d = (await cluster(server, c1.id)).id; // never seen
    ids.e = (await cluster(server, c1.id)).id; // decommissioned: not counted
    await setLifecycle(server, ids.e, 'decommissioned');
    ids.f = (await cluster(server, c1.id, { kind: 'fm_wired' })).id; // FM: not counted
    ids.g = (await cluster(server, c2.id)).id;

    // A daily 05:30 programme for commune 1 since before the period (a real schedule, planned by the server).
    const schedule = await dailySchedule(server, c1.id, [c1.id], '2025-02-20T05:30');
    expect(schedule.clusterCount).toBe(4);
    scheduleId = schedule.id;

    const t = (local: string) => vn(local);
    const flaps = Array.from({ length: 20 }, (_, i) => ({
      clusterId: ids.c,
      at: new Date(t('2025-03-05T08:00').getTime() + i * 180_000),
      online: i % 2 === 1,
    }));
    await insertTransitions(server, [
      // A: online in February, offline across the start of the period, back on 2 March.
      { clusterId: ids.a, at: t('2025-02-01T07:00'), online: true },
      { clusterId: ids.a, at: t('2025-02-27T08:00'), online: false },
      { clusterId: ids.a, at: t('2025-03-02T10:00'), online: true },
      { clusterId: ids.a, at: t('2025-03-10T12:00'), online: false },
      { clusterId: ids.a, at: t('2025-03-10T12:30'), online: false }, // repeated state: same outage
      { clusterId: ids.a, at: t('2025-03-11T06:00'), online: true },
      // B: first seen in the middle of the period.
      { clusterId: ids.b, at: t('2025-03-15T09:00'), online: true },
      { clusterId: ids.b, at: t('2025-03-20T00:00'), online: false },
      { clusterId: ids.b, at: t('2025-03-21T00:00'), online: true },
      // C: online since February, flapping on 5 March.
      { clusterId: ids.c, at: t('2025-02-01T07:00'), online: true },
      ...flaps,
      // E (decommissioned) and G (other commune): G goes down on 25 March for good.
      { clusterId: ids.e, at: t('2025-03-03T07:00'), online: true },
      { clusterId: ids.g, at: t('2025-02-10T07:00'), online: true },
      { clusterId: ids.g, at: t('2025-03-25T16:00'), online: false },
      // After the period: ignored.
      { clusterId: ids.b, at: t('2025-04-02T00:00'), online: false },
    ]);

    const occurrence = (day: string) => vn(`${day}T05:30`);
    const march = localDays(FROM, TO);
    await insertPlayLogs(server, [
      // A started 20 occurrences (one reported twice), B five; C only 'finished' (no start); a start in February.
      ...march.slice(0, 20).map((day) => ({
        clusterId: ids.a,
        source: 'schedule' as const,
        event: 'started' as const,
        occurredAt: occurrence(day),
        scheduleId,
        occurrenceStart: occurrence(day),
      })),
      {
        clusterId: ids.a,
        source: 'schedule',
        event: 'started',
        occurredAt: new Date(occurrence(march[0]).getTime() + 60_000),
        scheduleId,
        occurrenceStart: occurrence(march[0]),
      },
      {
        clusterId: ids.a,
        source: 'schedule',
        event: 'started',
        occurredAt: occurrence('2025-02-28'),
        scheduleId,
        occurrenceStart: occurrence('2025-02-28'),
      },
      ...march.slice(15, 20).map((day) => ({
        clusterId: ids.b,
        source: 'schedule' as const,
        event: 'started' as const,
        occurredAt: occurrence(day),
        scheduleId,
        occurrenceStart: occurrence(day),
      })),
      {
        clusterId: ids.c,
        source: 'schedule',
        event: 'finished',
        occurredAt: occurrence(march[3]),
        playedMs: 2000,
        scheduleId,
        occurrenceStart: occurrence(march[3]),
      },
    ]);

    await insertAlerts(server, [
      // Resolved in the period: count in MTTR (the second was opened before the period: not an incident).
      {
        clusterId: ids.a,
        rule: 'offline',
        since: t('2025-03-10T12:00'),
        openedAt: t('2025-03-10T12:10'),
        resolvedAt: t('2025-03-11T06:00'),
      },
      {
        clusterId: ids.a,
        rule: 'amp_fault',
        since: t('2025-02-25T09:00'),
        openedAt: t('2025-02-25T09:01'),
        resolvedAt: t('2025-03-01T01:00'),
      },
      // Opened in the period, resolved after it: an incident, not in MTTR.
      {
        clusterId: ids.b,
        rule: 'speaker_line',
        since: t('2025-03-30T10:00'),
        openedAt: t('2025-03-30T10:00'),
        resolvedAt: t('2025-04-02T10:00'),
      },
      {
        clusterId: ids.c,
        rule: 'on_battery',
        since: t('2025-03-05T08:00'),
        openedAt: t('2025-03-05T08:05'),
        resolvedAt: t('2025-03-05T10:00'),
      },
      // Not a fault rule.
      {
        clusterId: ids.c,
        rule: 'weak_signal',
        since: t('2025-03-06T08:00'),
        openedAt: t('2025-03-06T08:30'),
        resolvedAt: t('2025-03-07T08:00'),
      },
    ]);
  }, 180_000);
  afterAll(async () => {
    await server?.close();
  });

  const counted = () => [ids.a, ids.b, ids.c, ids.d, ids.g];
  const scheduled = () => new Map([ids.a, ids.b, ids.c, ids.d].map((id) => [id, 31]));

  it('per cluster: matches a straightforward recomputation over the raw rows', async () => {
    const res = await get(`from=${FROM}&to=${TO}&level=cluster&unitId=${district.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: FROM, to: TO, scheduledKnown: true });
    expect(res.body.start).toBe(vn(`${FROM}T00:00`).toISOString());
    expect(res.body.end).toBe(vn('2025-04-01T00:00').toISOString());
    const want = await expected(server, counted(), scheduled());
    // Decommissioned and FM clusters are not counted.
    expect(res.body.rows.map((r) => r.id).sort()).toEqual(counted().sort());
    for (const row of res.body.rows) {
      const { repairMs: _, ...figures } = want.get(row.id as string)!;
      expect({ id: row.id, ...strip(row) }).toEqual({ id: row.id, ...figures });
    }
    const byId = new Map(res.body.rows.map((r) => [r.id, r]));
    // A: down from the start (outage across it) until 2 March 10:00, and 10 March 12:00 – 11 March 06:00.
    const a = byId.get(ids.a)!;
    const period = 31 * 86_400_000;
    expect(a.observedMs).toBe(period);
    expect(a.downtimeMs).toBe(
      vn('2025-03-02T10:00').getTime() - vn(`${FROM}T00:00`).getTime() + 18 * 3_600_000,
    );
    expect(a.outages).toBe(2);
    expect(a).toMatchObject({ startedOccurrences: 20, scheduledOccurrences: 31, successRate: 0.6452 });
    expect(a).toMatchObject({ resolvedFaults: 2, incidents: 1 });
    // B: observed only since it was first seen.
    const b = byId.get(ids.b)!;
    expect(b.observedMs).toBe(vn('2025-04-01T00:00').getTime() - vn('2025-03-15T09:00').getTime());
    expect(b).toMatchObject({ downtimeMs: 86_400_000, outages: 1, mttrMs: null, incidents: 1 });
    // C: ten short outages while flapping.
    expect(byId.get(ids.c)).toMatchObject({ outages: 10, downtimeMs: 10 * 180_000, startedOccurrences: 0 });
    // D: never seen — nothing observed, not counted as down.
    expect(byId.get(ids.d)).toMatchObject({ observedMs: 0, uptimePercent: null, downtimeMs: 0 });
    // G: nothing scheduled in its commune.
    expect(byId.get(ids.g)).toMatchObject({ scheduledOccurrences: 0, successRate: null, outages: 1 });
  });

  it('village and commune rows sum their clusters (uptime = Σ online / Σ observed)', async () => {
    const want = await expected(server, counted(), scheduled());
    const villages = await get(`from=${FROM}&to=${TO}&level=village&unitId=${district.id}`);
    expect(villages.status).toBe(200);
    const groups: [string, string | null, string[]][] = [
      [c1.id, v1.id, [ids.a, ids.b]],
      [c1.id, v2.id, [ids.c]],
      [c1.id, null, [ids.d]],
      [c2.id, null, [ids.g]],
    ];
    expect(villages.body.rows).toHaveLength(groups.length);
    for (const [communeId, villageId, members] of groups) {
      const row = villages.body.rows.find((r) => r.communeId === communeId && r.villageId === villageId);
      expect(row?.level).toBe('village');
      expect(strip(row!)).toEqual(combine(members.map((id) => want.get(id)!)));
    }
    const communes = await get(`from=${FROM}&to=${TO}&level=commune&unitId=${district.id}`);
    expect(communes.body.rows.map((r) => r.id)).toEqual([c1.id, c2.id]);
    expect(strip(communes.body.rows[0])).toEqual(
      combine([ids.a, ids.b, ids.c, ids.d].map((id) => want.get(id)!)),
    );
    expect(strip(communes.body.total)).toEqual(combine(counted().map((id) => want.get(id)!)));
    // Default level is commune; the CSV has the same figures and a total line.
    expect((await get(`from=${FROM}&to=${TO}&unitId=${district.id}`)).body.rows).toHaveLength(2);
    const csv = await fetch(
      server.url(`/api/v1/availability?from=${FROM}&to=${TO}&unitId=${district.id}&format=csv`),
      {
        headers: { authorization: `Bearer ${server.adminToken}` },
      },
    );
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records: Record<string, string>[] = parse(bytes.subarray(3).toString('utf8'), { columns: true });
    expect(records.map((r) => r.level)).toEqual(['commune', 'commune', 'total']);
    expect(Number(records[0].onlineMs)).toBe(communes.body.rows[0].onlineMs);
    expect(Number(records[2].uptimePercent)).toBe(communes.body.total.uptimePercent);
  });

  it('counts a real device connection, observed from its first transition until now', async () => {
    const live = await cluster(server, c2.id);
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    const device = await goOnline(server, live.id, live.password as string);
    try {
      const row = await eventually(async () => {
        const res = await get(`from=${today}&to=${today}&level=cluster&unitId=${c2.id}`);
        const mine = res.body.rows?.find((r) => r.id === live.id);
        return mine && mine.observedMs > 0 ? { mine, report: res.body } : null;
      });
      expect(row.mine.uptimePercent).toBe(100);
      expect(Date.parse(row.report.observedUntil)).toBeLessThanOrEqual(Date.now());
    } finally {
      await device.endAsync();
    }
  });

  it('stays inside the scope: a district technician sees only their district', async () => {
    const tech = await createAccount(server, 'district_technician', otherDistrict.id);
    const mine = await get(`from=${FROM}&to=${TO}&level=cluster`, tech.auth);
    expect(mine.status).toBe(200);
    expect(mine.body.rows).toEqual([]);
    expect((await get(`from=${FROM}&to=${TO}&unitId=${district.id}`, tech.auth)).status).toBe(404);
    const own = await createAccount(server, 'district_technician', district.id);
    const theirs = await get(`from=${FROM}&to=${TO}&level=cluster`, own.auth);
    expect(theirs.body.rows.map((r) => r.id).sort()).toEqual(expect.arrayContaining(counted().sort()));
    expect((await get(`from=${FROM}&to=${TO}`, { authorization: '' })).status).toBe(401);
  });

  it('refuses bad periods and options, naming the field', async () => {
    const cases: [string, string][] = [
      [`from=2025-02-30&to=${TO}`, 'from'],
      [`from=${FROM}&to=31/03/2025`, 'to'],
      [`to=${TO}`, 'from'],
      [`from=2025-04-01&to=2025-03-31`, 'from'],
      [`from=2023-01-01&to=2025-03-31`, 'to'],
      [`from=${FROM}&to=${TO}&level=district`, 'level'],
      [`from=${FROM}&to=${TO}&format=xlsx`, 'format'],
      [`from=${FROM}&to=${TO}&unitId=nope`, 'unitId'],
    ];
    for (const [query, field] of cases) {
      const res = await get(query);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.body.errors?.map((e) => e.field)).toContain(field);
    }
    // Two years are allowed.
    expect((await get(`from=2023-04-01&to=2025-03-31`)).status).toBe(200);
  });
});
