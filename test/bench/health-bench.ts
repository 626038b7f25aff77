/*
 * Health-rule CPU benchmark (issue 6): `npm run bench:health -- --clusters 10000 --runs 2`.
 *
 * What alert evaluation costs on top of bare ingestion. For each run, alternating HEALTH_RULES=off / on, it
 * starts a fresh server child process (embedded PGlite and aedes, as `npm start`), provisions N IP clusters in a
 * few communes through the CSV import, connects N simulated clusters from this process at the same telemetry
 * rate in both modes, and makes a share of them (5 %) flap: every 20–60 s each flapper does the next of a short
 * link outage, an amplifier or speaker-line fault raised then cleared, or weak signal set then restored. The
 * thresholds of the rules they touch are shortened on the province (same overrides in both modes) so that
 * alerts open, get marked flapping and resolve within minutes (a resolve forgets the condition's history, so
 * flapping comes from the bouncing faults, not from the slower repetitions). After a warm-up it measures, over a steady
 * window, the server's CPU seconds (/proc utime+stime), the device messages it ingested (/metrics) and, in `on`
 * mode, rule evaluations and alerts opened/resolved. It prints each run, the medians per mode and the overhead
 * in CPU per message. `--cpu-prof DIR` samples the server's CPU over each window (inspector) and summarises
 * where the time went. Everything binds 127.0.0.1, is bounded in count and time, and stops by itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { SimFleet, type SimCluster, type SimCredential } from '@loa-xa/firmware-sim';
import { scrape } from '../support/metrics';
import { cpuSeconds, median, rssMiB, sleep, until } from './media/common';
import { freePort } from '../e2e/server-process';
import { authorize, defaultAuthorization, logIn } from '../support/http';

const BENCH_PASSWORD = `load-${randomBytes(12).toString('hex')}`;
const ROOT = join(__dirname, '../..');

const { values: args } = parseArgs({
  options: {
    clusters: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '1000' }, // telemetry messages per second offered by the whole fleet
    duration: { type: 'string', default: '60' }, // seconds of steady state measured
    warmup: { type: 'string', default: '120' }, // seconds between "all online" (flapping starts) and the window
    runs: { type: 'string', default: '2' }, // runs per mode, alternating off/on
    modes: { type: 'string', default: 'off,on' }, // e.g. `on` alone to look at the alerts
    'flap-percent': { type: 'string', default: '5' },
    communes: { type: 'string', default: '5' },
    'connect-rate': { type: 'string', default: '500' },
    'time-limit': { type: 'string', default: '120' }, // minutes, for the whole benchmark
    'cpu-prof': { type: 'string' }, // directory: profile the server over each window
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(`usage: npm run bench:health -- [--clusters N] [--rate MSG_PER_S] [--duration S] [--warmup S] [--runs N]
                               [--flap-percent P] [--communes N] [--connect-rate N] [--time-limit MIN]
                               [--modes off,on] [--cpu-prof DIR]`);
  process.exit(0);
}
const N = positive('clusters', 1, 20_000);
const RATE = positive('rate', 1, 50_000);
const DURATION_S = positive('duration', 5, 900);
const WARMUP_S = positive('warmup', 0, 1800);
const RUNS = positive('runs', 1, 10);
const FLAP_PERCENT = positive('flap-percent', 0, 100);
const COMMUNES = positive('communes', 1, 50);
const CONNECT_RATE = positive('connect-rate', 1, 5_000);
const HARD_LIMIT_MS = positive('time-limit', 1, 600) * 60_000;
const PROFILE_DIR = args['cpu-prof'];
const MODES = String(args.modes)
  .split(',')
  .filter((m): m is 'off' | 'on' => m === 'off' || m === 'on');
if (MODES.length === 0) {
  console.error('--modes must list off and/or on');
  process.exit(2);
}
const TELEMETRY_MS = Math.max(100, Math.round((N / RATE) * 1000));

function positive(name: keyof typeof args, min: number, max: number): number {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < min || value > max) {
    console.error(`--${name} must be an integer in ${min}..${max}`);
    process.exit(2);
  }
  return value;
}

/*
 * Thresholds set on the province in both modes: long hold times (10–15 min) and a 30-minute flap memory
 * would keep a few minutes' run from ever opening or resolving anything. Flapping still needs 4 changes.
 */
const OVERRIDES: Record<string, Record<string, number>> = {
  offline: { raiseAfterS: 3, clearAfterS: 5, flapWindowS: 600, flapClearS: 30 },
  amp_fault: { raiseAfterS: 0, clearAfterS: 5, flapWindowS: 600, flapClearS: 30 },
  speaker_line: { raiseAfterS: 0, clearAfterS: 5, flapWindowS: 600, flapClearS: 30 },
  weak_signal: { raiseAfterS: 10, clearAfterS: 5, flapWindowS: 600, flapClearS: 30 },
};

// ---------------------------------------------------------------- helpers

const uniform = (min: number, max: number) => min + Math.random() * (max - min);

/** CPU time (s, utime+stime) and RSS (MiB) of a process, from /proc. */
const procSample = (pid: number) => ({ cpuS: cpuSeconds(pid), rssMiB: rssMiB(pid) });

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
  return (text ? JSON.parse(text) : null) as T;
}

/** Every child this process started, so that any way out (error, signal, time limit) kills them. */
const children = new Set<ChildProcess>();
const fleets = new Set<SimFleet>();
function killEverything(): void {
  for (const fleet of fleets) fleet.kill();
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
process.on('exit', killEverything);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    console.error(`${signal}: stopping`);
    killEverything();
    process.exit(130);
  });

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      children.delete(child);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

// ---------------------------------------------------------------- the server

interface Server {
  child: ChildProcess;
  httpUrl: string;
  brokerUrl: string;
  inspectorUrl: Promise<string> | null;
  tail: string[];
}

async function startServer(mode: 'on' | 'off', workDir: string): Promise<Server> {
  const port = await freePort();
  const mqttPort = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    MQTT_PORT: String(mqttPort),
    MQTT_WS_PORT: 'off',
    DATA_DIR: join(workDir, `server-${mode}-${Date.now()}`),
    SIM_FLEET: '0',
    DEMO_PROVINCE: 'off',
    LOG_LEVEL: 'warn',
    LOG_PRETTY: 'false',
    ADMIN_USERNAME: 'bench',
    ADMIN_PASSWORD: BENCH_PASSWORD,
    AUTH_SECRET: randomBytes(32).toString('hex'),
    ACCESS_TOKEN_TTL_S: '86400',
    HEALTH_RULES: mode,
    ALERT_GROUP_WINDOW_S: '2',
  };
  delete env.DATABASE_URL;
  delete env.MQTT_URL;
  const nodeArgs = PROFILE_DIR ? ['--inspect=127.0.0.1:0'] : [];
  const child = spawn(
    process.execPath,
    [...nodeArgs, '-r', '@swc-node/register', 'apps/server/src/main.ts'],
    {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.add(child);
  const tail: string[] = [];
  let inspectorUrl: Promise<string> | null = null;
  let gotInspector: (url: string) => void = () => undefined;
  if (PROFILE_DIR) inspectorUrl = new Promise((resolve) => (gotInspector = resolve));
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      const inspector = /Debugger listening on (ws:\/\/\S+)/.exec(line);
      if (inspector) gotInspector(inspector[1]);
      tail.push(line.length > 600 ? `${line.slice(0, 600)}…` : line);
      if (tail.length > 40) tail.shift();
      if (process.env.BENCH_SERVER_LOG === '1') console.log(`[server] ${line}`);
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const httpUrl = `http://127.0.0.1:${port}`;
  try {
    await until(
      'server ready',
      async () => {
        if (child.exitCode !== null) throw new Error(`server exited: ${child.exitCode}`);
        return (await fetch(`${httpUrl}/health/ready`)).ok;
      },
      180_000,
      200,
    );
  } catch (err) {
    console.error(tail.join('\n'));
    await stopChild(child);
    throw err;
  }
  authorize(httpUrl, await logIn(httpUrl, 'bench', BENCH_PASSWORD));
  return { child, httpUrl, brokerUrl: `mqtt://127.0.0.1:${mqttPort}`, inspectorUrl, tail };
}

/** Units of province 20, N clusters spread over the first few communes, the shortened thresholds. */
async function provision(httpUrl: string): Promise<SimCredential[]> {
  await api('POST', `${httpUrl}/api/v1/units/import`, { provinceCode: '20' });
  const communes = await api<{ items: { code: string }[] }>(
    'GET',
    `${httpUrl}/api/v1/units?level=commune&pageSize=${COMMUNES}`,
  );
  const codes = communes.items.map((c) => c.code);
  const lines = ['code,name,kind,commune_code'];
  for (let i = 0; i < N; i++)
    lines.push(`HB-${String(i).padStart(5, '0')},Cụm loa ${i},ip,${codes[i % codes.length]}`);
  const result = await api<{ credentials: { code: string; username: string; password: string }[] }>(
    'POST',
    `${httpUrl}/api/v1/clusters/import`,
    lines.join('\n'),
    'text/csv',
  );
  const province = await api<{ items: { id: string }[] }>(
    'GET',
    `${httpUrl}/api/v1/units?level=province&pageSize=1`,
  );
  for (const [rule, params] of Object.entries(OVERRIDES))
    await api('PUT', `${httpUrl}/api/v1/health-rules/overrides/${province.items[0].id}/${rule}`, { params });
  return result.credentials.map((c) => ({ clusterId: c.username, secret: c.password, code: c.code }));
}

// ---------------------------------------------------------------- flapping clusters

/**
 * Each flapper, every 20–60 s, does the next of: a link outage of 3–6 s (offline, then online again after the
 * simulator's reconnect delay); an amplifier or speaker-line fault raised and cleared 5–15 s later (every third
 * time, the first included, it bounces: raised, cleared, raised, cleared within seconds, which marks the alert
 * flapping); weak signal (−128 dBm) for 25–40 s, long enough for two or more telemetry reports to carry it.
 */
class Flapper {
  actions = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly clusters: readonly SimCluster[]) {}

  start(): void {
    this.clusters.forEach((cluster, i) => {
      let step = i % 3;
      let fault = 0;
      const act = () => {
        if (this.stopped) return;
        this.actions++;
        const kind = step++ % 3;
        if (kind === 0) cluster.startOutage(uniform(3_000, 6_000));
        else if (kind === 1) {
          const code = fault % 2 === 0 ? 'amp_fault' : 'line_open';
          cluster.injectFault(code, 'bench');
          if (fault++ % 3 !== 0) this.after(uniform(5_000, 15_000), () => cluster.clearFault(code, 'bench'));
          else {
            // A loose contact: raised, cleared, raised, cleared within seconds — four changes before the
            // alert could resolve, so it is marked flapping (and resolves after flapClearS).
            this.after(2_000, () => cluster.clearFault(code, 'bench'));
            this.after(4_000, () => cluster.injectFault(code, 'bench'));
            this.after(uniform(6_000, 12_000), () => cluster.clearFault(code, 'bench'));
          }
        } else {
          cluster.setSignal(-128);
          this.after(uniform(25_000, 40_000), () => cluster.setSignal(-95));
        }
        this.after(uniform(20_000, 60_000), act);
      };
      this.after(uniform(0, 20_000), act);
    });
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, ms);
    this.timers.add(t);
  }
}

// ---------------------------------------------------------------- CPU profile of the server (inspector)

class Inspector {
  private next = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
      const waiter = msg.id !== undefined ? this.pending.get(msg.id) : undefined;
      if (!waiter) return;
      this.pending.delete(msg.id as number);
      if (msg.error) waiter.reject(new Error(msg.error.message));
      else waiter.resolve(msg.result);
    });
  }

  static connect(url: string): Promise<Inspector> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { maxPayload: 2 ** 30 });
      socket.once('open', () => resolve(new Inspector(socket)));
      socket.once('error', reject);
    });
  }

  send<T>(method: string, params: object = {}): Promise<T> {
    const id = ++this.next;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.socket.close();
  }
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  startTime: number;
  endTime: number;
}

/** Shares of busy samples whose stack goes through each part of the code, and the hottest functions. */
function summariseProfile(profile: Profile): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const parts: [string, (url: string) => boolean][] = [
    [
      'health engine (apps/server/src/health/health-engine + libs/health)',
      (u) => /health-engine|libs\/health\//.test(u),
    ],
    [
      'alert store / views / stream (apps/server/src/health, rest)',
      (u) => /apps\/server\/src\/health\/(?!health-engine)/.test(u),
    ],
    ['notifications', (u) => u.includes('apps/server/src/notifications/')],
    ['fleet view', (u) => u.includes('apps/server/src/fleet/')],
    ['telemetry / device messages', (u) => /apps\/server\/src\/(telemetry|devices)\//.test(u)],
    ['PGlite', (u) => u.includes('@electric-sql/pglite')],
    ['aedes / mqtt', (u) => /node_modules\/(aedes|mqemitter|mqtt-packet)/.test(u)],
  ];
  const counts = new Map<string, number>(parts.map(([p]) => [p, 0]));
  const self = new Map<string, number>();
  let busy = 0;
  let gc = 0;
  for (const id of profile.samples) {
    const leaf = byId.get(id);
    if (!leaf) continue;
    const name = leaf.callFrame.functionName;
    if (name === '(idle)') continue;
    busy++;
    if (name === '(garbage collector)') gc++;
    const key = `${name || '(anonymous)'} ${leaf.callFrame.url.replace(/^.*\/(node_modules|apps|libs)\//, '$1/')}:${leaf.callFrame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + 1);
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const url = byId.get(n)?.callFrame.url ?? '';
      for (const [part, test] of parts) if (!seen.has(part) && test(url)) seen.add(part);
    }
    for (const part of seen) counts.set(part, (counts.get(part) ?? 0) + 1);
  }
  const total = profile.samples.length;
  const ms = (profile.endTime - profile.startTime) / 1000;
  const pct = (n: number) => `${((n / Math.max(1, busy)) * 100).toFixed(1)} %`;
  const lines = [
    `profile: ${total} samples over ${(ms / 1000).toFixed(1)} s, busy ${((busy / Math.max(1, total)) * 100).toFixed(0)} %, GC ${pct(gc)} of busy`,
    'on the stack (share of busy samples):',
    ...parts.map(([p]) => `  ${pct(counts.get(p) ?? 0).padStart(7)}  ${p}`),
    'hottest functions (self, share of busy samples):',
    ...[...self.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([k, v]) => `  ${pct(v).padStart(7)}  ${k}`),
  ];
  return lines;
}

// ---------------------------------------------------------------- one run

interface RunResult {
  mode: 'on' | 'off';
  run: number;
  connectS: number;
  windowS: number;
  cpuS: number;
  cpuPct: number;
  msgs: number;
  telemetry: number;
  cpuMsPer1k: number;
  rssMiB: number;
  evaluations: number;
  opened: number;
  openedFlapping: number;
  resolved: number;
  activeAtEnd: number;
  flapActions: number;
  load1: number;
  profile?: string[];
}

/** One scrape for every counter, so that they describe the same instant. */
async function counters(httpUrl: string, flapper: Flapper) {
  const text = await scrape(httpUrl);
  return {
    msgs: metricIn(text, 'loa_mqtt_messages_in_total'),
    telemetry: metricIn(text, 'loa_mqtt_messages_in_total', 'channel="telemetry"'),
    evaluations: metricIn(text, 'loa_health_evaluations_total'),
    all: await alertTotal(httpUrl, 'state=all'),
    resolved: await alertTotal(httpUrl, 'state=resolved'),
    actions: flapper.actions,
  };
}

/** Sum of a metric's samples in a /metrics text (those whose labels contain `label`, when given). */
function metricIn(text: string, name: string, label = ''): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
    if (match && match[1] === name && (match[2] ?? '').includes(label)) sum += Number(match[3]);
  }
  return sum;
}

async function alertTotal(httpUrl: string, query: string): Promise<number> {
  return (await api<{ total: number }>('GET', `${httpUrl}/api/v1/alerts?pageSize=1&${query}`)).total;
}

async function runOnce(mode: 'on' | 'off', run: number, workDir: string): Promise<RunResult> {
  const server = await startServer(mode, workDir);
  const { httpUrl } = server;
  let fleet: SimFleet | null = null;
  let flapper: Flapper | null = null;
  let inspector: Inspector | null = null;
  try {
    const t0 = Date.now();
    const credentials = await provision(httpUrl);
    console.log(
      `[${mode} #${run}] provisioned ${credentials.length} clusters in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
    );
    fleet = new SimFleet(credentials, {
      brokerUrl: server.brokerUrl,
      telemetryIntervalMs: TELEMETRY_MS,
      keepaliveS: 60,
      connectRatePerS: CONNECT_RATE,
      reconnectPeriodMs: 2000,
      seed: 42 + run,
    });
    fleets.add(fleet);
    const c0 = Date.now();
    await fleet.start();
    await fleet.waitForOnline(N, 20 * 60_000);
    const connectS = (Date.now() - c0) / 1000;
    const flappers = Math.round((N * FLAP_PERCENT) / 100);
    // Every 20th cluster (at 5 %), spread over the communes like the rest.
    const step = flappers > 0 ? N / flappers : 0;
    flapper = new Flapper(Array.from({ length: flappers }, (_, i) => fleet!.all()[Math.floor(i * step)]));
    flapper.start();
    console.log(
      `[${mode} #${run}] all ${N} online in ${connectS.toFixed(0)} s; ${flappers} flapping; warm-up ${WARMUP_S} s`,
    );
    await sleep(Math.max(WARMUP_S * 1000, TELEMETRY_MS + 2000));

    if (server.inspectorUrl) {
      inspector = await Inspector.connect(await server.inspectorUrl);
      await inspector.send('Profiler.enable');
      await inspector.send('Profiler.setSamplingInterval', { interval: 1000 });
    }
    const pid = server.child.pid as number;
    const before = await counters(httpUrl, flapper);
    if (inspector) await inspector.send('Profiler.start');
    const cpu0 = procSample(pid);
    const w0 = Date.now();
    await sleep(DURATION_S * 1000);
    const cpu1 = procSample(pid);
    const w1 = Date.now();
    const profile = inspector ? (await inspector.send<{ profile: Profile }>('Profiler.stop')).profile : null;
    const after = await counters(httpUrl, flapper);
    // Of the alerts opened in the window, how many opened already marked flapping (pages of 500).
    const from = encodeURIComponent(new Date(w0).toISOString());
    const to = encodeURIComponent(new Date(w1).toISOString());
    let openedFlapping = 0;
    const openedByRule = new Map<string, number>();
    for (let page = 1; page <= 20; page++) {
      const res = await api<{ items: { flapping: boolean; rule: string }[]; total: number }>(
        'GET',
        `${httpUrl}/api/v1/alerts?state=all&from=${from}&to=${to}&pageSize=500&page=${page}`,
      );
      for (const a of res.items) {
        if (a.flapping) openedFlapping++;
        openedByRule.set(a.rule, (openedByRule.get(a.rule) ?? 0) + 1);
      }
      if (page * 500 >= res.total) break;
    }
    const summary = await api<{ byRule: { rule: string; open: number; acknowledged: number }[] }>(
      'GET',
      `${httpUrl}/api/v1/alerts/summary`,
    );
    const activeByRule = new Map<string, number>();
    for (const r of summary.byRule)
      activeByRule.set(r.rule, (activeByRule.get(r.rule) ?? 0) + r.open + r.acknowledged);
    const byRule = (m: Map<string, number>) =>
      [...m.entries()]
        .sort()
        .map(([rule, n]) => `${rule} ${n}`)
        .join(', ') || 'none';
    const activeAtEnd = await alertTotal(httpUrl, 'state=active');
    const windowS = (w1 - w0) / 1000;
    const cpuS = cpu1.cpuS - cpu0.cpuS;
    const msgs = after.msgs - before.msgs;
    let profileLines: string[] | undefined;
    if (profile && PROFILE_DIR) {
      const file = join(PROFILE_DIR, `health-${mode}-${run}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      profileLines = [`written to ${file}`, ...summariseProfile(profile)];
    }
    const result: RunResult = {
      mode,
      run,
      connectS,
      windowS,
      cpuS,
      cpuPct: (cpuS / windowS) * 100,
      msgs,
      telemetry: after.telemetry - before.telemetry,
      cpuMsPer1k: (cpuS * 1000 * 1000) / Math.max(1, msgs),
      rssMiB: cpu1.rssMiB,
      evaluations: after.evaluations - before.evaluations,
      opened: after.all - before.all,
      openedFlapping,
      resolved: after.resolved - before.resolved,
      activeAtEnd,
      flapActions: after.actions - before.actions,
      load1: loadavg()[0],
      profile: profileLines,
    };
    console.log(`[${mode} #${run}] ${line(result)}`);
    console.log(
      `[${mode} #${run}] opened in the window by rule: ${byRule(openedByRule)}; active at the end by rule: ${byRule(activeByRule)}`,
    );
    for (const l of profileLines ?? []) console.log(`[${mode} #${run}] ${l}`);
    return result;
  } finally {
    flapper?.stop();
    inspector?.close();
    if (fleet) {
      fleet.kill();
      fleets.delete(fleet);
    }
    await stopChild(server.child);
  }
}

function line(r: RunResult): string {
  return (
    `CPU ${r.cpuS.toFixed(1)} s (${r.cpuPct.toFixed(0)} % of a core), ${r.msgs} msgs (${r.telemetry} telemetry), ` +
    `${r.cpuMsPer1k.toFixed(1)} CPU-ms / 1,000 msgs, RSS ${r.rssMiB.toFixed(0)} MiB, ${r.evaluations} evaluations, ` +
    `alerts opened ${r.opened} (${r.openedFlapping} flapping) / resolved ${r.resolved}, ${r.activeAtEnd} active, ` +
    `${r.flapActions} flapper actions, load ${r.load1.toFixed(1)}`
  );
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const guard = setTimeout(() => {
    console.error('benchmark exceeded its time limit; stopping');
    killEverything();
    process.exit(3);
  }, HARD_LIMIT_MS);
  guard.unref();
  if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });
  const workDir = mkdtempSync(join(tmpdir(), 'loa-health-bench-'));
  console.log(
    `health benchmark: ${N} clusters in ${COMMUNES} communes, ${FLAP_PERCENT} % flapping, telemetry every ${TELEMETRY_MS} ms ` +
      `(≈${RATE} msg/s offered), warm-up ${WARMUP_S} s, ${DURATION_S} s window, ${RUNS} runs per mode; ` +
      `${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ` +
      `load ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}, ${new Date().toISOString()}`,
  );
  const results: RunResult[] = [];
  try {
    for (let run = 1; run <= RUNS; run++)
      for (const mode of MODES) results.push(await runOnce(mode, run, workDir));
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  report(results);
}

function report(results: RunResult[]): void {
  const rows = results.map((r) => [
    r.mode,
    String(r.run),
    r.cpuS.toFixed(1),
    r.cpuPct.toFixed(0),
    String(r.msgs),
    r.cpuMsPer1k.toFixed(1),
    r.rssMiB.toFixed(0),
    String(r.evaluations),
    `${r.opened} (${r.openedFlapping})`,
    String(r.resolved),
    r.load1.toFixed(1),
  ]);
  const head = [
    'mode',
    'run',
    'CPU s',
    'CPU %',
    'msgs',
    'CPU ms/1k msgs',
    'RSS MiB',
    'evaluations',
    'opened (flapping)',
    'resolved',
    'load',
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  console.log('\nresults');
  for (const r of [head, ...rows]) console.log(`  ${r.map((c, i) => c.padStart(widths[i])).join('  ')}`);
  const off = results.filter((r) => r.mode === 'off');
  const on = results.filter((r) => r.mode === 'on');
  const m = (rs: RunResult[], f: (r: RunResult) => number) => median(rs.map(f));
  console.log('\nmedians');
  for (const [mode, rs] of [
    ['off', off],
    ['on', on],
  ] as const) {
    if (rs.length === 0) continue;
    console.log(
      `  ${mode.padEnd(3)}  CPU ${m(rs, (r) => r.cpuPct).toFixed(0)} % of a core, ${m(rs, (r) => r.msgs / r.windowS).toFixed(0)} msgs/s, ` +
        `${m(rs, (r) => r.cpuMsPer1k).toFixed(1)} CPU-ms / 1,000 msgs, RSS ${m(rs, (r) => r.rssMiB).toFixed(0)} MiB, ` +
        `${m(rs, (r) => r.evaluations / r.windowS).toFixed(0)} evaluations/s, ${m(rs, (r) => r.opened).toFixed(0)} opened / ` +
        `${m(rs, (r) => r.resolved).toFixed(0)} resolved per window`,
    );
  }
  let overhead: number | null = null;
  let pairs: number[] = [];
  if (off.length > 0 && on.length > 0) {
    const offPer = m(off, (r) => r.cpuMsPer1k);
    const onPer = m(on, (r) => r.cpuMsPer1k);
    overhead = ((onPer - offPer) / offPer) * 100;
    // Pairwise too: each on run against the off run just before it.
    pairs = on.map((r) => {
      const o = off.find((x) => x.run === r.run);
      return o ? ((r.cpuMsPer1k - o.cpuMsPer1k) / o.cpuMsPer1k) * 100 : NaN;
    });
    console.log(
      `\noverhead of health rules, CPU per message (median on vs median off): ${overhead >= 0 ? '+' : ''}${overhead.toFixed(1)} %` +
        ` (pairs: ${pairs.map((p) => `${p >= 0 ? '+' : ''}${p.toFixed(1)} %`).join(', ')}); target ≤ 10 %: ${overhead <= 10 ? 'met' : 'NOT met'}`,
    );
  }
  console.log(
    `\nJSON ${JSON.stringify({ clusters: N, rate: RATE, durationS: DURATION_S, warmupS: WARMUP_S, flapPercent: FLAP_PERCENT, overheadPct: overhead, pairsPct: pairs, runs: results.map((r) => ({ ...r, profile: undefined })) })}`,
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    killEverything();
    process.exit(1);
  },
);
