import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HotFileCache } from './hot-file-cache';
import { LocalDiskStorage } from './media-storage';

/** On real files in a scratch folder, through the real local-disk storage. */
describe('HotFileCache', () => {
  let dir: string;
  let storage: LocalDiskStorage;
  const put = async (key: string, bytes: Buffer) => {
    const tmp = join(dir, `in-${key.replace(/\W/g, '_')}`);
    await writeFile(tmp, bytes);
    await storage.put(key, tmp);
    return bytes;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loa-hot-'));
    storage = new LocalDiskStorage(join(dir, 'store'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('holds a file after a warm-up, byte for byte', async () => {
    const bytes = await put('r/a.mp3', randomBytes(300_000));
    const cache = new HotFileCache(storage, 4_000_000);
    expect(cache.get('r/a.mp3')).toBeUndefined();
    await cache.warm('r/a.mp3', bytes.length);
    expect(cache.get('r/a.mp3')?.equals(bytes)).toBe(true);
    expect(cache.sizeBytes).toBe(bytes.length);
  });

  it('evicts the least recently used beyond its capacity, and never takes a file over a quarter of it', async () => {
    const cache = new HotFileCache(storage, 1_000_000);
    const files = await Promise.all(['a', 'b', 'c', 'd'].map((k) => put(`r/${k}`, randomBytes(240_000))));
    for (const [i, key] of ['r/a', 'r/b', 'r/c', 'r/d'].entries()) await cache.warm(key, files[i].length);
    expect(cache.sizeBytes).toBe(960_000);
    const a = cache.get('r/a'); // a is now more recent than b
    const e = await put('r/e', randomBytes(240_000));
    await cache.warm('r/e', e.length);
    expect(cache.sizeBytes).toBe(960_000);
    expect(cache.get('r/b')).toBeUndefined();
    expect(cache.get('r/a')?.equals(files[0])).toBe(true);
    expect(a?.equals(files[0])).toBe(true);
    const big = await put('r/big', randomBytes(300_000));
    await cache.warm('r/big', big.length);
    expect(cache.get('r/big')).toBeUndefined();
  });

  it('forgets a deleted file, and leaves a file whose size does not match uncached', async () => {
    const bytes = await put('r/x', randomBytes(10_000));
    const cache = new HotFileCache(storage, 1_000_000);
    await cache.warm('r/x', bytes.length);
    cache.delete('r/x');
    expect(cache.get('r/x')).toBeUndefined();
    expect(cache.sizeBytes).toBe(0);
    await cache.warm('r/x', bytes.length + 1);
    expect(cache.get('r/x')).toBeUndefined();
    await cache.warm('r/missing', 100);
    expect(cache.get('r/missing')).toBeUndefined();
  });
});
