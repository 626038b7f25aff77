import { startTestServer, type TestServer } from '../support/test-server';
import { request } from '../support/http';
import { clusterCodes, importLangSon } from './fixtures';

/** A CSV of about `bytes` bytes with valid FM rows. */
function csvOf(bytes: number, prefix: string): string {
  const lines = ['code,name,kind,commune_code'];
  for (let i = 0; lines.join('\n').length < bytes; i++)
    lines.push(`${prefix}-${i},Cụm loa số ${i},fm_wired,05971`);
  return `${lines.join('\n')}\n`;
}

describe('registry: CSV import size limit (CSV_LIMIT_BYTES)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ csvLimitBytes: 2048 });
    await importLangSon(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers 413 to a text/csv body over the limit and imports nothing', async () => {
    const csv = csvOf(3000, 'BIG');
    expect(Buffer.byteLength(csv)).toBeGreaterThan(2048);
    const res = await request<{ statusCode: number; message: string }>(
      'POST',
      server.url('/api/v1/clusters/import'),
      csv,
      { 'content-type': 'text/csv' },
    );
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({
      statusCode: 413,
      message: expect.stringMatching(/larger than the limit/),
    });
    expect(await clusterCodes(server, 'q=BIG-')).toEqual([]);
  });

  it('answers 413 to a multipart file over the limit and imports nothing', async () => {
    const form = new FormData();
    form.append('file', new Blob([csvOf(3000, 'BIGF')], { type: 'text/csv' }), 'big.csv');
    const res = await fetch(server.url('/api/v1/clusters/import'), {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { statusCode: number }).statusCode).toBe(413);
    expect(await clusterCodes(server, 'q=BIGF-')).toEqual([]);
  });

  it('accepts files under the limit, either way', async () => {
    const small = csvOf(1500, 'SMALL');
    expect(Buffer.byteLength(small)).toBeLessThan(2048);
    const res = await request<{ imported: number }>('POST', server.url('/api/v1/clusters/import'), small, {
      'content-type': 'text/csv',
    });
    expect(res.status).toBe(201);
    const form = new FormData();
    form.append('file', new Blob([csvOf(1500, 'SMALLF')], { type: 'text/csv' }), 'small.csv');
    const uploaded = await fetch(server.url('/api/v1/clusters/import'), {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect(uploaded.status).toBe(201);
    const rows = small.trim().split('\n').length - 1;
    expect(res.body.imported).toBe(rows);
    expect((await clusterCodes(server, 'q=SMALL-&pageSize=500')).length).toBe(rows);
  });
});
