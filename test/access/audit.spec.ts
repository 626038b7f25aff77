import { DataSource } from 'typeorm';
import { request } from '../support/http';
import { startTestServer, type TestServer } from '../support/test-server';
import { createCluster, importLangSon, unitByCode, type Page, type Unit } from '../registry/fixtures';
import { createAccount, type Account } from './support';

interface Entry {
  id: string;
  at: string;
  actorKind: string;
  actorId: string | null;
  actorName: string;
  ip: string | null;
  requestId: string | null;
  action: string;
  objectType: string;
  objectId: string | null;
  changes: Record<string, { before: unknown; after: unknown }> | null;
  detail: Record<string, unknown> | null;
}

describe('audit log', () => {
  let server: TestServer;
  let commune: Unit;
  let technician: Account;
  let otherDistrict: Unit;

  beforeAll(async () => {
    server = await startTestServer();
    await importLangSon(server);
    commune = await unitByCode(server, '06004');
    // A technician of a district other than commune 06004's.
    const province = await unitByCode(server, '20');
    const districts = (
      await request<Page<Unit>>('GET', server.url(`/api/v1/units/${province.id}/children?pageSize=50`))
    ).body.items;
    otherDistrict = districts.find((d) => !commune.path.split('/').includes(d.id)) as Unit;
    technician = await createAccount(server, 'district_technician', otherDistrict.id);
  }, 60_000);
  afterAll(() => server?.close());

  const entries = async (query: string, auth: Record<string, string> = {}) => {
    const res = await request<Page<Entry>>('GET', server.url(`/api/v1/audit?${query}`), undefined, auth);
    expect(res.status).toBe(200);
    return res.body;
  };

  it('records who changed what, from where, with the request id and the before/after of each changed field', async () => {
    const inDistrict = (
      await request<Page<Unit>>('GET', server.url(`/api/v1/units/${otherDistrict.id}/children?pageSize=1`))
    ).body.items[0];
    const { cluster } = await createCluster(server, {
      code: 'AU-1',
      name: 'Cụm 1',
      kind: 'ip',
      communeId: inDistrict.id,
    });
    const res = await request(
      'PATCH',
      server.url(`/api/v1/clusters/${cluster.id}`),
      { name: 'Cụm một', notes: 'thay loa' },
      {
        ...technician.auth,
        'x-request-id': 'req-audit-1',
      },
    );
    expect(res.status).toBe(200);
    const [update] = (await entries(`objectId=${cluster.id}&action=cluster.update`)).items;
    expect(update).toMatchObject({
      actorKind: 'user',
      actorId: technician.id,
      actorName: technician.username,
      ip: expect.stringMatching(/127\.0\.0\.1/),
      requestId: 'req-audit-1',
      objectType: 'cluster',
      changes: { name: { before: 'Cụm 1', after: 'Cụm một' }, notes: { before: null, after: 'thay loa' } },
    });
    const [create] = (await entries(`objectId=${cluster.id}&action=cluster.create`)).items;
    expect(create.changes).toMatchObject({ code: { before: null, after: 'AU-1' } });
    expect(JSON.stringify(create)).not.toMatch(/password|secret/i);
    // A no-op change writes nothing.
    await request('PATCH', server.url(`/api/v1/clusters/${cluster.id}`), { name: 'Cụm một' });
    expect((await entries(`objectId=${cluster.id}&action=cluster.update`)).total).toBe(1);
  });

  it('writes the entry in the transaction of the change: a change that fails leaves no entry', async () => {
    const ds = server.app.get(DataSource);
    const count = async () => Number((await ds.query(`SELECT count(*) AS n FROM audit_entry`))[0].n);
    const before = await count();
    const { cluster } = await createCluster(server, {
      code: 'AU-2',
      name: 'Cụm 2',
      kind: 'fm_wired',
      communeId: commune.id,
    });
    expect(await count()).toBe(before + 1);
    // Taking a code that exists fails inside the transaction (unique index): no entry.
    await createCluster(server, { code: 'AU-3', name: 'Cụm 3', kind: 'fm_wired', communeId: commune.id });
    const clash = await request('PATCH', server.url(`/api/v1/clusters/${cluster.id}`), { code: 'AU-3' });
    expect(clash.status).toBe(409);
    expect(await count()).toBe(before + 2);
  });

  it('filters by actor, object, action and time, pages, and respects scope', async () => {
    const mine = await entries(`actorId=${technician.id}`);
    expect(mine.total).toBeGreaterThan(0);
    expect(mine.items.every((e) => e.actorId === technician.id)).toBe(true);
    const auth = await entries('action=auth.&pageSize=2');
    expect(auth.items).toHaveLength(2);
    expect(auth.items.every((e) => e.action.startsWith('auth.'))).toBe(true);
    const future = await entries(`from=${new Date(Date.now() + 3600_000).toISOString()}`);
    expect(future.total).toBe(0);
    const page1 = await entries('pageSize=3&page=1');
    const page2 = await entries('pageSize=3&page=2');
    expect(page1.items.map((e) => e.id)).not.toEqual(page2.items.map((e) => e.id));
    expect(Number(page1.items[0].id)).toBeGreaterThan(Number(page1.items[2].id)); // newest first
    // The technician does not see the cluster created in commune 06004 (another district)…
    const theirs = await entries('objectType=cluster&pageSize=500', technician.auth);
    expect(theirs.items.map((e) => e.changes?.code?.after)).not.toContain('AU-2');
    // …nor server-wide entries such as the first administrator's creation.
    expect(theirs.items.some((e) => e.actorKind === 'system')).toBe(false);
    const bad = await request<{ errors: { field: string }[] }>(
      'GET',
      server.url('/api/v1/audit?from=yesterday'),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('from');
  });

  it('exports CSV (UTF-8 with BOM, one row per entry, formulas defused)', async () => {
    const res = await fetch(server.url('/api/v1/audit?format=csv&objectType=cluster'), {
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="audit-/);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    const lines = text.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'id,at,actorKind,actorId,actorName,ip,requestId,action,objectType,objectId,changes,detail',
    );
    const total = (await entries('objectType=cluster')).total;
    expect(lines).toHaveLength(total + 1);
    expect(text).toContain('Cụm một');
  });

  it('cannot be changed: no route edits or deletes entries, and the database refuses UPDATE and DELETE', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE', 'POST']) {
      expect((await request(method, server.url('/api/v1/audit'), {})).status).toBe(404);
      expect((await request(method, server.url('/api/v1/audit/1'), {})).status).toBe(404);
    }
    const ds = server.app.get(DataSource);
    await expect(ds.query(`UPDATE audit_entry SET actor_name = 'someone else'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(ds.query(`DELETE FROM audit_entry`)).rejects.toThrow(/append-only/);
  });
});
