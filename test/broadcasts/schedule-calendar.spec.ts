import { occurrenceId } from '@loa-xa/schedule';
import { startTestServer, type TestServer } from '../support/test-server';
import { request } from '../support/http';
import { createAccount, type Account } from '../access/support';
import { createCluster, importLangSon, type Unit } from '../registry/fixtures';
import { instantOf, localTime, readyAsset } from './support';

interface CalendarSchedule {
  id: string;
  title: string;
  unitId: string;
  ownerName: string;
  ownerLevel: string;
  fromAbove: boolean;
  inScope: boolean;
  editable: boolean;
  contentName: string | null;
  priority: string;
  target: { unitIds?: string[] } | null;
  clusterCount: number;
  createdBy: string | null;
}
interface CalendarOccurrence {
  id: string;
  scheduleId: string;
  start: string;
  status: string;
  state: string;
  targets: number;
  acked: number;
  ready: number;
  played: { started: number };
  outcome: { plays: number; interrupted: number; blocked: number };
  relations: { kind: string; scheduleId: string; scheduleTitle: string; otherOccurrenceId: string }[];
}
interface Calendar {
  unit: { id: string; name: string; level: string };
  from: string;
  to: string;
  schedules: CalendarSchedule[];
  occurrences: CalendarOccurrence[];
}
interface ErrorBody {
  errors?: { field: string; rule: string }[];
}

describe('GET /schedules/calendar: everything that sounds in a unit', () => {
  let server: TestServer;
  let province: Unit;
  let district: Unit;
  let commune: Unit;
  let elsewhere: Unit;
  let operator: Account;
  let technician: Account;
  let assetId: string;
  const ids: Record<string, string> = {};
  const morning = localTime(1, '06:00');
  const from = new Date(instantOf(localTime(0, '00:00'))).toISOString();
  const to = new Date(instantOf(localTime(3, '00:00'))).toISOString();

  const calendar = (unitId: string, auth?: Account, range = { from, to }) =>
    request<Calendar & ErrorBody>(
      'GET',
      server.url(
        `/api/v1/schedules/calendar?unitId=${unitId}&from=${encodeURIComponent(range.from)}&to=${encodeURIComponent(range.to)}`,
      ),
      undefined,
      auth?.auth,
    );
  const schedule = async (body: object, auth?: Account) => {
    const res = await request<{ id: string; clashes: { kind: string }[] }>(
      'POST',
      server.url('/api/v1/schedules'),
      { assetId, start: morning, ...body },
      auth?.auth,
    );
    if (res.status !== 201) throw new Error(`schedule: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  beforeAll(async () => {
    server = await startTestServer();
    const { byCode } = await importLangSon(server);
    [province, district, commune, elsewhere] = await Promise.all([
      byCode('20'),
      byCode('180'),
      byCode('05998'),
      byCode('06067'),
    ]);
    for (const [code, communeId] of [
      ['CAL-1', commune.id],
      ['CAL-2', commune.id],
      ['CAL-X', elsewhere.id],
    ])
      await createCluster(server, { code, name: `Cụm ${code}`, kind: 'ip', communeId });
    assetId = (await readyAsset(server, province.id, 3, 'Thông báo')).id;
    [operator, technician] = await Promise.all([
      createAccount(server, 'commune_operator', commune.id),
      createAccount(server, 'district_technician', district.id),
    ]);
    // The commune's own morning news, by its operator; the province speaks at the same minute.
    ids.commune = (await schedule({ title: 'Bản tin xã', target: { unitIds: [commune.id] } }, operator)).id;
    const provincial = await schedule({
      title: 'Thông báo của tỉnh',
      priority: 'province',
      target: { unitIds: [province.id] },
    });
    expect(provincial.clashes.map((c) => c.kind)).toEqual(['preempts']);
    ids.province = provincial.id;
    ids.district = (
      await schedule({
        title: 'Tin huyện',
        priority: 'district',
        start: localTime(1, '08:00'),
        rrule: 'FREQ=DAILY',
        target: { unitIds: [district.id] },
      })
    ).id;
    // Another district's commune: plays elsewhere, never here.
    ids.elsewhere = (await schedule({ title: 'Tin xã khác', target: { unitIds: [elsewhere.id] } })).id;
  }, 180_000);
  afterAll(async () => {
    await server?.close();
  });

  it('shows a commune operator the province and district schedules reaching the commune, read-only', async () => {
    // The plain list keeps to schedules owned by the commune or below: the gap this endpoint fills.
    const list = await request<{ items: { id: string }[] }>(
      'GET',
      server.url(`/api/v1/schedules?unitId=${commune.id}`),
      undefined,
      operator.auth,
    );
    expect(list.body.items.map((s) => s.id)).toEqual([ids.commune]);

    const res = await calendar(commune.id, operator);
    expect(res.status).toBe(200);
    expect(res.body.unit).toEqual({ id: commune.id, name: commune.name, level: 'commune' });
    const byId = new Map(res.body.schedules.map((s) => [s.id, s]));
    expect([...byId.keys()].sort()).toEqual([ids.commune, ids.province, ids.district].sort());
    expect(byId.get(ids.province)).toMatchObject({
      title: 'Thông báo của tỉnh',
      unitId: province.id,
      ownerName: province.name,
      ownerLevel: 'province',
      ownerType: 'Tỉnh',
      fromAbove: true,
      inScope: false,
      editable: false,
      target: null,
      createdBy: null,
      contentName: 'Thông báo',
      priority: 'province',
      clusterCount: 2,
    });
    expect(byId.get(ids.district)).toMatchObject({
      ownerName: 'Huyện Tràng Định',
      ownerLevel: 'district',
      ownerType: 'Huyện',
      fromAbove: true,
      editable: false,
      clusterCount: 2,
    });
    expect(byId.get(ids.commune)).toMatchObject({
      ownerLevel: 'commune',
      fromAbove: false,
      inScope: true,
      editable: true,
      target: { unitIds: [commune.id] },
      clusterCount: 2,
    });
    // Two daily district occurrences fall in the three days asked for (tomorrow and the day after).
    const district = res.body.occurrences.filter((o) => o.scheduleId === ids.district);
    expect(district).toHaveLength(2);
    expect(district[0]).toMatchObject({ state: 'plays', targets: 2, acked: 0, ready: 0, relations: [] });
    expect(res.body.occurrences.every((o) => o.scheduleId !== ids.elsewhere)).toBe(true);
    const starts = res.body.occurrences.map((o) => o.start);
    expect([...starts].sort()).toEqual(starts);
  });

  it('relates a commune occurrence to the higher-priority one that preempts it', async () => {
    const res = await calendar(commune.id, operator);
    const key = instantOf(morning);
    const mine = res.body.occurrences.find((o) => o.id === occurrenceId(ids.commune, key));
    const theirs = res.body.occurrences.find((o) => o.id === occurrenceId(ids.province, key));
    expect(mine).toMatchObject({
      status: 'scheduled',
      // Both start at once: the province item goes first, the commune's never starts on either cluster.
      state: 'blocked',
      targets: 2,
      outcome: { plays: 0, interrupted: 0, blocked: 2 },
      relations: [
        {
          kind: 'preempted',
          scheduleId: ids.province,
          scheduleTitle: 'Thông báo của tỉnh',
          otherOccurrenceId: occurrenceId(ids.province, key),
        },
      ],
    });
    expect(theirs).toMatchObject({
      state: 'plays',
      outcome: { plays: 2, interrupted: 0, blocked: 0 },
      relations: [{ kind: 'preempts', scheduleId: ids.commune, otherOccurrenceId: mine?.id }],
    });
  });

  it('lets those who may change a schedule edit it, and nobody else', async () => {
    const editable = async (auth?: Account) =>
      Object.fromEntries((await calendar(commune.id, auth)).body.schedules.map((s) => [s.id, s.editable]));
    // The district technician: district and commune priorities in the district, not the province's.
    expect(await editable(technician)).toEqual({
      [ids.commune]: true,
      [ids.province]: false,
      [ids.district]: true,
    });
    expect(await editable()).toEqual({ [ids.commune]: true, [ids.province]: true, [ids.district]: true });
    // The administrator sees the province schedule's target: it is in scope.
    const admin = await calendar(commune.id);
    expect(admin.body.schedules.find((s) => s.id === ids.province)?.target).toEqual({
      unitIds: [province.id],
    });
    // A district asked for: the commune's schedules and the province's reach it.
    const wide = await calendar(district.id, technician);
    expect(wide.status).toBe(200);
    expect(wide.body.schedules.map((s) => s.id).sort()).toEqual(
      [ids.commune, ids.province, ids.district].sort(),
    );
  });

  it('answers 404 for a unit outside the caller’s scope, or unknown', async () => {
    expect((await calendar(elsewhere.id, operator)).status).toBe(404);
    expect((await calendar(province.id, operator)).status).toBe(404);
    expect((await calendar(district.id, operator)).status).toBe(404);
    expect((await calendar(elsewhere.id, technician)).status).toBe(404);
    expect((await calendar('4b7d5c64-1d2e-4f3a-9c8b-7a6e5d4c3b2a')).status).toBe(404);
    // Viewers may read; the province itself is someone else's scope for them too.
    const viewer = await createAccount(server, 'viewer', commune.id);
    expect((await calendar(commune.id, viewer)).status).toBe(200);
    expect((await calendar(province.id, viewer)).status).toBe(404);
  });

  it('validates the query with field errors and bounds the range', async () => {
    const fields = (body: ErrorBody) => (body.errors ?? []).map((e) => e.field).sort();
    const bad = await request<ErrorBody>(
      'GET',
      server.url(`/api/v1/schedules/calendar?unitId=nope&from=yesterday`),
    );
    expect(bad.status).toBe(400);
    expect(fields(bad.body)).toEqual(['from', 'to', 'unitId']);
    const backwards = await calendar(commune.id, operator, { from: to, to: from });
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors).toEqual([expect.objectContaining({ field: 'to', rule: 'after' })]);
    const long = await calendar(commune.id, operator, {
      from,
      to: new Date(Date.parse(from) + 32 * 86_400_000).toISOString(),
    });
    expect(long.status).toBe(400);
    expect(long.body.errors).toEqual([expect.objectContaining({ field: 'to', rule: 'range' })]);
    const month = await calendar(commune.id, operator, {
      from,
      to: new Date(Date.parse(from) + 31 * 86_400_000).toISOString(),
    });
    expect(month.status).toBe(200);
    // 31 days of a daily district schedule (its first is tomorrow).
    expect(month.body.occurrences.filter((o) => o.scheduleId === ids.district).length).toBeGreaterThan(28);
  });

  it('keeps skipped occurrences and disabled schedules, the ones above included, in view', async () => {
    const key = instantOf(morning);
    const skip = await request(
      'PUT',
      server.url(`/api/v1/schedules/${ids.commune}/occurrences/${key}`),
      { skip: true },
      operator.auth,
    );
    expect(skip.status).toBe(200);
    const off = await request('PATCH', server.url(`/api/v1/schedules/${ids.district}`), { enabled: false });
    expect(off.status).toBe(200);
    const res = await calendar(commune.id, operator);
    expect(res.body.occurrences.find((o) => o.id === occurrenceId(ids.commune, key))).toMatchObject({
      status: 'skipped',
      state: 'skipped',
      relations: [],
    });
    // Skipped, it no longer clashes with the province's.
    expect(res.body.occurrences.find((o) => o.id === occurrenceId(ids.province, key))?.relations).toEqual([]);
    // Off, the district schedule is not planned: its reach is worked out from its target.
    expect(res.body.schedules.find((s) => s.id === ids.district)).toMatchObject({
      enabled: false,
      clusterCount: 2,
    });
    const district = res.body.occurrences.filter((o) => o.scheduleId === ids.district);
    expect(district.map((o) => [o.state, o.targets])).toEqual([
      ['disabled', 2],
      ['disabled', 2],
    ]);
    // A commune of another district: the province schedule reaches it, this district's does not.
    const other = await calendar(elsewhere.id);
    expect(other.body.schedules.map((s) => s.id).sort()).toEqual([ids.elsewhere, ids.province].sort());
  });
});
