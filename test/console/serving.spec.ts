import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import type { ConsoleManifest } from '../../apps/console/build';
import { startTestServer, type TestServer } from '../support/test-server';

describe('the web console is served at /', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ mapTileUrl: 'https://{s}.tiles.example.vn/{z}/{x}/{y}.png' });
  });
  afterAll(() => server.close());

  const html = (path: string) => fetch(server.url(path), { headers: { accept: 'text/html' } });

  it('answers / and every console path with index.html, its settings and a strict CSP', async () => {
    for (const path of [
      '/',
      '/fleet',
      '/fleet/3f1e2d4c-aaaa-bbbb-cccc-123456789012',
      '/schedule?week=2026-W48',
    ]) {
      const res = await html(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("img-src 'self' data: blob: https://*.tiles.example.vn");
      const body = await res.text();
      expect(body).toContain('<html lang="vi">');
      const meta = /<meta name="loa-config" content="([^"]+)"/.exec(body);
      expect(meta).not.toBeNull();
      const settings = JSON.parse(meta![1].replace(/&quot;/g, '"').replace(/&amp;/g, '&')) as Record<
        string,
        string
      >;
      expect(settings.tileUrl).toBe('https://{s}.tiles.example.vn/{z}/{x}/{y}.png');
      expect(settings.timeZone).toBe('Asia/Ho_Chi_Minh');
    }
  });

  it('serves hashed assets precompressed and immutable, and nothing outside the build', async () => {
    const index = await (await html('/')).text();
    const js = /src="(\/assets\/app-[A-Z0-9]+\.js)"/.exec(index)![1];
    const res = await fetch(server.url(js), { headers: { 'accept-encoding': 'br, gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/javascript');
    expect(res.headers.get('cache-control')).toContain('immutable');
    // fetch decodes brotli itself: the body must equal the file the build wrote.
    const onDisk = await readFile(join(process.env.CONSOLE_DIR!, js));
    expect(Buffer.from(await res.arrayBuffer()).equals(onDisk)).toBe(true);
    const br = await readFile(join(process.env.CONSOLE_DIR!, `${js}.br`));
    expect(brotliDecompressSync(br).equals(onDisk)).toBe(true);

    expect((await fetch(server.url('/assets/nope-123.js'))).status).toBe(404);
    expect((await fetch(server.url('/assets/..%2f..%2fpackage.json'))).status).toBe(404);
    expect((await fetch(server.url('/assets/../manifest.json'))).status).not.toBe(200);
  });

  it('serves the code-split chunks under /assets/chunks/, preloads the first load’s, lists them all', async () => {
    const index = await (await html('/')).text();
    const manifest = JSON.parse(
      await readFile(join(process.env.CONSOLE_DIR!, 'manifest.json'), 'utf8'),
    ) as ConsoleManifest;
    // The chunks the entry imports statically are preloaded; the pages are not.
    expect(manifest.entryChunks.length).toBeGreaterThan(0);
    for (const chunk of manifest.entryChunks) expect(index).toContain(`rel="modulepreload" href="/${chunk}"`);
    const pages = manifest.assets.filter((a) => /^assets\/chunks\/FleetPage-[A-Z0-9]+\.js$/.test(a.file));
    expect(pages).toHaveLength(1);
    expect(pages[0].firstLoad).toBeUndefined();
    expect(index).not.toContain('FleetPage');

    for (const file of [...manifest.entryChunks, pages[0].file]) {
      const res = await fetch(server.url(`/${file}`), { headers: { 'accept-encoding': 'gzip' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/javascript');
      expect(res.headers.get('content-encoding')).toBe('gzip');
      expect(res.headers.get('cache-control')).toContain('immutable');
      const onDisk = await readFile(join(process.env.CONSOLE_DIR!, file));
      expect(Buffer.from(await res.arrayBuffer()).equals(onDisk)).toBe(true);
    }
    // The first load counts index.html, the entry's js and css and its static chunks, nothing else.
    const first = manifest.assets.filter((a) => a.firstLoad).map((a) => a.file);
    expect(first.sort()).toEqual(
      ['index.html', manifest.entry.js, manifest.entry.css, ...manifest.entryChunks].sort(),
    );
    expect(manifest.firstLoadBrotliBytes).toBe(
      manifest.assets.filter((a) => a.firstLoad).reduce((sum, a) => sum + (a.brotli || a.bytes), 0),
    );
    expect((await fetch(server.url('/assets/chunks/nope-123.js'))).status).toBe(404);
  });

  it('leaves the server’s own paths alone', async () => {
    const api = await fetch(server.url('/api/v1/nope'), { headers: { accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toContain('application/json');
    const health = await fetch(server.url('/health'), { headers: { accept: 'text/html' } });
    expect(health.headers.get('content-type')).toContain('application/json');
    const live = await fetch(server.url('/live/x/y.mp3'), { headers: { accept: 'text/html' } });
    expect(live.headers.get('content-type') ?? '').not.toContain('text/html');
    // A script asking without text/html gets the JSON 404, not the console.
    const script = await fetch(server.url('/definitely-not-here'));
    expect(script.status).toBe(404);
    expect(script.headers.get('content-type')).toContain('application/json');
    // A write to a page path is not a page.
    expect((await fetch(server.url('/fleet'), { method: 'POST' })).status).toBe(404);
  });
});

describe('without a built console', () => {
  it('says how to build it instead of a blank page', async () => {
    const server = await startTestServer({ consoleDir: '/nonexistent/loa-console' });
    try {
      const res = await fetch(server.url('/'), { headers: { accept: 'text/html' } });
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('npm run build:console');
    } finally {
      await server.close();
    }
  });
});
