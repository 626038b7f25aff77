import { ProvisionError, provisionClusters } from '@loa-xa/firmware-sim';
import { request } from '../support/http';
import { startTestServer, type TestServer } from '../support/test-server';
import { importLangSon, unitByCode } from '../registry/fixtures';

/** The simulator registers its clusters through the real API, authenticated with a scoped API key. */
describe('firmware-sim provisioning against the real server', () => {
  let server: TestServer;
  let key: string;

  beforeAll(async () => {
    server = await startTestServer();
    await importLangSon(server);
    const district = await unitByCode(server, '180');
    key = (
      await request<{ key: string }>('POST', server.url('/api/v1/api-keys'), {
        name: 'firmware-sim',
        role: 'district_technician',
        scopeUnitId: district.id,
      })
    ).body.key;
  }, 60_000);
  afterAll(() => server?.close());

  it('creates clusters with an API key, and is refused without one or outside the key’s scope', async () => {
    const commune = (
      await request<{ items: { code: string }[] }>(
        'GET',
        server.url(`/api/v1/units/${(await unitByCode(server, '180')).id}/children?pageSize=1`),
      )
    ).body.items[0];
    const created = await provisionClusters({
      apiUrl: server.httpUrl,
      authorization: `Bearer ${key}`,
      communeCode: commune.code,
      count: 3,
      codePrefix: 'SIMKEY',
    });
    expect(created.map((c) => c.code)).toEqual(['SIMKEY-0001', 'SIMKEY-0002', 'SIMKEY-0003']);

    const anonymous = provisionClusters({ apiUrl: server.httpUrl, communeCode: commune.code, count: 1 });
    await expect(anonymous).rejects.toThrow(ProvisionError);
    await expect(anonymous).rejects.toThrow(/HTTP 401/);

    // A commune of another district: the key does not even see it.
    const province = await unitByCode(server, '20');
    const districts = (
      await request<{ items: { id: string; code: string }[] }>(
        'GET',
        server.url(`/api/v1/units/${province.id}/children?pageSize=50`),
      )
    ).body.items;
    const other = districts.find((d) => d.code !== '180') as { id: string };
    const foreign = (
      await request<{ items: { code: string }[] }>(
        'GET',
        server.url(`/api/v1/units/${other.id}/children?pageSize=1`),
      )
    ).body.items[0];
    const elsewhere = provisionClusters({
      apiUrl: server.httpUrl,
      authorization: `Bearer ${key}`,
      communeCode: foreign.code,
      count: 1,
    });
    await expect(elsewhere).rejects.toThrow(new RegExp(foreign.code));
  });
});
