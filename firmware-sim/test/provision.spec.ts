import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  PartialProvisionError,
  ProvisionError,
  provisionClusters,
  readCredentialsFile,
  readCredentialsFileIfExists,
  writeCredentialsFile,
} from '../src';
import { startFakeApi, type FakeApi } from './fake-api';

describe('provisioning through the HTTP API', () => {
  let api: FakeApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  it('looks the commune up, creates IP clusters with sequential codes and returns their credentials', async () => {
    api = await startFakeApi({ brokerUrl: 'mqtts://broker.example:8883' });
    const created = await provisionClusters({
      apiUrl: api.url,
      communeCode: '00001',
      count: 3,
      authorization: 'Bearer t0ken',
      startNumber: 5,
    });

    expect(created.map((c) => c.code)).toEqual(['SIM-00001-0005', 'SIM-00001-0006', 'SIM-00001-0007']);
    for (const c of created) {
      expect(c.secret).toBe(`pw-${c.code}`);
      expect(c.brokerUrl).toBe('mqtts://broker.example:8883');
    }
    expect(api.requests[0]).toMatchObject({ method: 'GET', url: '/api/v1/units?level=commune&code=00001' });
    const posts = api.requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(3);
    for (const post of posts) {
      expect(post.url).toBe('/api/v1/clusters');
      expect(post.authorization).toBe('Bearer t0ken');
      expect(post.body).toEqual({
        code: expect.any(String),
        name: expect.any(String),
        kind: 'ip',
        communeId: 'unit-1',
      });
    }
  });

  it('fails clearly on an unknown commune', async () => {
    api = await startFakeApi();
    await expect(provisionClusters({ apiUrl: api.url, communeCode: '99999', count: 1 })).rejects.toThrow(
      /no commune with code 99999/,
    );
  });

  it('refuses a credential whose username is not the cluster id (the contract requires it)', async () => {
    api = await startFakeApi({ mismatchUsername: true });
    const attempt = provisionClusters({ apiUrl: api.url, communeCode: '00001', count: 1 });
    await expect(attempt).rejects.toBeInstanceOf(PartialProvisionError);
    await expect(attempt).rejects.toThrow(/differ from the cluster id/);
  });

  it('reports the clusters created before a failure so they are not lost', async () => {
    api = await startFakeApi({ failAfter: 2 });
    const error: unknown = await provisionClusters({
      apiUrl: api.url,
      communeCode: '00001',
      count: 5,
      concurrency: 1,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartialProvisionError);
    const partial = error as PartialProvisionError;
    expect(partial.created).toHaveLength(2);
    expect(partial.cause).toBeInstanceOf(ProvisionError);
    expect((partial.cause as ProvisionError).status).toBe(409);
  });
});

describe('credentials file', () => {
  it('round-trips, is private to its owner and rejects a malformed file', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'loa-sim-'));
    try {
      const file = path.join(dir, 'creds.json');
      expect(await readCredentialsFileIfExists(file)).toEqual({ clusters: [] });
      const content = { clusters: [{ clusterId: randomUUID(), code: 'SIM-1', secret: 'pw' }] };
      await writeCredentialsFile(file, content);
      expect(await readCredentialsFile(file)).toEqual(content);
      expect((await fs.stat(file)).mode & 0o777).toBe(0o600);

      await fs.writeFile(file, JSON.stringify({ clusters: [{ clusterId: 'x' }] }));
      await expect(readCredentialsFile(file)).rejects.toThrow(/not a credentials file/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
