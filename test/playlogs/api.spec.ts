import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { DataSource } from 'typeorm';
import { getMetadataStorage } from 'class-validator';
import { AdminUnit, Cluster, DeviceCommand } from '@loa-xa/persistence';
import type { PlayReport } from '@loa-xa/protocol';
import { startTestServer, type TestServer } from '../support/test-server';
import { request } from '../support/http';
import { connectDevice, provisionClusters, type ProvisionedCluster } from '../support/fleet';
import { createAccount, type Account } from '../access/support';
import { SYSTEM, type Principal } from '../../apps/server/src/access/scope';
import { PlayLogRepository } from '../../apps/server/src/playlogs/play-log.repository';
import { PlayLogsService } from '../../apps/server/src/playlogs/play-logs.service';
import { PlayLogQuery, PlayLogSummaryQuery } from '../../apps/server/src/playlogs/play-log.dto';
import type { ScheduledTimeSource } from '../../apps/server/src/playlogs/scheduled-time';
import { listLogs, logsOf, publishPlayLog, type LogPage } from './support';

const MIN = 60_000;
/** 2026-01-31 05:30 in Vietnam (UTC+7): the morning programme of the day the summary is asked for. */
const MORNING = Date.UTC(2026, 0, 30, 22, 30);
const SCHEDULE = randomUUID();
const OTHER_SCHEDULE = randomUUID();
const occ = (schedule: string, start: number) => `${schedule}@${start}`;

interface CommuneRow {
  communeId: string;
  code: string;
  name: string;
  path: string;
  clusters: number;
  scheduledOccurrences: number | null;
  scheduledMinutes: number | null;
  started: number;
  finished: number;
  interrupted: number;
  failed: number;
  playedMinutes: number;
  scheduledPlayedMinutes: number;
  playedRatio: number | null;
}
interface Summary {
  date: string;
  timeZone: string;
  from: string;
  to: string;
  scheduledKnown: boolean;
  communes: CommuneRow[];
}

describe('play logs: API', () => {
  let server: TestServer;
  /** Commune A: a0, a1. Commune B: b0. */
  let a: ProvisionedCluster[];
  let b: ProvisionedCluster[];
  let communeA: AdminUnit;
  let communeB: AdminUnit;
  let operatorA: Account;
  const clients: MqttClient[] = [];
  const commandId = randomUUID();
  const broadcastId = randomUUID();

  const reportsA0: PlayReport[] = [
    { id: 'a0-1', source: 'schedule', ref: occ(SCHEDULE, MORNING), event: 'started', at: MORNING + 40 },
    {
      id: 'a0-2',
      source: 'schedule',
      ref: occ(SCHEDULE, MORNING),
      event: 'finished',
      at: MORNING + 17 * MIN,
      playedMs: 17 * MIN,
    },
    { id: 'a0-3', source: 'command', ref: commandId, event: 'started', at: MORNING + 60 * MIN },
    {
      id: 'a0-4',
      source: 'command',
      ref: commandId,
      event: 'finished',
      at: MORNING + 62 * MIN,
      playedMs: 2 * MIN,
    },
    // The next day (local): not in the summary of the 31st.
    {
      id: 'a0-5',
      source: 'schedule',
      ref: occ(SCHEDULE, MORNING + 1440 * MIN),
      event: 'started',
      at: MORNING + 1440 * MIN,
    },
  ];
  const reportsA1: PlayReport[] = [
    { id: 'a1-1', source: 'schedule', ref: occ(SCHEDULE, MORNING), event: 'started', at: MORNING + 1000 },
    // No playedMs: the time since started counts (5 min - 1 s).
    {
      id: 'a1-2',
      source: 'schedule',
      ref: occ(SCHEDULE, MORNING),
      event: 'interrupted',
      at: MORNING + 5 * MIN,
      reason: 'preempted',
    },
    {
      id: 'a1-3',
      source: 'schedule',
      ref: occ(OTHER_SCHEDULE, MORNING + 600 * MIN),
      event: 'failed',
      at: MORNING + 600 * MIN,
      reason: 'media_missing',
    },
  ];
  const reportsB0: PlayReport[] = [
    { id: 'b0-1', source: 'schedule', ref: occ(SCHEDULE, MORNING), event: 'started', at: MORNING + 500 },
  ];

  beforeAll(async () => {
    server = await startTestServer();
    a = await provisionClusters(server, 2);
    b = await provisionClusters(server, 1);
    const ds = server.app.get(DataSource);
    const communeOf = async (id: string) => {
      const cluster = await ds.getRepository(Cluster).findOneByOrFail({ id });
      return ds.getRepository(AdminUnit).findOneByOrFail({ id: cluster.communeId });
    };
    communeA = await communeOf(a[0].id);
    communeB = await communeOf(b[0].id);
    await ds.getRepository(DeviceCommand).insert({
      id: commandId,
      clusterId: a[0].id,
      type: 'play_now',
      params: { priority: 'commune' },
      status: 'acked',
      expiresAt: new Date(Date.now() + MIN),
      deliveredAt: null,
      completedAt: null,
      result: null,
      errorCode: null,
      errorMessage: null,
      broadcastId,
    });
    for (const [cluster, reports] of [
      [a[0], reportsA0],
      [a[1], reportsA1],
      [b[0], reportsB0],
    ] as const) {
      const client = await connectDevice(server.mqttUrl, cluster);
      clients.push(client);
      await publishPlayLog(client, cluster.id, [...reports]);
      await logsOf(server, cluster.id, reports.length);
    }
    operatorA = await createAccount(server, 'commune_operator', communeA.id);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync()));
    await server?.close();
  });

  const ids = (page: LogPage) => page.items.map((l) => l.reportId);

  describe('list', () => {
    it('filters by unit, cluster, schedule, broadcast, source, event and time, newest first', async () => {
      const unit = await listLogs(server, `unitId=${communeA.id}`);
      expect(unit.status).toBe(200);
      expect(ids(unit.body)).toEqual(['a0-5', 'a1-3', 'a0-4', 'a0-3', 'a0-2', 'a1-2', 'a1-1', 'a0-1']);
      expect(unit.body.total).toBe(8);

      expect(ids((await listLogs(server, `clusterId=${a[1].id}`)).body)).toEqual(['a1-3', 'a1-2', 'a1-1']);
      expect(ids((await listLogs(server, `scheduleId=${OTHER_SCHEDULE}`)).body)).toEqual(['a1-3']);
      expect(ids((await listLogs(server, `broadcastId=${broadcastId}`)).body)).toEqual(['a0-4', 'a0-3']);
      expect(
        ids((await listLogs(server, `unitId=${communeA.id}&source=command&event=started`)).body),
      ).toEqual(['a0-3']);
      const window = await listLogs(
        server,
        `scheduleId=${SCHEDULE}&from=${new Date(MORNING + 500).toISOString()}&to=2026-01-31T05:36:00%2B07:00`,
      );
      expect(ids(window.body)).toEqual(['a1-2', 'a1-1', 'b0-1']);
    });

    it('pages, and orders oldest first when asked', async () => {
      const page2 = await listLogs(server, `unitId=${communeA.id}&pageSize=3&page=2`);
      expect(page2.body).toMatchObject({ total: 8, page: 2, pageSize: 3 });
      expect(ids(page2.body)).toEqual(['a0-3', 'a0-2', 'a1-2']);
      const asc = await listLogs(server, `unitId=${communeA.id}&pageSize=2&order=asc`);
      expect(ids(asc.body)).toEqual(['a0-1', 'a1-1']);
    });

    it.each([
      ['from=yesterday', 'from'],
      ['to=2026-01-31', 'to'],
      ['to=2026-01-31T05:30:00', 'to'],
      ['from=2026-02-30T00:00:00Z', 'from'],
      ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
      ['clusterId=42', 'clusterId'],
      ['unitId=x', 'unitId'],
      ['scheduleId=abc', 'scheduleId'],
      ['broadcastId=abc', 'broadcastId'],
      ['source=radio', 'source'],
      ['event=exploded', 'event'],
      ['pageSize=0', 'pageSize'],
      ['format=xml', 'format'],
      ['colour=red', 'colour'],
    ])('refuses %s naming %s', async (query, field) => {
      const res = await request<{ errors: { field: string }[] }>(
        'GET',
        server.url(`/api/v1/play-logs?${query}`),
      );
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e) => e.field)).toContain(field);
    });

    it('answers 404 for a unit or cluster that does not exist', async () => {
      expect((await listLogs(server, `unitId=${randomUUID()}`)).status).toBe(404);
      expect((await listLogs(server, `clusterId=${randomUUID()}`)).status).toBe(404);
    });

    it('is refused without credentials', async () => {
      expect((await listLogs(server, '', { authorization: '' })).status).toBe(401);
    });
  });

  describe('scope', () => {
    it('shows a commune operator only the logs of its commune', async () => {
      const mine = await listLogs(server, 'pageSize=500', operatorA.auth);
      expect(mine.status).toBe(200);
      expect(mine.body.total).toBe(8);
      expect(new Set(mine.body.items.map((l) => l.communeId))).toEqual(new Set([communeA.id]));
      // Filters cannot reach beyond the scope: another commune, its cluster.
      expect((await listLogs(server, `unitId=${communeB.id}`, operatorA.auth)).status).toBe(404);
      expect((await listLogs(server, `clusterId=${b[0].id}`, operatorA.auth)).status).toBe(404);
      const bySchedule = await listLogs(server, `scheduleId=${SCHEDULE}&pageSize=500`, operatorA.auth);
      expect(ids(bySchedule.body)).not.toContain('b0-1');
      const summary = await request<Summary>(
        'GET',
        server.url('/api/v1/play-logs/summary?date=2026-01-31'),
        undefined,
        operatorA.auth,
      );
      expect(summary.body.communes.map((c) => c.communeId)).toEqual([communeA.id]);
      const other = await request(
        'GET',
        server.url(`/api/v1/play-logs/summary?date=2026-01-31&unitId=${communeB.id}`),
        undefined,
        operatorA.auth,
      );
      expect(other.status).toBe(404);
    });
  });

  describe('CSV', () => {
    it('exports every match with a BOM, a header and local times', async () => {
      const res = await fetch(server.url(`/api/v1/play-logs?format=csv&clusterId=${a[1].id}&order=asc`), {
        headers: { authorization: `Bearer ${server.adminToken}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="play-logs-/);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = bytes.subarray(3).toString('utf8').split('\r\n');
      expect(lines[0].split(',')).toEqual([
        'id',
        'occurredAt',
        'localTime',
        'deviceAt',
        'correctedAt',
        'receivedAt',
        'clusterId',
        'clusterCode',
        'clusterName',
        'source',
        'event',
        'reason',
        'playedMs',
        'detail',
        'ref',
        'scheduleId',
        'occurrenceStart',
        'commandId',
        'broadcastId',
        'liveSessionId',
        'reportId',
      ]);
      expect(lines).toHaveLength(5); // header, 3 rows, the empty end of the last CRLF
      const first = lines[1].split(',');
      expect(first[1]).toBe(new Date(MORNING + 1000).toISOString());
      expect(first[2]).toBe('2026-01-31 05:30:01');
      expect(first[6]).toBe(a[1].id);
      expect(first[9]).toBe('schedule');
      expect(first[20]).toBe('a1-1');
      expect(lines[2]).toContain('preempted');
    });

    it('checks the filters before it starts the download', async () => {
      const res = await request('GET', server.url('/api/v1/play-logs?format=csv&from=nope'));
      expect(res.status).toBe(400);
    });

    it('exports the summary too', async () => {
      const res = await fetch(
        server.url(`/api/v1/play-logs/summary?date=2026-01-31&unitId=${communeA.id}&format=csv`),
        { headers: { authorization: `Bearer ${server.adminToken}` } },
      );
      expect(res.status).toBe(200);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const [header, row] = bytes.subarray(3).toString('utf8').split('\r\n');
      expect(header).toBe(
        'date,communeId,code,name,path,clusters,scheduledOccurrences,scheduledMinutes,started,finished,interrupted,failed,playedMinutes,scheduledPlayedMinutes,playedRatio',
      );
      expect(row).toBe(
        `2026-01-31,${communeA.id},${communeA.code},${communeA.name},${communeA.path},2,0,0,3,2,1,1,23.98,21.98,`,
      );
    });
  });

  describe('daily summary', () => {
    /** What commune A reported on 2026-01-31 (local). */
    const dayA = {
      clusters: 2,
      started: 3,
      finished: 2,
      interrupted: 1,
      failed: 1,
      // 17 min (a0) + 4 min 59 s (a1, from started to interrupted) + 2 min (command)
      playedMinutes: 23.98,
      scheduledPlayedMinutes: 21.98,
    };

    it('adds up each commune’s reports for a local day; nothing was scheduled that day', async () => {
      const res = await request<Summary>('GET', server.url('/api/v1/play-logs/summary?date=2026-01-31'));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        date: '2026-01-31',
        timeZone: 'Asia/Ho_Chi_Minh',
        from: '2026-01-30T17:00:00.000Z',
        to: '2026-01-31T17:00:00.000Z',
        // The broadcasts module is the source; this server has no schedules.
        scheduledKnown: true,
      });
      const rowA = res.body.communes.find((c) => c.communeId === communeA.id);
      expect(rowA).toEqual({
        communeId: communeA.id,
        code: communeA.code,
        name: communeA.name,
        path: communeA.path,
        ...dayA,
        scheduledOccurrences: 0,
        scheduledMinutes: 0,
        playedRatio: null,
      });
      expect(res.body.communes.find((c) => c.communeId === communeB.id)).toMatchObject({
        started: 1,
        finished: 0,
        playedMinutes: 0,
      });
      const nextDay = await request<Summary>(
        'GET',
        server.url(`/api/v1/play-logs/summary?date=2026-02-01&unitId=${communeA.id}`),
      );
      expect(nextDay.body.communes).toEqual([expect.objectContaining({ started: 1, finished: 0 })]);
    });

    it('leaves the scheduled figures null without a ScheduledTimeSource', async () => {
      const service = new PlayLogsService(server.app.get(PlayLogRepository), server.config, undefined);
      const summary = await service.summary(
        SYSTEM,
        Object.assign(new PlayLogSummaryQuery(), { date: '2026-01-31' }),
      );
      expect(summary.scheduledKnown).toBe(false);
      expect(summary.communes.find((c) => c.communeId === communeA.id)).toMatchObject({
        scheduledOccurrences: null,
        scheduledMinutes: null,
        playedRatio: null,
      });
    });

    it('puts the scheduled time of a ScheduledTimeSource next to what played', async () => {
      const asked: (readonly string[] | null)[] = [];
      const source: ScheduledTimeSource = {
        scheduledByCluster: async (clusterIds, from, to) => {
          asked.push(clusterIds);
          expect([from, to]).toEqual([Date.UTC(2026, 0, 30, 17), Date.UTC(2026, 0, 31, 17)]);
          return new Map([
            [a[0].id, { occurrences: 1, ms: 17 * MIN }],
            [a[1].id, { occurrences: 1, ms: 17 * MIN }],
            [b[0].id, { occurrences: 1, ms: 17 * MIN }],
          ]);
        },
      };
      // The service as the broadcasts module will wire it, on this server's database.
      const service = new PlayLogsService(server.app.get(PlayLogRepository), server.config, source);
      const summary = await service.summary(
        SYSTEM,
        Object.assign(new PlayLogSummaryQuery(), { date: '2026-01-31' }),
      );
      expect(asked).toEqual([null]); // the whole server: no id list
      expect(summary.scheduledKnown).toBe(true);
      expect(summary.communes.find((c) => c.communeId === communeA.id)).toEqual({
        communeId: communeA.id,
        code: communeA.code,
        name: communeA.name,
        path: communeA.path,
        ...dayA,
        scheduledOccurrences: 2,
        scheduledMinutes: 34,
        playedRatio: 0.6466, // 21.98 / 34 min (1,319,000 / 2,040,000 ms)
      });

      const scoped: Principal = {
        ...SYSTEM,
        role: 'commune_operator',
        scope: { unitId: communeA.id, level: 'commune', name: communeA.name, paths: [communeA.path] },
      };
      const mine = await service.summary(
        scoped,
        Object.assign(new PlayLogSummaryQuery(), { date: '2026-01-31' }),
      );
      expect([...(asked[1] ?? [])].sort()).toEqual([a[0].id, a[1].id].sort());
      expect(mine.communes.map((c) => [c.communeId, c.scheduledMinutes])).toEqual([[communeA.id, 34]]);
    });

    it.each([
      ['date=2026-02-30', 'date'],
      ['date=31/01/2026', 'date'],
      ['', 'date'],
      ['date=2026-01-31&unitId=nope', 'unitId'],
      ['date=2026-01-31&clusterId=' + randomUUID(), 'clusterId'],
    ])('refuses %s naming %s', async (query, field) => {
      const res = await request<{ errors: { field: string }[] }>(
        'GET',
        server.url(`/api/v1/play-logs/summary?${query}`),
      );
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e) => e.field)).toContain(field);
    });
  });

  it('documents both routes and every query parameter in OpenAPI', async () => {
    const doc = (
      await request<{
        paths: Record<string, Record<string, { parameters: { name: string }[]; responses: object }>>;
      }>('GET', server.url('/api/docs-json'))
    ).body;
    const documented = (path: string) => doc.paths[path].get.parameters.map((p) => p.name).sort();
    const validated = (dto: new () => object) =>
      [
        ...new Set(
          getMetadataStorage()
            .getTargetValidationMetadatas(dto, '', false, false)
            .map((m) => m.propertyName),
        ),
      ].sort();
    expect(documented('/api/v1/play-logs')).toEqual(validated(PlayLogQuery));
    expect(documented('/api/v1/play-logs/summary')).toEqual(validated(PlayLogSummaryQuery));
    for (const path of ['/api/v1/play-logs', '/api/v1/play-logs/summary'])
      expect(Object.keys(doc.paths[path].get.responses)).toEqual(
        expect.arrayContaining(['200', '400', '401', '403', '404']),
      );
  });
});
