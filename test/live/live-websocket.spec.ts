import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import WebSocket from 'ws';
import { DataSource } from 'typeorm';
import { Cluster } from '@loa-xa/persistence';
import type { TestServer } from '../support/test-server';
import { eventually, request } from '../support/http';
import { provisionClusters, type ProvisionedCluster } from '../support/fleet';
import {
  exited,
  icecastEncoder,
  listen,
  probe,
  runFfmpeg,
  scratchDir,
  startLiveTestServer,
  type RecordingRollout,
} from './support';

interface Created {
  session: { id: string };
  ingest: { websocketUrl: string; icecast: { password: string; mount: string } };
}
interface Session {
  status: string;
  listeners: number;
  sourceKind: string | null;
  sourceType: string | null;
  bytesIn: number;
}

/** Opens a WebSocket; resolves once open, or with the HTTP status the upgrade was refused with. */
function connect(url: string, headers: Record<string, string> = {}): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}

describe('live broadcast: browser WebSocket source, slow listeners', () => {
  let server: TestServer;
  let rollout: RecordingRollout;
  let clusters: ProvisionedCluster[];
  let communeId: string;
  let webm: Buffer;

  const create = async () => {
    const res = await request<Created>('POST', server.url('/api/v1/live'), {
      title: 'Loa phường',
      target: { clusterIds: clusters.map((c) => c.id) },
      priority: 'commune',
      unitId: communeId,
    });
    if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const session = async (id: string) =>
    (await request<Session>('GET', server.url(`/api/v1/live/${id}`))).body;

  beforeAll(async () => {
    ({ server, rollout } = await startLiveTestServer());
    clusters = await provisionClusters(server, 3);
    communeId = (
      await server.app.get(DataSource).getRepository(Cluster).findOneByOrFail({ id: clusters[0].id })
    ).communeId;
    // What MediaRecorder makes in a browser: Opus in WebM.
    const file = join(scratchDir(), 'voice.webm');
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=523:duration=6',
      '-c:a',
      'libopus',
      '-b:a',
      '48k',
      '-f',
      'webm',
      file,
    ]);
    webm = readFileSync(file);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('relays WebM/Opus chunks sent over the WebSocket as MP3', async () => {
    const created = await create();
    const url = created.ingest.websocketUrl.replace(/^ws:\/\/[^/]+/, server.httpUrl.replace('http', 'ws'));
    expect(await connect(url)).toBe(401);
    expect(await connect(`${url}?password=wrong`)).toBe(401);
    const ws = await connect(url, { authorization: `Bearer ${server.adminToken}` });
    if (typeof ws === 'number') throw new Error(`refused: ${ws}`);
    // A second source is refused while the first one is connected.
    expect(await connect(`${url}?password=${created.ingest.icecast.password}`)).toBe(409);
    // MediaRecorder-sized chunks, a little faster than real time.
    let offset = 0;
    const sender = setInterval(() => {
      if (offset >= webm.length) return clearInterval(sender);
      ws.send(webm.subarray(offset, offset + 2000));
      offset += 2000;
    }, 100);
    try {
      const start = await eventually(async () => rollout.startOf(created.session.id));
      const listener = await listen(start.streamUrlFor(clusters[0].id));
      expect(listener.status).toBe(200);
      await eventually(async () => listener.bytes.length > 12_000);
      expect(await probe(listener.bytes)).toMatchObject({
        codec_name: 'mp3',
        sample_rate: '44100',
        channels: 1,
      });
      expect(await session(created.session.id)).toMatchObject({
        status: 'live',
        sourceKind: 'websocket',
        listeners: 1,
      });
      ws.close();
      const stopped = await request<Session>('POST', server.url(`/api/v1/live/${created.session.id}/stop`));
      expect(stopped.body.status).toBe('ended');
      await listener.ended;
      expect(rollout.stops.map((s) => s.sessionId)).toContain(created.session.id);
    } finally {
      clearInterval(sender);
      ws.terminate();
    }
  });

  it('takes the ingest password as ?password= and Ogg/Opus with ?type=', async () => {
    const created = await create();
    const file = join(scratchDir(), 'voice.ogg');
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=523:duration=3',
      '-c:a',
      'libopus',
      '-f',
      'ogg',
      file,
    ]);
    const url = created.ingest.websocketUrl.replace(/^ws:\/\/[^/]+/, server.httpUrl.replace('http', 'ws'));
    const ws = await connect(`${url}?type=audio/ogg&password=${created.ingest.icecast.password}`);
    if (typeof ws === 'number') throw new Error(`refused: ${ws}`);
    ws.send(readFileSync(file));
    await eventually(async () => rollout.startOf(created.session.id));
    expect((await session(created.session.id)).sourceType).toBe('audio/ogg');
    ws.close();
    await request('POST', server.url(`/api/v1/live/${created.session.id}/stop`));
  });

  it('drops a listener that never reads, without holding up the others', async () => {
    const created = await create();
    const { password, mount } = created.ingest.icecast;
    // Faster than real time: ten minutes of audio in seconds fill a stalled listener's buffers quickly.
    const encoder = icecastEncoder(
      `icecast://source:${password}@127.0.0.1:${new URL(server.httpUrl).port}${mount}`,
      {
        realtime: false,
        seconds: 600,
      },
    );
    try {
      const start = await eventually(async () => rollout.startOf(created.session.id));
      const stalled = new URL(start.streamUrlFor(clusters[1].id));
      const slow = net.connect(Number(stalled.port), stalled.hostname);
      slow.write(`GET ${stalled.pathname}${stalled.search} HTTP/1.1\r\nHost: ${stalled.host}\r\n\r\n`);
      slow.pause(); // never reads
      const fast = await listen(start.streamUrlFor(clusters[0].id));
      await eventually(async () => (await session(created.session.id)).listeners === 2);
      await eventually(async () => (await session(created.session.id)).listeners === 1, 60_000);
      // The stalled one was dropped, the reading one still gets audio.
      const before = fast.bytes.length;
      await eventually(async () => fast.bytes.length > before + 50_000);
      slow.destroy();
      fast.close();
    } finally {
      encoder.kill('SIGKILL');
      await exited(encoder);
      await request('POST', server.url(`/api/v1/live/${created.session.id}/stop`));
    }
  });
});
