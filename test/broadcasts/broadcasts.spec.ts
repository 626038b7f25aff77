import { createHash } from 'node:crypto';
import { startTestServer, type TestServer } from '../support/test-server';
import { eventually, request } from '../support/http';
import type { ProvisionedCluster } from '../support/fleet';
import { createAccount } from '../access/support';
import type { Asset } from '../media/support';
import { communeWithClusters, readyAsset, recordingDevice } from './support';

interface Summary {
  targets: number;
  pending: number;
  delivered: number;
  started: number;
  acked: number;
  failed: number;
  expired: number;
  complete: boolean;
}
interface Broadcast {
  id: string;
  kind: string;
  priority: string;
  summary: Summary;
  message?: string;
  errors?: { field: string }[];
}

describe('immediate broadcasts: play_now, stop, emergency', () => {
  let server: TestServer;
  let communeId: string;
  let clusters: ProvisionedCluster[];
  let warning: Asset;

  beforeAll(async () => {
    server = await startTestServer();
    ({ communeId, clusters } = await communeWithClusters(server, 3));
    warning = await readyAsset(server, communeId, 2, 'Cảnh báo lũ');
  }, 120_000);
  afterAll(async () => {
    await server?.close();
  });

  const send = (body: object, headers?: Record<string, string>) =>
    request<Broadcast>('POST', server.url('/api/v1/broadcasts'), body, headers);
  const get = (id: string) => request<Broadcast>('GET', server.url(`/api/v1/broadcasts/${id}`));

  it('sends an emergency play_now to every cluster and follows the rollout through the acks', async () => {
    const devices = await Promise.all(clusters.map((c) => recordingDevice(server, c)));
    const res = await send({
      kind: 'play_now',
      title: 'Cảnh báo lũ quét',
      target: { unitIds: [communeId] },
      priority: 'emergency',
      volume: 100,
      assetIds: [warning.id],
    });
    expect(res.status).toBe(201);
    expect(res.body.summary).toMatchObject({ targets: 3, pending: 3, complete: false });

    const commands = await Promise.all(
      devices.map((d) => eventually(async () => d.commands.find((c) => c.type === 'play_now'))),
    );
    for (const command of commands) {
      expect(command.params).toMatchObject({ priority: 'emergency', volume: 100, broadcastId: res.body.id });
      const media = (command.params as { media: { url: string; sha256: string }[] }).media;
      expect(media).toHaveLength(1);
      const bytes = Buffer.from(await (await fetch(media[0].url)).arrayBuffer());
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(media[0].sha256);
    }
    const [a, b, c] = devices;
    await a.ack(commands[0].id, 'received');
    await a.ack(commands[0].id, 'started');
    await b.ack(commands[1].id, 'received');
    await c.ack(commands[2].id, 'rejected', { code: 'busy' });
    const summary = await eventually(async () => {
      const s = (await get(res.body.id)).body.summary;
      return s.started === 1 && s.delivered === 1 && s.failed === 1 ? s : null;
    });
    expect(summary).toMatchObject({ targets: 3, pending: 0, complete: false });

    const deliveries = await request<{
      items: { clusterId: string; status: string; errorCode: string | null }[];
    }>('GET', server.url(`/api/v1/broadcasts/${res.body.id}/deliveries?status=failed`));
    expect(deliveries.body.items).toEqual([
      expect.objectContaining({ clusterId: clusters[2].id, status: 'failed', errorCode: 'busy' }),
    ]);

    // Stop what it started: one stop per cluster naming that cluster's play_now.
    const stop = await request<Broadcast>('POST', server.url(`/api/v1/broadcasts/${res.body.id}/stop`));
    expect(stop.status).toBe(201);
    expect(stop.body).toMatchObject({ kind: 'stop', priority: 'emergency' });
    for (const [i, device] of devices.entries()) {
      const stopCommand = await eventually(async () => device.commands.find((cmd) => cmd.type === 'stop'));
      expect(stopCommand.params).toEqual({ priority: 'emergency', ref: commands[i].id });
    }
    await Promise.all(devices.map((d) => d.client.endAsync()));
  });

  it('keeps the priority to those allowed it, and the target to their scope', async () => {
    const operator = await createAccount(server, 'commune_operator', communeId);
    const viewer = await createAccount(server, 'viewer', communeId);
    const other = await communeWithClusters(server, 1);
    const base = { kind: 'play_now', target: { unitIds: [communeId] }, assetIds: [warning.id] };
    expect((await send({ ...base, priority: 'emergency' }, operator.auth)).status).toBe(403);
    expect((await send({ ...base, priority: 'province' }, operator.auth)).status).toBe(403);
    expect((await send({ ...base, priority: 'commune' }, viewer.auth)).status).toBe(403);
    expect(
      (await send({ ...base, priority: 'commune', target: { unitIds: [other.communeId] } }, operator.auth))
        .status,
    ).toBe(403);
    const mine = await send({ ...base, priority: 'commune' }, operator.auth);
    expect(mine.status).toBe(201);
    const theirs = await send({ ...base, priority: 'commune', target: { unitIds: [other.communeId] } });
    expect(theirs.status).toBe(201);
    expect(
      (await request('GET', server.url(`/api/v1/broadcasts/${theirs.body.id}`), undefined, operator.auth))
        .status,
    ).toBe(404);
    const list = await request<{ items: { id: string }[] }>(
      'GET',
      server.url('/api/v1/broadcasts?pageSize=100'),
      undefined,
      operator.auth,
    );
    expect(list.body.items.map((x) => x.id)).toContain(mine.body.id);
    expect(list.body.items.map((x) => x.id)).not.toContain(theirs.body.id);
  });

  it('refuses bad requests with the field at fault and sends nothing', async () => {
    const before = (await request<{ total: number }>('GET', server.url('/api/v1/broadcasts?pageSize=1'))).body
      .total;
    const ok = {
      kind: 'play_now',
      target: { unitIds: [communeId] },
      priority: 'commune',
      assetIds: [warning.id],
    };
    const cases: [object, number, string | null][] = [
      [{ ...ok, kind: 'shout' }, 400, 'kind'],
      [{ ...ok, priority: 'urgent' }, 400, 'priority'],
      [{ ...ok, assetIds: [] }, 400, 'assetIds'],
      [{ ...ok, assetIds: undefined }, 400, 'assetIds'],
      [{ ...ok, assetIds: ['nope'] }, 400, 'assetIds'],
      [{ ...ok, volume: -1 }, 400, 'volume'],
      [{ ...ok, target: {} }, 400, 'target'],
      [{ ...ok, target: { clusterIds: ['00000000-0000-4000-8000-000000000000'] } }, 400, 'target.clusterIds'],
      [{ ...ok, ttlS: 1 }, 400, 'ttlS'],
      [{ ...ok, ref: 'x' }, 400, 'ref'],
      [{ kind: 'stop', target: ok.target, priority: 'commune', assetIds: [warning.id] }, 400, 'assetIds'],
      [{ ...ok, assetIds: ['00000000-0000-4000-8000-000000000000'] }, 400, 'assetIds'],
    ];
    for (const [body, status, field] of cases) {
      const res = await send(body);
      expect({ body, status: res.status }).toEqual({ body, status });
      if (field) expect(res.body.errors?.map((e) => e.field)).toContain(field);
    }
    const after = (await request<{ total: number }>('GET', server.url('/api/v1/broadcasts?pageSize=1'))).body
      .total;
    expect(after).toBe(before);
  });

  it('expires the commands of clusters that never answer', async () => {
    const res = await send({
      kind: 'stop',
      target: { clusterIds: [clusters[0].id] },
      priority: 'commune',
      ttlS: 5,
    });
    expect(res.status).toBe(201);
    const summary = await eventually(async () => {
      const s = (await get(res.body.id)).body.summary;
      return s.complete ? s : null;
    }, 30_000);
    expect(summary).toMatchObject({ targets: 1, expired: 1, complete: true });
  }, 40_000);
});
