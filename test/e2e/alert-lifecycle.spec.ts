/*
 * The alert lifecycle end to end, driven by simulated clusters (firmware-sim) against the real server:
 * a fault injected on one cluster raises exactly one alert and one notification; clearing it resolves
 * both; a whole commune losing its links raises one grouped notification, not one per cluster.
 */
import { DataSource } from 'typeorm';
import { SimFleet } from '@loa-xa/firmware-sim';
import { startTestServer, type TestServer } from '../support/test-server';
import { eventually, request } from '../support/http';
import { provisionClusters, type ProvisionedCluster } from '../support/fleet';
import { startReceiver, type Receiver } from '../notifications/support';
import type { AlertView } from '../../apps/server/src/health/alert-events';

const FAST = { raiseAfterS: 2, clearAfterS: 1 };

describe('alert lifecycle with simulated clusters (e2e)', () => {
  let server: TestServer;
  let receiver: Receiver;
  let fleet: SimFleet;
  let communeA: string;
  let communeB: string;
  let inA: ProvisionedCluster[];
  let inB: ProvisionedCluster[];

  const alerts = async (query: string) =>
    (
      await request<{ items: AlertView[] }>(
        'GET',
        server.url(`/api/v1/alerts?pageSize=500&${query.includes('state=') ? query : `state=all&${query}`}`),
      )
    ).body.items;
  /** What the webhook received about the given alert ids, or a group naming the commune. */
  const bodies = () =>
    receiver.received.map(
      (r) => r.body as { event: string; alert?: AlertView; group?: Record<string, unknown> },
    );

  beforeAll(async () => {
    server = await startTestServer({ healthTickMs: 50, alertGroupWindowS: 2, alertGroupMin: 3 });
    inA = await provisionClusters(server, 6);
    inB = await provisionClusters(server, 2);
    const ds = server.app.get(DataSource);
    const communeOf = async (id: string) =>
      ((await ds.query(`SELECT commune_id FROM cluster WHERE id = $1`, [id])) as { commune_id: string }[])[0]
        .commune_id;
    [communeA, communeB] = await Promise.all([communeOf(inA[0].id), communeOf(inB[0].id)]);
    for (const commune of [communeA, communeB])
      for (const rule of ['offline', 'amp_fault', 'speaker_line']) {
        const res = await request('PUT', server.url(`/api/v1/health-rules/overrides/${commune}/${rule}`), {
          params: FAST,
        });
        expect(res.status).toBe(200);
      }
    receiver = await startReceiver();
    const hook = await request('POST', server.url('/api/v1/webhooks'), {
      name: 'Trực ban kỹ thuật',
      url: receiver.url,
      unitId: null,
    });
    expect(hook.status).toBe(201);
    fleet = new SimFleet(
      [...inA, ...inB].map((c) => ({ clusterId: c.id, secret: c.secret })),
      { brokerUrl: server.mqttUrl, telemetryIntervalMs: 300, reconnectPeriodMs: 300, seed: 6 },
    );
    await fleet.start();
    await fleet.waitForOnline();
  }, 120_000);
  afterAll(async () => {
    fleet?.kill();
    await receiver?.close();
    await server?.close();
  });

  it('an injected amplifier fault raises exactly one alert and one notification; clearing it resolves both', async () => {
    const sim = fleet.get(inB[0].id);
    if (!sim) throw new Error('no sim');
    sim.injectFault('amp_fault', 'quá dòng');
    const [alert] = await eventually(async () => {
      const list = await alerts(`clusterId=${inB[0].id}&rule=amp_fault`);
      return list.length > 0 && list;
    });
    expect(alert).toMatchObject({ state: 'open', severity: 'critical', communeId: communeB });
    await eventually(async () =>
      bodies().some((b) => b.event === 'alert.opened' && b.alert?.id === alert.id),
    );
    // Telemetry keeps reporting the fault several times over: still one alert.
    const seq = sim.seq;
    await eventually(async () => sim.seq >= seq + 5);
    expect(await alerts(`clusterId=${inB[0].id}&rule=amp_fault`)).toHaveLength(1);

    sim.clearFault('amp_fault');
    await eventually(
      async () => (await alerts(`clusterId=${inB[0].id}&rule=amp_fault`))[0]?.state === 'resolved',
    );
    await eventually(async () =>
      bodies().some((b) => b.event === 'alert.resolved' && b.alert?.id === alert.id),
    );
    const aboutIt = bodies()
      .filter((b) => b.alert?.id === alert.id)
      .map((b) => b.event);
    expect(aboutIt).toEqual(['alert.opened', 'alert.resolved']);
    expect(await alerts(`clusterId=${inB[0].id}&rule=amp_fault`)).toHaveLength(1);
  });

  it('a commune losing every link raises one grouped notification, and one when they are back', async () => {
    const before = receiver.received.length;
    for (const c of inA) fleet.get(c.id)?.startOutage(8000);
    const opened = await eventually(async () => {
      const list = await alerts(`unitId=${communeA}&rule=offline&state=active`);
      return list.length === inA.length && list;
    });
    expect(new Set(opened.map((a) => a.clusterId))).toEqual(new Set(inA.map((c) => c.id)));
    const group = await eventually(async () =>
      bodies()
        .slice(before)
        .find((b) => b.event === 'alert.group'),
    );
    expect(group.group).toMatchObject({
      kind: 'opened',
      rule: 'offline',
      count: inA.length,
      unit: { id: communeA },
    });
    // …and no single notification for any of those alerts.
    const ids = new Set(opened.map((a) => a.id));
    expect(
      bodies()
        .slice(before)
        .filter((b) => b.alert && ids.has(b.alert.id)),
    ).toEqual([]);
    // The other commune was not touched.
    expect(await alerts(`unitId=${communeB}&rule=offline`)).toEqual([]);

    // Links come back: every offline alert resolves, again as one group.
    await eventually(
      async () => (await alerts(`unitId=${communeA}&rule=offline&state=active`)).length === 0,
      60_000,
    );
    await eventually(async () =>
      bodies()
        .slice(before)
        .some((b) => b.event === 'alert.group' && (b.group as { kind: string }).kind === 'resolved'),
    );
    const groups = bodies()
      .slice(before)
      .filter((b) => b.event === 'alert.group');
    expect(groups.map((g) => (g.group as { kind: string }).kind)).toEqual(['opened', 'resolved']);
  }, 90_000);
});
