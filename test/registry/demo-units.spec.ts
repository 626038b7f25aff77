import { startTestServer, type TestServer } from '../support/test-server';
import { request } from '../support/http';
import type { Page, Unit } from './fixtures';

describe('registry: DEMO_PROVINCE on an empty registry', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ demoProvince: '20' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('loads the configured province at start, so the registry is usable at once', async () => {
    const provinces = await request<Page<Unit>>('GET', server.url('/api/v1/units?level=province'));
    expect(provinces.body.items.map((u) => [u.code, u.name])).toEqual([['20', 'Tỉnh Lạng Sơn']]);
    const communes = await request<Page<Unit>>('GET', server.url('/api/v1/units?level=commune&pageSize=1'));
    expect(communes.body.total).toBe(194);
  });
});
