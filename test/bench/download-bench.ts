/*
 * Media download benchmark (issue 5, measure d): `npm run bench:download -- [--connections 500] [--duration 20]`.
 *
 * Starts the server as a child process, uploads a speech-like source and waits for its device rendition, then
 * serves that same file two ways on loopback: our signed device URL (GET /media/r/:id?exp=&sig=) and a bare
 * nginx (Debian package, configured here, sendfile on). wrk (Debian package) keeps N connections busy with
 * random single-range GETs (64 KiB–1 MiB) and a share of whole-file GETs for a fixed time; its Lua script
 * (media/ranges.lua) checks every response (status, Content-Range, length) and compares the bytes of a sample
 * with the file. Before and after the load, a sample of ranges is fetched from each side and its SHA-256
 * compared with the file's. Sides alternate round by round; medians are quoted. Bounded, stops by itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../e2e/server-process';
import {
  firstLine,
  hardLimit,
  intOption,
  machineLine,
  median,
  packagedFfmpeg,
  reapedChildrenCpuSeconds,
  rssMiB,
  sha256,
  speechSource,
  startBenchServer,
  stopChild,
  treeCpuSeconds,
  until,
  uploadUntilReady,
  type BenchServer,
} from './media/common';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' }, // length of the programme whose rendition is served
    runs: { type: 'string', default: '3' },
    duration: { type: 'string', default: '20' }, // seconds of load per run
    connections: { type: 'string', default: '500' },
    threads: { type: 'string', default: '2' }, // wrk threads
    'whole-percent': { type: 'string', default: '2' }, // share of whole-file GETs, percent
    'compare-every': { type: 'string', default: '10' }, // wrk compares the bytes of every Nth response
    nginx: { type: 'string', default: 'auto' }, // auto | off | path to the binary
    'nginx-workers': { type: 'string', default: 'auto' },
    wrk: { type: 'string', default: 'auto' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(`usage: npm run bench:download -- [--minutes N] [--runs N] [--duration S] [--connections N] [--threads N]
                                 [--whole-percent P] [--compare-every N] [--nginx auto|off|PATH]
                                 [--nginx-workers auto|N] [--wrk auto|PATH]`);
  process.exit(0);
}
const MINUTES = intOption('minutes', args.minutes, 1, 120);
const RUNS = intOption('runs', args.runs, 1, 10);
const DURATION_S = intOption('duration', args.duration, 3, 300);
const CONNECTIONS = intOption('connections', args.connections, 1, 5000);
const THREADS = intOption('threads', args.threads, 1, 16);
const WHOLE_PERCENT = intOption('whole-percent', args['whole-percent'], 0, 100);
const COMPARE_EVERY = intOption('compare-every', args['compare-every'], 1, 1_000_000);
const NGINX_WORKERS =
  args['nginx-workers'] === 'auto' ? 'auto' : intOption('nginx-workers', args['nginx-workers'], 1, 64);
const RANGE_MIN = 64 * 1024;
const RANGE_MAX = 1024 * 1024;
const WARMUP_S = 5;
const HARD_LIMIT_MS = (15 + (RUNS * 2 * (DURATION_S + 15) + 2 * WARMUP_S) / 60) * 60_000;
const LUA = join(__dirname, 'media', 'ranges.lua');

function binary(option: string, candidates: string[]): string | null {
  if (option === 'off') return null;
  if (option !== 'auto') return existsSync(option) ? option : null;
  return candidates.find((c) => existsSync(c)) ?? null;
}

// ---------------------------------------------------------------- nginx peer

interface Peer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

async function startNginx(nginx: string, workDir: string, fileName: string, file: Buffer): Promise<Peer> {
  const prefix = join(workDir, 'nginx');
  const root = join(prefix, 'www');
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, fileName), file);
  // Workers run as nobody: they must be able to read the file.
  for (const dir of [workDir, prefix, root]) chmodSync(dir, 0o755);
  const port = await freePort();
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(
    conf,
    [
      `worker_processes ${NGINX_WORKERS};`,
      'daemon off;',
      `pid ${join(prefix, 'nginx.pid')};`,
      `error_log ${join(prefix, 'error.log')} warn;`,
      'events { worker_connections 4096; }',
      'http {',
      '  access_log off;',
      '  sendfile on;',
      '  tcp_nopush on;',
      '  keepalive_timeout 65;',
      '  keepalive_requests 1000000;', // as our server: no forced reconnects
      '  types { audio/mpeg mp3; }',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
        (t) => `  ${t}_temp_path ${join(prefix, `${t}_temp`)};`,
      ),
      `  server { listen 127.0.0.1:${port}; root ${root}; location / { } }`,
      '}',
      '',
    ].join('\n'),
  );
  const child = spawn(nginx, ['-p', prefix, '-c', conf, '-e', join(prefix, 'error.log')], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}/${fileName}`;
  // An exited nginx ends the wait at once; its reason is in error.log.
  const up = await until(
    'nginx up',
    async () => child.exitCode !== null || (await fetch(url, { method: 'HEAD' })).ok,
    10_000,
  ).catch(() => false);
  if (!up || child.exitCode !== null) {
    await stopChild(child, 'SIGQUIT');
    const log = existsSync(join(prefix, 'error.log')) ? readFileSync(join(prefix, 'error.log'), 'utf8') : '';
    throw new Error(`nginx did not start (exit ${child.exitCode}): ${log.slice(-1000)}`);
  }
  return { url, pid: child.pid!, stop: () => stopChild(child, 'SIGQUIT') };
}

// ---------------------------------------------------------------- checks and load

/** Fetches random ranges (and whole files) and compares each body's SHA-256 with the file's bytes. */
async function verify(url: string, file: Buffer, count: number): Promise<number> {
  let checked = 0;
  const one = async (i: number) => {
    const whole = i % 20 === 0;
    const len = Math.min(file.length, RANGE_MIN + Math.floor(Math.random() * (RANGE_MAX - RANGE_MIN + 1)));
    const first = whole ? 0 : Math.floor(Math.random() * (file.length - len + 1));
    const last = whole ? file.length - 1 : first + len - 1;
    const res = await fetch(url, { headers: whole ? {} : { range: `bytes=${first}-${last}` } });
    const body = Buffer.from(await res.arrayBuffer());
    const expectStatus = whole ? 200 : 206;
    const range = res.headers.get('content-range');
    if (res.status !== expectStatus) throw new Error(`${url}: HTTP ${res.status} for ${first}-${last}`);
    if (!whole && range !== `bytes ${first}-${last}/${file.length}`)
      throw new Error(`${url}: Content-Range ${range} for ${first}-${last}`);
    if (sha256(body) !== sha256(file.subarray(first, last + 1)))
      throw new Error(`${url}: the bytes of ${first}-${last} differ from the file (SHA-256)`);
    checked++;
  };
  for (let i = 0; i < count; i += 20)
    await Promise.all(Array.from({ length: Math.min(20, count - i) }, (_, k) => one(i + k)));
  return checked;
}

interface WrkResult {
  durationUs: number;
  requests: number;
  bytes: number;
  connectErrors: number;
  readErrors: number;
  writeErrors: number;
  statusErrors: number;
  timeouts: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  maxUs: number;
  meanUs: number;
  firstError: string;
  ok: number;
  partial: number;
  whole: number;
  body_bytes: number;
  compared: number;
  bad_status: number;
  bad_range: number;
  bad_length: number;
  bad_bytes: number;
  unrequested: number;
}

interface LoadRun extends WrkResult {
  side: 'ours' | 'nginx';
  mbPerS: number;
  reqPerS: number;
  errors: number;
  serverCpuPct: number;
  wrkCpuPct: number;
}

async function load(
  wrk: string,
  side: LoadRun['side'],
  url: string,
  serverPid: number,
  referencePath: string,
  size: number,
  seconds: number,
  seed: number,
): Promise<LoadRun> {
  const wrkArgs = [
    ...['-t', String(THREADS), '-c', String(CONNECTIONS), '-d', `${seconds}s`, '--timeout', '60s'],
    ...['-s', LUA, url, '--', String(size), referencePath, String(WHOLE_PERCENT / 100)],
    ...[String(COMPARE_EVERY), String(seed), String(RANGE_MIN), String(RANGE_MAX)],
  ];
  const server0 = treeCpuSeconds(serverPid);
  const wrk0 = reapedChildrenCpuSeconds();
  const child: ChildProcess = spawn(wrk, wrkArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (out += c));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const server1 = treeCpuSeconds(serverPid);
  const wrk1 = reapedChildrenCpuSeconds();
  const line = /^WRK_RESULT (.*)$/m.exec(out);
  if (code !== 0 || !line) throw new Error(`wrk failed (exit ${code}):\n${out.slice(-3000)}`);
  const r = JSON.parse(line[1]) as WrkResult;
  const s = r.durationUs / 1e6;
  const errors =
    r.connectErrors +
    r.readErrors +
    r.writeErrors +
    r.statusErrors +
    r.timeouts +
    r.bad_status +
    r.bad_range +
    r.bad_length +
    r.bad_bytes +
    r.unrequested;
  return {
    ...r,
    side,
    mbPerS: r.body_bytes / 1e6 / s,
    reqPerS: r.requests / s,
    errors,
    serverCpuPct: ((server1 - server0) / s) * 100,
    wrkCpuPct: ((wrk1 - wrk0) / s) * 100,
  };
}

function describe(run: LoadRun): string {
  return (
    `${run.mbPerS.toFixed(0)} MB/s, ${run.reqPerS.toFixed(0)} req/s, latency p50 ${(run.p50Us / 1000).toFixed(0)} ms ` +
    `p99 ${(run.p99Us / 1000).toFixed(0)} ms; ${run.requests} responses (${run.partial} × 206, ${run.whole} × 200, ` +
    `${run.compared} byte-compared), errors ${run.errors}${run.firstError ? ` (${run.firstError})` : ''}; ` +
    `CPU server ${run.serverCpuPct.toFixed(0)} %, wrk ${run.wrkCpuPct.toFixed(0)} % of one core`
  );
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const wrk = binary(args.wrk as string, ['/usr/bin/wrk', '/usr/local/bin/wrk']);
  if (!wrk) {
    console.error('wrk (the load generator) is not installed: apt-get install -y wrk (or pass --wrk PATH)');
    process.exit(2);
  }
  const nginx = binary(args.nginx as string, ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx']);
  const workDir = mkdtempSync(join(tmpdir(), 'loa-download-bench-'));
  let server: BenchServer | null = null;
  let peer: Peer | null = null;
  hardLimit(HARD_LIMIT_MS, () => rmSync(workDir, { recursive: true, force: true }));
  try {
    const binaries = packagedFfmpeg();
    console.log(
      `download benchmark: ${CONNECTIONS} connections, ${THREADS} wrk threads, ${DURATION_S} s per run, ${RUNS} runs per side; ` +
        `random ranges ${RANGE_MIN / 1024} KiB–${RANGE_MAX / 1024} KiB, ${WHOLE_PERCENT} % whole-file GETs`,
    );
    console.log(`machine: ${machineLine()}`);
    console.log(`wrk: ${firstLine(wrk, ['-v'])}`);
    console.log(
      nginx
        ? `nginx: ${firstLine(nginx, ['-v'])} (${NGINX_WORKERS} workers, sendfile on, access_log off)`
        : 'nginx: not installed (apt-get install -y nginx-light, or pass --nginx PATH): measuring ours only',
    );
    const source = await speechSource(binaries.ffmpeg, MINUTES);
    server = await startBenchServer(workDir, {
      FFMPEG_PATH: binaries.ffmpeg,
      FFPROBE_PATH: binaries.ffprobe,
    });
    const { asset } = await uploadUntilReady(server.baseUrl, server.unitId, source, 15 * 60_000);
    const rendition = asset.renditions[0];
    const ours = server.signer.url(rendition.id, Date.now() + 3 * 3600_000);
    const fetched = await fetch(ours);
    const file = Buffer.from(await fetched.arrayBuffer());
    if (fetched.status !== 200 || sha256(file) !== rendition.sha256)
      throw new Error(
        `the rendition does not download whole (HTTP ${fetched.status}) or its SHA-256 differs`,
      );
    const referencePath = join(workDir, 'reference.mp3');
    writeFileSync(referencePath, file);
    console.log(
      `file: rendition of a ${MINUTES}-minute programme, ${file.length} bytes, sha256 ${rendition.sha256.slice(0, 16)}…`,
    );
    console.log(`ours: ${ours.replace(/sig=[^&]+/, 'sig=…')}`);
    const sides: { side: LoadRun['side']; url: string; pid: number }[] = [
      { side: 'ours', url: ours, pid: server.pid },
    ];
    if (nginx) {
      peer = await startNginx(nginx, workDir, `${rendition.id}.mp3`, file);
      console.log(`nginx: ${peer.url}`);
      sides.push({ side: 'nginx', url: peer.url, pid: peer.pid });
    }

    for (const s of sides)
      console.log(`${s.side}: ${await verify(s.url, file, 200)} ranges verified by SHA-256 before the load`);
    for (const s of sides) {
      const warm = await load(wrk, s.side, s.url, s.pid, referencePath, file.length, WARMUP_S, 1);
      console.log(`warm-up ${s.side}: ${describe(warm)}`);
    }
    const runs: LoadRun[] = [];
    for (let round = 1; round <= RUNS; round++) {
      const order = round % 2 === 1 ? sides : [...sides].reverse();
      for (const s of order) {
        const run = await load(
          wrk,
          s.side,
          s.url,
          s.pid,
          referencePath,
          file.length,
          DURATION_S,
          1000 + round,
        );
        runs.push(run);
        console.log(`round ${round} ${s.side}: ${describe(run)}`);
      }
    }
    for (const s of sides)
      console.log(`${s.side}: ${await verify(s.url, file, 200)} ranges verified by SHA-256 after the load`);
    console.log(`ours: server RSS after the load ${rssMiB(server.pid).toFixed(0)} MiB`);

    const of = (side: LoadRun['side']) => runs.filter((r) => r.side === side);
    const summary = (side: LoadRun['side']) => {
      const r = of(side);
      return {
        mbPerS: median(r.map((x) => x.mbPerS)),
        reqPerS: median(r.map((x) => x.reqPerS)),
        p50Ms: median(r.map((x) => x.p50Us / 1000)),
        p99Ms: median(r.map((x) => x.p99Us / 1000)),
        errors: r.reduce((n, x) => n + x.errors, 0),
        responses: r.reduce((n, x) => n + x.requests, 0),
        compared: r.reduce((n, x) => n + x.compared, 0),
        serverCpuPct: median(r.map((x) => x.serverCpuPct)),
        // Steadier than MB/s on a shared machine: what each served byte costs the server.
        cpuSPerGB: median(r.map((x) => x.serverCpuPct / 100 / (x.mbPerS / 1000))),
        wrkCpuPct: median(r.map((x) => x.wrkCpuPct)),
      };
    };
    const o = summary('ours');
    const n = nginx ? summary('nginx') : null;
    const rows: [string, string, string][] = [
      ['MB/s (body bytes, 10^6), median', o.mbPerS.toFixed(0), n ? n.mbPerS.toFixed(0) : '—'],
      ['requests/s, median', o.reqPerS.toFixed(0), n ? n.reqPerS.toFixed(0) : '—'],
      ['latency p50 (ms), median of runs', o.p50Ms.toFixed(0), n ? n.p50Ms.toFixed(0) : '—'],
      ['latency p99 (ms), median of runs', o.p99Ms.toFixed(0), n ? n.p99Ms.toFixed(0) : '—'],
      ['responses checked (all runs)', String(o.responses), n ? String(n.responses) : '—'],
      ['  of which bytes compared', String(o.compared), n ? String(n.compared) : '—'],
      ['errors (all runs)', String(o.errors), n ? String(n.errors) : '—'],
      ['server CPU (% of one core), median', o.serverCpuPct.toFixed(0), n ? n.serverCpuPct.toFixed(0) : '—'],
      ['server CPU-seconds per GB served, median', o.cpuSPerGB.toFixed(2), n ? n.cpuSPerGB.toFixed(2) : '—'],
      ['wrk CPU (% of one core), median', o.wrkCpuPct.toFixed(0), n ? n.wrkCpuPct.toFixed(0) : '—'],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log(`\nresults (${RUNS} runs of ${DURATION_S} s per side, ${CONNECTIONS} connections)`);
    console.log(`  ${''.padEnd(width)}  ${'ours'.padStart(8)}  ${'nginx'.padStart(8)}`);
    for (const [k, a, b] of rows) console.log(`  ${k.padEnd(width)}  ${a.padStart(8)}  ${b.padStart(8)}`);
    if (n) {
      const pairs = of('ours').map((r, i) => r.mbPerS / of('nginx')[i].mbPerS);
      console.log(
        `  ratio ours ÷ nginx, MB/s: ${(o.mbPerS / n.mbPerS).toFixed(2)} (medians); per round ${pairs.map((p) => p.toFixed(2)).join(', ')}`,
      );
      console.log(`  ratio ours ÷ nginx, requests/s: ${(o.reqPerS / n.reqPerS).toFixed(2)}`);
    }
    console.log(
      `\nJSON ${JSON.stringify({ connections: CONNECTIONS, durationS: DURATION_S, runs: RUNS, size: file.length, ours: o, nginx: n, all: runs })}`,
    );
  } finally {
    await peer?.stop();
    await server?.stop();
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
