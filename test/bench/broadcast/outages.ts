/*
 * (e) A schedule plays at T on every cluster; a share of them lose their link (SimCluster.startOutage) for a
 * random time, the outage starting before T (so T falls inside it). Measures, from the server's play logs
 * once every link is back: the share of occurrences played (`started` reports delivered), and the spread of
 * start instants within each commune.
 */
import { createRng, type Rng, type SimCluster, type SimFleet } from '@loa-xa/firmware-sim';
import type { PlayReport } from '@loa-xa/protocol';
import { localIct, type BenchServer } from './server';
import { ascending, percentile, sleep, until } from './stats';

export interface OutageOptions {
  server: BenchServer;
  fleet: SimFleet;
  communeIds: string[];
  communeOf: Map<string, string>;
  assetId: string;
  assetMs: number;
  /** Share of clusters that lose their link, 0..1. */
  share: number;
  /** Outage length bounds (already scaled). */
  outageMinMs: number;
  outageMaxMs: number;
  /** Outages start up to this long before T (already scaled). */
  leadMaxMs: number;
  seed: number;
}

export interface OutageResult {
  clusters: number;
  communes: number;
  outaged: number;
  /** Outage clusters that did not yet hold the manifest when their link went (should be 0). */
  outagedWithoutManifest: number;
  outageMsMin: number;
  outageMsMax: number;
  leadMsMax: number;
  /** Schedule created → every cluster applied its manifest. */
  manifestsAllMs: number;
  tStart: string;
  /** Reports seen on the devices. */
  simStarted: number;
  simFailed: number;
  simFailedReasons: Record<string, number>;
  /** Distinct clusters with a `started` report in GET /api/v1/play-logs. */
  serverStarted: number;
  serverStartedOutaged: number;
  serverFinished: number;
  serverFailed: number;
  playedShare: number;
  playedShareOutaged: number;
  /** Last link back → every started report at the server. */
  deliveredAfterLastLinkMs: number;
  /** started `at` − T over all clusters. */
  lateP50Ms: number;
  lateP99Ms: number;
  lateMaxMs: number;
  /** Per commune, max − min of started `at`: median and max over communes. */
  spreadP50Ms: number;
  spreadMaxMs: number;
  /** Same, offline clusters only vs online only (max over communes). */
  spreadMaxOutagedMs: number;
  spreadMaxOnlineMs: number;
  /** GET /api/v1/play-logs/summary for T's local day: sums over the benchmark communes. */
  summary: { scheduledOccurrences: number; started: number; finished: number; failed: number } | null;
}

interface Outage {
  cluster: SimCluster;
  at: number;
  durationMs: number;
  heldManifest?: boolean;
}

const uniform = (rng: Rng, min: number, max: number) => min + rng() * Math.max(0, max - min);

interface LogRow {
  clusterId: string;
  communeId: string;
  deviceAt: string;
  event: string;
}

export async function outages(o: OutageOptions): Promise<OutageResult> {
  const { server, fleet, communeIds, communeOf } = o;
  const n = fleet.size;
  const rng = createRng(o.seed);
  const setupMs = 20_000 + n * 10; // room for the schedule's manifests to reach every cluster first
  const T = Math.ceil((Date.now() + setupMs + o.leadMaxMs) / 1000) * 1000;
  const sim = new Map<string, { started?: PlayReport; failed?: PlayReport }>();
  const onPlay = (clusterId: string, report: PlayReport) => {
    if (report.source !== 'schedule' || !report.ref.endsWith(`@${T}`)) return;
    const entry = sim.get(clusterId) ?? {};
    if (report.event === 'started') entry.started ??= report;
    if (report.event === 'failed') entry.failed ??= report;
    sim.set(clusterId, entry);
  };
  fleet.on('play', onPlay);

  const created0 = performance.now();
  const schedule = await o.server.api<{ id: string; clusterCount: number }>('POST', '/api/v1/schedules', {
    title: 'Bản tin chiều (bench, mất kết nối)',
    assetId: o.assetId,
    target: { unitIds: communeIds },
    start: localIct(T),
    timeZone: 'Asia/Ho_Chi_Minh',
  });
  if (schedule.clusterCount !== n) throw new Error(`schedule reaches ${schedule.clusterCount}, not ${n}`);
  const itemId = `${schedule.id}@${T}`;
  const holds = (c: SimCluster) => c.manifest?.items.some((i) => i.id === itemId) ?? false;
  const manifestsAllMs = await until(
    'every cluster holds the manifest',
    async () => fleet.all().every(holds) && performance.now() - created0,
    Math.max(1000, T - o.leadMaxMs - Date.now() - 1000),
    100,
  ).catch(() => NaN);
  console.log(
    `  schedule at ${new Date(T).toISOString()}; every cluster held its manifest after ${(manifestsAllMs / 1000).toFixed(1)} s`,
  );

  // Which clusters lose their link, when and for how long (seeded: two runs cut the same links).
  const order = fleet.all().map((c) => ({ c, key: rng() }));
  order.sort((a, b) => a.key - b.key);
  const plan: Outage[] = order.slice(0, Math.round(o.share * n)).map(({ c }) => {
    const durationMs = uniform(rng, o.outageMinMs, o.outageMaxMs);
    const lead = uniform(rng, Math.min(1000, durationMs / 2), Math.min(o.leadMaxMs, durationMs - 500));
    return { cluster: c, at: T - lead, durationMs };
  });
  const timers = plan.map((p) =>
    setTimeout(
      () => {
        p.heldManifest = holds(p.cluster);
        p.cluster.startOutage(p.durationMs);
      },
      Math.max(0, p.at - Date.now()),
    ),
  );
  const lastLinkBack = Math.max(T, ...plan.map((p) => p.at + p.durationMs));
  console.log(
    `  ${plan.length} clusters lose their link between ${((T - Math.min(...plan.map((p) => p.at))) / 1000).toFixed(0)} s and ` +
      `${((T - Math.max(...plan.map((p) => p.at))) / 1000).toFixed(1)} s before T, for ` +
      `${(Math.min(...plan.map((p) => p.durationMs)) / 1000).toFixed(0)}–${(Math.max(...plan.map((p) => p.durationMs)) / 1000).toFixed(0)} s; ` +
      `last link back at T + ${((lastLinkBack - T) / 1000).toFixed(0)} s`,
  );

  // Progress while waiting (a full-scale run takes over half an hour).
  const progress = setInterval(() => {
    const started = [...sim.values()].filter((e) => e.started).length;
    console.log(
      `  … ${new Date().toISOString().slice(11, 19)} T${Date.now() >= T ? '+' : '−'}${Math.abs(Math.round((Date.now() - T) / 1000))} s: ` +
        `${fleet.online}/${n} online, ${started} started on the devices, ` +
        `${fleet.all().reduce((s, c) => s + c.pendingPlayReports.length, 0)} reports held`,
    );
  }, 60_000);
  try {
    await sleep(Math.max(0, lastLinkBack - Date.now()));
    // Links come back with a jittered reconnect; the held reports follow. Wait for all of them at the server.
    const simStartedNow = () => [...sim.values()].filter((e) => e.started).length;
    await until(
      'every device-side started report at the server',
      async () => {
        const page = await server.api<{ total: number }>(
          'GET',
          `/api/v1/play-logs?scheduleId=${schedule.id}&event=started&pageSize=1`,
        );
        const held = fleet.all().reduce((s, c) => s + c.pendingPlayReports.length, 0);
        return page.total >= simStartedNow() && held === 0 && Date.now() > T + o.assetMs;
      },
      180_000,
      500,
    ).catch((err: Error) => console.error(`  ${err.message}`));
  } finally {
    clearInterval(progress);
    timers.forEach(clearTimeout);
    fleet.off('play', onPlay);
  }
  const deliveredAfterLastLinkMs = Date.now() - lastLinkBack;

  const rows = await allLogs(server, schedule.id, 'started');
  const firstStart = new Map<string, LogRow>();
  for (const r of rows) {
    const prev = firstStart.get(r.clusterId);
    if (!prev || Date.parse(r.deviceAt) < Date.parse(prev.deviceAt)) firstStart.set(r.clusterId, r);
  }
  const outaged = new Set(plan.map((p) => p.cluster.clusterId));
  const late = ascending([...firstStart.values()].map((r) => Date.parse(r.deviceAt) - T));
  const spreadsOf = (filter: (clusterId: string) => boolean) => {
    const byCommune = new Map<string, number[]>();
    for (const r of firstStart.values()) {
      if (!filter(r.clusterId)) continue;
      const commune = communeOf.get(r.clusterId) ?? r.communeId;
      const list = byCommune.get(commune) ?? [];
      list.push(Date.parse(r.deviceAt));
      byCommune.set(commune, list);
    }
    return ascending([...byCommune.values()].map((ts) => Math.max(...ts) - Math.min(...ts)));
  };
  const spreads = spreadsOf(() => true);
  const count = async (event: string) =>
    (
      await server.api<{ total: number }>(
        'GET',
        `/api/v1/play-logs?scheduleId=${schedule.id}&event=${event}&pageSize=1`,
      )
    ).total;
  const failedReasons: Record<string, number> = {};
  for (const e of sim.values())
    if (e.failed) failedReasons[e.failed.reason ?? '?'] = (failedReasons[e.failed.reason ?? '?'] ?? 0) + 1;
  const serverStartedOutaged = [...firstStart.keys()].filter((id) => outaged.has(id)).length;

  return {
    clusters: n,
    communes: communeIds.length,
    outaged: plan.length,
    outagedWithoutManifest: plan.filter((p) => p.heldManifest === false).length,
    outageMsMin: Math.min(...plan.map((p) => p.durationMs)),
    outageMsMax: Math.max(...plan.map((p) => p.durationMs)),
    leadMsMax: Math.max(...plan.map((p) => T - p.at)),
    manifestsAllMs,
    tStart: new Date(T).toISOString(),
    simStarted: [...sim.values()].filter((e) => e.started).length,
    simFailed: [...sim.values()].filter((e) => e.failed).length,
    simFailedReasons: failedReasons,
    serverStarted: firstStart.size,
    serverStartedOutaged,
    serverFinished: await count('finished'),
    serverFailed: await count('failed'),
    playedShare: firstStart.size / n,
    playedShareOutaged: plan.length ? serverStartedOutaged / plan.length : NaN,
    deliveredAfterLastLinkMs,
    lateP50Ms: percentile(late, 50),
    lateP99Ms: percentile(late, 99),
    lateMaxMs: late.at(-1) ?? NaN,
    spreadP50Ms: percentile(spreads, 50),
    spreadMaxMs: spreads.at(-1) ?? NaN,
    spreadMaxOutagedMs: spreadsOf((id) => outaged.has(id)).at(-1) ?? NaN,
    spreadMaxOnlineMs: spreadsOf((id) => !outaged.has(id)).at(-1) ?? NaN,
    summary: await summaryOf(server, T, communeIds).catch((err: Error) => {
      console.error(`  summary: ${err.message}`);
      return null;
    }),
  };
}

async function allLogs(server: BenchServer, scheduleId: string, event: string): Promise<LogRow[]> {
  const out: LogRow[] = [];
  for (let page = 1; page <= 100; page++) {
    const res = await server.api<{ items: LogRow[]; total: number }>(
      'GET',
      `/api/v1/play-logs?scheduleId=${scheduleId}&event=${event}&pageSize=500&page=${page}&order=asc`,
    );
    out.push(...res.items);
    if (out.length >= res.total || res.items.length === 0) break;
  }
  return out;
}

async function summaryOf(server: BenchServer, T: number, communeIds: string[]) {
  const date = localIct(T).slice(0, 10);
  const view = await server.api<{
    communes: {
      communeId: string;
      scheduledOccurrences: number | null;
      started: number;
      finished: number;
      failed: number;
    }[];
  }>('GET', `/api/v1/play-logs/summary?date=${date}`);
  const mine = view.communes.filter((c) => communeIds.includes(c.communeId));
  return {
    scheduledOccurrences: mine.reduce((s, c) => s + (c.scheduledOccurrences ?? 0), 0),
    started: mine.reduce((s, c) => s + c.started, 0),
    finished: mine.reduce((s, c) => s + c.finished, 0),
    failed: mine.reduce((s, c) => s + c.failed, 0),
  };
}
