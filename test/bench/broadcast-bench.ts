/*
 * Broadcasting benchmark (issue 5, "Measured" a, b, e): `npm run bench:broadcast -- [--scenario a|b|e|all]`.
 *
 * Starts the server as a child process (embedded PGlite and aedes, throw-away DATA_DIR, loopback only),
 * imports province 20, provisions IP clusters through the CSV import, uploads and transcodes a short notice,
 * and runs a SimFleet from this process (one MQTT.js client per cluster). Then:
 *  (a) a schedule targeting every cluster's commune is created, then its start moved (PATCH), and the time
 *      until every simulated cluster applied a manifest containing the change is measured (10,000 clusters,
 *      `download: false`), with loa_manifests_published_total before/after;
 *  (b) an emergency play_now to every cluster: latency from the POST to each cluster's `started` ack
 *      (p50/p95/p99/max) and until GET /api/v1/broadcasts/:id shows every cluster started (10,000 clusters);
 *  (e) 1,000 clusters in 10 communes, a schedule at T, 30 % of them lose their link for 1–30 min (× --time-scale)
 *      starting before T: share of occurrences played (started reports at the server once links are back)
 *      and the spread of start times within each commune.
 * Bounded in count and time: a hard limit stops everything (server child included).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SimFleet, type SimCredential } from '@loa-xa/firmware-sim';
import { BenchServer, provision, readyAsset } from './broadcast/server';
import { scheduleChange, type ManifestRound } from './broadcast/schedule-change';
import { emergency, type EmergencyRound } from './broadcast/emergency';
import { outages, type OutageResult } from './broadcast/outages';
import { median, millis, seconds, table, until } from './broadcast/stats';

const { values: args } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'all' },
    clusters: { type: 'string' }, // default: 10,000 for a and b, 1,000 for e
    communes: { type: 'string', default: '10' },
    repeats: { type: 'string', default: '2' },
    'time-scale': { type: 'string', default: '1' },
    'outage-share': { type: 'string', default: '0.3' },
    'outage-min': { type: 'string', default: '1' }, // minutes, before scaling
    'outage-max': { type: 'string', default: '30' },
    'outage-lead': { type: 'string', default: '5' }, // outages start up to this many minutes before T
    'connect-rate': { type: 'string', default: '250' },
    seed: { type: 'string', default: '42' },
    'timeout-min': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(`usage: npm run bench:broadcast -- [--scenario a|b|e|all] [--clusters N] [--communes C] [--repeats R]
        [--time-scale S] [--outage-share 0.3] [--outage-min 1] [--outage-max 30] [--outage-lead 5]
        [--connect-rate N] [--seed N] [--timeout-min M]
  a, b: N clusters (default 10000) in C communes, R measured rounds each in one run.
  e:    N clusters (default 1000) in C communes; outage lengths and lead in minutes, multiplied by S.`);
  process.exit(0);
}

function num(name: keyof typeof args, min: number, max: number, fallback?: number): number {
  const raw = args[name];
  const value = raw === undefined ? fallback : Number(raw);
  if (value === undefined || !Number.isFinite(value) || value < min || value > max) {
    console.error(`--${name} must be a number in ${min}..${max}`);
    process.exit(2);
  }
  return value;
}

const SCENARIOS = new Set(args.scenario === 'all' ? ['a', 'b', 'e'] : String(args.scenario).split(','));
if ([...SCENARIOS].some((s) => !['a', 'b', 'e'].includes(s))) {
  console.error('--scenario must be a, b, e, a comma list of them, or all');
  process.exit(2);
}
const N_AB = Math.round(num('clusters', 1, 15_000, 10_000));
const N_E = Math.round(num('clusters', 1, 15_000, 1_000));
const COMMUNES = Math.round(num('communes', 1, 200));
const REPEATS = Math.round(num('repeats', 1, 10));
const SCALE = num('time-scale', 0.001, 1);
const SHARE = num('outage-share', 0, 1);
const MINUTE = 60_000;
const OUTAGE_MIN_MS = num('outage-min', 0.05, 120) * MINUTE * SCALE;
const OUTAGE_MAX_MS = num('outage-max', 0.05, 120) * MINUTE * SCALE;
const LEAD_MS = num('outage-lead', 0.01, 60) * MINUTE * SCALE;
const CONNECT_RATE = num('connect-rate', 1, 5_000);
const SEED = Math.round(num('seed', 0, 2 ** 31));
const E_ASSET_S = 30;
const B_ASSET_S = 5;
// Generous, but it always ends: connects, the outage scenario's own length, and room for the rest.
const HARD_LIMIT_MS =
  num(
    'timeout-min',
    1,
    600,
    (SCENARIOS.has('a') || SCENARIOS.has('b') ? 25 : 0) +
      (SCENARIOS.has('e') ? Math.ceil((OUTAGE_MAX_MS + LEAD_MS) / MINUTE) + 15 : 0),
  ) * MINUTE;

const servers = new Set<BenchServer>();

function openFilesLimit(): number {
  try {
    const m = /Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m ? Number(m[1]) : Infinity;
  } catch {
    return Infinity;
  }
}

function fleetOf(credentials: SimCredential[], brokerUrl: string, telemetryIntervalMs: number): SimFleet {
  const fleet = new SimFleet(credentials, {
    brokerUrl,
    download: false, // files count as held at once: no HTTP from 10,000 clusters
    telemetryIntervalMs,
    keepaliveS: 60,
    connectRatePerS: CONNECT_RATE,
    reconnectPeriodMs: 2000,
    seed: SEED,
  });
  return fleet;
}

/** Starts a server, provisions `n` clusters in COMMUNES communes, uploads a notice, connects the fleet. */
async function setUp(workDir: string, name: string, n: number, assetS: number, telemetryMs: number) {
  const server = new BenchServer(join(workDir, name));
  servers.add(server);
  const t0 = Date.now();
  await server.start();
  const prov = await provision(server, n, COMMUNES);
  const assetId = await readyAsset(server, workDir, prov.provinceId, assetS);
  console.log(
    `[${name}] server up, ${n} clusters provisioned, notice transcoded in ${seconds(Date.now() - t0)}`,
  );
  const fleet = fleetOf(prov.credentials, server.mqttUrl, telemetryMs);
  const c0 = Date.now();
  await fleet.start();
  await fleet.waitForOnline(n, 20 * MINUTE);
  // The connect storm is over only when the server has taken in every hello.
  await until(
    'every cluster online in the API',
    async () =>
      (await server.api<{ total: number }>('GET', '/api/v1/clusters?online=true&pageSize=1')).total >= n,
    5 * MINUTE,
    1000,
  );
  console.log(`[${name}] ${n} clusters online (device and API) in ${seconds(Date.now() - c0)}`);
  return { server, prov, assetId, fleet };
}

async function tearDown(server: BenchServer, fleet: SimFleet): Promise<void> {
  await fleet.stop(20_000);
  await server.stop();
  servers.delete(server);
}

interface Results {
  a?: { create: ManifestRound; changes: ManifestRound[] };
  b?: EmergencyRound[];
  e?: OutageResult;
}

async function main(): Promise<void> {
  const guard = setTimeout(() => {
    console.error(`benchmark exceeded its hard limit of ${HARD_LIMIT_MS / MINUTE} min; stopping`);
    process.exit(3);
  }, HARD_LIMIT_MS);
  guard.unref();
  const started = new Date();
  console.log(
    `broadcast benchmark ${started.toISOString()}: scenarios ${[...SCENARIOS].join(',')}; ` +
      `${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; ` +
      `open files limit ${openFilesLimit()}; hard limit ${HARD_LIMIT_MS / MINUTE} min`,
  );
  const need = (SCENARIOS.has('a') || SCENARIOS.has('b') ? N_AB : N_E) + 1000;
  if (openFilesLimit() < need)
    console.warn(`warning: open files limit ${openFilesLimit()} < ${need}; raise it with ulimit -n`);
  const workDir = mkdtempSync(join(tmpdir(), 'loa-bbench-'));
  const results: Results = {};
  try {
    if (SCENARIOS.has('a') || SCENARIOS.has('b')) {
      const { server, prov, assetId, fleet } = await setUp(workDir, 'ab', N_AB, B_ASSET_S, 10 * MINUTE);
      try {
        if (SCENARIOS.has('a')) {
          console.log(`\n(a) schedule change → manifests, ${N_AB} clusters in ${COMMUNES} communes`);
          results.a = await scheduleChange({
            server,
            fleet,
            communeIds: prov.communeIds,
            assetId,
            repeats: REPEATS,
            timeoutMs: 5 * MINUTE,
          });
        }
        if (SCENARIOS.has('b')) {
          console.log(`\n(b) emergency play_now, ${N_AB} clusters in ${COMMUNES} communes`);
          results.b = await emergency({
            server,
            fleet,
            communeIds: prov.communeIds,
            assetId,
            assetMs: B_ASSET_S * 1000,
            repeats: REPEATS,
            timeoutMs: 5 * MINUTE,
          });
        }
      } finally {
        await tearDown(server, fleet);
      }
    }
    if (SCENARIOS.has('e')) {
      const { server, prov, assetId, fleet } = await setUp(workDir, 'e', N_E, E_ASSET_S, MINUTE);
      try {
        console.log(
          `\n(e) ${N_E} clusters in ${COMMUNES} communes, ${Math.round(SHARE * 100)} % lose their link for ` +
            `${seconds(OUTAGE_MIN_MS)}–${seconds(OUTAGE_MAX_MS)} starting up to ${seconds(LEAD_MS)} before T ` +
            `(time scale ${SCALE})`,
        );
        results.e = await outages({
          server,
          fleet,
          communeIds: prov.communeIds,
          communeOf: prov.communeOf,
          assetId,
          assetMs: E_ASSET_S * 1000,
          share: SHARE,
          outageMinMs: OUTAGE_MIN_MS,
          outageMaxMs: OUTAGE_MAX_MS,
          leadMaxMs: LEAD_MS,
          seed: SEED,
        });
      } finally {
        await tearDown(server, fleet);
      }
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  report(results);
}

function report(r: Results): void {
  if (r.a) {
    const ch = r.a.changes;
    table(`(a) schedule change touching ${N_AB} clusters → every manifest applied (download: false)`, [
      ...[r.a.create, ...ch].map((x): [string, string] => [
        x.label,
        `all ${x.received}/${N_AB} in ${seconds(x.allReceivedMs)} (p50 ${seconds(x.p50Ms)}, p99 ${seconds(x.p99Ms)}); ` +
          `request ${millis(x.requestMs)}; published +${x.published}; acked in API ${seconds(x.apiAckedMs)}; ` +
          `server CPU ${x.serverCpuS.toFixed(1)} s; bench CPU ${x.bench.cpuS.toFixed(1)} s, loop delay p99/max ${millis(x.bench.loopP99Ms)}/${millis(x.bench.loopMaxMs)}`,
      ]),
      ['median over changes: all applied', seconds(median(ch.map((x) => x.allReceivedMs)))],
      ['median over changes: acked in the API', seconds(median(ch.map((x) => x.apiAckedMs)))],
    ]);
  }
  if (r.b) {
    table(`(b) emergency play_now to ${N_AB} clusters: POST → sim 'ack' started`, [
      ...r.b.map((x): [string, string] => [
        x.label,
        `started ${x.started}/${N_AB} (failed ${x.failed}); p50 ${millis(x.startedP50Ms)} p95 ${millis(x.startedP95Ms)} ` +
          `p99 ${millis(x.startedP99Ms)} max ${millis(x.startedMaxMs)}; received first/p50/p99 ${millis(x.receivedFirstMs)}/${millis(x.receivedP50Ms)}/${millis(x.receivedP99Ms)}; ` +
          `POST answered ${millis(x.requestMs)}; rollout view all started ${seconds(x.apiAllStartedMs)}; server CPU ${x.serverCpuS.toFixed(1)} s; ` +
          `bench CPU ${x.bench.cpuS.toFixed(1)} s, loop delay p99/max ${millis(x.bench.loopP99Ms)}/${millis(x.bench.loopMaxMs)}`,
      ]),
      [
        'median: p50 / p95 / p99 / max',
        [
          median(r.b.map((x) => x.startedP50Ms)),
          median(r.b.map((x) => x.startedP95Ms)),
          median(r.b.map((x) => x.startedP99Ms)),
          median(r.b.map((x) => x.startedMaxMs)),
        ]
          .map(millis)
          .join(' / '),
      ],
      ['median: rollout view all started', seconds(median(r.b.map((x) => x.apiAllStartedMs)))],
      ['target p99 ≤ 2 s', median(r.b.map((x) => x.startedP99Ms)) <= 2000 ? 'met' : 'NOT met'],
    ]);
  }
  if (r.e) {
    const e = r.e;
    table(
      `(e) ${e.clusters} clusters, ${e.communes} communes, ${e.outaged} links lost around T (time scale ${SCALE})`,
      [
        ['T', e.tStart],
        [
          'outage lengths',
          `${seconds(e.outageMsMin)} – ${seconds(e.outageMsMax)}, starting ≤ ${seconds(e.leadMsMax)} before T`,
        ],
        ['every manifest applied after', seconds(e.manifestsAllMs)],
        ['outaged clusters without the manifest', String(e.outagedWithoutManifest)],
        [
          'started on the devices',
          `${e.simStarted}; failed ${e.simFailed} ${JSON.stringify(e.simFailedReasons)}`,
        ],
        [
          'started at the server (distinct clusters)',
          `${e.serverStarted}/${e.clusters} = ${(e.playedShare * 100).toFixed(1)} % ` +
            `(offline at T: ${e.serverStartedOutaged}/${e.outaged} = ${(e.playedShareOutaged * 100).toFixed(1)} %)`,
        ],
        ['finished / failed reports at the server', `${e.serverFinished} / ${e.serverFailed}`],
        ['last report in after the last link came back', seconds(e.deliveredAfterLastLinkMs)],
        [
          'start − T, p50 / p99 / max',
          `${millis(e.lateP50Ms)} / ${millis(e.lateP99Ms)} / ${millis(e.lateMaxMs)}`,
        ],
        [
          'spread within a commune (max − min), p50 / max',
          `${millis(e.spreadP50Ms)} / ${millis(e.spreadMaxMs)}`,
        ],
        [
          'spread, offline-at-T only / online only (max)',
          `${millis(e.spreadMaxOutagedMs)} / ${millis(e.spreadMaxOnlineMs)}`,
        ],
        [
          'daily summary (those communes)',
          e.summary
            ? `scheduled ${e.summary.scheduledOccurrences}, started ${e.summary.started}, finished ${e.summary.finished}, failed ${e.summary.failed}`
            : '—',
        ],
      ],
    );
  }
  console.log(
    `\nJSON ${JSON.stringify({ scale: SCALE, clustersAB: N_AB, clustersE: N_E, communes: COMMUNES, ...r })}`,
  );
}

function killServers(): void {
  for (const server of servers) {
    if (server.pid) {
      try {
        process.kill(server.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
process.on('exit', killServers);
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
