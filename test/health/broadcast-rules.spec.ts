import { PROTOCOL_VERSION, clusterTopic, encodePayload } from '@loa-xa/protocol';
import { startTestServer, type TestServer } from '../support/test-server';
import { eventually, request } from '../support/http';
import { communeWithClusters, readyAsset, recordingDevice } from '../broadcasts/support';
import { publishPlayLog } from '../playlogs/support';
import type { ProvisionedCluster } from '../support/fleet';
import type { AlertView } from '../../apps/server/src/health/alert-events';

/** Local wall-clock time (Vietnam, UTC+7) of an instant, to the second. */
const localSeconds = (ms: number) => new Date(ms + 7 * 3_600_000).toISOString().slice(0, 19);

describe('broadcast health rules: manifest not acknowledged, missed broadcast', () => {
  let server: TestServer;
  let communeId: string;
  let clusters: ProvisionedCluster[];

  beforeAll(async () => {
    server = await startTestServer({ healthTickMs: 50 });
    ({ communeId, clusters } = await communeWithClusters(server, 2));
    for (const [rule, params] of [
      ['manifest_unacked', { raiseAfterS: 5 }],
      ['missed_broadcast', { graceS: 10 }],
    ] as const) {
      const res = await request('PUT', server.url(`/api/v1/health-rules/overrides/${communeId}/${rule}`), {
        params,
      });
      expect(res.status).toBe(200);
    }
  }, 120_000);
  afterAll(async () => {
    await server?.close();
  });

  const active = async (clusterId: string, rule: string) =>
    (
      await request<{ items: AlertView[] }>(
        'GET',
        server.url(`/api/v1/alerts?clusterId=${clusterId}&rule=${rule}&state=all`),
      )
    ).body.items;

  it('a cluster that ignores its manifest and plays nothing gets both alerts; one that plays gets none', async () => {
    const asset = await readyAsset(server, communeId, 2);
    const [silent, playing] = await Promise.all(clusters.map((c) => recordingDevice(server, c)));
    for (const [device, cluster] of [
      [silent, clusters[0]],
      [playing, clusters[1]],
    ] as const)
      await device.client.publishAsync(
        clusterTopic(cluster.id, 'status'),
        encodePayload('Status', { v: PROTOCOL_VERSION, ts: Date.now(), state: 'online' }),
        { qos: 1, retain: true },
      );
    const start = Date.now() + 8000;
    const created = await request('POST', server.url('/api/v1/schedules'), {
      title: 'Thông báo khẩn',
      assetId: asset.id,
      target: { unitIds: [communeId] },
      start: localSeconds(start),
    });
    expect(created.status).toBe(201);

    // The playing cluster acknowledges its manifest; the silent one never does.
    const manifest = await eventually(async () => playing.manifests.find((m) => m.items.length > 0));
    await playing.client.publishAsync(
      clusterTopic(clusters[1].id, 'sync'),
      encodePayload('ManifestSync', {
        v: PROTOCOL_VERSION,
        ts: Date.now(),
        version: manifest.version,
        held: manifest.media.map((m) => m.sha256),
      }),
      { qos: 1 },
    );
    const [unacked] = await eventually(async () => {
      const list = await active(clusters[0].id, 'manifest_unacked');
      return list.length > 0 && list;
    });
    expect(unacked).toMatchObject({ state: 'open', severity: 'minor' });

    const item = manifest.items[0];
    await publishPlayLog(playing.client, clusters[1].id, [
      { id: 'r1', source: 'schedule', ref: item.id, event: 'started', at: item.start },
    ]);
    const [missed] = await eventually(async () => {
      const list = await active(clusters[0].id, 'missed_broadcast');
      return list.length > 0 && list;
    }, 60_000);
    expect(missed).toMatchObject({ state: 'open', severity: 'major', value: { occurrenceId: item.id } });
    expect(new Date(missed.since).getTime()).toBe(item.start);
    expect(await active(clusters[1].id, 'missed_broadcast')).toEqual([]);
    expect(await active(clusters[1].id, 'manifest_unacked')).toEqual([]);

    // A late report (the cluster did play, offline): the alert resolves itself.
    await publishPlayLog(silent.client, clusters[0].id, [
      { id: 'late-1', source: 'schedule', ref: item.id, event: 'started', at: item.start + 20 },
    ]);
    await eventually(async () => (await active(clusters[0].id, 'missed_broadcast'))[0]?.state === 'resolved');
    await Promise.all([silent.client.endAsync(), playing.client.endAsync()]);
  }, 120_000);
});
