import { randomUUID } from 'node:crypto';
import * as net from 'node:net';
import { DataSource } from 'typeorm';
import { Cluster } from '@loa-xa/persistence';
import type { TestServer } from '../support/test-server';
import { eventually, request } from '../support/http';
import { provisionClusters, type ProvisionedCluster } from '../support/fleet';
import { parseFrameHeader } from '../../apps/server/src/live/mp3-frames';
import {
  decodeErrors,
  exited,
  icecastEncoder,
  listen,
  probe,
  startLiveTestServer,
  type RecordingRollout,
} from './support';

interface Session {
  id: string;
  status: string;
  failureReason: string | null;
  listeners: number;
  bytesIn: number;
  bytesOut: number;
  sourceConnected: boolean;
  sourceKind: string | null;
  broadcastId: string | null;
  recordingAssetId: string | null;
  recordingError: string | null;
  startedAt: string | null;
  endedAt: string | null;
}
interface Created {
  session: Session;
  ingest: {
    websocketUrl: string;
    icecast: { host: string; port: number; mount: string; username: string; password: string; url: string };
  };
}

describe('live broadcast: Icecast sources, relay to listeners, recording', () => {
  let server: TestServer;
  let recorder: RecordingRollout;
  let clusters: ProvisionedCluster[];
  let communeId: string;
  const rollout = () => recorder;

  const create = async (body: Record<string, unknown> = {}) => {
    const res = await request<Created>('POST', server.url('/api/v1/live'), {
      title: 'Thông báo khẩn',
      target: { clusterIds: clusters.map((c) => c.id) },
      priority: 'commune',
      volume: 70,
      unitId: communeId,
      ...body,
    });
    if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const session = async (id: string) =>
    (await request<Session>('GET', server.url(`/api/v1/live/${id}`))).body;
  const icecastUrl = (created: Created, password = created.ingest.icecast.password) =>
    `icecast://source:${password}@127.0.0.1:${new URL(server.httpUrl).port}${created.ingest.icecast.mount}`;

  beforeAll(async () => {
    ({ server, rollout: recorder } = await startLiveTestServer());
    clusters = await provisionClusters(server, 2);
    const cluster = await server.app
      .get(DataSource)
      .getRepository(Cluster)
      .findOneByOrFail({ id: clusters[0].id });
    communeId = cluster.communeId;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('goes live from an ffmpeg Icecast PUT, relays MP3 to two clusters, stops and records', async () => {
    const created = await create();
    expect(created.session.status).toBe('waiting');
    expect(created.ingest.icecast).toMatchObject({
      username: 'source',
      mount: `/live/${created.session.id}`,
    });
    expect(created.ingest.websocketUrl).toMatch(new RegExp(`^ws://.+/api/v1/live/${created.session.id}/ws$`));
    const encoder = icecastEncoder(icecastUrl(created));
    try {
      await eventually(async () => (await session(created.session.id)).status === 'live');
      const start = await eventually(async () => rollout().startOf(created.session.id));
      expect(start).toMatchObject({ title: 'Thông báo khẩn', priority: 'commune', volume: 70 });
      expect(start.target).toEqual({ clusterIds: clusters.map((c) => c.id) });

      const [a, b] = await Promise.all(clusters.map((c) => listen(start.streamUrlFor(c.id))));
      expect([a.status, b.status]).toEqual([200, 200]);
      await eventually(async () => a.bytes.length > 16_000 && b.bytes.length > 16_000);
      for (const heard of [a, b]) {
        // Every listener starts on a frame header, and the stream is MP3 of the device profile.
        expect(parseFrameHeader(heard.bytes)).not.toBeNull();
        expect(await probe(heard.bytes)).toMatchObject({
          codec_name: 'mp3',
          sample_rate: '44100',
          channels: 1,
        });
      }
      const live = await session(created.session.id);
      expect(live).toMatchObject({ listeners: 2, sourceConnected: true, sourceKind: 'icecast' });
      expect(live.bytesIn).toBeGreaterThan(0);
      expect(live.bytesOut).toBeGreaterThan(0);
      expect(live.broadcastId).toBe(start.broadcastId);

      const stopped = await request<Session>('POST', server.url(`/api/v1/live/${created.session.id}/stop`));
      expect(stopped.status).toBe(200);
      expect(stopped.body.status).toBe('ended');
      expect(stopped.body.endedAt).not.toBeNull();
      await Promise.all([a.ended, b.ended]);
      expect(await decodeErrors(a.bytes)).toBe('');
      expect(rollout().stops).toContainEqual(
        expect.objectContaining({
          sessionId: created.session.id,
          broadcastId: start.broadcastId,
          priority: 'commune',
        }),
      );
      await exited(encoder);

      const ended = await eventually(async () => {
        const s = await session(created.session.id);
        return s.recordingAssetId || s.recordingError ? s : null;
      });
      expect(ended.recordingError).toBeNull();
      const asset = await request<{ status: string; origin: string }>(
        'GET',
        server.url(`/api/v1/media/${ended.recordingAssetId}`),
      );
      expect(asset.status).toBe(200);
      expect(['processing', 'ready']).toContain(asset.body.status);
      expect(asset.body.origin).toBe('live');

      const audit = await request<{ items: { action: string }[] }>(
        'GET',
        server.url(`/api/v1/audit?objectType=live_session&objectId=${created.session.id}`),
      );
      expect(audit.body.items.map((e) => e.action).sort()).toEqual([
        'live.create',
        'live.start',
        'live.stop',
      ]);
    } finally {
      encoder.kill('SIGKILL');
    }
  });

  it('accepts the legacy SOURCE method on a raw socket, and ends the session when the source leaves', async () => {
    const created = await create();
    const mp3 = await generatedMp3(4);
    const socket = net.connect(Number(new URL(server.httpUrl).port), '127.0.0.1');
    const auth = Buffer.from(`source:${created.ingest.icecast.password}`).toString('base64');
    const answer = new Promise<string>((resolve) =>
      socket.once('data', (d: Buffer) => resolve(d.toString())),
    );
    socket.write(
      `SOURCE /live/${created.session.id}.mp3 ICE/1.0\r\nAuthorization: Basic ${auth}\r\n` +
        'Content-Type: audio/mpeg\r\nice-name: Loa xa\r\n\r\n',
    );
    expect(await answer).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
    // A quarter of the audio, then the rest while a cluster listens.
    socket.write(mp3.subarray(0, mp3.length / 4));
    const start = await eventually(async () => rollout().startOf(created.session.id));
    const listener = await listen(start.streamUrlFor(clusters[0].id));
    expect(listener.status).toBe(200);
    socket.write(mp3.subarray(mp3.length / 4));
    await eventually(async () => listener.bytes.length > 8000);
    expect(await probe(listener.bytes)).toMatchObject({ codec_name: 'mp3' });
    socket.end();
    // After the reconnection grace, the session ends by itself and the clusters are told to stop.
    await listener.ended;
    const ended = await eventually(async () => {
      const s = await session(created.session.id);
      return s.status === 'ended' ? s : null;
    });
    expect(ended.failureReason).toBeNull();
    expect(rollout().stops.map((s) => s.sessionId)).toContain(created.session.id);
  });

  it('resumes the same session when the source reconnects within the grace period', async () => {
    const created = await create();
    const mp3 = await generatedMp3(6);
    const first = await openRawSource(server, created);
    first.write(mp3.subarray(0, mp3.length / 2));
    const start = await eventually(async () => rollout().startOf(created.session.id));
    const listener = await listen(start.streamUrlFor(clusters[0].id));
    await eventually(async () => listener.bytes.length > 4000);
    first.end();
    await eventually(async () => !(await session(created.session.id)).sourceConnected);
    const heardBefore = listener.bytes.length;
    const second = await openRawSource(server, created);
    second.write(mp3.subarray(mp3.length / 2));
    await eventually(async () => listener.bytes.length > heardBefore + 8000);
    const resumed = await session(created.session.id);
    expect(resumed).toMatchObject({ status: 'live', listeners: 1, broadcastId: start.broadcastId });
    expect(rollout().starts.filter((s) => s.sessionId === created.session.id)).toHaveLength(1);
    second.destroy();
    await request('POST', server.url(`/api/v1/live/${created.session.id}/stop`));
    await listener.ended;
  });

  it('keeps a session waiting when a source sends something that is not audio', async () => {
    const created = await create();
    const socket = await openRawSource(server, created, 'audio/webm');
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(Buffer.alloc(64 * 1024, 'not webm at all '));
    await closed;
    const waiting = await session(created.session.id);
    expect(waiting).toMatchObject({ status: 'waiting', sourceConnected: false });
    expect(rollout().startOf(created.session.id)).toBeUndefined();
    // It can still go live with a proper source.
    const good = await openRawSource(server, created);
    good.write(await generatedMp3(2));
    await eventually(async () => (await session(created.session.id)).status === 'live');
    good.destroy();
    await request('POST', server.url(`/api/v1/live/${created.session.id}/stop`));
  });

  it('refuses a wrong ingest password, an unknown mount, and a second source', async () => {
    const created = await create();
    const wrong = await rawSource(server, `/live/${created.session.id}`, 'not-the-password');
    expect(wrong).toMatch(/^HTTP\/1\.0 401 /);
    expect(wrong).toMatch(/WWW-Authenticate: Basic/);
    const unknown = await rawSource(server, `/live/${randomUUID()}`, created.ingest.icecast.password);
    expect(unknown).toMatch(/^HTTP\/1\.0 404 /);
    const failing = icecastEncoder(icecastUrl(created, 'wrong'), { seconds: 2 });
    expect(await exited(failing)).not.toBe(0);

    const encoder = icecastEncoder(icecastUrl(created));
    try {
      await eventually(async () => (await session(created.session.id)).sourceConnected);
      const second = await rawSource(server, `/live/${created.session.id}`, created.ingest.icecast.password);
      expect(second).toMatch(/^HTTP\/1\.0 409 /);
    } finally {
      encoder.kill('SIGKILL');
      await request('DELETE', server.url(`/api/v1/live/${created.session.id}`));
    }
    const over = await rawSource(server, `/live/${created.session.id}`, created.ingest.icecast.password);
    expect(over).toMatch(/^HTTP\/1\.0 410 /);
  });

  it('leaves ordinary HTTP requests alone (they pass the source sniffer)', async () => {
    const res = await request('PUT', server.url('/api/v1/live'), { x: 1 });
    expect(res.status).toBe(404);
    const health = await request('GET', server.url('/health'));
    expect(health.status).toBe(200);
  });
});

/** A few seconds of MP3 from ffmpeg, in memory. */
async function generatedMp3(seconds: number): Promise<Buffer> {
  const { spawn } = await import('node:child_process');
  const { FFMPEG } = await import('./support');
  return new Promise((resolve, reject) => {
    const child = spawn(FFMPEG, [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=660:duration=${seconds}`,
      '-c:a',
      'libmp3lame',
      '-b:a',
      '128k',
      '-f',
      'mp3',
      'pipe:1',
    ]);
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.on('error', reject);
    child.on('close', () => resolve(Buffer.concat(chunks)));
  });
}

/** A legacy SOURCE connection, accepted and ready for audio. */
async function openRawSource(server: TestServer, created: Created, type = 'audio/mpeg'): Promise<net.Socket> {
  const socket = net.connect(Number(new URL(server.httpUrl).port), '127.0.0.1');
  socket.on('error', () => undefined);
  const auth = Buffer.from(`source:${created.ingest.icecast.password}`).toString('base64');
  const answer = new Promise<string>((resolve) => socket.once('data', (d: Buffer) => resolve(d.toString())));
  socket.write(
    `SOURCE ${created.ingest.icecast.mount} ICE/1.0\r\nAuthorization: Basic ${auth}\r\nContent-Type: ${type}\r\n\r\n`,
  );
  const head = await answer;
  if (!head.startsWith('HTTP/1.0 200')) throw new Error(`source refused: ${head}`);
  return socket;
}

/** Sends a SOURCE request head and returns the server's answer (the connection is then closed). */
function rawSource(server: TestServer, mount: string, password: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(new URL(server.httpUrl).port), '127.0.0.1');
    let answer = '';
    socket.on('data', (d: Buffer) => {
      answer += d.toString();
      socket.end();
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    const auth = Buffer.from(`source:${password}`).toString('base64');
    socket.write(
      `SOURCE ${mount} HTTP/1.0\r\nAuthorization: Basic ${auth}\r\nContent-Type: audio/mpeg\r\n\r\n`,
    );
  });
}
