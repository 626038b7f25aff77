/*
 * Province report benchmark (issue 6): `npm run bench:report -- [--clusters 10000] [--days 182]`.
 *
 * Generates one province (Lạng Sơn's 11 districts and ~200 communes, villages, stations, N IP + 15 % FM
 * clusters, two daily bulletins per commune, `days` of presence transitions, play logs, alerts and work
 * orders: ~7 million play-log rows at the default size) with set-based SQL into a private PostgreSQL (or
 * --database-url, or --pglite), starts the real server on it, and times — median of --runs, each run
 * printed — the province report over the whole period as json, csv and xlsx (first byte, total, bytes,
 * rows), the job path (time to done, progress seen, download), and availability by commune; prints server
 * RSS, checks the report's totals against the generated data, and ends with a markdown block for
 * docs/benchmarks.md. Loopback only, bounded by --timeout-min, stops by itself and deletes what it made.
 */
import {
  readFileSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  existsSync,
  writeFileSync,
  statSync,
  openSync,
  readSync,
  closeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import ExcelJS from 'exceljs';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { openDatabase } from '@loa-xa/persistence';
import { generate, periodOf, yesterdayLocal, type GenerateResult, type Period } from './report/generate';
import { PrivatePostgres, PG_SETTINGS } from './report/postgres';
import { ReportBenchServer } from './report/server';
import { computeTruth, mismatches, REPORT_CHECKS, type Truth } from './report/truth';
import { median } from './media/common';

const { values: args } = parseArgs({
  options: {
    clusters: { type: 'string', default: '10000' },
    days: { type: 'string', default: '182' },
    to: { type: 'string' },
    runs: { type: 'string', default: '3' },
    'database-url': { type: 'string' },
    pglite: { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    keep: { type: 'boolean', default: false },
    explain: { type: 'boolean', default: true },
    'timeout-min': { type: 'string', default: '90' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(`usage: npm run bench:report -- [--clusters 10000] [--days 182] [--to YYYY-MM-DD] [--runs 3]
        [--database-url postgres://… (an empty database) | --pglite] [--data-dir DIR]
        [--keep] [--no-explain] [--timeout-min 90]
  Without --database-url or --pglite a private PostgreSQL is started from /usr/lib/postgresql/*/bin
  (apt-get install -y postgresql) on a free loopback port, and deleted at the end. --data-dir keeps the
  generated database (private cluster or PGlite) in DIR and reuses it when run again with the same sizes.`);
  process.exit(0);
}

function int(name: keyof typeof args, min: number, max: number): number {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < min || value > max) {
    console.error(`--${name} must be an integer in ${min}..${max}`);
    process.exit(2);
  }
  return value;
}
const CLUSTERS = int('clusters', 100, 200_000);
const DAYS = int('days', 1, 731);
const RUNS = int('runs', 1, 20);
const TIMEOUT_MS = int('timeout-min', 1, 600) * 60_000;
const TO = args.to ?? yesterdayLocal();
const FORMATS = ['json', 'csv', 'xlsx'] as const;

// ---------------------------------------------------------------- cleanup and time limit

const cleanups: (() => Promise<void> | void)[] = [];
let cleaning = false;
async function cleanup(): Promise<void> {
  if (cleaning) return;
  cleaning = true;
  for (const step of cleanups.reverse()) {
    try {
      await step();
    } catch (err) {
      console.error(`cleanup: ${(err as Error).message}`);
    }
  }
}
const limit = setTimeout(() => {
  console.error(`benchmark exceeded its time limit (${TIMEOUT_MS / 60_000} min); stopping`);
  void cleanup().finally(() => process.exit(3));
}, TIMEOUT_MS);
limit.unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void cleanup().finally(() => process.exit(130)));

// ---------------------------------------------------------------- helpers

const s = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : '—');
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;
const kib = (bytes: number) => (bytes >= 2 ** 20 ? mib(bytes) : `${(bytes / 1024).toFixed(1)} KiB`);

/** The private PostgreSQL whose CPU time is measured (null: PGlite inside the server, or an outside database). */
let privatePg: PrivatePostgres | null = null;

interface Cost {
  /** Peak RSS of the server process, MiB (sampled every 100 ms). */
  peakMiB: number;
  /** CPU seconds of the server process (PGlite included when embedded). */
  serverCpuS: number;
  /** CPU seconds of the private PostgreSQL (all its processes); NaN when not measurable. */
  pgCpuS: number;
  /** Slowest answer of GET /health/live asked every 100 ms meanwhile: how long the event loop was held. */
  stallMs: number;
}

/** Asks GET /health/live one request at a time, 100 ms apart, until stopped; returns the slowest answer. */
function liveProbe(server: ReportBenchServer): () => Promise<number> {
  let running = true;
  let worst = 0;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      await fetch(`${server.baseUrl}/health/live`)
        .then((r) => r.arrayBuffer())
        .catch(() => undefined);
      worst = Math.max(worst, performance.now() - t0);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return async () => {
    running = false;
    await loop;
    return worst;
  };
}

/** Runs `work`, sampling the server's RSS every 100 ms and the CPU the server and PostgreSQL spent on it. */
async function measured<T>(server: ReportBenchServer, work: () => Promise<T>): Promise<{ result: T } & Cost> {
  let peak = server.rssMiB();
  const timer = setInterval(() => (peak = Math.max(peak, server.rssMiB())), 100);
  const cpu0 = server.cpuSeconds();
  const pg0 = privatePg ? privatePg.cpuSeconds() : NaN;
  const stopProbe = liveProbe(server);
  try {
    const result = await work();
    peak = Math.max(peak, server.rssMiB());
    const serverCpuS = server.cpuSeconds() - cpu0;
    const pgCpuS = privatePg ? privatePg.cpuSeconds() - pg0 : NaN;
    return { result, peakMiB: peak, serverCpuS, pgCpuS, stallMs: await stopProbe() };
  } finally {
    clearInterval(timer);
    await stopProbe();
  }
}

const cpuText = (c: Cost) =>
  `CPU: server ${c.serverCpuS.toFixed(1)} s${Number.isFinite(c.pgCpuS) ? `, PostgreSQL ${c.pgCpuS.toFixed(1)} s` : ''}; ` +
  `server peak RSS ${c.peakMiB.toFixed(0)} MiB; /health/live slowest ${s(c.stallMs)}`;

interface Download extends Cost {
  status: number;
  headersMs: number;
  firstByteMs: number;
  totalMs: number;
  body: Buffer;
}

/** GET with the time to headers, to the first body byte and to the last. */
async function timedGet(server: ReportBenchServer, path: string): Promise<Download> {
  const { result, ...cost } = await measured(server, async () => {
    const t0 = performance.now();
    const res = await server.fetch(path);
    const headersMs = performance.now() - t0;
    let firstByteMs = NaN;
    const chunks: Buffer[] = [];
    if (res.body) {
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (!Number.isFinite(firstByteMs)) firstByteMs = performance.now() - t0;
        chunks.push(Buffer.from(value));
      }
    }
    return {
      status: res.status,
      headersMs,
      firstByteMs,
      totalMs: performance.now() - t0,
      body: Buffer.concat(chunks),
    };
  });
  return { ...result, ...cost };
}

interface Parsed {
  rows: number;
  totals: Record<string, unknown> | null;
  detail: string;
}

async function parseReport(format: string, body: Buffer): Promise<Parsed> {
  if (format === 'json') {
    const report = JSON.parse(body.toString('utf8')) as {
      rows: { level: string }[];
      totals: Record<string, unknown>;
      spendingTotal: { orders: number; costVnd: number };
    };
    const communes = report.rows.filter((r) => r.level === 'commune').length;
    return {
      rows: report.rows.length,
      totals: {
        ...report.totals,
        spendingOrders: report.spendingTotal?.orders,
        spendingVnd: report.spendingTotal?.costVnd,
      },
      detail: `${report.rows.length - communes} districts + ${communes} communes`,
    };
  }
  if (format === 'csv') {
    const lines = body
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .filter(Boolean);
    const header = splitCsv(lines[0]);
    const total = lines.map(splitCsv).find((cells) => cells[0] === 'total');
    const totals = total ? Object.fromEntries(header.map((h, i) => [h, total[i]])) : null;
    return { rows: lines.length - 1, totals, detail: `${lines.length - 1} lines after the header` };
  }
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as unknown as ArrayBuffer);
  const sheets = workbook.worksheets.map((w) => `${w.name} ${w.actualRowCount}`);
  return {
    rows: workbook.worksheets[0]?.actualRowCount ?? 0,
    totals: null,
    detail: `sheets: ${sheets.join(', ')}`,
  };
}

/** One CSV line into cells (quotes as RFC 4180). */
function splitCsv(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

function cpuModel(): string {
  try {
    return (
      /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ??
      cpus()[0]?.model ??
      '?'
    );
  } catch {
    return cpus()[0]?.model ?? '?';
  }
}

// ---------------------------------------------------------------- database

interface Database {
  kind: 'postgres' | 'pglite';
  url: string | null;
  /** DATA_DIR for the server (PGlite lives in DATA_DIR/pglite). */
  dataDir: string;
  pg: PrivatePostgres | null;
  version: string;
  settings: string;
}

async function prepareDatabase(): Promise<Database> {
  // The server's DATA_DIR; with --pglite --data-dir, the kept one (PGlite lives in DATA_DIR/pglite).
  const keptPglite = args.pglite && args['data-dir'];
  if (keptPglite) mkdirSync(args['data-dir'] as string, { recursive: true });
  const dataDir = keptPglite
    ? (args['data-dir'] as string)
    : mkdtempSync(join(tmpdir(), 'loa-report-bench-'));
  cleanups.push(() => {
    if (keptPglite) return;
    if (args.keep) console.log(`kept ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  });
  if (args.pglite)
    return {
      kind: 'pglite',
      url: null,
      dataDir,
      pg: null,
      version: '',
      settings: 'PGlite (embedded, shared_buffers 32MB)',
    };
  if (args['database-url'])
    return {
      kind: 'postgres',
      url: args['database-url'],
      dataDir,
      pg: null,
      version: '',
      settings: 'as given (--database-url)',
    };
  const settings = {
    ...PG_SETTINGS,
    // Loaded but silent (its default log_min_duration is -1) until explainSlowest turns it on with ALTER SYSTEM:
    // a setting given here on the command line could not be changed by a reload.
    ...(args.explain ? { shared_preload_libraries: 'auto_explain' } : {}),
  };
  const pg = await PrivatePostgres.start(settings, args['data-dir']);
  if (!pg) process.exit(2);
  privatePg = pg;
  cleanups.push(() => pg.stop(args.keep || Boolean(args['data-dir'])));
  const shown = Object.entries(PG_SETTINGS)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return {
    kind: 'postgres',
    url: pg.url,
    dataDir,
    pg,
    version: '',
    settings: `private cluster on loopback (${shown}; otherwise defaults)`,
  };
}

function openGenerated(db: Database): Promise<DataSource> {
  return openDatabase(db.url ? { databaseUrl: db.url } : { pgliteDir: join(db.dataDir, 'pglite') });
}

interface Meta {
  kind: Database['kind'];
  clusters: number;
  days: number;
  to: string;
  generation: GenerateResult;
  /** The administrator the first server start created (a throw-away local database). */
  adminPassword: string;
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadAtStart = loadavg()[0];
  const machine = {
    nproc: cpus().length,
    cpu: cpuModel(),
    ramGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
  console.log(`report benchmark: ${CLUSTERS} IP clusters, ${DAYS} days to ${TO}, ${RUNS} runs`);
  console.log(`machine: nproc ${machine.nproc}, ${machine.cpu}, ${machine.ramGiB} GiB, node ${machine.node}`);

  const db = await prepareDatabase();
  const ds = await openGenerated(db);
  let dsOpen = true;
  cleanups.push(async () => {
    if (dsOpen) await ds.destroy();
  });
  const [{ version }] = (await ds.query(`SELECT version()`)) as { version: string }[];
  db.version = version.split(' on ')[0].replace(/,.*$/, '');
  console.log(`database: ${db.version} — ${db.settings}`);

  // Generate, or reuse what a kept --data-dir holds.
  const metaFile = args['data-dir'] ? join(args['data-dir'], 'bench-meta.json') : null;
  let meta: Meta | null =
    metaFile && existsSync(metaFile) ? (JSON.parse(readFileSync(metaFile, 'utf8')) as Meta) : null;
  if (meta && (meta.kind !== db.kind || meta.clusters !== CLUSTERS || meta.days !== DAYS || meta.to !== TO)) {
    throw new Error(
      `${args['data-dir']} holds ${meta.kind} ${meta.clusters} clusters × ${meta.days} days to ${meta.to}; delete it or ask for the same`,
    );
  }
  if (meta) {
    console.log(
      `\nreusing the data generated earlier in ${args['data-dir']} (${(meta.generation.totalMs / 1000).toFixed(1)} s then)`,
    );
  } else {
    console.log('\ngenerating');
    const generation = await generate(ds, { clusters: CLUSTERS, days: DAYS, to: TO });
    meta = {
      kind: db.kind,
      clusters: CLUSTERS,
      days: DAYS,
      to: TO,
      generation,
      adminPassword: `pw-${randomBytes(12).toString('hex')}`,
    };
    if (metaFile) writeFileSync(metaFile, JSON.stringify(meta));
  }
  const { generation } = meta;
  const period: Period = periodOf(TO, DAYS);
  const sizes = (await ds.query(
    `SELECT pg_size_pretty(pg_database_size(current_database())) AS db,
       pg_size_pretty(pg_total_relation_size('play_log')) AS play_log`,
  )) as { db: string; play_log: string }[];
  console.log(`  database size ${sizes[0].db} (play_log with its indexes ${sizes[0].play_log})`);

  const t = performance.now();
  const truth = await computeTruth(ds, period);
  console.log(`  recomputed the figures from the tables in ${s(performance.now() - t)}`);
  await ds.destroy();
  dsOpen = false;

  // The server on that database.
  const server = new ReportBenchServer(db.dataDir, db.url, meta.adminPassword);
  cleanups.push(() => server.stop());
  await server.start();
  const restMiB = server.rssMiB();
  console.log(`\nserver ready in ${s(server.startupMs)} (RSS ${restMiB.toFixed(0)} MiB)`);

  const q = `from=${period.from}&to=${period.to}&unit=${generation.provinceId}`;
  const probe = await server.fetch(`/api/v1/reports/province?${q}&format=json`);
  await probe.arrayBuffer();
  if (probe.status === 404) {
    console.error('GET /api/v1/reports/province answers 404: the report routes are not there yet');
    printMarkdown({
      machine,
      db,
      generation,
      period,
      startedAt,
      loadAtStart,
      results: null,
      restMiB,
      startupMs: server.startupMs,
    });
    process.exitCode = 1;
    return;
  }

  const problems: string[] = [];
  const results: Results = { formats: {}, job: null, availability: null, explain: [] };

  // Direct downloads, format by format.
  for (const format of FORMATS) {
    console.log(`\nGET /api/v1/reports/province?…&format=${format}`);
    const runs: Download[] = [];
    let parsed: Parsed | null = null;
    for (let i = 1; i <= RUNS; i++) {
      const d = await timedGet(server, `/api/v1/reports/province?${q}&format=${format}`);
      if (d.status !== 200)
        throw new Error(`format=${format} → ${d.status}: ${d.body.toString('utf8').slice(0, 500)}`);
      parsed = await parseReport(format, d.body);
      runs.push(d);
      console.log(
        `  run ${i}: first byte ${s(d.firstByteMs)} (headers ${s(d.headersMs)}), total ${s(d.totalMs)}, ` +
          `${kib(d.body.length)}, ${parsed.rows} rows (${parsed.detail}); ${cpuText(d)}`,
      );
    }
    results.formats[format] = { runs, parsed: parsed as Parsed };
    if (format === 'json' && parsed?.totals) {
      problems.push(
        ...mismatches('json totals', parsed.totals, truth, [
          ...REPORT_CHECKS,
          { key: 'spendingOrders', tolerance: 0 },
          { key: 'spendingVnd', tolerance: 0 },
        ]),
      );
    }
    if (format === 'csv' && parsed?.totals) {
      const json = results.formats.json?.parsed.totals ?? {};
      for (const [k, v] of Object.entries(parsed.totals)) {
        if (!(k in json) || v === '') continue;
        if (String(json[k]) !== v) problems.push(`csv total.${k}: ${v} ≠ json ${String(json[k])}`);
      }
    }
    if (format === 'xlsx' && parsed) {
      const jsonRows = results.formats.json?.parsed.rows ?? 0;
      if (parsed.rows < jsonRows)
        problems.push(`xlsx main sheet has ${parsed.rows} rows for ${jsonRows} report rows`);
    }
  }

  // The job path.
  console.log('\nPOST /api/v1/reports/province/jobs (xlsx) → GET /api/v1/reports/jobs/:id → download');
  const jobRuns: JobRun[] = [];
  for (let i = 1; i <= RUNS; i++) {
    const run = await jobRun(server, period, generation.provinceId);
    jobRuns.push(run);
    console.log(
      `  run ${i}: done in ${s(run.doneMs)} (${run.polls} polls), download ${s(run.download.totalMs)} ` +
        `${kib(run.download.body.length)}; ${cpuText(run)}\n    seen: ${run.seen.join(' → ')}`,
    );
    const direct = results.formats.xlsx?.parsed.rows;
    const fromJob = (await parseReport('xlsx', run.download.body)).rows;
    if (direct !== undefined && fromJob !== direct)
      problems.push(`job xlsx has ${fromJob} rows, direct ${direct}`);
  }
  results.job = jobRuns;
  if (server.resets > 0)
    console.log(`  (${server.resets} polls met a socket the server had closed and were sent again)`);

  // Availability by commune.
  console.log(`\nGET /api/v1/availability?…&level=commune`);
  const availRuns: Download[] = [];
  let availRows = 0;
  for (let i = 1; i <= RUNS; i++) {
    const d = await timedGet(
      server,
      `/api/v1/availability?from=${period.from}&to=${period.to}&unitId=${generation.provinceId}&level=commune`,
    );
    if (d.status !== 200)
      throw new Error(`availability → ${d.status}: ${d.body.toString('utf8').slice(0, 500)}`);
    const view = JSON.parse(d.body.toString('utf8')) as { rows: unknown[]; total: Record<string, unknown> };
    availRows = view.rows.length;
    availRuns.push(d);
    console.log(
      `  run ${i}: total ${s(d.totalMs)}, ${kib(d.body.length)}, ${availRows} communes; ${cpuText(d)}`,
    );
    if (i === 1)
      problems.push(
        ...mismatches('availability total', view.total, truth, [
          { key: 'clusters', tolerance: 0, truthKey: 'ipInService' },
          { key: 'onlineMs', tolerance: 20_000 },
          { key: 'observedMs', tolerance: 20_000 },
          { key: 'scheduledOccurrences', tolerance: 0 },
          { key: 'startedOccurrences', tolerance: 0 },
        ]),
      );
  }
  results.availability = { runs: availRuns, rows: availRows };

  // Where the time goes: the plans of the report's slow statements (private PostgreSQL only).
  if (db.pg && args.explain) results.explain = await explainSlowest(server, db.pg, q);

  console.log('\ncheck against the generated data');
  if (problems.length === 0) console.log('  every checked figure matches');
  for (const p of problems) console.log(`  MISMATCH ${p}`);
  console.log(
    `  data: played ${truth.playedHours} h of ${truth.scheduledHours} h scheduled, uptime ${truth.uptimePercent} %, ` +
      `${truth.openAlerts} alerts open at the end, ${truth.spendingOrders} orders commissioned (${truth.spendingVnd.toLocaleString('en')} VND)`,
  );
  printMarkdown({
    machine,
    db,
    generation,
    period,
    startedAt,
    loadAtStart,
    results,
    restMiB,
    startupMs: server.startupMs,
    truth,
    problems,
  });
  if (problems.length) process.exitCode = 1;
}

interface JobRun extends Cost {
  doneMs: number;
  polls: number;
  /** Each stage and progress the polls saw, with when it was first seen. */
  seen: string[];
  download: Download;
}

interface Results {
  formats: Partial<Record<(typeof FORMATS)[number], { runs: Download[]; parsed: Parsed }>>;
  job: JobRun[] | null;
  availability: { runs: Download[]; rows: number } | null;
  explain: string[];
}

async function jobRun(server: ReportBenchServer, period: Period, unit: string): Promise<JobRun> {
  const { result, ...cost } = await measured(server, async () => {
    const t0 = performance.now();
    const job = await server.json<{ id: string }>('POST', '/api/v1/reports/province/jobs', {
      from: period.from,
      to: period.to,
      unit,
      format: 'xlsx',
    });
    const seen: string[] = [];
    let last = '';
    let polls = 0;
    for (;;) {
      const view = await server.json<{
        state: string;
        progress: number;
        stage?: string;
        error?: string | null;
      }>('GET', `/api/v1/reports/jobs/${job.id}`);
      polls++;
      const label = `${view.stage ?? view.state} ${Math.round(view.progress * 100)} %`;
      if (last !== label) seen.push(`${label} @${((performance.now() - t0) / 1000).toFixed(1)} s`);
      last = label;
      if (view.state === 'failed') throw new Error(`report job failed: ${view.error}`);
      if (view.state === 'done') break;
      if (performance.now() - t0 > 30 * 60_000) throw new Error('report job not done after 30 min');
      await new Promise((r) => setTimeout(r, 100));
    }
    const doneMs = performance.now() - t0;
    return { doneMs, polls, seen, id: job.id };
  });
  const download = await timedGet(server, `/api/v1/reports/jobs/${result.id}/download`);
  if (download.status !== 200) throw new Error(`job download → ${download.status}`);
  return { doneMs: result.doneMs, polls: result.polls, seen: result.seen, download, ...cost };
}

/**
 * Turns auto_explain on (ANALYZE, buffers, 300 ms and slower) for one untimed JSON report, and returns the
 * logged plans, slowest first.
 */
async function explainSlowest(server: ReportBenchServer, pg: PrivatePostgres, q: string): Promise<string[]> {
  console.log('\nwhere the time goes (auto_explain, one untimed json report, statements ≥ 300 ms)');
  const client = new Client({ connectionString: pg.url });
  await client.connect();
  const set = async (on: boolean) => {
    await client.query(`ALTER SYSTEM SET auto_explain.log_min_duration = '${on ? '300ms' : '-1'}'`);
    await client.query(`ALTER SYSTEM SET auto_explain.log_analyze = ${on ? 'on' : 'off'}`);
    await client.query(`ALTER SYSTEM SET auto_explain.log_buffers = ${on ? 'on' : 'off'}`);
    // Row counts and buffers without a clock read per row: timing per node would inflate the statements.
    await client.query(`ALTER SYSTEM SET auto_explain.log_timing = off`);
    await client.query(`SELECT pg_reload_conf()`);
    await new Promise((r) => setTimeout(r, 500));
  };
  const logFile = join(pg.dir, 'log');
  const from = statSync(logFile).size;
  try {
    await set(true);
    const d = await timedGet(server, `/api/v1/reports/province?${q}&format=json`);
    console.log(`  (report with instrumentation: ${s(d.totalMs)})`);
  } finally {
    await set(false).catch(() => undefined);
    await client.end();
  }
  const size = statSync(logFile).size;
  const buffer = Buffer.alloc(size - from);
  const fd = openSync(logFile, 'r');
  readSync(fd, buffer, 0, buffer.length, from);
  closeSync(fd);
  const plans = buffer
    .toString('utf8')
    .split(/\n(?=\S.*LOG: {2}duration: )/)
    .filter((block) => /LOG: {2}duration: [\d.]+ ms {2}plan:/.test(block))
    .map((block) => ({ ms: Number(/duration: ([\d.]+) ms/.exec(block)?.[1] ?? 0), block }))
    .sort((a, b) => b.ms - a.ms);
  const out = plans.map((p) => p.block.trim());
  for (const p of plans.slice(0, 4)) {
    const lines = p.block.trim().split('\n');
    console.log(`\n  --- ${p.ms.toFixed(0)} ms`);
    for (const line of lines.slice(0, 80)) console.log(`  ${line}`);
    if (lines.length > 80) console.log(`  … ${lines.length - 80} more lines`);
  }
  if (plans.length === 0) console.log('  no statement took 300 ms or more');
  return out;
}

function printMarkdown(input: {
  machine: { nproc: number; cpu: string; ramGiB: number; node: string };
  db: Database;
  generation: GenerateResult;
  period: Period;
  startedAt: Date;
  loadAtStart: number;
  results: Results | null;
  restMiB: number;
  startupMs: number;
  truth?: Truth;
  problems?: string[];
}): void {
  const { machine, db, generation, period, results } = input;
  const argv = process.argv.slice(2).join(' ');
  const rows = generation.rows;
  const n = (v: number) => v.toLocaleString('en');
  const lines: string[] = [];
  lines.push(`### Province report over ${DAYS} days for ${n(CLUSTERS)} IP clusters (issue 6)`, '');
  lines.push(
    `Machine: nproc ${machine.nproc} (${machine.cpu}), ${machine.ramGiB} GiB RAM, Node ${machine.node}, ` +
      `${db.version} (${db.settings}); ${input.startedAt.toISOString().slice(0, 10)}; ` +
      `load average (1 min) ${input.loadAtStart.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end (the machine is shared). ` +
      `Command: \`npm run bench:report${argv ? ` -- ${argv}` : ''}\`.`,
    '',
  );
  lines.push(
    `Data (generated with set-based SQL in ${(generation.totalMs / 1000).toFixed(0)} s): Lạng Sơn, ` +
      `${n(rows.cluster)} clusters, ${n(rows.schedule)} daily schedules, period ${period.from} … ${period.to}; ` +
      `${n(rows.play_log)} play-log rows, ${n(rows.presence_transition)} presence transitions, ${n(rows.alert)} alerts, ` +
      `${n(rows.work_order)} work orders. Server start on it ${(input.startupMs / 1000).toFixed(1)} s, RSS at rest ${input.restMiB.toFixed(0)} MiB.`,
    '',
  );
  if (!results) {
    lines.push('The report routes were not available: no timings.');
  } else {
    const pgCol = privatePg !== null;
    // CPU medians, then the worst of the runs for memory and for the event loop.
    const cpu = (costs: Cost[]) =>
      `${median(costs.map((c) => c.serverCpuS)).toFixed(1)} s${pgCol ? ` | ${median(costs.map((c) => c.pgCpuS)).toFixed(1)} s` : ''} | ` +
      `${Math.max(...costs.map((c) => c.peakMiB)).toFixed(0)} MiB | ${s(Math.max(...costs.map((c) => c.stallMs)))}`;
    lines.push(
      `| ${RUNS === 1 ? 'one run' : `median of ${RUNS}`} | first byte | total | size | rows | server CPU${pgCol ? ' | PostgreSQL CPU' : ''} | server peak RSS | slowest /health/live meanwhile |`,
    );
    lines.push(`|---|---|---|---|---|---|${pgCol ? '---|' : ''}---|---|`);
    for (const format of FORMATS) {
      const r = results.formats[format];
      if (!r) continue;
      lines.push(
        `| report, ${format} | ${s(median(r.runs.map((d) => d.firstByteMs)))} | ${s(median(r.runs.map((d) => d.totalMs)))} | ` +
          `${kib(r.runs[0].body.length)} | ${r.parsed.rows} | ${cpu(r.runs)} |`,
      );
    }
    if (results.job) {
      const j = results.job;
      lines.push(
        `| report job, xlsx: submit → done | — | ${s(median(j.map((r) => r.doneMs)))} (+ download ${s(median(j.map((r) => r.download.totalMs)))}) | ` +
          `${kib(j[0].download.body.length)} | — | ${cpu(j)} |`,
      );
    }
    if (results.availability) {
      const a = results.availability;
      lines.push(
        `| availability by commune, json | ${s(median(a.runs.map((d) => d.firstByteMs)))} | ${s(median(a.runs.map((d) => d.totalMs)))} | ` +
          `${kib(a.runs[0].body.length)} | ${a.rows} | ${cpu(a.runs)} |`,
      );
    }
    lines.push('');
    if (results.job?.[0])
      lines.push(`Job progress seen (100 ms polls): ${results.job[0].seen.join(' → ')}.`, '');
    const problems = input.problems ?? [];
    lines.push(
      problems.length === 0
        ? 'Totals (clusters by kind and state, stations, villages covered, work commissioned, played and scheduled hours, uptime, open alerts, spending) match a direct SQL recount of the generated data.'
        : `Mismatches against a direct SQL recount: ${problems.join('; ')}.`,
    );
  }
  console.log('\n----- markdown for docs/benchmarks.md -----\n');
  console.log(lines.join('\n'));
  console.log('\n-------------------------------------------');
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => void cleanup().finally(() => process.exit()));
