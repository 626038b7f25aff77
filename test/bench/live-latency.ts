/*
 * Live broadcast latency (issue 5, item 5): `npm run bench:live -- [--bursts 10] [--path all|icecast|websocket]`.
 *
 * Glass-to-speaker latency of the simulated path, on loopback. The server runs as a child process (the
 * broadcasting benchmark's BenchServer: embedded PGlite and aedes, throw-away DATA_DIR). This process plays
 * every other part:
 *  - the microphone: 44.1 kHz mono PCM written in real time (10 ms blocks, drift-corrected), silence with a
 *    300 ms 1 kHz tone burst every --interval-ms; the injection instant of a burst is when the block holding its
 *    first sample is handed to the source encoder;
 *  - the source: ffmpeg encoding that PCM as an Icecast encoder does (MP3 128k, PUT through ffmpeg's icecast
 *    protocol) or as a browser does (Opus in WebM clusters of 100 ms, like MediaRecorder with a 100 ms timeslice,
 *    each sent as a WebSocket message);
 *  - a loudspeaker cluster: an MQTT client with the cluster's credential that receives play_now, GETs its signed
 *    stream URL and decodes the MP3 to PCM with ffmpeg; the burst onset is found in the decoded samples.
 * Latency = detection − injection: when the decoded onset reaches the cluster's player (which would sound it at
 * once with no buffer of its own). Printed apart: the audio a cluster gets at once when it joins (the relay's
 * ≤ 1 s backlog), which a player that starts on the first byte and keeps no other buffer plays behind by. The
 * floor is the same source encoder piped straight into the decoder (no server, no network). Bounded: a hard
 * limit stops everything.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import WebSocket from 'ws';
import { clusterTopic, decodePayload } from '@loa-xa/protocol';
import { resolveFfmpegBinaries } from '../../apps/server/src/media/ffmpeg-binaries';
import { BenchServer, provision } from './broadcast/server';
import { ascending, percentile, until } from './broadcast/stats';

const { values: args } = parseArgs({
  options: {
    bursts: { type: 'string', default: '10' },
    'interval-ms': { type: 'string', default: '1500' },
    path: { type: 'string', default: 'all' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log('usage: npm run bench:live -- [--bursts N] [--interval-ms MS] [--path all|icecast|websocket]');
  process.exit(0);
}
const BURSTS = Number(args.bursts);
const INTERVAL_MS = Number(args['interval-ms']);
if (
  !Number.isInteger(BURSTS) ||
  BURSTS < 1 ||
  BURSTS > 100 ||
  !(INTERVAL_MS >= 800 && INTERVAL_MS <= 10_000)
) {
  console.error('--bursts must be 1..100 and --interval-ms 800..10000');
  process.exit(2);
}
const PATHS = args.path === 'all' ? ['icecast', 'websocket'] : [args.path as string];
if (!PATHS.every((p) => p === 'icecast' || p === 'websocket')) {
  console.error('--path must be all, icecast or websocket');
  process.exit(2);
}
const HARD_LIMIT_MS = 10 * 60_000;
const RATE = 44_100;
const BLOCK = 441; // 10 ms
const BURST_SAMPLES = Math.round(0.3 * RATE);
const THRESHOLD = 0.25 * 0.5 * 32767; // a quarter of the burst's amplitude
const { ffmpeg: FFMPEG } = resolveFfmpegBinaries({ ffmpegPath: undefined, ffprobePath: undefined });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function ff(argv: string[]): ChildProcessWithoutNullStreams {
  const child = spawn(FFMPEG, ['-hide_banner', '-loglevel', 'error', ...argv]);
  child.stderr.on('data', (d: Buffer) => process.stderr.write(`[ffmpeg] ${d.toString()}`));
  child.stdin.on('error', () => undefined);
  return child;
}

/** The source encoder's arguments for an output (MP3 for Icecast, WebM/Opus like MediaRecorder). */
function encoderArgs(kind: 'mp3' | 'webm', output: string[]): string[] {
  const input = ['-f', 's16le', '-ar', String(RATE), '-ac', '1', '-i', 'pipe:0'];
  const codec =
    kind === 'mp3'
      ? ['-c:a', 'libmp3lame', '-b:a', '128k', '-write_xing', '0', '-f', 'mp3']
      : ['-c:a', 'libopus', '-b:a', '48k', '-cluster_time_limit', '100', '-f', 'webm'];
  return [...input, ...codec, '-flush_packets', '1', ...output];
}

/**
 * The microphone: writes real-time PCM into `sink` until stopped; `burst()` schedules a tone burst at the next
 * block and resolves with its injection instant.
 */
class Microphone {
  private timer: NodeJS.Timeout | null = null;
  private pending: ((at: number) => void) | null = null;
  private burstLeft = 0;
  private phase = 0;

  constructor(private readonly sink: NodeJS.WritableStream) {}

  start(): void {
    const t0 = performance.now();
    let blocks = 0;
    const tick = () => {
      // Catch up on every block that is due, so the stream stays real time whatever the timer jitter.
      const due = Math.floor((performance.now() - t0) / 10) + 1;
      while (blocks < due) {
        this.sink.write(this.block());
        blocks++;
      }
      this.timer = setTimeout(tick, 5);
    };
    tick();
  }

  burst(): Promise<number> {
    return new Promise((resolve) => (this.pending = resolve));
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private block(): Buffer {
    const out = Buffer.alloc(BLOCK * 2);
    if (this.pending && this.burstLeft === 0) {
      this.burstLeft = BURST_SAMPLES;
      this.phase = 0;
      const resolve = this.pending;
      this.pending = null;
      resolve(performance.now());
    }
    for (let i = 0; i < BLOCK && this.burstLeft > 0; i++, this.burstLeft--) {
      out.writeInt16LE(Math.round(0.5 * 32767 * Math.sin((2 * Math.PI * 1000 * this.phase++) / RATE)), i * 2);
    }
    return out;
  }
}

/** The loudspeaker: decodes the stream to PCM and notes when each burst onset comes out of the decoder. */
class Speaker {
  readonly onsets: number[] = [];
  readonly decoder: ChildProcessWithoutNullStreams;
  private armed = true;
  private quiet = 0;
  private carry = Buffer.alloc(0);

  constructor(format: 'mp3' | 'webm' = 'mp3') {
    this.decoder = ff([
      ...['-fflags', '+nobuffer', '-flags', 'low_delay', '-probesize', '32', '-analyzeduration', '0'],
      ...['-f', format, '-i', 'pipe:0'],
      ...['-f', 's16le', '-ac', '1', '-ar', String(RATE), '-flush_packets', '1', 'pipe:1'],
    ]);
    this.decoder.stdout.on('data', (chunk: Buffer) => this.pcm(chunk, performance.now()));
  }

  private pcm(chunk: Buffer, at: number): void {
    const bytes = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const samples = Math.floor(bytes.length / 2);
    this.carry = bytes.subarray(samples * 2);
    for (let i = 0; i < samples; i++) {
      const loud = Math.abs(bytes.readInt16LE(i * 2)) > THRESHOLD;
      if (loud && this.armed) {
        this.armed = false;
        this.onsets.push(at);
      }
      this.quiet = loud ? 0 : this.quiet + 1;
      if (this.quiet > RATE / 5) this.armed = true; // 200 ms of silence re-arms
    }
  }

  close(): void {
    this.decoder.stdin.end();
    setTimeout(() => this.decoder.kill('SIGKILL'), 2000).unref();
  }
}

interface Run {
  name: string;
  latencies: number[];
  missed: number;
  /** Server paths: audio the listener got at once when it joined (the relay's backlog), ms. */
  joinBacklogMs?: number;
}

/** Injects the bursts and pairs each with the first onset detected after it. */
async function measure(name: string, mic: Microphone, speaker: Speaker): Promise<Run> {
  const injected: number[] = [];
  for (let i = 0; i < BURSTS; i++) {
    injected.push(await mic.burst());
    await sleep(INTERVAL_MS);
  }
  await sleep(3000);
  const latencies: number[] = [];
  let missed = 0;
  for (let i = 0; i < injected.length; i++) {
    const next = injected[i + 1] ?? Infinity;
    const onset = speaker.onsets.find((at) => at >= injected[i] && at < next);
    if (onset === undefined) missed++;
    else latencies.push(onset - injected[i]);
  }
  return { name, latencies, missed };
}

/** Floor: the source encoder piped straight into the decoder. */
async function floor(kind: 'mp3' | 'webm'): Promise<Run> {
  const encoder = ff(encoderArgs(kind, ['pipe:1']));
  const speaker = new Speaker(kind);
  encoder.stdout.pipe(speaker.decoder.stdin);
  const mic = new Microphone(encoder.stdin);
  mic.start();
  await sleep(1500);
  const name = `floor: ${kind === 'mp3' ? 'MP3 128k' : 'WebM/Opus'} encoder → decoder, no server`;
  const run = await measure(name, mic, speaker);
  mic.stop();
  encoder.stdin.end();
  speaker.close();
  return run;
}

/** Through the server: a session, the source, a cluster that gets play_now and listens. */
async function throughServer(
  server: BenchServer,
  cluster: { clusterId: string; secret: string },
  communeId: string,
  path: 'icecast' | 'websocket',
): Promise<Run> {
  const device = await mqtt.connectAsync(server.mqttUrl, {
    clientId: cluster.clusterId,
    username: cluster.clusterId,
    password: cluster.secret,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 0,
  });
  const streamUrl = new Promise<string>((resolve) => {
    device.on('message', (_topic, payload) => {
      const decoded = decodePayload('Command', payload);
      if (decoded.ok && decoded.value.type === 'play_now') {
        const params = decoded.value.params as { stream?: { url: string } };
        if (params.stream) resolve(params.stream.url);
      }
    });
  });
  await device.subscribeAsync(clusterTopic(cluster.clusterId, 'cmd'), { qos: 1 });
  const created = await server.api<{
    session: { id: string };
    ingest: { websocketUrl: string; icecast: { password: string; mount: string } };
  }>('POST', '/api/v1/live', {
    title: `Latency bench (${path})`,
    target: { clusterIds: [cluster.clusterId] },
    priority: 'commune',
    unitId: communeId,
  });
  const { password, mount } = created.ingest.icecast;
  const port = new URL(server.baseUrl).port;
  let encoder: ChildProcessWithoutNullStreams;
  let ws: WebSocket | null = null;
  if (path === 'icecast') {
    encoder = ff(
      encoderArgs('mp3', [
        '-content_type',
        'audio/mpeg',
        `icecast://source:${password}@127.0.0.1:${port}${mount}`,
      ]),
    );
  } else {
    const socket = new WebSocket(`${created.ingest.websocketUrl}?password=${password}`);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    ws = socket;
    encoder = ff(encoderArgs('webm', ['pipe:1']));
    encoder.stdout.on('data', (chunk: Buffer) => socket.send(chunk));
  }
  const mic = new Microphone(encoder.stdin);
  mic.start();
  const url = await until(
    'play_now with the stream',
    async () => Promise.race([streamUrl, sleep(100)]),
    30_000,
  );
  const speaker = new Speaker();
  const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
    http.get(url as string, resolve).on('error', reject),
  );
  if (res.statusCode !== 200) throw new Error(`stream → HTTP ${res.statusCode}`);
  // The relay's backlog: what arrives within 50 ms of the first byte, at the profile's 64 kbit/s.
  let firstByteAt = 0;
  let joinBytes = 0;
  res.on('data', (chunk: Buffer) => {
    const now = performance.now();
    if (!firstByteAt) firstByteAt = now;
    if (now - firstByteAt <= 50) joinBytes += chunk.length;
  });
  res.pipe(speaker.decoder.stdin);
  await sleep(1500);
  const run = await measure(
    path === 'icecast'
      ? 'server: Icecast PUT (MP3 128k) → relay → cluster'
      : 'server: WebSocket (WebM/Opus) → relay → cluster',
    mic,
    speaker,
  );
  mic.stop();
  encoder.stdin.end();
  ws?.close();
  await server.api('POST', `/api/v1/live/${created.session.id}/stop`);
  res.destroy();
  speaker.close();
  await device.endAsync(true);
  return { ...run, joinBacklogMs: (joinBytes * 8) / 64 };
}

function report(runs: Run[]): void {
  const fmt = (values: number[]) => {
    const s = ascending(values);
    return s.length
      ? `p50 ${Math.round(percentile(s, 50))} ms, p95 ${Math.round(percentile(s, 95))} ms, max ${Math.round(s[s.length - 1])} ms`
      : '—';
  };
  console.log(
    `\nLive latency, ${BURSTS} bursts per path, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load ${loadavg()[0].toFixed(1)}, ${new Date().toISOString()}`,
  );
  for (const run of runs) {
    console.log(`\n${run.name}${run.missed ? ` (${run.missed} bursts not detected)` : ''}`);
    console.log(`  latency       ${fmt(run.latencies)}`);
    if (run.joinBacklogMs !== undefined)
      console.log(`  join backlog  ${Math.round(run.joinBacklogMs)} ms of audio at once`);
  }
}

async function main(): Promise<void> {
  const hardLimit = setTimeout(() => {
    console.error(`hard limit of ${HARD_LIMIT_MS / 60_000} min reached: stopping`);
    process.exit(1);
  }, HARD_LIMIT_MS);
  hardLimit.unref();
  const workDir = mkdtempSync(join(tmpdir(), 'loa-bench-live-'));
  const server = new BenchServer(join(workDir, 'data'));
  const runs: Run[] = [];
  try {
    runs.push(await floor('mp3'));
    if (PATHS.includes('websocket')) runs.push(await floor('webm'));
    await server.start();
    const { credentials, communeIds } = await provision(server, 1, 1);
    for (const path of PATHS)
      runs.push(await throughServer(server, credentials[0], communeIds[0], path as 'icecast' | 'websocket'));
    report(runs);
  } finally {
    await server.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
