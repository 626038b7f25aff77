import { eventually, request } from '../support/http';
import { startTestServer, type TestServer } from '../support/test-server';
import { createVillage, type ErrorBody, type Page } from '../registry/fixtures';
import { createAccount, type Account } from '../access/support';
import { verifySignature } from '../../apps/server/src/notifications/webhook-signature';
import {
  createWebhook,
  setUpFleet,
  startReceiver,
  type Fleet,
  type Receiver,
  type WebhookBody,
} from './support';

interface OpenApi {
  paths: Record<
    string,
    Record<string, { responses: Record<string, unknown>; parameters?: { name: string }[] }>
  >;
  components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
}

/** The webhooks API: validation, scope, secrets that are shown only once, the audit log, OpenAPI. */
describe('webhooks API', () => {
  let server: TestServer;
  let fleet: Fleet;
  let technicianA: Account;
  let operatorA: Account;
  let receiver: Receiver;
  const url = (path = '') => server.url(`/api/v1/webhooks${path}`);
  const fieldsOf = (body: unknown) => ((body as ErrorBody).errors ?? []).map((e) => e.field);

  beforeAll(async () => {
    server = await startTestServer({ alertGroupWindowS: 0 });
    fleet = await setUpFleet(server, {});
    technicianA = await createAccount(server, 'district_technician', fleet.districtA.id);
    operatorA = await createAccount(server, 'commune_operator', fleet.communeA1.id);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
  });

  it('refuses invalid input with a 400 naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'x', url: 'ftp://example.vn/hook' }, 'url'],
      [{ name: 'x', url: 'not a url' }, 'url'],
      [{ name: 'x', url: 'https://' }, 'url'],
      [{ name: 'x', url: `https://example.vn/${'a'.repeat(2000)}` }, 'url'],
      [{ url: receiver.url }, 'name'],
      [{ name: '', url: receiver.url }, 'name'],
      [{ name: 'x', url: receiver.url, events: ['alert.nope'] }, 'events'],
      [{ name: 'x', url: receiver.url, events: [] }, 'events'],
      [{ name: 'x', url: receiver.url, events: ['alert.opened', 'alert.opened'] }, 'events'],
      [{ name: 'x', url: receiver.url, events: null }, 'events'],
      [{ name: 'x', url: receiver.url, minSeverity: 'huge' }, 'minSeverity'],
      [{ name: 'x', url: receiver.url, unitId: 'abc' }, 'unitId'],
      [{ name: 'x', url: receiver.url, unitId: '00000000-0000-4000-8000-000000000000' }, 'unitId'],
      [{ name: 'x', url: receiver.url, active: 'yes' }, 'active'],
      [{ name: 'x', url: receiver.url, secret: 'mine' }, 'secret'],
    ];
    for (const [body, field] of cases) {
      const res = await request('POST', url(), body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect({ body, fields: fieldsOf(res.body) }).toEqual({ body, fields: expect.arrayContaining([field]) });
    }
    const village = await createVillage(server, fleet.communeA1.id, 'T01', 'Thôn Bản Thử');
    const res = await request('POST', url(), { name: 'x', url: receiver.url, unitId: village.id });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['unitId']);
  });

  it('returns the secret on create only, with defaults for what was left out', async () => {
    const created = await createWebhook(server, { name: 'Trực ban tỉnh', url: receiver.url });
    expect(created).toMatchObject({
      name: 'Trực ban tỉnh',
      url: receiver.url,
      events: ['alert.opened', 'alert.acknowledged', 'alert.resolved', 'alert.updated', 'alert.group'],
      minSeverity: 'minor',
      unit: null,
      active: true,
      consecutiveFailures: 0,
    });
    expect(created.createdBy).toMatch(/^user:/);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);

    const got = await request<WebhookBody>('GET', url(`/${created.id}`));
    expect(got.status).toBe(200);
    expect(got.body).not.toHaveProperty('secret');
    expect(JSON.stringify(got.body)).not.toContain(created.secret);
    const list = await request<WebhookBody[]>('GET', url());
    expect(list.body.map((w) => w.id)).toContain(created.id);
    expect(JSON.stringify(list.body)).not.toContain(created.secret);
  });

  it('changes a webhook, validating as on create', async () => {
    const created = await createWebhook(server, { url: receiver.url, unitId: fleet.communeA1.id });
    const bad = await request('PATCH', url(`/${created.id}`), { url: 'javascript:alert(1)', name: null });
    expect(bad.status).toBe(400);
    expect([...new Set(fieldsOf(bad.body))].sort()).toEqual(['name', 'url']);
    const res = await request<WebhookBody>('PATCH', url(`/${created.id}`), {
      name: 'Đổi tên',
      events: ['alert.group'],
      minSeverity: 'major',
      unitId: fleet.districtB.id,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: 'Đổi tên',
      events: ['alert.group'],
      minSeverity: 'major',
      unit: { id: fleet.districtB.id, level: 'district' },
    });
    expect(res.body).not.toHaveProperty('secret');
  });

  it('rotates the secret: the new one signs, the old one no longer does', async () => {
    const created = await createWebhook(server, { url: receiver.url, unitId: fleet.communeA1.id });
    const rotated = await request<WebhookBody & { secret: string }>(
      'POST',
      url(`/${created.id}/rotate-secret`),
    );
    expect(rotated.status).toBe(201);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.secret);
    expect((await request<WebhookBody>('GET', url(`/${created.id}`))).body).not.toHaveProperty('secret');

    const before = receiver.received.length;
    const ping = await request<{ id: string }>('POST', url(`/${created.id}/test`));
    const got = await eventually(async () =>
      receiver.received.slice(before).find((r) => r.body.deliveryId === ping.body.id),
    );
    const signature = String(got.headers['x-loa-signature']);
    expect(verifySignature(rotated.body.secret, got.raw, signature)).toBe(true);
    expect(verifySignature(created.secret, got.raw, signature)).toBe(false);
  });

  it('keeps a district technician inside the district', async () => {
    const as = technicianA.auth;
    const own = await createWebhook(server, { url: receiver.url }, as);
    expect(own.unit).toMatchObject({ id: fleet.districtA.id, level: 'district' });
    expect(own.createdBy).toBe(`user:${technicianA.id}`);
    const commune = await createWebhook(server, { url: receiver.url, unitId: fleet.communeA1.id }, as);
    expect(commune.unit?.id).toBe(fleet.communeA1.id);

    const otherDistrict = await request(
      'POST',
      url(),
      { name: 'x', url: receiver.url, unitId: fleet.districtB.id },
      as,
    );
    expect(otherDistrict.status).toBe(403);
    const everything = await request('POST', url(), { name: 'x', url: receiver.url, unitId: null }, as);
    expect(everything.status).toBe(403);
    const move = await request('PATCH', url(`/${own.id}`), { unitId: fleet.communeB1.id }, as);
    expect(move.status).toBe(403);

    const theirs = await createWebhook(server, { url: receiver.url, unitId: fleet.districtB.id });
    const global = await createWebhook(server, { url: receiver.url });
    for (const id of [theirs.id, global.id]) {
      for (const [method, path] of [
        ['GET', ''],
        ['PATCH', ''],
        ['DELETE', ''],
        ['POST', '/rotate-secret'],
        ['POST', '/test'],
        ['GET', '/deliveries'],
        ['POST', '/deliveries/00000000-0000-4000-8000-000000000000/redeliver'],
      ] as const) {
        const res = await request(
          method,
          url(`/${id}${path}`),
          method === 'PATCH' ? { name: 'mine' } : undefined,
          as,
        );
        expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
      }
    }
    const listed = (await request<WebhookBody[]>('GET', url(), undefined, as)).body.map((w) => w.id);
    expect(listed).toEqual(expect.arrayContaining([own.id, commune.id]));
    expect(listed).not.toContain(theirs.id);
    expect(listed).not.toContain(global.id);
    expect((await request<WebhookBody>('GET', url(`/${theirs.id}`))).body.name).toBe(theirs.name);
  });

  it('refuses roles without webhooks.manage', async () => {
    expect((await request('GET', url(), undefined, operatorA.auth)).status).toBe(403);
    expect((await request('POST', url(), { name: 'x', url: receiver.url }, operatorA.auth)).status).toBe(403);
    expect((await request('GET', url(), undefined, { authorization: '' })).status).toBe(401);
  });

  it('deletes a webhook with its delivery log', async () => {
    const created = await createWebhook(server, { url: receiver.url, unitId: fleet.communeA1.id });
    await request('POST', url(`/${created.id}/test`));
    expect((await request('DELETE', url(`/${created.id}`))).status).toBe(204);
    expect((await request('GET', url(`/${created.id}`))).status).toBe(404);
    expect((await request('GET', url(`/${created.id}/deliveries`))).status).toBe(404);
    expect((await request('DELETE', url(`/${created.id}`))).status).toBe(404);
  });

  it('audits every change, never with the secret', async () => {
    const created = await createWebhook(server, { url: receiver.url, unitId: fleet.communeA1.id });
    const rotated = await request<{ secret: string }>('POST', url(`/${created.id}/rotate-secret`));
    await request('PATCH', url(`/${created.id}`), { active: false });
    await request('DELETE', url(`/${created.id}`));
    const res = await request<Page<{ action: string; changes: unknown; unitPath: string | null }>>(
      'GET',
      server.url(`/api/v1/audit?objectType=webhook&objectId=${created.id}&order=asc`),
    );
    expect(res.status).toBe(200);
    expect(res.body.items.map((e) => e.action)).toEqual([
      'webhook.create',
      'webhook.rotate_secret',
      'webhook.update',
      'webhook.delete',
    ]);
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(created.secret);
    expect(text).not.toContain(rotated.body.secret);
    expect(res.body.items[1].changes).toEqual({ secret: { before: '[secret]', after: '[secret]' } });
  });

  it('is described completely in the OpenAPI document', async () => {
    const doc = (await request<OpenApi>('GET', server.url('/api/docs-json'))).body;
    const ops = {
      '/api/v1/webhooks': ['get', 'post'],
      '/api/v1/webhooks/{id}': ['get', 'patch', 'delete'],
      '/api/v1/webhooks/{id}/rotate-secret': ['post'],
      '/api/v1/webhooks/{id}/test': ['post'],
      '/api/v1/webhooks/{id}/deliveries': ['get'],
      '/api/v1/webhooks/{id}/deliveries/{deliveryId}': ['get'],
      '/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver': ['post'],
    };
    for (const [path, methods] of Object.entries(ops))
      for (const method of methods)
        expect(Object.keys(doc.paths[path]?.[method]?.responses ?? {})).not.toEqual([]);
    const props = (name: string) => Object.keys(doc.components.schemas[name]?.properties ?? {});
    expect(props('WebhookView')).not.toContain('secret');
    expect(props('WebhookWithSecretView')).toContain('secret');
    expect(props('CreateWebhookDto').sort()).toEqual([
      'active',
      'events',
      'minSeverity',
      'name',
      'unitId',
      'url',
    ]);
    expect(props('WebhookDeliveryView')).toEqual(
      expect.arrayContaining(['attempts', 'attemptLog', 'lastStatusCode', 'status']),
    );
    expect(props('WebhookDeliveryDetailView')).toContain('payload');
    const query = doc.paths['/api/v1/webhooks/{id}/deliveries'].get.parameters!.map((p) => p.name);
    expect(query).toEqual(expect.arrayContaining(['status', 'event', 'page', 'pageSize', 'order']));
  });
});
