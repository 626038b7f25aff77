import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { occurrenceId } from '@loa-xa/schedule';
import { SimCluster } from '@loa-xa/firmware-sim';
import type { PlayReport } from '@loa-xa/protocol';
import { eventually, logIn, request } from '../support/http';
import { ffmpeg, loudSine, tempDir } from '../media/support';
import { ServerProcess, freePort } from './server-process';

interface PlayLogRow {
  clusterId: string;
  ref: string;
  event: string;
  deviceAt: string;
  scheduleId: string | null;
}

/** Slack for timers on a loaded machine; the claim is "from its own clock", not a latency figure. */
const ON_TIME_SLACK_MS = 5_000;

/**
 * Principle 2 end to end: the server delivers a manifest, then dies (SIGKILL, broker and all); the simulated
 * cluster still plays the programme at its instant from its own clock, keeps its play reports, and hands them
 * over once the server is back — counted once.
 */
describe('broadcasts play on time with the server process killed after the manifest was delivered', () => {
  let server: ServerProcess;
  let dataDir: string;
  let sim: SimCluster | null = null;
  let auth: Record<string, string>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'loa-e2e-'));
    server = new ServerProcess({
      dataDir,
      port: await freePort(),
      mqttPort: await freePort(),
      ...ServerProcess.secrets(),
      env: { DEMO_PROVINCE: '20', MANIFEST_DEBOUNCE_MS: '200' },
    });
    await server.start();
  }, 120_000);

  afterAll(async () => {
    await sim?.stop();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('plays the occurrence offline, and its reports arrive once after the restart', async () => {
    const password = (server as unknown as { options: { adminPassword: string } }).options.adminPassword;
    auth = { authorization: `Bearer ${await logIn(server.baseUrl, 'admin', password)}` };
    const api = <T>(method: string, path: string, body?: unknown) =>
      request<T>(method, `${server.baseUrl}${path}`, body, auth);

    const communes = await api<{ items: { id: string }[] }>('GET', '/api/v1/units?level=commune&pageSize=1');
    const communeId = communes.body.items[0].id;
    const created = await api<{ cluster: { id: string }; credential: { password: string } }>(
      'POST',
      '/api/v1/clusters',
      { code: 'E2E-OFFLINE-1', name: 'Cụm loa chợ', kind: 'ip', communeId },
    );
    expect(created.status).toBe(201);
    const clusterId = created.body.cluster.id;

    const dir = await tempDir('e2e');
    const file = await ffmpeg(dir, 'notice.mp3', loudSine(4, ['-c:a', 'libmp3lame']));
    const form = new FormData();
    form.append('title', 'Thông báo họp dân');
    form.append('unitId', communeId);
    form.append('file', new Blob([await readFile(file)]), 'notice.mp3');
    const uploaded = await fetch(`${server.baseUrl}/api/v1/media`, {
      method: 'POST',
      body: form,
      headers: auth,
    });
    expect(uploaded.status).toBe(202);
    const assetId = ((await uploaded.json()) as { id: string }).id;
    await eventually(
      async () => (await api<{ status: string }>('GET', `/api/v1/media/${assetId}`)).body.status === 'ready',
      60_000,
    );

    sim = new SimCluster({
      brokerUrl: server.mqttUrl,
      clusterId,
      secret: created.body.credential.password,
      telemetryIntervalMs: 60_000,
      reconnectPeriodMs: 500,
    });
    const reports: PlayReport[] = [];
    sim.on('play', (report: PlayReport) => reports.push(report));
    sim.start();

    // Far enough ahead for the manifest and the download, near enough for a short test.
    const startAt = Math.ceil((Date.now() + 30_000) / 1000) * 1000;
    const local = new Date(startAt + 7 * 3_600_000).toISOString().slice(0, 19);
    const schedule = await api<{ id: string }>('POST', '/api/v1/schedules', {
      title: 'Họp dân',
      assetId,
      target: { clusterIds: [clusterId] },
      start: local,
    });
    expect(schedule.status).toBe(201);
    const itemId = occurrenceId(schedule.body.id, startAt);

    await eventually(async () => sim!.manifest?.items.some((i) => i.id === itemId) ?? false, 25_000);
    const sha = sim.manifest!.media[0].sha256;
    await eventually(async () => sim!.heldMedia.has(sha), 25_000);
    expect(Date.now()).toBeLessThan(startAt);

    await server.kill();

    const started = await eventually(
      async () => reports.find((r) => r.ref === itemId && r.event === 'started'),
      40_000,
    );
    const finished = await eventually(
      async () => reports.find((r) => r.ref === itemId && r.event === 'finished'),
      30_000,
    );
    expect(started.at).toBeGreaterThanOrEqual(startAt);
    expect(started.at - startAt).toBeLessThan(ON_TIME_SLACK_MS);
    expect(finished.at).toBeGreaterThan(started.at);
    expect(sim.pendingPlayReports.length).toBeGreaterThanOrEqual(2);

    await server.start();
    auth = { authorization: `Bearer ${await logIn(server.baseUrl, 'admin', password)}` };
    const logs = await eventually(async () => {
      const res = await api<{ items: PlayLogRow[] }>(
        'GET',
        `/api/v1/play-logs?scheduleId=${schedule.body.id}`,
      );
      return res.body.items.length >= 2 ? res.body.items : null;
    }, 60_000);
    expect(logs.map((l) => l.event).sort()).toEqual(['finished', 'started']);
    expect(logs.every((l) => l.clusterId === clusterId && l.ref === itemId)).toBe(true);
    expect(Date.parse(logs.find((l) => l.event === 'started')!.deviceAt)).toBe(started.at);
    expect(sim.pendingPlayReports).toHaveLength(0);

    const occurrences = await api<{ id: string; played: { started: number; finished: number } }[]>(
      'GET',
      `/api/v1/schedules/${schedule.body.id}/occurrences?from=${new Date(startAt - 60_000).toISOString()}`,
    );
    expect(occurrences.body.find((o) => o.id === itemId)?.played).toMatchObject({ started: 1, finished: 1 });
  }, 240_000);
});
