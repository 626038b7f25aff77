import { createHash } from 'node:crypto';
import { occurrenceId } from '@loa-xa/schedule';
import { startTestServer, type TestServer } from '../support/test-server';
import { eventually, request } from '../support/http';
import type { ProvisionedCluster } from '../support/fleet';
import { createAccount } from '../access/support';
import type { Asset } from '../media/support';
import { ManifestService } from '../../apps/server/src/broadcasts/manifest.service';
import { communeWithClusters, instantOf, localAt, localTime, readyAsset, recordingDevice } from './support';

interface Schedule {
  id: string;
  clusterCount: number;
  durationMs: number;
  forced: boolean;
  revision: number;
  next: { id: string; start: string; status: string }[];
  clashes: { kind: string; scheduleId: string; clusterCount: number }[];
}
interface Occurrence {
  id: string;
  originalStart: string;
  start: string;
  status: string;
  targets: number;
  acked: number;
  ready: number;
}
interface ErrorBody {
  message: string;
  errors?: { field: string }[];
  clashes?: { kind: string; scheduleTitle: string }[];
  uses?: string[];
}

describe('programs and schedules → per-cluster manifests', () => {
  let server: TestServer;
  let communeId: string;
  let clusters: ProvisionedCluster[];
  let news: Asset;
  let anthem: Asset;
  let programId: string;

  beforeAll(async () => {
    server = await startTestServer();
    ({ communeId, clusters } = await communeWithClusters(server, 3));
    [news, anthem] = await Promise.all([
      readyAsset(server, communeId, 3, 'Bản tin'),
      readyAsset(server, communeId, 2, 'Quốc ca'),
    ]);
    const program = await request<{ id: string; durationMs: number; ready: boolean; items: unknown[] }>(
      'POST',
      server.url('/api/v1/programs'),
      { name: 'Bản tin sáng', assetIds: [anthem.id, news.id], unitId: communeId },
    );
    expect(program.status).toBe(201);
    expect(program.body.items).toHaveLength(2);
    expect(program.body.ready).toBe(true);
    expect(program.body.durationMs).toBe(anthem.durationMs + news.durationMs);
    programId = program.body.id;
  }, 120_000);
  afterAll(async () => {
    await server?.close();
  });

  const post = (body: object, headers?: Record<string, string>) =>
    request<Schedule & ErrorBody>('POST', server.url('/api/v1/schedules'), body, headers);

  it('plans a daily programme in local time and publishes it to every target cluster', async () => {
    const devices = await Promise.all(clusters.map((c) => recordingDevice(server, c)));
    const start = localTime(1, '05:30');
    const res = await post({
      title: 'Bản tin sáng',
      programId,
      target: { unitIds: [communeId] },
      start,
      rrule: 'FREQ=DAILY',
      volume: 70,
    });
    expect(res.status).toBe(201);
    expect(res.body.clusterCount).toBe(3);
    expect(res.body.durationMs).toBe(anthem.durationMs + news.durationMs);
    expect(Date.parse(res.body.next[0].start)).toBe(instantOf(start));
    expect(Date.parse(res.body.next[1].start) - Date.parse(res.body.next[0].start)).toBe(86_400_000);

    for (const device of devices) {
      const manifest = await eventually(async () =>
        device.latest()?.items.some((i) => i.scheduleId === res.body.id) ? device.latest() : null,
      );
      const item = manifest.items.find((i) => i.start === instantOf(start));
      expect(item).toMatchObject({
        id: occurrenceId(res.body.id, instantOf(start)),
        priority: 'commune',
        volume: 70,
        durationMs: anthem.durationMs + news.durationMs,
      });
      // Two days of a daily programme: every item lies in the 48-hour window.
      for (const i of manifest.items) expect(i.start).toBeLessThan(manifest.until);
      expect(item?.media).toEqual([anthem.renditions[0].id, news.renditions[0].id]);
      const file = manifest.media.find((m) => m.id === news.renditions[0].id);
      expect(file).toMatchObject({ sha256: news.renditions[0].sha256, size: news.renditions[0].size });
      expect(file!.fetchFrom).toBeGreaterThanOrEqual(manifest.from);
      expect(file!.fetchFrom).toBeLessThan(instantOf(start));
      // The signed URL serves exactly that file.
      const bytes = Buffer.from(await (await fetch(file!.url)).arrayBuffer());
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(file!.sha256);
    }

    // Readiness: one cluster acknowledges and holds both files, another only acknowledges.
    const [a, b] = devices;
    await a.sync(a.latest().version, [anthem.renditions[0].sha256, news.renditions[0].sha256]);
    await b.sync(b.latest().version, [anthem.renditions[0].sha256]);
    const occurrences = await eventually(async () => {
      const r = await request<Occurrence[]>(
        'GET',
        server.url(`/api/v1/schedules/${res.body.id}/occurrences`),
      );
      return r.body[0]?.acked === 2 ? r.body : null;
    });
    expect(occurrences[0]).toMatchObject({ targets: 3, acked: 2, ready: 1, status: 'scheduled' });
    expect(occurrences.length).toBeGreaterThanOrEqual(6);

    // A technician's view of one cluster: what its manifest lists, what it holds; and a republish on demand.
    const view = await request<{
      version: number;
      upToDate: boolean;
      items: { id: string; held: boolean }[];
    }>('GET', server.url(`/api/v1/clusters/${clusters[0].id}/manifest`));
    expect(view.body).toMatchObject({ version: a.latest().version, upToDate: true });
    expect(view.body.items.find((i) => i.id === occurrences[0].id)?.held).toBe(true);
    const versionBefore = a.latest().version;
    expect(
      (await request('POST', server.url(`/api/v1/clusters/${clusters[0].id}/manifest/publish`))).status,
    ).toBe(202);
    await eventually(async () => a.latest().version > versionBefore);
    const operatorElsewhere = await createAccount(
      server,
      'commune_operator',
      (await communeWithClusters(server, 1)).communeId,
    );
    expect(
      (
        await request(
          'GET',
          server.url(`/api/v1/clusters/${clusters[0].id}/manifest`),
          undefined,
          operatorElsewhere.auth,
        )
      ).status,
    ).toBe(404);
    await Promise.all(devices.map((d) => d.client.endAsync()));
  }, 60_000);

  it('skips and moves one occurrence without touching the others, and can undo it', async () => {
    // Inside the 48-hour manifest window: in two hours, then daily.
    const start = localAt(Date.now() + 2 * 3_600_000);
    const created = await post({
      title: 'Nhắc lịch tiêm chủng',
      assetId: news.id,
      target: { clusterIds: [clusters[0].id] },
      start,
      rrule: 'FREQ=DAILY;COUNT=5',
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const first = instantOf(start);
    const second = first + 86_400_000;

    const skipped = await request<Occurrence>(
      'PUT',
      server.url(`/api/v1/schedules/${id}/occurrences/${first}`),
      {
        skip: true,
      },
    );
    expect(skipped.status).toBe(200);
    expect(skipped.body.status).toBe('skipped');
    const moved = await request<Occurrence>(
      'PUT',
      server.url(`/api/v1/schedules/${id}/occurrences/${new Date(second).toISOString()}`),
      { start: localAt(second + 45 * 60_000) },
    );
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      status: 'moved',
      start: new Date(second + 45 * 60_000).toISOString(),
    });

    const list = await request<Occurrence[]>('GET', server.url(`/api/v1/schedules/${id}/occurrences`));
    expect(list.body.map((o) => o.status)).toEqual([
      'skipped',
      'moved',
      'scheduled',
      'scheduled',
      'scheduled',
    ]);

    const device = await recordingDevice(server, clusters[0]);
    const manifest = await eventually(async () => {
      const m = device.latest();
      return m && m.items.some((i) => i.id === occurrenceId(id, second)) ? m : null;
    });
    expect(manifest.items.some((i) => i.id === occurrenceId(id, first))).toBe(false);
    expect(manifest.items.find((i) => i.id === occurrenceId(id, second))?.start).toBe(second + 45 * 60_000);

    const restored = await request<Occurrence>(
      'DELETE',
      server.url(`/api/v1/schedules/${id}/occurrences/${first}`),
    );
    expect(restored.body.status).toBe('scheduled');
    await eventually(async () => device.latest().items.some((i) => i.id === occurrenceId(id, first)));
    // Only real occurrences can be overridden.
    const bogus = await request('PUT', server.url(`/api/v1/schedules/${id}/occurrences/${first + 60_000}`), {
      skip: true,
    });
    expect(bogus.status).toBe(404);
    await device.client.endAsync();
  }, 60_000);

  it('refuses a clash with an equal priority unless forced, and reports preemption by a higher one', async () => {
    const start = localTime(3, '17:00');
    const base = { assetId: news.id, target: { clusterIds: [clusters[1].id] }, start };
    const first = await post({ ...base, title: 'Thông báo chiều' });
    expect(first.status).toBe(201);
    const clash = await post({ ...base, title: 'Nhạc chiều', start: localTime(3, '17:00:01') });
    expect(clash.status).toBe(409);
    expect(clash.body.clashes).toEqual([
      expect.objectContaining({ kind: 'conflict', scheduleTitle: 'Thông báo chiều' }),
    ]);
    expect(clash.body.message).toMatch(/force/);

    const forced = await post({ ...base, title: 'Nhạc chiều', start: localTime(3, '17:00:01'), force: true });
    expect(forced.status).toBe(201);
    expect(forced.body.forced).toBe(true);

    const district = await post({ ...base, title: 'Thông báo huyện', priority: 'district' });
    expect(district.status).toBe(201);
    expect(district.body.clashes.map((c) => c.kind).sort()).toEqual(['preempts', 'preempts']);

    // Right after the last of them ends is no clash.
    const end = Math.ceil((instantOf(start) + 1000 + news.durationMs) / 1000) * 1000;
    const after = await post({
      ...base,
      title: 'Tiếp theo',
      start: new Date(end + 7 * 3_600_000).toISOString().slice(0, 19),
    });
    expect(after.status).toBe(201);
    expect(after.body.clashes.filter((c) => c.kind === 'conflict')).toEqual([]);
  });

  it('refuses bad input with the field at fault, and nothing is saved', async () => {
    const count = async () =>
      (await request<{ total: number }>('GET', server.url('/api/v1/schedules?pageSize=1'))).body.total;
    const before = await count();
    const ok = {
      title: 'x',
      assetId: news.id,
      target: { unitIds: [communeId] },
      start: localTime(1, '06:00'),
    };
    const cases: [object, number, string][] = [
      [{ ...ok, rrule: 'FREQ=SOMETIMES' }, 400, 'rrule'],
      [{ ...ok, rrule: 'FREQ=SECONDLY' }, 400, 'rrule'],
      [{ ...ok, start: '2026-02-30T05:00' }, 400, 'start'],
      [{ ...ok, start: 'tomorrow' }, 400, 'start'],
      [{ ...ok, timeZone: 'Mars/Olympus' }, 400, 'timeZone'],
      [{ ...ok, validFrom: '2027-01-10', validUntil: '2027-01-01', rrule: 'FREQ=DAILY' }, 400, 'validUntil'],
      [{ ...ok, programId }, 400, 'programId'],
      [{ title: 'x', target: { unitIds: [communeId] }, start: ok.start }, 400, 'programId'],
      [{ ...ok, target: {} }, 400, 'target'],
      [{ ...ok, target: { unitIds: ['00000000-0000-4000-8000-000000000000'] } }, 400, 'target.unitIds'],
      [{ ...ok, volume: 101 }, 400, 'volume'],
      [{ ...ok, priority: 'urgent' }, 400, 'priority'],
      [{ ...ok, title: '' }, 400, 'title'],
      [{ ...ok, exdates: ['soon'] }, 400, 'exdates'],
      [{ ...ok, assetId: '00000000-0000-4000-8000-000000000000' }, 400, 'assetId'],
      [{ ...ok, surprise: 1 }, 400, 'surprise'],
    ];
    for (const [body, status, field] of cases) {
      const res = await post(body);
      expect({ body, status: res.status }).toEqual({ body, status });
      expect(res.body.errors?.map((e) => e.field)).toContain(field);
    }
    expect(await count()).toBe(before);
  });

  it('keeps priorities and scopes: an operator may not schedule an emergency or reach another commune', async () => {
    const operator = await createAccount(server, 'commune_operator', communeId);
    const other = await communeWithClusters(server, 1);
    const ok = {
      title: 'x',
      assetId: news.id,
      target: { unitIds: [communeId] },
      start: localTime(4, '06:00'),
    };
    expect((await post({ ...ok, priority: 'emergency' }, operator.auth)).status).toBe(403);
    expect((await post({ ...ok, priority: 'district' }, operator.auth)).status).toBe(403);
    expect((await post({ ...ok, target: { unitIds: [other.communeId] } }, operator.auth)).status).toBe(403);
    expect(
      (await post({ ...ok, target: { clusterIds: [other.clusters[0].id] } }, operator.auth)).status,
    ).toBe(403);
    const mine = await post(ok, operator.auth);
    expect(mine.status).toBe(201);
    // An administrator's schedule in another commune is invisible to the operator.
    const theirs = await post({ ...ok, target: { unitIds: [other.communeId] }, title: 'khác' });
    expect(theirs.status).toBe(201);
    expect(
      (await request('GET', server.url(`/api/v1/schedules/${theirs.body.id}`), undefined, operator.auth))
        .status,
    ).toBe(404);
    const list = await request<{ items: { id: string }[] }>(
      'GET',
      server.url('/api/v1/schedules?pageSize=500'),
      undefined,
      operator.auth,
    );
    expect(list.body.items.map((s) => s.id)).toContain(mine.body.id);
    expect(list.body.items.map((s) => s.id)).not.toContain(theirs.body.id);
  });

  it('refuses to delete media a future schedule plays; deleting the schedule empties the manifests', async () => {
    const refused = await request<ErrorBody>('DELETE', server.url(`/api/v1/media/${anthem.id}`));
    expect(refused.status).toBe(409);
    expect(refused.body.uses?.join(' ') ?? refused.body.message).toMatch(/Bản tin sáng/);

    const device = await recordingDevice(server, clusters[2]);
    const initial = await eventually(async () => device.latest());
    const schedules = await request<{ items: { id: string }[] }>(
      'GET',
      server.url('/api/v1/schedules?pageSize=500'),
    );
    for (const s of schedules.body.items) await request('DELETE', server.url(`/api/v1/schedules/${s.id}`));
    await server.app.get(ManifestService).settle();
    const emptied = await eventually(async () =>
      device.latest().items.length === 0 ? device.latest() : null,
    );
    expect(emptied.version).toBeGreaterThan(initial.version);
    const deleted = await request('DELETE', server.url(`/api/v1/programs/${programId}`));
    expect(deleted.status).toBe(204);
    expect((await request('DELETE', server.url(`/api/v1/media/${anthem.id}`))).status).toBe(204);
    await device.client.endAsync();
  }, 60_000);
});
