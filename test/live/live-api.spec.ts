import { randomUUID } from 'node:crypto';
import * as net from 'node:net';
import { DataSource } from 'typeorm';
import { Cluster } from '@loa-xa/persistence';
import type { TestServer } from '../support/test-server';
import { eventually, request } from '../support/http';
import { provisionClusters, type ProvisionedCluster } from '../support/fleet';
import { createAccount } from '../access/support';
import { LiveUrlSigner } from '../../apps/server/src/live/live-url-signer';
import { icecastEncoder, listen, startLiveTestServer, type RecordingRollout } from './support';

interface Schema {
  properties?: Record<string, Schema>;
  $ref?: string;
  allOf?: Schema[];
  items?: Schema;
}
interface OpenApi {
  paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
  components: { schemas: Record<string, Schema> };
}
interface FieldErrors {
  errors?: { field: string }[];
  message: string;
}

describe('live broadcast: API rules, signed listener URLs, OpenAPI', () => {
  let server: TestServer;
  let rollout: RecordingRollout;
  let clusters: ProvisionedCluster[];
  let communeId: string;
  let otherCommuneId: string;
  const body = (extra: Record<string, unknown> = {}) => ({
    title: 'Phát trực tiếp',
    target: { clusterIds: [clusters[0].id] },
    priority: 'commune',
    unitId: communeId,
    ...extra,
  });

  /** The status line and headers of a GET, read off a raw socket. */
  const responseHead = (path: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(new URL(server.httpUrl).port), '127.0.0.1');
      let text = '';
      socket.on('data', (d: Buffer) => {
        text += d.toString('latin1');
        const end = text.indexOf('\r\n\r\n');
        if (end >= 0) {
          socket.destroy();
          resolve(text.slice(0, end + 2));
        }
      });
      socket.on('error', reject);
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    });

  beforeAll(async () => {
    ({ server, rollout } = await startLiveTestServer());
    clusters = await provisionClusters(server, 1);
    const other = await provisionClusters(server, 1);
    const repo = server.app.get(DataSource).getRepository(Cluster);
    communeId = (await repo.findOneByOrFail({ id: clusters[0].id })).communeId;
    otherCommuneId = (await repo.findOneByOrFail({ id: other[0].id })).communeId;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses a bad target (400), an unknown cluster (400) and invalid fields, naming them', async () => {
    const empty = await request<FieldErrors>('POST', server.url('/api/v1/live'), body({ target: {} }));
    expect(empty.status).toBe(400);
    expect(empty.body.errors?.map((e) => e.field)).toContain('target');
    const unknown = await request(
      'POST',
      server.url('/api/v1/live'),
      body({ target: { clusterIds: [randomUUID()] } }),
    );
    expect(unknown.status).toBe(400);
    const notUuid = await request<FieldErrors>(
      'POST',
      server.url('/api/v1/live'),
      body({ target: { clusterIds: ['x'] } }),
    );
    expect(notUuid.status).toBe(400);
    const fields = await request<FieldErrors>(
      'POST',
      server.url('/api/v1/live'),
      body({ title: '', priority: 'loudest', volume: 101, extra: 1 }),
    );
    expect(fields.status).toBe(400);
    expect(fields.body.errors?.map((e) => e.field).sort()).toEqual(['extra', 'priority', 'title', 'volume']);
    const noTarget = await request<FieldErrors>(
      'POST',
      server.url('/api/v1/live'),
      body({ target: undefined }),
    );
    expect(noTarget.body.errors?.map((e) => e.field)).toContain('target');
  });

  it('refuses a priority above the caller’s (403), a unit outside the scope (403), and viewers (403)', async () => {
    const operator = await createAccount(server, 'commune_operator', communeId);
    const district = await request(
      'POST',
      server.url('/api/v1/live'),
      body({ priority: 'district' }),
      operator.auth,
    );
    expect(district.status).toBe(403);
    const commune = await request<{ session: { status: string; unitId: string } }>(
      'POST',
      server.url('/api/v1/live'),
      body({ unitId: undefined }),
      operator.auth,
    );
    expect(commune.status).toBe(201);
    expect(commune.body.session).toMatchObject({ status: 'waiting', unitId: communeId });
    const elsewhere = await request(
      'POST',
      server.url('/api/v1/live'),
      body({ unitId: otherCommuneId }),
      operator.auth,
    );
    expect(elsewhere.status).toBe(403);
    const viewer = await createAccount(server, 'viewer', communeId);
    expect((await request('POST', server.url('/api/v1/live'), body(), viewer.auth)).status).toBe(403);
    // Reading needs schedules.read, which viewers have; sessions of other units are invisible (404).
    const list = await request<{ items: { id: string }[] }>(
      'GET',
      server.url('/api/v1/live'),
      undefined,
      viewer.auth,
    );
    expect(list.status).toBe(200);
    const outsider = await createAccount(server, 'viewer', otherCommuneId);
    const id = (commune.body as unknown as { session: { id: string } }).session.id;
    expect(list.body.items.map((s) => s.id)).toContain(id);
    expect((await request('GET', server.url(`/api/v1/live/${id}`), undefined, outsider.auth)).status).toBe(
      404,
    );
    expect(
      (await request('POST', server.url(`/api/v1/live/${id}/stop`), undefined, outsider.auth)).status,
    ).toBe(403);
    expect((await request('GET', server.url('/api/v1/live'), undefined, { authorization: '' })).status).toBe(
      401,
    );
  });

  it('lists newest first, paged, filtered by status; stop is idempotent', async () => {
    const a = await request<{ session: { id: string } }>(
      'POST',
      server.url('/api/v1/live'),
      body({ title: 'A' }),
    );
    const b = await request<{ session: { id: string } }>(
      'POST',
      server.url('/api/v1/live'),
      body({ title: 'B' }),
    );
    const page = await request<{ items: { id: string }[]; total: number; pageSize: number }>(
      'GET',
      server.url('/api/v1/live?pageSize=2&status=waiting'),
    );
    expect(page.body.items.map((s) => s.id)).toEqual([b.body.session.id, a.body.session.id]);
    expect(page.body.total).toBeGreaterThanOrEqual(2);
    const first = await request<{ status: string }>(
      'POST',
      server.url(`/api/v1/live/${a.body.session.id}/stop`),
    );
    expect(first.body.status).toBe('ended');
    const again = await request<{ status: string }>(
      'DELETE',
      server.url(`/api/v1/live/${a.body.session.id}`),
    );
    expect(again).toMatchObject({ status: 200, body: { status: 'ended' } });
    expect((await request('GET', server.url(`/api/v1/live/${randomUUID()}`))).status).toBe(404);
  });

  it('authorises listeners by signature only: missing 401, tampered or expired 403', async () => {
    const created = await request<{
      session: { id: string };
      ingest: { icecast: { password: string; mount: string } };
    }>('POST', server.url('/api/v1/live'), body());
    const id = created.body.session.id;
    const { password, mount } = created.body.ingest.icecast;
    const encoder = icecastEncoder(
      `icecast://source:${password}@127.0.0.1:${new URL(server.httpUrl).port}${mount}`,
    );
    try {
      const start = await eventually(async () => rollout.startOf(id));
      const good = new URL(start.streamUrlFor(clusters[0].id));
      const path = `${server.httpUrl}${good.pathname}`;
      const anonymous = { authorization: '' };
      expect((await request('GET', path, undefined, anonymous)).status).toBe(401);
      const sig = good.searchParams.get('sig') as string;
      const exp = good.searchParams.get('exp') as string;
      const flipped = `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
      expect((await request('GET', `${path}?exp=${exp}&sig=${flipped}`, undefined, anonymous)).status).toBe(
        403,
      );
      expect(
        (await request('GET', `${path}?exp=${Number(exp) + 1}&sig=${sig}`, undefined, anonymous)).status,
      ).toBe(403);
      // The signature binds the cluster too.
      const otherCluster = `${server.httpUrl}/live/${id}/${randomUUID()}.mp3?exp=${exp}&sig=${sig}`;
      expect((await request('GET', otherCluster, undefined, anonymous)).status).toBe(403);
      const expired = server.app.get(LiveUrlSigner).url(id, clusters[0].id, Date.now() - 1000);
      const expiredPath = `${server.httpUrl}${new URL(expired).pathname}${new URL(expired).search}`;
      expect((await request('GET', expiredPath, undefined, anonymous)).status).toBe(403);
      // The real one plays; a session that does not exist is gone.
      const heard = await listen(`${server.httpUrl}${good.pathname}${good.search}`);
      expect(heard.status).toBe(200);
      heard.close();
      // Like an Icecast server: audio/mpeg, plain bytes until the end (no chunked encoding), not cached.
      const head = await responseHead(`${good.pathname}${good.search}`);
      expect(head).toMatch(/^HTTP\/1\.1 200 /);
      expect(head).toMatch(/\r\ncontent-type: audio\/mpeg\r\n/i);
      expect(head).toMatch(/\r\ncache-control: no-cache, no-store\r\n/i);
      expect(head).not.toMatch(/transfer-encoding/i);
      const nowhere = server.app.get(LiveUrlSigner).url(randomUUID(), clusters[0].id, Date.now() + 60_000);
      expect(
        (await request('GET', `${server.httpUrl}${new URL(nowhere).pathname}${new URL(nowhere).search}`))
          .status,
      ).toBe(410);
    } finally {
      encoder.kill('SIGKILL');
      await request('POST', server.url(`/api/v1/live/${id}/stop`));
    }
  });

  it('documents every route, query parameter and returned field in OpenAPI', async () => {
    const doc = (await request<OpenApi>('GET', server.url('/api/docs-json'))).body;
    const routes = Object.entries(doc.paths)
      .filter(([path]) => /^\/(api\/v1\/)?live/.test(path))
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(routes).toEqual(
      [
        'GET /api/v1/live',
        'POST /api/v1/live',
        'GET /api/v1/live/{id}',
        'DELETE /api/v1/live/{id}',
        'POST /api/v1/live/{id}/stop',
        'GET /live/{sessionId}/{clusterId}.mp3',
      ].sort(),
    );
    const query = (doc.paths['/api/v1/live'].get.parameters ?? [])
      .filter((p) => p.in === 'query')
      .map((p) => p.name);
    expect(query.sort()).toEqual(['order', 'page', 'pageSize', 'status']);
    const created = (await request('POST', server.url('/api/v1/live'), body())).body;
    const listed = (await request('GET', server.url('/api/v1/live'))).body;
    const schema = (name: string) => doc.components.schemas[name];
    const refName = (s: Schema | undefined) =>
      (s?.$ref ?? s?.allOf?.[0]?.$ref ?? s?.items?.$ref)?.split('/').pop();
    const undocumented = (value: unknown, name: string, path = name): string[] => {
      if (value === null || typeof value !== 'object') return [];
      const props = schema(name)?.properties ?? {};
      return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) => {
        const prop = props[key];
        if (!prop) return [`${path}.${key}`];
        const nested = refName(prop);
        if (!nested) return [];
        return (Array.isArray(inner) ? inner : [inner]).flatMap((v) =>
          undocumented(v, nested, `${path}.${key}`),
        );
      });
    };
    expect([...undocumented(created, 'CreatedLiveView'), ...undocumented(listed, 'LivePage')]).toEqual([]);
  });
});
