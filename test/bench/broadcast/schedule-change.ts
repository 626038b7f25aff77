/*
 * (a) A schedule change touching every cluster → every cluster holds a manifest with the change.
 * Times run from just before the HTTP request to each simulated cluster's `manifest` event (applied by
 * the device) whose items contain the occurrence at its new start.
 */
import type { Manifest } from '@loa-xa/protocol';
import type { SimFleet } from '@loa-xa/firmware-sim';
import { localIct, procSample, type BenchServer } from './server';
import { ascending, benchLoad, percentile, until } from './stats';

export interface ManifestRound {
  label: string;
  /** HTTP request → response. */
  requestMs: number;
  /** Request → the last cluster applied a manifest with the change. */
  allReceivedMs: number;
  p50Ms: number;
  p99Ms: number;
  received: number;
  /** loa_manifests_published_total, after − before. */
  published: number;
  /** Request → GET /schedules/:id/occurrences counts every target cluster as acked. */
  apiAckedMs: number;
  serverCpuS: number;
  /** The benchmark process (the simulated fleet): CPU seconds, event-loop delay p99 / max. */
  bench: { cpuS: number; loopP99Ms: number; loopMaxMs: number };
}

interface Watch {
  matches: (manifest: Manifest) => boolean;
  t0: number;
  got: Map<string, number>;
}

export async function scheduleChange(options: {
  server: BenchServer;
  fleet: SimFleet;
  communeIds: string[];
  assetId: string;
  repeats: number;
  timeoutMs: number;
}): Promise<{ create: ManifestRound; changes: ManifestRound[] }> {
  const { server, fleet, communeIds, assetId, repeats, timeoutMs } = options;
  const n = fleet.size;
  let watch: Watch | null = null;
  for (const cluster of fleet.all()) {
    cluster.on('manifest', (manifest) => {
      const w = watch;
      if (!w || w.got.has(cluster.clusterId) || !w.matches(manifest)) return;
      w.got.set(cluster.clusterId, performance.now() - w.t0);
    });
  }

  /** Runs `request`, then waits until every cluster applied a manifest matching `matches`. */
  const round = async (
    label: string,
    matches: (manifest: Manifest) => boolean,
    startMs: number,
    request: () => Promise<{ id: string }>,
  ): Promise<ManifestRound> => {
    const published0 = await server.metric('loa_manifests_published_total');
    const cpu0 = procSample(server.pid).cpuS;
    const load = benchLoad();
    const w: Watch = { matches, t0: performance.now(), got: new Map() };
    watch = w;
    const { id } = await request();
    const requestMs = performance.now() - w.t0;
    // The server's own view, polled alongside: every target acknowledged a manifest listing the occurrence.
    const apiAcked = until(
      'occurrence acked by every cluster in the API',
      async () => {
        const occ = await server.api<{ start: string; acked: number; targets: number }[]>(
          'GET',
          `/api/v1/schedules/${id}/occurrences?from=${new Date(startMs - 60_000).toISOString()}&to=${new Date(startMs + 60_000).toISOString()}`,
        );
        const o = occ.find((x) => Date.parse(x.start) === startMs);
        return o && o.targets === n && o.acked >= n ? performance.now() - w.t0 : null;
      },
      timeoutMs,
      1000,
    ).catch(() => NaN);
    await until('every cluster holds the change', async () => w.got.size >= n, timeoutMs, 20).catch(
      (err: Error) => console.error(`${label}: ${err.message} (${w.got.size}/${n})`),
    );
    watch = null;
    const times = ascending(w.got.values());
    // The counter moves after each chunk is saved: wait until it has counted every cluster (or stops).
    let published = 0;
    await until(
      'manifests counted',
      async () => {
        published = (await server.metric('loa_manifests_published_total')) - published0;
        return published >= n;
      },
      15_000,
      250,
    ).catch(() => undefined);
    const apiAckedMs = await apiAcked;
    const result: ManifestRound = {
      label,
      requestMs,
      allReceivedMs: times.length >= n ? (times.at(-1) as number) : NaN,
      p50Ms: percentile(times, 50),
      p99Ms: percentile(times, 99),
      received: times.length,
      published,
      apiAckedMs,
      serverCpuS: procSample(server.pid).cpuS - cpu0,
      bench: load(),
    };
    console.log(
      `  ${label}: request ${result.requestMs.toFixed(0)} ms, all ${result.received}/${n} manifests applied ` +
        `after ${(result.allReceivedMs / 1000).toFixed(2)} s (p50 ${(result.p50Ms / 1000).toFixed(2)} s), ` +
        `${published} published, acked in the API after ${(apiAckedMs / 1000).toFixed(2)} s`,
    );
    return result;
  };

  // Far enough ahead that nothing plays during the benchmark; whole minutes, as an operator writes them.
  let startMs = Math.ceil((Date.now() + 2 * 3_600_000) / 60_000) * 60_000;
  let scheduleId = '';
  const create = await round(
    'create (first manifest)',
    (m) => m.items.some((i) => i.start === startMs),
    startMs,
    async () => {
      const created = await server.api<{ id: string; clusterCount: number }>('POST', '/api/v1/schedules', {
        title: 'Bản tin bench',
        assetId,
        target: { unitIds: communeIds },
        start: localIct(startMs),
        timeZone: 'Asia/Ho_Chi_Minh',
      });
      if (created.clusterCount !== n) throw new Error(`schedule reaches ${created.clusterCount}, not ${n}`);
      scheduleId = created.id;
      return created;
    },
  );
  const changes: ManifestRound[] = [];
  for (let r = 1; r <= repeats; r++) {
    const next = startMs + 60_000;
    startMs = next;
    changes.push(
      await round(
        `change ${r} (PATCH start +1 min)`,
        (m) => m.items.some((i) => i.start === next && i.id.startsWith(scheduleId)),
        next,
        () =>
          server.api<{ id: string }>('PATCH', `/api/v1/schedules/${scheduleId}`, {
            start: localIct(next),
          }),
      ),
    );
  }
  return { create, changes };
}
