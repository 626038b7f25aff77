import { request } from '../support/http';
import { startTestServer, type TestServer } from '../support/test-server';
import { createCluster, importLangSon, unitByCode, type Page, type Unit } from '../registry/fixtures';
import { childrenOf, createAccount, type Account } from './support';

interface Entry {
  action: string;
  objectType: string;
  changes: Record<string, { before: unknown; after: unknown }> | null;
}

/** GET /api/v1/audit?unitId=…: entries about objects in one part of the tree (the console's unit filter). */
describe('audit log: filter by unit', () => {
  let server: TestServer;
  let district: Unit;
  let communes: Unit[];
  let otherDistrict: Unit;
  let technician: Account;

  beforeAll(async () => {
    server = await startTestServer();
    await importLangSon(server);
    const province = await unitByCode(server, '20');
    [district, otherDistrict] = await childrenOf(server, province.id, 2);
    communes = await childrenOf(server, district.id, 2);
    const elsewhere = (await childrenOf(server, otherDistrict.id, 1))[0];
    for (const [code, communeId] of [
      ['UF-1', communes[0].id],
      ['UF-2', communes[1].id],
      ['UF-3', elsewhere.id],
    ])
      await createCluster(server, { code, name: `Cụm ${code}`, kind: 'ip', communeId });
    technician = await createAccount(server, 'district_technician', otherDistrict.id);
  }, 60_000);
  afterAll(() => server?.close());

  const codes = async (query: string, auth: Record<string, string> = {}) => {
    const res = await request<Page<Entry>>(
      'GET',
      server.url(`/api/v1/audit?objectType=cluster&pageSize=500&${query}`),
      undefined,
      auth,
    );
    expect(res.status).toBe(200);
    return res.body.items.map((e) => e.changes?.code?.after).sort();
  };

  it('keeps the entries of the unit and everything below it', async () => {
    await expect(codes(`unitId=${communes[0].id}`)).resolves.toEqual(['UF-1']);
    await expect(codes(`unitId=${district.id}`)).resolves.toEqual(['UF-1', 'UF-2']);
    await expect(codes(`unitId=${otherDistrict.id}`)).resolves.toEqual(['UF-3']);
    await expect(codes('')).resolves.toEqual(['UF-1', 'UF-2', 'UF-3']);
  });

  it('applies to the CSV export too', async () => {
    const res = await fetch(server.url(`/api/v1/audit?format=csv&objectType=cluster&unitId=${district.id}`), {
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    const text = await res.text();
    expect(text).toContain('UF-1');
    expect(text).toContain('UF-2');
    expect(text).not.toContain('UF-3');
  });

  it('answers 404 for a unit outside my scope, 400 for a malformed id', async () => {
    await expect(codes(`unitId=${otherDistrict.id}`, technician.auth)).resolves.toEqual(['UF-3']);
    const outside = await request(
      'GET',
      server.url(`/api/v1/audit?unitId=${district.id}`),
      undefined,
      technician.auth,
    );
    expect(outside.status).toBe(404);
    const bad = await request<{ errors: { field: string }[] }>(
      'GET',
      server.url('/api/v1/audit?unitId=nope'),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('unitId');
  });
});
