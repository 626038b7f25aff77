/*
 * First load of the web console (issue 7): `npm run bench:console [-- --runs 5 --sims 5 --no-write]`.
 *
 * Builds the console (apps/console/build.ts: raw, gzip and brotli sizes), starts the server as `npm start`
 * runs it (child process, embedded PGlite and aedes, demo province Lạng Sơn and a few simulated clusters),
 * then with Debian's Chromium measures cold loads, each in a new browser context (empty cache):
 *   - the sign-in page: time until the form is visible;
 *   - the fleet page, signed in (session cookie, empty cache): time until its map (the default view) has
 *     its markers over the built-in outlines;
 * each over loopback unthrottled and over a slow mobile link emulated through the DevTools protocol
 * (Network.emulateNetworkConditions: 1.6 Mbit/s down, 750 kbit/s up, 150 ms latency — Lighthouse's "slow
 * 4G"), and over that link with the CPU slowed 4× (Emulation.setCPUThrottlingRate). Per load: bytes transferred (encoded, headers included), requests, DOMContentLoaded and load (from
 * the navigation's start). Prints the medians of N runs and writes them into docs/benchmarks.md as the
 * section "Console: first load (issue 7)" (replaced when it exists, appended otherwise; nothing else changes).
 * Loopback only; stops by itself.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser, CDPSession } from 'playwright-core';
import { format, resolveConfig } from 'prettier';
import { buildConsole, type ConsoleAsset, type ConsoleManifest } from '../../apps/console/build';
import { freePort, ServerProcess } from '../e2e/server-process';
import { launchBrowser, chromiumPath } from '../console/support/browser';
import { logIn } from '../support/http';
import { intOption, median, until } from './media/common';

const ROOT = join(__dirname, '../..');
const SECTION = '## Console: first load (issue 7)';
/** The server child, killed when the time limit strikes. */
const running: { server?: ServerProcess } = {};

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    sims: { type: 'string', default: '5' },
    'no-write': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log('usage: npm run bench:console -- [--runs N] [--sims N] [--no-write]');
  process.exit(0);
}
const RUNS = intOption('runs', args.runs, 1, 50);
const SIMS = intOption('sims', args.sims, 1, 200);
// Whatever happens, the benchmark ends (a hung browser or server must not keep CI waiting).
const HARD_LIMIT_MS = 20 * 60_000;

interface Profile {
  name: string;
  label: string;
  conditions?: { latency: number; downloadThroughput: number; uploadThroughput: number };
  /** Emulation.setCPUThrottlingRate: a phone's slower CPU parsing and running the bundle. */
  cpuSlowdown?: number;
}

const PROFILES: Profile[] = [
  { name: 'loopback', label: 'loopback, unthrottled' },
  {
    name: 'slow-4g',
    label: 'slow mobile link (1.6 Mbit/s down, 750 kbit/s up, 150 ms)',
    conditions: { latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 },
  },
  {
    name: 'slow-4g-cpu4',
    label: 'same link, CPU 4× slower',
    conditions: { latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 },
    cpuSlowdown: 4,
  },
];

type Target = 'login' | 'fleet';

interface Sample {
  bytes: number;
  requests: number;
  domContentLoaded: number;
  load: number;
  /** Sign-in form visible, or fleet map and list rendered (ms since the navigation started). */
  ready: number;
}

/**
 * The page's condition for "usable", as a function expression run in the page. An init script (injected
 * through the DevTools protocol, so the console's CSP does not stop it) checks it on every frame from the
 * very start of the document and keeps the first performance.now() it held at.
 */
const READY: Record<Target, string> = {
  login: `() => {
    const input = document.querySelector('form input[type=password]');
    const box = input && input.getBoundingClientRect();
    return !!box && box.width > 0 && box.height > 0 && getComputedStyle(input).visibility !== 'hidden';
  }`,
  // The map view (the default): markers over the outlines or tiles; the list view: links to clusters.
  fleet: `() => {
    if (document.querySelector('main .loading')) return false;
    const map = document.querySelector('main .leaflet-container');
    if (map)
      return Number(map.dataset.markers || 0) > 0 &&
        (map.dataset.outlines === 'drawn' || map.querySelector('.leaflet-tile-loaded') !== null);
    return document.querySelector('main table a[href^="/fleet/"]') !== null;
  }`,
};

const watchReady = (condition: string) => `(() => {
  const ready = ${condition};
  const tick = () => {
    if (document.readyState !== 'loading' && ready()) window.__loaReadyAt = performance.now();
    else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();`;

async function measure(
  browser: Browser,
  baseUrl: string,
  credentials: { username: string; password: string },
  profile: Profile,
  target: Target,
): Promise<Sample> {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 860 },
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  try {
    if (target === 'fleet') {
      // Signed in as a returning user would be (session cookie), but with nothing cached.
      const res = await context.request.post(`${baseUrl}/api/v1/auth/login`, {
        data: { ...credentials, cookie: true },
      });
      if (!res.ok()) throw new Error(`sign-in failed: HTTP ${res.status()}`);
    }
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text());
    });
    const cdp = await context.newCDPSession(page);
    const net = await watchTraffic(cdp);
    if (profile.conditions)
      await cdp.send('Network.emulateNetworkConditions', { offline: false, ...profile.conditions });
    if (profile.cpuSlowdown) await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpuSlowdown });
    await page.addInitScript(watchReady(READY[target]));
    await page.goto(`${baseUrl}${target === 'login' ? '/' : '/fleet'}`, {
      waitUntil: 'load',
      timeout: 120_000,
    });
    const ready = await until(
      `${target} to be usable`,
      async () => (await page.evaluate('window.__loaReadyAt || 0')) as number,
      120_000,
      50,
    );
    await net.quiet();
    const timing = (await page.evaluate(`(() => {
      const n = performance.getEntriesByType('navigation')[0];
      return { domContentLoaded: n.domContentLoadedEventEnd, load: n.loadEventEnd };
    })()`)) as { domContentLoaded: number; load: number };
    if (errors.length) throw new Error(`console errors on ${target}: ${errors.join(' | ')}`);
    return { bytes: net.bytes(), requests: net.requests(), ...timing, ready };
  } finally {
    await context.close();
  }
}

/** Counts what the page fetched (over the DevTools protocol: encoded bytes as they came off the wire). */
async function watchTraffic(cdp: CDPSession) {
  let bytes = 0;
  let requests = 0;
  let lastActivity = Date.now();
  const open = new Set<string>();
  const streams = new Set<string>();
  cdp.on('Network.requestWillBeSent', (e) => {
    if (e.redirectResponse) return; // same request id, already counted
    requests++;
    open.add(e.requestId);
    lastActivity = Date.now();
  });
  cdp.on('Network.responseReceived', (e) => {
    // Server-sent events never finish: they must not hold "quiet" back.
    if (e.type === 'EventSource' || e.response.mimeType === 'text/event-stream') streams.add(e.requestId);
  });
  cdp.on('Network.dataReceived', () => (lastActivity = Date.now()));
  cdp.on('Network.loadingFinished', (e) => {
    bytes += e.encodedDataLength;
    open.delete(e.requestId);
    lastActivity = Date.now();
  });
  cdp.on('Network.loadingFailed', (e) => {
    open.delete(e.requestId);
    lastActivity = Date.now();
  });
  await cdp.send('Network.enable');
  return {
    bytes: () => bytes,
    requests: () => requests,
    /** Resolves when nothing but event streams is open and nothing moved for 500 ms (at most 30 s). */
    quiet: () =>
      until(
        'the network to go quiet',
        async () => [...open].every((id) => streams.has(id)) && Date.now() - lastActivity > 500,
        30_000,
        50,
      ),
  };
}

function machine(): { cpu: string; nproc: number; memory: string; node: string; chromium: string } {
  const lscpu = spawnSync('lscpu', { encoding: 'utf8' }).stdout ?? '';
  const field = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, 'm').exec(lscpu)?.[1]?.trim();
  const model = field('Model name') ?? cpus()[0]?.model ?? 'unknown CPU';
  const hypervisor = field('Hypervisor vendor');
  const chromium =
    spawnSync(chromiumPath(), ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? 'Chromium';
  return {
    cpu: `${model}${hypervisor ? ` (virtualised, ${hypervisor})` : ''}`,
    nproc: availableParallelism(),
    memory: `${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
    node: process.version,
    chromium,
  };
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const ms = (n: number) => `${Math.round(n).toLocaleString('en-US')} ms`;

function sizesTable(manifest: ConsoleManifest): string {
  const assets = manifest.assets.filter((a) => !/\.(txt|map)$/.test(a.file));
  const firstLoad = (a: ConsoleAsset) =>
    a.firstLoad ?? (a.file === 'index.html' || a.file === manifest.entry.js || a.file === manifest.entry.css);
  const row = (name: string, when: string, list: ConsoleAsset[]) => {
    const sum = (f: (a: ConsoleAsset) => number) => list.reduce((n, a) => n + f(a), 0);
    const gzip = sum((a) => a.gzip);
    const brotli = sum((a) => a.brotli);
    return `| ${name} | ${when} | ${kib(sum((a) => a.bytes))} | ${gzip ? kib(gzip) : '—'} | ${brotli ? kib(brotli) : '—'} |`;
  };
  const file = (a: ConsoleAsset) => `\`${a.file.replace(/-[A-Z0-9]{8}\./, '-<hash>.')}\``;
  // Page chunks (code splitting) and images are summed: one row each, with the largest chunk named.
  const chunks = assets.filter((a) => !firstLoad(a) && a.file.endsWith('.js'));
  const images = assets.filter((a) => !firstLoad(a) && /\.(png|svg|jpg)$/.test(a.file));
  const data = assets.filter((a) => !firstLoad(a) && !chunks.includes(a) && !images.includes(a));
  const largest = [...chunks].sort((a, b) => b.brotli - a.brotli)[0];
  return [
    '| file | when | raw | gzip | brotli (served) |',
    '| ---- | ---- | --- | ---- | --------------- |',
    ...assets.filter(firstLoad).map((a) => row(file(a), 'first load', [a])),
    `| **first load** | | | | **${kib(manifest.firstLoadBrotliBytes)}** |`,
    ...(chunks.length
      ? [
          row(
            `${chunks.length} page chunks (largest ${file(largest)}, ${kib(largest.brotli)})`,
            'when a page is first shown',
            chunks,
          ),
        ]
      : []),
    ...data.map((a) => row(file(a), 'on demand', [a])),
    ...(images.length ? [row(`${images.length} images`, 'on demand', images)] : []),
  ].join('\n');
}

function resultsTable(results: Map<string, Sample[]>): string {
  const lines = [
    '| page | link | transferred | requests | DOMContentLoaded | load | usable |',
    '| ---- | ---- | ----------- | -------- | ---------------- | ---- | ------ |',
  ];
  for (const [key, samples] of results) {
    const [target, profileName] = key.split('|');
    const profile = PROFILES.find((p) => p.name === profileName)!;
    const m = (f: (s: Sample) => number) => median(samples.map(f));
    const page = target === 'login' ? 'sign-in page (form visible)' : 'fleet page, signed in (map drawn)';
    lines.push(
      `| ${page} | ${profile.label} | ${kib(m((s) => s.bytes))} | ${m((s) => s.requests)} | ${ms(m((s) => s.domContentLoaded))} | ${ms(m((s) => s.load))} | ${ms(m((s) => s.ready))} |`,
    );
  }
  return lines.join('\n');
}

async function writeSection(raw: string): Promise<void> {
  const path = join(ROOT, 'docs/benchmarks.md');
  // Formatted as `npm run lint` (prettier --check) expects the docs to be.
  const text = (await format(raw, { ...(await resolveConfig(path)), parser: 'markdown' })).trimEnd();
  const doc = readFileSync(path, 'utf8');
  const start = doc.indexOf(SECTION);
  let next: string;
  if (start < 0) {
    next = `${doc.trimEnd()}\n\n${text}\n`;
  } else {
    const after = doc.indexOf('\n## ', start + SECTION.length);
    next = `${doc.slice(0, start)}${text}\n${after < 0 ? '' : doc.slice(after)}`;
  }
  writeFileSync(path, next);
  console.log(`\nwritten to docs/benchmarks.md (${SECTION.slice(3)})`);
}

async function main(): Promise<void> {
  const started = new Date();
  const consoleDir = mkdtempSync(join(tmpdir(), 'loa-bench-console-'));
  const dataDir = mkdtempSync(join(tmpdir(), 'loa-bench-console-data-'));
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  try {
    const manifest = await buildConsole({ outDir: consoleDir });
    console.log(`console built: first load ${kib(manifest.firstLoadBrotliBytes)} brotli`);
    const secrets = ServerProcess.secrets();
    server = new ServerProcess({
      dataDir,
      port: await freePort(),
      mqttPort: await freePort(),
      ...secrets,
      env: { DEMO_PROVINCE: '20', SIM_FLEET: String(SIMS), CONSOLE_DIR: consoleDir },
    });
    running.server = server;
    await server.start();
    const baseUrl = server.baseUrl;
    const credentials = { username: 'admin', password: secrets.adminPassword };
    const token = await logIn(baseUrl, credentials.username, credentials.password);
    await until(
      `${SIMS} simulated clusters online`,
      async () => {
        const res = await fetch(`${baseUrl}/api/v1/clusters?online=true&pageSize=1`, {
          headers: { authorization: `Bearer ${token}` },
        });
        return res.ok && ((await res.json()) as { total: number }).total >= SIMS;
      },
      90_000,
      250,
    );
    browser = await launchBrowser();

    const results = new Map<string, Sample[]>();
    // One load of each page first, not counted: the server's and the browser's first-use costs are not
    // what a visitor's cold cache costs.
    for (const target of ['login', 'fleet'] as Target[])
      await measure(browser, baseUrl, credentials, PROFILES[0], target);
    for (const target of ['login', 'fleet'] as Target[])
      for (const profile of PROFILES) {
        const samples: Sample[] = [];
        for (let run = 1; run <= RUNS; run++) {
          const s = await measure(browser, baseUrl, credentials, profile, target);
          samples.push(s);
          console.log(
            `${target} ${profile.name} #${run}: ${kib(s.bytes)} in ${s.requests} requests, ` +
              `DOMContentLoaded ${ms(s.domContentLoaded)}, load ${ms(s.load)}, usable ${ms(s.ready)}`,
          );
        }
        results.set(`${target}|${profile.name}`, samples);
      }

    const m = machine();
    const command = `npm run bench:console -- --runs ${RUNS} --sims ${SIMS}`;
    const section = [
      SECTION,
      '',
      `**Command:** \`${command}\` (\`test/bench/console-load.ts\`).`,
      '',
      '**What it does.** Builds the console (`apps/console/build.ts`, esbuild, minified, precompressed), starts the server as `npm start` runs it (child process, embedded PGlite and aedes, demo province Lạng Sơn, ' +
        `${SIMS} simulated clusters), then drives ${m.chromium} (Debian's package, headless) through cold loads, each in a new browser context (empty cache): the sign-in page until its form is visible, and the fleet page signed in (session cookie set through the API, nothing cached) until its map (the page's default view) shows the clusters' markers over the built-in province outlines. ` +
        'Each over loopback unthrottled, and over a slow mobile link emulated with `Network.emulateNetworkConditions` (1.6 Mbit/s down, 750 kbit/s up, 150 ms latency per request), and over that link with the page CPU slowed 4× (`Emulation.setCPUThrottlingRate`, roughly a low-end phone). ' +
        'Transferred = encoded bytes off the wire, headers included, until the network is quiet (event streams excluded); times are from the start of the navigation. ' +
        `Medians of ${RUNS} runs, after one uncounted load of each page.`,
      '',
      `**Machine:** ${m.nproc} cores (${m.cpu}), ${m.memory}, Node.js ${m.node}; the server, its simulated clusters and Chromium share the cores. **Date:** ${started.toISOString().slice(0, 10)}.`,
      '',
      '### What a first visit downloads',
      '',
      sizesTable(manifest),
      '',
      '### Cold first load',
      '',
      resultsTable(results),
      '',
    ].join('\n');
    console.log(`\n${section}`);
    if (!args['no-write']) await writeSection(section);
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    rmSync(consoleDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const limit = setTimeout(() => {
  console.error(`bench:console did not finish within ${HARD_LIMIT_MS / 60_000} min`);
  void (running.server?.kill() ?? Promise.resolve()).finally(() => process.exit(1));
}, HARD_LIMIT_MS);
limit.unref();
main()
  .then(() => process.exit(0))
  .catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  });
