/*
 * Fleet benchmark: `npm run bench:fleet -- --clusters 2000`.
 *
 * Starts the server as a child process (embedded PGlite and aedes, no demo fleet), provisions N IP clusters
 * through the CSV import, connects N simulated clusters from this process, drives telemetry at a compressed
 * interval, and prints: connect rate, time until all are online in the API, presence latency (device connect /
 * link loss → visible in the API, p50/p99), telemetry ingested per second, lost messages, server RSS and CPU.
 * Then it runs the same clients against a bare Mosquitto (Debian package) with one subscriber and reports our
 * ingestion as a ratio of Mosquitto's delivery. Everything binds 127.0.0.1, is bounded in count and time, and
 * stops by itself.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { allClustersFilter } from '@loa-xa/protocol';
import { SimFleet, type SimCredential } from '@loa-xa/firmware-sim';
import { metric, scrape } from '../support/metrics';
import { authorize, defaultAuthorization, logIn } from '../support/http';

const BENCH_PASSWORD = `load-${randomBytes(12).toString('hex')}`;

const { values: args } = parseArgs({
  options: {
    clusters: { type: 'string', default: '2000' },
    rate: { type: 'string', default: '2000' }, // telemetry messages per second offered by the whole fleet
    duration: { type: 'string', default: '30' }, // seconds of steady state measured
    'connect-rate': { type: 'string', default: '500' },
    'presence-samples': { type: 'string', default: '100' },
    mosquitto: { type: 'string', default: 'auto' }, // auto | off | path to the binary
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(`usage: npm run bench:fleet -- [--clusters N] [--rate MSG_PER_S] [--duration S] [--connect-rate N]
                              [--presence-samples N] [--mosquitto auto|off|PATH]`);
  process.exit(0);
}
const N = positive('clusters', 1, 20_000);
const RATE = positive('rate', 1, 50_000);
const DURATION_S = positive('duration', 5, 600);
const CONNECT_RATE = positive('connect-rate', 1, 5_000);
const PRESENCE_SAMPLES = Math.min(positive('presence-samples', 1, 2_000), N);
const TELEMETRY_MS = Math.max(100, Math.round((N / RATE) * 1000));
const HARD_LIMIT_MS = 30 * 60_000;

function positive(name: keyof typeof args, min: number, max: number): number {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < min || value > max) {
    console.error(`--${name} must be an integer in ${min}..${max}`);
    process.exit(2);
  }
  return value;
}

// ---------------------------------------------------------------- helpers

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
  stepMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(stepMs);
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** CPU time (s) and RSS (MiB) of a process, from /proc. */
function procSample(pid: number): { cpuS: number; rssMiB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { cpuS: ticks / 100, rssMiB: rssKb / 1024 };
}

class ProcessWatch {
  peakRssMiB = 0;
  private timer: NodeJS.Timeout;
  constructor(private readonly pid: number) {
    this.timer = setInterval(() => this.sample(), 250);
  }
  sample() {
    try {
      const s = procSample(this.pid);
      this.peakRssMiB = Math.max(this.peakRssMiB, s.rssMiB);
      return s;
    } catch {
      return { cpuS: 0, rssMiB: 0 };
    }
  }
  stop() {
    clearInterval(this.timer);
  }
}

async function api<T>(
  method: string,
  url: string,
  body?: string | object,
  contentType = 'application/json',
): Promise<T> {
  const auth = defaultAuthorization(url);
  const res = await fetch(url, {
    method,
    headers: {
      ...(auth ? { authorization: auth } : {}),
      ...(body === undefined ? {} : { 'content-type': contentType }),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill(signal);
  });
}

/** The same fleet settings for both brokers, so the comparison is like for like. */
function benchFleet(credentials: SimCredential[], brokerUrl: string): SimFleet {
  return new SimFleet(credentials, {
    brokerUrl,
    telemetryIntervalMs: TELEMETRY_MS,
    keepaliveS: 60,
    connectRatePerS: CONNECT_RATE,
    reconnectPeriodMs: 2000,
    seed: 42,
  });
}

// ---------------------------------------------------------------- our server

interface ServerRun {
  connectS: number;
  connectRate: number;
  allOnlineInApiS: number;
  presenceConnectMs: number[];
  presenceWillMs: number[];
  offered: number;
  sent: number;
  ingested: number;
  stored: number;
  lost: number;
  rejected: number;
  ingestPerS: number;
  cpuPct: number;
  rssMiB: number;
  peakRssMiB: number;
  batchWriteP99Ms: number;
}

async function runServer(workDir: string): Promise<ServerRun> {
  const port = await freePort();
  const mqttPort = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    MQTT_PORT: String(mqttPort),
    MQTT_WS_PORT: 'off',
    DATA_DIR: join(workDir, 'server-data'),
    SIM_FLEET: '0',
    DEMO_PROVINCE: 'off',
    LOG_LEVEL: 'warn',
    LOG_PRETTY: 'false',
    // The bench signs in like any client: a known first administrator for this throw-away data dir.
    ADMIN_USERNAME: 'bench',
    ADMIN_PASSWORD: BENCH_PASSWORD,
  };
  delete env.DATABASE_URL;
  delete env.MQTT_URL;
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/server/src/main.ts'], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const httpUrl = `http://127.0.0.1:${port}`;
  const brokerUrl = `mqtt://127.0.0.1:${mqttPort}`;
  try {
    await until('server ready', async () => (await fetch(`${httpUrl}/health/ready`)).ok, 120_000, 200);
    authorize(httpUrl, await logIn(httpUrl, 'bench', BENCH_PASSWORD));
    const credentials = await provision(httpUrl);
    console.log(`provisioned ${credentials.length} clusters`);
    const watch = new ProcessWatch(child.pid as number);

    const fleet = benchFleet(credentials, brokerUrl);
    const t0 = Date.now();
    const started = fleet.start();
    // Time until the API lists every cluster online, polled while the fleet connects.
    const apiOnline = until(
      'all clusters online in the API',
      async () => {
        const page = await api<{ total: number }>('GET', `${httpUrl}/api/v1/clusters?online=true&pageSize=1`);
        return page.total >= N ? Date.now() : null;
      },
      HARD_LIMIT_MS,
      1000,
    );
    await started;
    await fleet.waitForOnline(N, HARD_LIMIT_MS);
    const connectS = (Date.now() - t0) / 1000;
    const allOnlineInApiS = ((await apiOnline) - t0) / 1000;
    console.log(
      `all ${N} connected in ${connectS.toFixed(1)} s; all online in the API after ${allOnlineInApiS.toFixed(1)} s`,
    );

    // Let every cluster reach its telemetry phase, then measure a steady window.
    await sleep(Math.min(TELEMETRY_MS + 2000, 20_000));
    const in0 = await metric(httpUrl, 'loa_mqtt_messages_in_total', { channel: 'telemetry' });
    const cpu0 = watch.sample();
    const w0 = Date.now();
    await sleep(DURATION_S * 1000);
    const in1 = await metric(httpUrl, 'loa_mqtt_messages_in_total', { channel: 'telemetry' });
    const cpu1 = watch.sample();
    const windowS = (Date.now() - w0) / 1000;
    const ingestPerS = (in1 - in0) / windowS;
    const cpuPct = ((cpu1.cpuS - cpu0.cpuS) / windowS) * 100;
    console.log(
      `steady state: ${ingestPerS.toFixed(0)} telemetry msg/s ingested, server CPU ${cpuPct.toFixed(0)} %, RSS ${cpu1.rssMiB.toFixed(0)} MiB`,
    );

    const presence = await measurePresence(httpUrl, fleet, credentials.slice(0, PRESENCE_SAMPLES));

    await fleet.stop(20_000);
    const stats = fleet.stats();
    // Wait for the last batch to be written: stored rows stop changing and match what arrived.
    await until(
      'last telemetry batch written',
      async () =>
        (await metric(httpUrl, 'loa_telemetry_queue_depth')) === 0 &&
        (await metric(httpUrl, 'loa_db_rows_written_total', { kind: 'telemetry' })) ===
          (await metric(httpUrl, 'loa_mqtt_messages_in_total', { channel: 'telemetry' })),
      30_000,
      200,
    ).catch(() => undefined);
    const ingested = await metric(httpUrl, 'loa_mqtt_messages_in_total', { channel: 'telemetry' });
    const stored = await metric(httpUrl, 'loa_db_rows_written_total', { kind: 'telemetry' });
    const rejected = await metric(httpUrl, 'loa_mqtt_messages_rejected_total');
    const batchP99 = await histogramP99(httpUrl, 'loa_db_batch_write_seconds', 'telemetry');
    watch.stop();
    return {
      connectS,
      connectRate: N / connectS,
      allOnlineInApiS,
      presenceConnectMs: presence.connect,
      presenceWillMs: presence.will,
      offered: RATE,
      sent: stats.telemetrySent,
      ingested,
      stored,
      lost: stats.telemetrySent - stored,
      rejected,
      ingestPerS,
      cpuPct,
      rssMiB: cpu1.rssMiB,
      peakRssMiB: watch.peakRssMiB,
      batchWriteP99Ms: batchP99 * 1000,
    };
  } finally {
    await stopChild(child);
  }
}

async function provision(httpUrl: string): Promise<SimCredential[]> {
  await api('POST', `${httpUrl}/api/v1/units/import`, { provinceCode: '20' });
  const communes = await api<{ items: { code: string }[] }>(
    'GET',
    `${httpUrl}/api/v1/units?level=commune&pageSize=50`,
  );
  const codes = communes.items.map((c) => c.code);
  const lines = ['code,name,kind,commune_code'];
  for (let i = 0; i < N; i++)
    lines.push(`BENCH-${String(i).padStart(5, '0')},Cụm loa ${i},ip,${codes[i % codes.length]}`);
  const result = await api<{
    imported: number;
    credentials: { code: string; username: string; password: string }[];
  }>('POST', `${httpUrl}/api/v1/clusters/import`, lines.join('\n'), 'text/csv');
  return result.credentials.map((c) => ({ clusterId: c.username, secret: c.password, code: c.code }));
}

/**
 * For each sampled cluster: cut its link (the broker fires the will) and time until the API says offline;
 * then time from its reconnect (CONNACK at the device) until the API says online. Ten at a time.
 */
async function measurePresence(httpUrl: string, fleet: SimFleet, sample: SimCredential[]) {
  const connect: number[] = [];
  const will: number[] = [];
  const isOnline = async (id: string) =>
    (await api<{ live?: { online?: boolean } }>('GET', `${httpUrl}/api/v1/clusters/${id}`)).live?.online ===
    true;
  const one = async (credential: SimCredential) => {
    const cluster = fleet.get(credential.clusterId);
    if (!cluster) return;
    const reconnected = new Promise<number>((resolve) =>
      cluster.once('connected', () => resolve(performance.now())),
    );
    const cutAt = performance.now();
    // Long enough that the cluster is still away when a loaded server's API answers.
    cluster.startOutage(5_000);
    await until('offline in API', async () => !(await isOnline(credential.clusterId)), 30_000, 5);
    will.push(performance.now() - cutAt);
    const backAt = await reconnected;
    await until('online in API', async () => isOnline(credential.clusterId), 30_000, 5);
    connect.push(performance.now() - backAt);
  };
  for (let i = 0; i < sample.length; i += 10) await Promise.all(sample.slice(i, i + 10).map(one));
  connect.sort((a, b) => a - b);
  will.sort((a, b) => a - b);
  return { connect, will };
}

async function histogramP99(httpUrl: string, name: string, kind: string): Promise<number> {
  const text = await scrape(httpUrl);
  const buckets: [number, number][] = [];
  for (const line of text.split('\n')) {
    const m = new RegExp(`^${name}_bucket\\{le="([^"]+)",kind="${kind}"\\} (\\d+)`).exec(line);
    if (m) buckets.push([m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2])]);
  }
  const total = buckets.at(-1)?.[1] ?? 0;
  return buckets.find(([, count]) => count >= total * 0.99)?.[0] ?? NaN;
}

// ---------------------------------------------------------------- Mosquitto peer

interface MosquittoRun {
  version: string;
  connectS: number;
  sent: number;
  delivered: number;
  lost: number;
  deliverPerS: number;
  cpuPct: number;
  rssMiB: number;
}

function mosquittoBinary(): string | null {
  if (args.mosquitto === 'off') return null;
  if (args.mosquitto !== 'auto') return args.mosquitto as string;
  for (const candidate of ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'])
    if (existsSync(candidate)) return candidate;
  return null;
}

async function runMosquitto(
  binary: string,
  workDir: string,
  credentials: SimCredential[],
): Promise<MosquittoRun> {
  const port = await freePort();
  const conf = join(workDir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      'max_queued_messages 100000',
      'log_type error',
      '',
    ].join('\n'),
  );
  const version =
    spawnSync(binary, ['-h'], { encoding: 'utf8' }).stdout.split('\n')[0]?.trim() ?? 'mosquitto';
  const child = spawn(binary, ['-c', conf], { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `mqtt://127.0.0.1:${port}`;
  try {
    const subscriber = await until(
      'mosquitto up',
      () => mqtt.connectAsync(url, { reconnectPeriod: 0, clientId: 'bench-sub' }),
      10_000,
      100,
    );
    let delivered = 0;
    subscriber.on('message', () => delivered++);
    await subscriber.subscribeAsync(allClustersFilter('telemetry'), { qos: 1 });
    const watch = new ProcessWatch(child.pid as number);
    const fleet = benchFleet(credentials, url);
    const t0 = Date.now();
    await fleet.start();
    await fleet.waitForOnline(N, HARD_LIMIT_MS);
    const connectS = (Date.now() - t0) / 1000;
    await sleep(Math.min(TELEMETRY_MS + 2000, 20_000));
    const d0 = delivered;
    const c0 = watch.sample();
    const w0 = Date.now();
    await sleep(DURATION_S * 1000);
    const windowS = (Date.now() - w0) / 1000;
    const c1 = watch.sample();
    const deliverPerS = (delivered - d0) / windowS;
    await fleet.stop(20_000);
    const sent = fleet.stats().telemetrySent;
    await until('subscriber drained', async () => delivered >= sent, 15_000, 100).catch(() => undefined);
    await subscriber.endAsync();
    watch.stop();
    return {
      version,
      connectS,
      sent,
      delivered,
      lost: sent - delivered,
      deliverPerS,
      cpuPct: ((c1.cpuS - c0.cpuS) / windowS) * 100,
      rssMiB: c1.rssMiB,
    };
  } finally {
    await stopChild(child);
  }
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const guard = setTimeout(() => {
    console.error('benchmark exceeded its time limit; stopping');
    process.exit(3);
  }, HARD_LIMIT_MS);
  guard.unref();
  const workDir = mkdtempSync(join(tmpdir(), 'loa-bench-'));
  console.log(
    `fleet benchmark: ${N} clusters, telemetry every ${TELEMETRY_MS} ms (≈${RATE} msg/s offered), ${DURATION_S} s window, ` +
      `${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
  );
  try {
    const ours = await runServer(workDir);
    const credentials = Array.from({ length: N }, (_, i) => ({
      clusterId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      secret: 'anonymous',
    }));
    const binary = mosquittoBinary();
    const peer = binary ? await runMosquitto(binary, workDir, credentials) : null;
    report(ours, peer);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

function report(ours: ServerRun, peer: MosquittoRun | null): void {
  const rows: [string, string][] = [
    ['clusters', String(N)],
    ['connect rate (clusters/s)', ours.connectRate.toFixed(0)],
    ['all connected (s)', ours.connectS.toFixed(1)],
    ['all online in the API (s)', ours.allOnlineInApiS.toFixed(1)],
    [
      'presence latency, connect → API (ms) p50 / p99',
      `${percentile(ours.presenceConnectMs, 50).toFixed(0)} / ${percentile(ours.presenceConnectMs, 99).toFixed(0)}`,
    ],
    [
      'presence latency, link lost → API (ms) p50 / p99',
      `${percentile(ours.presenceWillMs, 50).toFixed(0)} / ${percentile(ours.presenceWillMs, 99).toFixed(0)}`,
    ],
    ['telemetry offered (msg/s)', String(ours.offered)],
    ['telemetry ingested, steady window (msg/s)', ours.ingestPerS.toFixed(0)],
    ['telemetry sent / received / stored', `${ours.sent} / ${ours.ingested} / ${ours.stored}`],
    ['telemetry lost (sent − stored)', String(ours.lost)],
    ['messages rejected', String(ours.rejected)],
    ['batch write p99 (ms, histogram bucket)', ours.batchWriteP99Ms.toFixed(0)],
    ['server CPU, steady window (% of one core)', ours.cpuPct.toFixed(0)],
    ['server RSS end / peak (MiB)', `${ours.rssMiB.toFixed(0)} / ${ours.peakRssMiB.toFixed(0)}`],
  ];
  if (peer) {
    rows.push(
      ['mosquitto', peer.version],
      ['mosquitto: all connected (s)', peer.connectS.toFixed(1)],
      ['mosquitto: delivered to 1 subscriber (msg/s)', peer.deliverPerS.toFixed(0)],
      ['mosquitto: sent / delivered / lost', `${peer.sent} / ${peer.delivered} / ${peer.lost}`],
      ['mosquitto: CPU (% of one core) / RSS (MiB)', `${peer.cpuPct.toFixed(0)} / ${peer.rssMiB.toFixed(0)}`],
      ['ours ÷ mosquitto, msg/s at the same offered load', (ours.ingestPerS / peer.deliverPerS).toFixed(2)],
      [
        'ours ÷ mosquitto, CPU per message',
        (ours.cpuPct / ours.ingestPerS / (peer.cpuPct / peer.deliverPerS)).toFixed(1),
      ],
    );
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log('\nresults');
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
  console.log(
    `\nJSON ${JSON.stringify({ clusters: N, rate: RATE, durationS: DURATION_S, ours: { ...ours, presenceConnectMs: undefined, presenceWillMs: undefined, presenceConnectP50: percentile(ours.presenceConnectMs, 50), presenceConnectP99: percentile(ours.presenceConnectMs, 99), presenceWillP50: percentile(ours.presenceWillMs, 50), presenceWillP99: percentile(ours.presenceWillMs, 99) }, mosquitto: peer })}`,
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
