/*
 * (b) Emergency play_now to every cluster: latency from just before the POST to each simulated cluster's
 * `started` ack (the SimCluster 'ack' event with status `started`, emitted the instant the device puts it on
 * air and queues the ack for the broker), and until the server's rollout view shows every cluster started.
 */
import type { CommandAck } from '@loa-xa/protocol';
import type { SimFleet } from '@loa-xa/firmware-sim';
import { procSample, type BenchServer } from './server';
import { ascending, benchLoad, percentile, sleep, until } from './stats';

export interface EmergencyRound {
  label: string;
  /** POST → response (the server answers after storing and publishing every command). */
  requestMs: number;
  started: number;
  failed: number;
  /** POST → the first cluster got its command (the server stored them all before sending any). */
  receivedFirstMs: number;
  receivedP50Ms: number;
  receivedP99Ms: number;
  startedP50Ms: number;
  startedP95Ms: number;
  startedP99Ms: number;
  startedMaxMs: number;
  /** POST → GET /broadcasts/:id shows summary.started = targets. */
  apiAllStartedMs: number;
  serverCpuS: number;
  /** The benchmark process (the simulated fleet): CPU seconds, event-loop delay p99 / max. */
  bench: { cpuS: number; loopP99Ms: number; loopMaxMs: number };
}

interface Round {
  t0: number;
  received: Map<string, number>;
  started: Map<string, number>;
  failed: Map<string, CommandAck>;
}

export async function emergency(options: {
  server: BenchServer;
  fleet: SimFleet;
  communeIds: string[];
  assetId: string;
  assetMs: number;
  repeats: number;
  timeoutMs: number;
}): Promise<EmergencyRound[]> {
  const { server, fleet, communeIds, assetId, assetMs, repeats, timeoutMs } = options;
  const n = fleet.size;
  let current: Round | null = null;
  fleet.on('ack', (clusterId, ack) => {
    const r = current;
    if (!r) return;
    const at = performance.now() - r.t0;
    if (ack.status === 'received' && !r.received.has(clusterId)) r.received.set(clusterId, at);
    else if (ack.status === 'started' && !r.started.has(clusterId)) r.started.set(clusterId, at);
    else if (ack.status === 'rejected' || ack.status === 'error' || ack.status === 'expired')
      r.failed.set(clusterId, ack);
  });

  const rounds: EmergencyRound[] = [];
  for (let i = 1; i <= repeats; i++) {
    const label = `play_now ${i}`;
    const cpu0 = procSample(server.pid).cpuS;
    const load = benchLoad();
    const r: Round = { t0: performance.now(), received: new Map(), started: new Map(), failed: new Map() };
    current = r;
    const view = await server.api<{ id: string; summary: { targets: number } }>(
      'POST',
      '/api/v1/broadcasts',
      {
        kind: 'play_now',
        title: 'Cảnh báo lũ quét (bench)',
        target: { unitIds: communeIds },
        priority: 'emergency',
        volume: 100,
        assetIds: [assetId],
      },
    );
    const requestMs = performance.now() - r.t0;
    if (view.summary.targets !== n) throw new Error(`broadcast reaches ${view.summary.targets}, not ${n}`);
    const apiAllStarted = until(
      'rollout view: every cluster started',
      async () => {
        const v = await server.api<{ summary: { started: number } }>('GET', `/api/v1/broadcasts/${view.id}`);
        return v.summary.started >= n ? performance.now() - r.t0 : null;
      },
      timeoutMs,
      200,
    ).catch(() => NaN);
    await until(
      'every cluster started',
      async () => r.started.size + r.failed.size >= n,
      timeoutMs,
      20,
    ).catch((err: Error) => console.error(`${label}: ${err.message} (${r.started.size}/${n})`));
    const apiAllStartedMs = await apiAllStarted;
    current = null;
    const started = ascending(r.started.values());
    const received = ascending(r.received.values());
    const result: EmergencyRound = {
      label,
      requestMs,
      started: started.length,
      failed: r.failed.size,
      receivedFirstMs: received[0] ?? NaN,
      receivedP50Ms: percentile(received, 50),
      receivedP99Ms: percentile(received, 99),
      startedP50Ms: percentile(started, 50),
      startedP95Ms: percentile(started, 95),
      startedP99Ms: percentile(started, 99),
      startedMaxMs: started.length >= n ? (started.at(-1) as number) : NaN,
      apiAllStartedMs,
      serverCpuS: procSample(server.pid).cpuS - cpu0,
      bench: load(),
    };
    rounds.push(result);
    console.log(
      `  ${label}: POST answered after ${requestMs.toFixed(0)} ms; started ${started.length}/${n}` +
        ` (failed ${r.failed.size}) p50 ${result.startedP50Ms.toFixed(0)} / p95 ${result.startedP95Ms.toFixed(0)}` +
        ` / p99 ${result.startedP99Ms.toFixed(0)} / max ${result.startedMaxMs.toFixed(0)} ms;` +
        ` first command received after ${result.receivedFirstMs.toFixed(0)} ms;` +
        ` rollout view all started after ${(apiAllStartedMs / 1000).toFixed(2)} s`,
    );
    if (r.failed.size > 0) {
      const sample = [...r.failed.values()]
        .slice(0, 3)
        .map((a) => `${a.status} ${a.code ?? ''} ${a.message ?? ''}`);
      console.log(`    failures, e.g.: ${sample.join(' | ')}`);
    }
    // Let the notice play out and the server settle before the next round.
    await sleep(Math.max(0, assetMs + 8000 - (performance.now() - r.t0)));
  }
  return rounds;
}
