import { randomUUID } from 'node:crypto';
import { SimFleet, type SimCredential } from '../src';
import { Observer, decodeAs, startBroker, until, type TestBroker } from './harness';

describe('SimFleet against a real broker', () => {
  let broker: TestBroker;
  let observer: Observer;
  let fleet: SimFleet | undefined;

  beforeAll(async () => {
    broker = await startBroker();
    observer = await Observer.connect(broker.url);
  });

  afterEach(() => {
    fleet?.kill();
    fleet = undefined;
  });

  afterAll(async () => {
    await observer.close();
    await broker.close();
  });

  const credentials = (count: number): SimCredential[] =>
    Array.from({ length: count }, (_, i) => ({ clusterId: randomUUID(), secret: `s${i}`, code: `SIM-${i}` }));

  /** Latest status state per cluster, as the server would see it. */
  function presence(ids: readonly string[]): Map<string, string> {
    const wanted = new Set(ids);
    const state = new Map<string, string>();
    for (const m of observer.messages) {
      if (m.channel === 'status' && wanted.has(m.clusterId))
        state.set(m.clusterId, decodeAs(m, 'status').state);
    }
    return state;
  }

  it('brings 50 clusters online, each says hello and reports, and stops them all cleanly', async () => {
    const creds = credentials(50);
    const ids = creds.map((c) => c.clusterId);
    fleet = new SimFleet(creds, {
      brokerUrl: broker.url,
      connectRatePerS: 500,
      telemetryIntervalMs: 200,
      reconnectPeriodMs: 100,
      seed: 1,
    });
    await fleet.start();
    await fleet.waitForOnline(50, 30_000);
    expect(fleet.online).toBe(50);

    await until(
      () => [...presence(ids).values()].filter((s) => s === 'online').length === 50,
      '50 online statuses',
    );
    await until(() => {
      const hellos = new Set(observer.messages.filter((m) => m.channel === 'hello').map((m) => m.clusterId));
      return ids.every((id) => hellos.has(id));
    }, 'a hello from every cluster');
    await until(() => {
      const reporting = new Set(
        observer.messages.filter((m) => m.channel === 'telemetry').map((m) => m.clusterId),
      );
      return ids.every((id) => reporting.has(id));
    }, 'telemetry from every cluster');

    const one = fleet.get(ids[7]);
    expect(one?.clusterId).toBe(ids[7]);
    expect(one?.connected).toBe(true);
    expect(fleet.get('no-such-cluster')).toBeUndefined();
    const stats = fleet.stats();
    expect(stats).toMatchObject({ clusters: 50, started: 50, online: 50 });
    expect(stats.telemetrySent).toBeGreaterThanOrEqual(50);

    await fleet.stop();
    expect(fleet.online).toBe(0);
    await until(
      () => [...presence(ids).values()].filter((s) => s === 'offline').length === 50,
      '50 offline statuses',
    );
  });

  it('starts clusters no faster than connectRatePerS', async () => {
    fleet = new SimFleet(credentials(12), { brokerUrl: broker.url, connectRatePerS: 10, seed: 2 });
    const began = Date.now();
    await fleet.start();
    // 12 clusters at 10/s: the first starts at once, the 12th not before ~1.1 s.
    expect(Date.now() - began).toBeGreaterThanOrEqual(1000);
    await fleet.waitForOnline(12, 30_000);
  });

  it('gives a share of the clusters a weak signal, reproducibly from the seed', async () => {
    const creds = credentials(40);
    const rsrpOf = async (seed: number) => {
      const f = new SimFleet(creds, {
        brokerUrl: broker.url,
        seed,
        lowSignalFraction: 0.5,
        connectRatePerS: 1000,
        telemetryIntervalMs: 60_000,
      });
      fleet = f;
      const first = new Map<string, number>();
      for (const cluster of f.all()) {
        cluster.once('telemetry', (_seq, t) => first.set(cluster.clusterId, t.net.rsrp ?? 0));
      }
      await f.start();
      await until(() => first.size === creds.length, 'one telemetry per cluster');
      await f.stop();
      return creds.map((c) => first.get(c.clusterId) ?? 0);
    };
    const a = await rsrpOf(99);
    const weak = a.filter((rsrp) => rsrp < -108).length;
    expect(weak).toBeGreaterThanOrEqual(10);
    expect(weak).toBeLessThanOrEqual(30);
    expect(await rsrpOf(99)).toEqual(a);
  });
});
