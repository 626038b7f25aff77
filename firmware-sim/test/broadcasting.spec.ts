import { randomBytes, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  PROTOCOL_VERSION,
  TOPIC_SPECS,
  clusterTopic,
  type Command,
  type CommandAck,
  type Manifest,
  type ManifestItem,
  type ManifestMedia,
  type ManifestSync,
  type PlayReport,
  type Priority,
} from '@loa-xa/protocol';
import { SimCluster, SimFleet, createRng, type SimClusterOptions } from '../src';
import { Observer, decodeAs, startBroker, until, type Seen, type TestBroker } from './harness';
import { MediaServer, type ServedFile } from './media-server';

// Real aedes broker, real MQTT.js clients, real HTTP media server; real time with short durations. Every
// wait is on an event or a condition; the only time bounds asserted are "not before" ones that follow from
// the device's own clock (an item never starts before its start).
const FAST = {
  telemetryIntervalMs: 200,
  reconnectPeriodMs: 50,
  rebootDurationMs: 150,
  keepaliveS: 10,
  downloadRetryMs: 50,
  syncDebounceMs: 100,
} satisfies Partial<SimClusterOptions>;

/** A cluster with everything it reported and every ack it sent, in order. */
interface Probe {
  cluster: SimCluster;
  plays: Array<PlayReport & { real: number }>;
  acks: CommandAck[];
  syncs: ManifestSync[];
}

describe('SimCluster broadcasting (protocol §11)', () => {
  let broker: TestBroker;
  let observer: Observer;
  let media: MediaServer;
  let tmp: string;
  const clusters: SimCluster[] = [];

  beforeAll(async () => {
    broker = await startBroker();
    observer = await Observer.connect(broker.url);
    media = await MediaServer.start();
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'loa-sim-media-'));
  });

  afterEach(() => {
    for (const cluster of clusters.splice(0)) cluster.kill();
  });

  afterAll(async () => {
    await observer.close();
    await broker.close();
    await media.close();
    await fs.rm(tmp, { recursive: true, force: true });
  });

  function probe(options: Partial<SimClusterOptions> = {}, brokerUrl = broker.url): Probe {
    const cluster = new SimCluster({
      brokerUrl,
      clusterId: randomUUID(),
      secret: 'not-checked-by-the-test-broker',
      rng: createRng(11),
      ...FAST,
      ...options,
    });
    clusters.push(cluster);
    const p: Probe = { cluster, plays: [], acks: [], syncs: [] };
    cluster.on('play', (report) => p.plays.push({ ...report, real: Date.now() }));
    cluster.on('ack', (ack) => p.acks.push(ack));
    cluster.on('sync', (sync) => p.syncs.push(sync));
    return p;
  }

  async function started(p: Probe, via = observer): Promise<void> {
    p.cluster.start();
    await via.waitFor((m) => m.clusterId === p.cluster.clusterId && m.channel === 'hello', {
      what: 'hello',
    });
  }

  let fileCounter = 0;
  function file(behaviour: Parameters<MediaServer['addFile']>[2] = {}, size = 64 * 1024): ServedFile {
    return media.addFile(`f${++fileCounter}.mp3`, randomBytes(size), behaviour);
  }

  /** The server-side name of a served file, for its request log. */
  const nameOf = (served: ServedFile) => served.url.replace(/^.*\/media\/([^?]+).*$/, '$1');

  function entry(id: string, served: ServedFile, durationMs = 1000, fetchFrom = 0): ManifestMedia {
    return { id, url: served.url, sha256: served.sha256, size: served.size, durationMs, fetchFrom };
  }

  function item(
    start: number,
    durationMs: number,
    mediaIds: string[],
    priority: Priority = 'commune',
    scheduleId = randomUUID(),
  ): ManifestItem {
    return {
      id: `${scheduleId}@${start}`,
      start,
      durationMs,
      priority,
      volume: 80,
      media: mediaIds,
      scheduleId,
    };
  }

  function manifest(version: number, items: ManifestItem[], files: ManifestMedia[]): Manifest {
    const now = Date.now();
    return {
      v: PROTOCOL_VERSION,
      ts: now,
      version,
      from: now,
      until: now + 48 * 3_600_000,
      items,
      media: files,
    };
  }

  async function publishManifest(p: Probe, m: Manifest, via = observer): Promise<void> {
    await via.client.publishAsync(clusterTopic(p.cluster.clusterId, 'manifest'), JSON.stringify(m), {
      qos: TOPIC_SPECS.manifest.qos,
      retain: true,
    });
  }

  function command<T extends 'play_now' | 'stop'>(
    type: T,
    params: Extract<Command, { type: T }>['params'],
  ): Command {
    const now = Date.now();
    return {
      v: PROTOCOL_VERSION,
      id: randomUUID(),
      ts: now,
      expiresAt: now + 60_000,
      type,
      params,
    } as Command;
  }

  const playOf =
    (ref: string, event: PlayReport['event']) =>
    (r: PlayReport): boolean =>
      r.ref === ref && r.event === event;

  async function waitPlay(p: Probe, ref: string, event: PlayReport['event'], timeoutMs = 15_000) {
    await until(() => p.plays.some(playOf(ref, event)), `${event} report for ${ref}`, timeoutMs);
    return p.plays.find(playOf(ref, event)) as PlayReport & { real: number };
  }

  async function waitAck(p: Probe, id: string, status: CommandAck['status']): Promise<CommandAck> {
    await until(() => p.acks.some((a) => a.id === id && a.status === status), `${status} ack for ${id}`);
    return p.acks.find((a) => a.id === id && a.status === status) as CommandAck;
  }

  /** Every play report the observer (the server's side) received from this cluster, in arrival order. */
  function observedReports(p: Probe, via = observer): PlayReport[] {
    return via.decoded(p.cluster.clusterId, 'playlog').flatMap((m) => m.value.reports);
  }

  const ofCluster =
    (p: Probe, channel: Seen['channel'], extra: (m: Seen) => boolean = () => true) =>
    (m: Seen) =>
      m.clusterId === p.cluster.clusterId && m.channel === channel && extra(m);

  it('manifest → download → sync with held → the item plays at its start → started/finished reported', async () => {
    const p = probe();
    await started(p);
    const a = file();
    const start = Date.now() + 3000;
    const it1 = item(start, 800, ['r-a']);
    await publishManifest(p, manifest(1, [it1], [entry('r-a', a, 800)]));

    // First the acknowledgement of the version, then (debounced) the file it now holds.
    const ack = await observer.waitFor(ofCluster(p, 'sync'), { what: 'sync' });
    expect(decodeAs(ack, 'sync')).toMatchObject({ version: 1 });
    const ready = await observer.waitFor(
      ofCluster(p, 'sync', (m) => decodeAs(m, 'sync').held.includes(a.sha256)),
      { what: 'sync with the file held' },
    );
    expect(decodeAs(ready, 'sync')).toMatchObject({ version: 1, held: [a.sha256] });
    expect(decodeAs(ready, 'sync').missing).toBeUndefined();
    expect(p.cluster.manifestVersion).toBe(1);
    expect([...p.cluster.heldMedia]).toEqual([a.sha256]);
    expect(media.requestsFor(nameOf(a))).toHaveLength(1);

    const begin = await waitPlay(p, it1.id, 'started');
    expect(begin).toMatchObject({ source: 'schedule', ref: it1.id });
    expect(begin.at).toBeGreaterThanOrEqual(start); // never early, by its own (here exact) clock
    expect(begin.real).toBeGreaterThanOrEqual(start);
    expect(p.cluster.onAir).toMatchObject({ source: 'schedule', ref: it1.id, priority: 'commune' });
    const playing = await observer.waitFor(
      ofCluster(p, 'telemetry', (m) => decodeAs(m, 'telemetry').playing !== null),
      { what: 'telemetry while playing' },
    );
    expect(decodeAs(playing, 'telemetry').playing).toEqual({
      kind: 'schedule',
      ref: it1.id,
      since: begin.at,
    });

    const end = await waitPlay(p, it1.id, 'finished');
    expect(end).toMatchObject({ source: 'schedule', playedMs: 800 });
    expect(end.at).toBeGreaterThanOrEqual(begin.at + 790);
    expect(p.cluster.onAir).toBeNull();

    await until(() => observedReports(p).length >= 2, 'both reports at the server');
    const seen = observedReports(p);
    expect(seen.map((r) => [r.event, r.ref])).toEqual([
      ['started', it1.id],
      ['finished', it1.id],
    ]);
    expect(new Set(seen.map((r) => r.id)).size).toBe(2);
    await until(() => p.cluster.counters.playReportsSent === 2, 'both reports acknowledged');
  });

  it('ignores a manifest whose version is not greater; download:false marks files held without HTTP', async () => {
    const p = probe({ download: false });
    await started(p);
    const a = file();
    const b = file();
    const requestsBefore = media.requests.length;
    await publishManifest(p, manifest(5, [], [entry('r-a', a)]));
    await until(() => p.cluster.manifestVersion === 5, 'version 5');
    expect(p.syncs[0]).toMatchObject({ version: 5, held: [a.sha256] });

    const soon = Date.now() + 300;
    const stale = item(soon, 200, ['r-b']);
    await publishManifest(p, manifest(3, [stale], [entry('r-b', b)]));
    await publishManifest(p, manifest(5, [stale], [entry('r-b', b)]));
    await until(() => p.cluster.counters.manifestsIgnored === 2, 'two manifests ignored');
    expect(p.cluster.manifestVersion).toBe(5);
    expect([...p.cluster.heldMedia]).toEqual([a.sha256]);

    // Its item would have started by now had the manifest been applied.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, soon - Date.now()) + 400));
    expect(p.plays).toHaveLength(0);
    expect(media.requests.length).toBe(requestsBefore);

    // The retained manifest comes back at every reconnect and is ignored as well.
    const from = observer.messages.length;
    p.cluster.startOutage(100);
    await observer.waitFor(
      ofCluster(p, 'status', (m) => decodeAs(m, 'status').state === 'online'),
      { from, what: 'back online' },
    );
    await until(() => p.cluster.counters.manifestsIgnored === 3, 'the retained manifest ignored');
    expect(p.cluster.counters.manifestsApplied).toBe(1);
  });

  it('cancels items no longer listed: the one on air is interrupted, the others never start', async () => {
    const p = probe({ download: false });
    await started(p);
    const a = file();
    const now = Date.now();
    const playingNow = item(now - 100, 10_000, ['r-a']);
    const later = item(now + 1200, 500, ['r-a']);
    await publishManifest(p, manifest(1, [playingNow, later], [entry('r-a', a)]));
    await waitPlay(p, playingNow.id, 'started');

    await publishManifest(p, manifest(2, [], []));
    const cut = await waitPlay(p, playingNow.id, 'interrupted');
    expect(cut).toMatchObject({ reason: 'other', detail: 'removed from manifest' });
    expect(cut.playedMs).toBeLessThan(10_000);
    expect(p.cluster.heldMedia.size).toBe(0); // no manifest lists the file any more

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, later.start - Date.now()) + 400));
    expect(p.plays.filter((r) => r.ref === later.id)).toEqual([]);
  });

  it('starts an item late while before its end, and reports one whose end has passed failed/expired', async () => {
    const p = probe({ download: false });
    await started(p);
    const a = file();
    const now = Date.now();
    const over = item(now - 10_000, 1000, ['r-a']);
    const running = item(now - 300, 600, ['r-a']);
    await publishManifest(p, manifest(1, [over, running], [entry('r-a', a)]));

    const expired = await waitPlay(p, over.id, 'failed');
    expect(expired).toMatchObject({ source: 'schedule', reason: 'expired' });
    const late = await waitPlay(p, running.id, 'started');
    expect(late.at).toBeGreaterThanOrEqual(now); // its real start, after the manifest arrived
    const end = await waitPlay(p, running.id, 'finished');
    expect(end.playedMs).toBe(600); // from the beginning, whole
  });

  it('checksum mismatch: reported missing, retried, then held; a file that never matches stays missing', async () => {
    // Back-off (≥ 200 ms) longer than the sync debounce, so the failure is reported before the retry heals it.
    const p = probe({ downloadMaxAttempts: 3, downloadRetryMs: 400 });
    await started(p);
    const flaky = file({ corruptFirst: 1 });
    const wrong = file();
    const liar: ServedFile = { ...wrong, sha256: 'ab'.repeat(32) }; // the manifest's hash never matches
    const start = Date.now() + 60_000;
    await publishManifest(
      p,
      manifest(1, [item(start, 1000, ['r-flaky'])], [entry('r-flaky', flaky), entry('r-liar', liar)]),
    );

    const missing = await observer.waitFor(
      ofCluster(p, 'sync', (m) =>
        (decodeAs(m, 'sync').missing ?? []).some(
          (x) => x.sha256 === flaky.sha256 && x.reason === 'checksum_mismatch',
        ),
      ),
      { what: 'sync reporting the corrupt file missing' },
    );
    await observer.waitFor(
      ofCluster(p, 'sync', (m) => {
        const sync = decodeAs(m, 'sync');
        return (
          sync.held.includes(flaky.sha256) &&
          (sync.missing ?? []).some((x) => x.sha256 === liar.sha256 && x.reason === 'checksum_mismatch')
        );
      }),
      { from: missing.index + 1, what: 'sync: flaky file held after its retry, the liar missing' },
    );
    await until(() => p.cluster.counters.downloadsFailed === 1, 'the liar given up');
    expect(media.requestsFor(nameOf(flaky))).toHaveLength(2);
    expect(media.requestsFor(nameOf(wrong))).toHaveLength(3); // bounded: downloadMaxAttempts
    expect(p.cluster.heldMedia.has(liar.sha256)).toBe(false);
    expect(p.cluster.missingMedia.get(liar.sha256)).toBe('checksum_mismatch');
    expect(p.cluster.counters.downloadsCompleted).toBe(1);

    // An item whose file is not held at its start fails media_missing; one whose file is held plays.
    const soon = Date.now() + 150;
    const blind = item(soon, 300, ['r-liar']);
    const fine = item(soon + 10, 300, ['r-flaky'], 'district');
    await publishManifest(p, manifest(2, [blind, fine], [entry('r-flaky', flaky), entry('r-liar', liar)]));
    expect(await waitPlay(p, blind.id, 'failed')).toMatchObject({
      source: 'schedule',
      reason: 'media_missing',
      detail: 'not held: r-liar',
    });
    await waitPlay(p, fine.id, 'finished');
  });

  it('waits for fetchFrom, resumes a cut transfer with Range, and keeps the bytes with mediaDir', async () => {
    const dir = path.join(tmp, 'resume');
    const p = probe({ mediaDir: dir });
    await started(p);
    const big = file({ cutFirstAt: 100_000 }, 256 * 1024);
    const fetchFrom = Date.now() + 700;
    await publishManifest(p, manifest(1, [], [entry('r-big', big, 1000, fetchFrom)]));
    await until(() => p.cluster.heldMedia.has(big.sha256), 'the file held');

    const requests = media.requestsFor(nameOf(big));
    expect(requests).toHaveLength(2);
    expect(requests[0].at).toBeGreaterThanOrEqual(fetchFrom);
    expect(requests[0].range).toBeUndefined();
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(requests[1].range ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(100_000);
    expect(await fs.readFile(path.join(dir, big.sha256))).toEqual(big.bytes);

    // A manifest that no longer lists it: forgotten, file deleted.
    await publishManifest(p, manifest(2, [], []));
    await until(() => p.cluster.heldMedia.size === 0, 'file forgotten');
    let left = await fs.readdir(dir);
    for (let i = 0; i < 100 && left.length > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      left = await fs.readdir(dir);
    }
    expect(left).toEqual([]);
  });

  it('an expired URL (403) is reported missing and the device asks for a fresh manifest', async () => {
    const p = probe();
    await started(p);
    const gone = file({ status: 403 });
    await publishManifest(p, manifest(1, [], [entry('r-gone', gone)]));
    const asked = await observer.waitFor(
      ofCluster(p, 'sync', (m) => decodeAs(m, 'sync').request === true),
      { what: 'sync with request: true' },
    );
    expect(decodeAs(asked, 'sync')).toMatchObject({
      version: 1,
      held: [],
      missing: [{ sha256: gone.sha256, reason: 'media_missing' }],
      request: true,
    });
    expect(media.requestsFor(nameOf(gone))).toHaveLength(1); // no retry against an expired URL
  });

  it('an emergency play_now interrupts a scheduled item: interrupted/preempted, then started, acks received → started → ok', async () => {
    const p = probe();
    await started(p);
    const programme = file();
    const warning = file({}, 32 * 1024);
    await publishManifest(p, manifest(1, [], [entry('r-prog', programme)]));
    await until(() => p.cluster.heldMedia.has(programme.sha256), 'programme held');
    const scheduled = item(Date.now() + 200, 20_000, ['r-prog'], 'commune');
    await publishManifest(p, manifest(2, [scheduled], [entry('r-prog', programme)]));
    await waitPlay(p, scheduled.id, 'started');

    const cmd = command('play_now', {
      priority: 'emergency',
      volume: 100,
      media: [
        { id: 'r-warn', url: warning.url, sha256: warning.sha256, size: warning.size, durationMs: 400 },
      ],
    });
    await observer.publishCommand(p.cluster.clusterId, cmd);
    await waitAck(p, cmd.id, 'started');
    const cut = await waitPlay(p, scheduled.id, 'interrupted');
    const begin = await waitPlay(p, cmd.id, 'started');
    expect(cut).toMatchObject({ source: 'schedule', reason: 'preempted' });
    expect(begin).toMatchObject({ source: 'command', ref: cmd.id });
    expect(p.plays.indexOf(cut)).toBeLessThan(p.plays.indexOf(begin));
    expect(p.cluster.onAir).toMatchObject({ source: 'command', ref: cmd.id, priority: 'emergency' });

    const end = await waitPlay(p, cmd.id, 'finished');
    expect(end.playedMs).toBe(400);
    const final = await waitAck(p, cmd.id, 'ok');
    expect(final.result).toMatchObject({ event: 'finished', playedMs: 400 });
    expect(p.acks.filter((a) => a.id === cmd.id).map((a) => a.status)).toEqual(['received', 'started', 'ok']);
    // The preempted item does not come back, and the play_now file is not kept (no manifest lists it).
    expect(p.plays.filter((r) => r.ref === scheduled.id).map((r) => r.event)).toEqual([
      'started',
      'interrupted',
    ]);
    expect(p.cluster.heldMedia.has(warning.sha256)).toBe(false);
  });

  it('during an emergency: a lower play_now is rejected busy, a scheduled item fails preempted, a lower stop stops nothing', async () => {
    const p = probe({ download: false });
    await started(p);
    const warn = file();
    const emergency = command('play_now', {
      priority: 'emergency',
      media: [{ id: 'r-w', url: warn.url, sha256: warn.sha256, size: warn.size, durationMs: 30_000 }],
    });
    await observer.publishCommand(p.cluster.clusterId, emergency);
    await waitAck(p, emergency.id, 'started');

    const lower = command('play_now', {
      priority: 'province',
      media: [{ id: 'r-w', url: warn.url, sha256: warn.sha256, size: warn.size, durationMs: 1000 }],
    });
    await observer.publishCommand(p.cluster.clusterId, lower);
    const busy = await waitAck(p, lower.id, 'rejected');
    expect(busy.code).toBe('busy');
    expect(await waitPlay(p, lower.id, 'failed')).toMatchObject({ source: 'command', reason: 'preempted' });

    const routine = item(Date.now() + 100, 1000, ['r-w'], 'district');
    await publishManifest(p, manifest(1, [routine], [entry('r-w', warn)]));
    expect(await waitPlay(p, routine.id, 'failed')).toMatchObject({ reason: 'preempted' });

    const weakStop = command('stop', { priority: 'province' });
    await observer.publishCommand(p.cluster.clusterId, weakStop);
    expect((await waitAck(p, weakStop.id, 'ok')).result).toEqual({ stopped: false });
    expect(p.cluster.onAir?.ref).toBe(emergency.id);

    const stop = command('stop', { priority: 'emergency', ref: emergency.id });
    await observer.publishCommand(p.cluster.clusterId, stop);
    expect((await waitAck(p, stop.id, 'ok')).result).toMatchObject({ stopped: true });
    expect(await waitPlay(p, emergency.id, 'interrupted')).toMatchObject({ reason: 'stopped' });
    expect((await waitAck(p, emergency.id, 'ok')).result).toMatchObject({
      event: 'interrupted',
      reason: 'stopped',
    });
    expect(p.cluster.onAir).toBeNull();
  });

  it('stop: a ref that does not match stops nothing; the matching one interrupts the item (stopped)', async () => {
    const p = probe({ download: false });
    await started(p);
    const a = file();
    const scheduled = item(Date.now() - 50, 20_000, ['r-a'], 'commune');
    await publishManifest(p, manifest(1, [scheduled], [entry('r-a', a)]));
    await waitPlay(p, scheduled.id, 'started');

    const other = command('stop', { priority: 'commune', ref: 'something-else' });
    await observer.publishCommand(p.cluster.clusterId, other);
    expect((await waitAck(p, other.id, 'ok')).result).toEqual({ stopped: false });

    const stop = command('stop', { priority: 'commune', ref: scheduled.id });
    await observer.publishCommand(p.cluster.clusterId, stop);
    expect(await waitPlay(p, scheduled.id, 'interrupted')).toMatchObject({ reason: 'stopped' });
    expect((await waitAck(p, stop.id, 'ok')).result).toEqual({ stopped: true, refs: [scheduled.id] });
    expect(p.acks.filter((a) => a.id === stop.id).map((a) => a.status)).toEqual(['received', 'ok']);
  });

  it('play_now stream: consumes the bytes, acks started at the first audio, reports stream_lost when it ends', async () => {
    const p = probe();
    await started(p);
    const streamId = randomUUID();
    const url = media.addStream(`s-${streamId}`, { intervalMs: 20, chunkBytes: 2048 });
    const cmd = command('play_now', { priority: 'commune', stream: { id: streamId, url, format: 'mp3' } });
    await observer.publishCommand(p.cluster.clusterId, cmd);
    await waitAck(p, cmd.id, 'started');
    expect(await waitPlay(p, streamId, 'started')).toMatchObject({ source: 'live', ref: streamId });
    expect(p.cluster.onAir).toMatchObject({ source: 'live', ref: streamId, commandId: cmd.id });
    await until(() => p.cluster.counters.streamBytes >= 10 * 2048, 'stream bytes consumed');

    media.endStream(`s-${streamId}`);
    const lost = await waitPlay(p, streamId, 'interrupted');
    expect(lost).toMatchObject({ source: 'live', reason: 'stream_lost' });
    expect((await waitAck(p, cmd.id, 'ok')).result).toMatchObject({
      event: 'interrupted',
      reason: 'stream_lost',
    });

    // A stream stopped by the operator is `stopped`, never `stream_lost`, and the connection is closed.
    const secondId = randomUUID();
    const secondUrl = media.addStream(`s-${secondId}`, { intervalMs: 20 });
    const second = command('play_now', {
      priority: 'commune',
      stream: { id: secondId, url: secondUrl, format: 'mp3' },
    });
    await observer.publishCommand(p.cluster.clusterId, second);
    await waitAck(p, second.id, 'started');
    const stop = command('stop', { priority: 'commune', ref: secondId });
    await observer.publishCommand(p.cluster.clusterId, stop);
    expect(await waitPlay(p, secondId, 'interrupted')).toMatchObject({ reason: 'stopped' });
    await until(() => media.listenersOf(`s-${secondId}`) === 0, 'stream connection closed');
    expect(p.plays.filter((r) => r.ref === secondId).map((r) => r.event)).toEqual(['started', 'interrupted']);

    // A stream that cannot be opened.
    const badId = randomUUID();
    const badUrl = media.addStream(`s-${badId}`, { status: 404 });
    const bad = command('play_now', {
      priority: 'commune',
      stream: { id: badId, url: badUrl, format: 'mp3' },
    });
    await observer.publishCommand(p.cluster.clusterId, bad);
    expect((await waitAck(p, bad.id, 'error')).code).toBe('stream_unavailable');
    expect(await waitPlay(p, badId, 'failed')).toMatchObject({ source: 'live', reason: 'stream_lost' });
  });

  it('link loss during playback: reports are buffered and delivered after the reconnect, each exactly once', async () => {
    const p = probe({ download: false });
    await started(p);
    const a = file();
    const scheduled = item(Date.now() + 300, 1200, ['r-a']);
    await publishManifest(p, manifest(1, [scheduled], [entry('r-a', a)]));
    await waitPlay(p, scheduled.id, 'started');
    await until(() => p.cluster.pendingPlayReports.length === 0, 'started acknowledged by the broker');

    const from = observer.messages.length;
    p.cluster.startOutage(2500);
    const end = await waitPlay(p, scheduled.id, 'finished');
    expect(p.cluster.connected).toBe(false);
    expect(p.cluster.pendingPlayReports.map((r) => r.id)).toContain(end.id);

    await observer.waitFor(
      ofCluster(p, 'status', (m) => decodeAs(m, 'status').state === 'online'),
      { from, what: 'back online' },
    );
    await until(() => observedReports(p).some((r) => r.id === end.id), 'finished report at the server');
    await until(() => p.cluster.pendingPlayReports.length === 0, 'queue drained');
    const ids = observedReports(p).map((r) => r.id);
    expect(ids.sort()).toEqual(p.plays.map((r) => r.id).sort());
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('plays on time from its own clock with the broker stopped after the manifest arrived', async () => {
    const own = await startBroker();
    const port = Number(new URL(own.url).port);
    let ownObserver = await Observer.connect(own.url);
    let back: TestBroker | undefined;
    try {
      const p = probe({}, own.url);
      await started(p, ownObserver);
      const a = file();
      const start = Date.now() + 2500;
      const scheduled = item(start, 400, ['r-a']);
      await publishManifest(p, manifest(1, [scheduled], [entry('r-a', a, 400)]), ownObserver);
      await ownObserver.waitFor(
        ofCluster(p, 'sync', (m) => decodeAs(m, 'sync').held.includes(a.sha256)),
        { what: 'ready' },
      );
      await ownObserver.close();
      await own.close();
      await until(() => !p.cluster.connected, 'link lost with the broker');

      const begin = await waitPlay(p, scheduled.id, 'started');
      expect(begin.real).toBeGreaterThanOrEqual(start);
      expect(begin.at).toBeGreaterThanOrEqual(start);
      await waitPlay(p, scheduled.id, 'finished');
      expect(p.cluster.connected).toBe(false);
      expect(p.cluster.pendingPlayReports.map((r) => r.event)).toEqual(['started', 'finished']);

      // The broker comes back on the same port: the reports reach the server side.
      back = await startBroker(port);
      ownObserver = await Observer.connect(back.url);
      await until(() => observedReports(p, ownObserver).length >= 2, 'buffered reports delivered', 20_000);
      expect(observedReports(p, ownObserver).map((r) => [r.event, r.ref])).toEqual([
        ['started', scheduled.id],
        ['finished', scheduled.id],
      ]);
    } finally {
      for (const cluster of clusters.splice(0)) cluster.kill();
      await ownObserver.close();
      await back?.close();
    }
  });

  it('clock skew: a corrected clock plays on time and reports its offset; an uncorrected one plays early by the skew', async () => {
    const skew = 4000;
    const right = probe({ download: false, clockSkewMs: skew, clockCorrected: true });
    const wrong = probe({ download: false, clockSkewMs: skew, clockCorrected: false });
    await Promise.all([started(right), started(wrong)]);
    const a = file();
    const start = Date.now() + 5000;
    const scheduled = item(start, 300, ['r-a']);
    const m = manifest(1, [scheduled], [entry('r-a', a)]);
    await Promise.all([publishManifest(right, m), publishManifest(wrong, m)]);

    const early = await waitPlay(wrong, scheduled.id, 'started');
    const onTime = await waitPlay(right, scheduled.id, 'started');
    expect(onTime.real).toBeGreaterThanOrEqual(start);
    expect(onTime.at).toBeGreaterThanOrEqual(start + skew); // stamped with its own (skewed) clock
    expect(early.real).toBeLessThan(start); // it believed its clock: early by the skew
    expect(early.at).toBeGreaterThanOrEqual(start);

    const offsetOf = async (p: Probe) =>
      decodeAs(await observer.waitFor(ofCluster(p, 'telemetry')), 'telemetry').clockOffsetMs;
    expect(await offsetOf(right)).toBe(skew);
    expect(await offsetOf(wrong)).toBe(0);
  });

  it('a power cycle during playback reports interrupted/power and does not replay the item after boot', async () => {
    const p = probe({ download: false });
    await started(p);
    const a = file();
    const scheduled = item(Date.now() - 50, 20_000, ['r-a']);
    const next = item(Date.now() + 1500, 300, ['r-a']);
    await publishManifest(p, manifest(1, [scheduled, next], [entry('r-a', a)]));
    await waitPlay(p, scheduled.id, 'started');
    const bootId = p.cluster.bootId;
    p.cluster.reboot(0);
    expect(await waitPlay(p, scheduled.id, 'interrupted')).toMatchObject({ reason: 'power' });
    await until(() => p.cluster.bootId !== bootId, 'rebooted');
    // The manifest and files survived (flash); the next item plays on its own clock.
    await waitPlay(p, next.id, 'finished');
    expect(p.plays.filter((r) => r.ref === scheduled.id).map((r) => r.event)).toEqual([
      'started',
      'interrupted',
    ]);
    await until(() => observedReports(p).length === p.plays.length, 'every report delivered');
    expect(new Set(observedReports(p).map((r) => r.id)).size).toBe(p.plays.length);
  });

  it('SimFleet: caps concurrent downloads over the fleet and forwards every play report', async () => {
    const slow = file({ chunkDelayMs: 5 }, 64 * 1024);
    const creds = Array.from({ length: 6 }, (_, i) => ({ clusterId: randomUUID(), secret: `s${i}` }));
    const fleet = new SimFleet(creds, {
      brokerUrl: broker.url,
      connectRatePerS: 1000,
      seed: 3,
      maxConcurrentDownloads: 2,
      ...FAST,
    });
    const starts: string[] = [];
    fleet.on('play', (clusterId, report) => {
      if (report.event === 'started') starts.push(clusterId);
    });
    try {
      await fleet.start();
      await fleet.waitForOnline(6, 30_000);
      media.maxConcurrent = 0;
      const m = manifest(1, [], [entry('r-slow', slow)]);
      for (const c of creds) {
        await observer.client.publishAsync(clusterTopic(c.clusterId, 'manifest'), JSON.stringify(m), {
          qos: 1,
          retain: true,
        });
      }
      await until(
        () => fleet.all().every((c) => c.heldMedia.has(slow.sha256)),
        'every cluster holds the file',
      );
      expect(media.maxConcurrent).toBeLessThanOrEqual(2);
      expect(media.maxConcurrent).toBeGreaterThan(0);
      expect(fleet.stats()).toMatchObject({ withManifest: 6, downloadsCompleted: 6, onAir: 0 });

      const scheduled = item(Date.now() + 300, 300, ['r-slow']);
      const m2 = manifest(2, [scheduled], [entry('r-slow', slow)]);
      for (const c of creds) {
        await observer.client.publishAsync(clusterTopic(c.clusterId, 'manifest'), JSON.stringify(m2), {
          qos: 1,
          retain: true,
        });
      }
      await until(() => starts.length === 6, 'six started reports');
      expect(new Set(starts)).toEqual(new Set(creds.map((c) => c.clusterId)));
    } finally {
      fleet.kill();
    }
  });
});
