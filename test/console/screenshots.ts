/*
 * Screenshots of the console for the docs: `npm run docs:screenshots [-- --out docs/screenshots]`.
 *
 * Builds the console, starts the real server in-process (embedded PGlite in memory, demo province Lạng Sơn,
 * SIMS simulated clusters with the demo chime schedule), adds a little realistic data through the API (an
 * uploaded announcement, a daily news schedule and a one-off notice, a few faulty clusters whose alerts open
 * fast, work orders), signs in as the administrator and writes PNGs of the main pages in Vietnamese at
 * 1366×860 (and two phone views at 390×844). Loopback only; stops by itself.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openAsBlob, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { SimFleet } from '@loa-xa/firmware-sim';
import { buildConsole } from '../../apps/console/build';
import { resolveFfmpegBinaries } from '../../apps/server/src/media/ffmpeg-binaries';
import { defaultAuthorization, eventually, logIn, request } from '../support/http';
import { launchBrowser, openPage, signIn, startConsoleServer, type ConsoleServer } from './support/browser';

const ROOT = join(__dirname, '../..');
const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: join(ROOT, 'docs/screenshots') },
    sims: { type: 'string', default: '20' },
  },
});
const OUT = resolve(String(args.out));
const SIMS = Number(args.sims);
const TIME_LIMIT_MS = 10 * 60_000;
const DESKTOP = { width: 1366, height: 860 };
const PHONE = { width: 390, height: 844 };

/** What the page must show before its picture is taken (beyond its heading and no loading indicator). */
interface Shot {
  file: string;
  path: string;
  phone?: boolean;
  /** Extra condition, run in the page. */
  ready?: () => boolean;
}

/** The map has its markers over the built-in outlines (or tiles). */
const mapDrawn = () => {
  const map = document.querySelector<HTMLElement>('.leaflet-container');
  return (
    !!map &&
    Number(map.dataset.markers ?? 0) > 0 &&
    (map.dataset.outlines === 'drawn' || !!map.querySelector('.leaflet-tile-loaded'))
  );
};
const fontsReady = () => document.fonts.ready.then(() => true);

// The API's base (the test helpers' request() signs calls to this server in as its administrator).
let env: ConsoleServer;
const api = <T>(method: string, path: string, body?: unknown) =>
  request<T>(method, env.server.url(`/api/v1${path}`), body).then((res) => {
    if (res.status >= 300)
      throw new Error(`${method} ${path}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  });

/** Today in Vietnam, plus `days`, as YYYY-MM-DD. */
function localDate(days = 0): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(
    new Date(Date.now() + days * 86_400_000),
  );
}

/** A short announcement-like audio file (two alternating tones), made with the packaged ffmpeg. */
function makeAudio(dir: string): string {
  const file = join(dir, 'thong-bao.mp3');
  const { ffmpeg } = resolveFfmpegBinaries({ ffmpegPath: undefined, ffprobePath: undefined });
  const out = spawnSync(ffmpeg, [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=330:duration=24,volume=0.5',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=495:duration=24,volume=0.3',
    '-filter_complex',
    'amix=inputs=2',
    '-ac',
    '1',
    '-b:a',
    '64k',
    '-y',
    file,
  ]);
  if (out.status !== 0) throw new Error(`ffmpeg failed: ${out.stderr?.toString()}`);
  return file;
}

async function upload(file: string, title: string, unitId: string): Promise<string> {
  const form = new FormData();
  form.set('title', title);
  form.set('unitId', unitId);
  form.set('file', await openAsBlob(file, { type: 'audio/mpeg' }), 'thong-bao.mp3');
  const res = await fetch(env.server.url('/api/v1/media'), {
    method: 'POST',
    headers: { authorization: defaultAuthorization(env.server.url('/api/v1/media')) ?? '' },
    body: form,
  });
  const body = (await res.json()) as { id?: string };
  if (res.status !== 202 || !body.id) throw new Error(`upload: HTTP ${res.status} ${JSON.stringify(body)}`);
  const id = body.id;
  await eventually(
    async () => (await api<{ status: string }>('GET', `/media/${id}`)).status === 'ready',
    60_000,
    250,
  );
  return id;
}

/** Realistic data for the pages: media, schedules, faulty clusters with alerts, work orders. */
async function seed(scratch: string): Promise<{ fleet: SimFleet; faultyClusterId: string }> {
  const commune = env.commune;
  const villages = (
    await api<{ items: { id: string; name: string }[] }>('GET', `/units/${commune.id}/children?pageSize=50`)
  ).items;
  const stations = await api<{ items: { id: string }[] }>('GET', `/stations?unitId=${commune.id}&pageSize=1`);

  // Alerts open within seconds for this commune (the demo's thresholds are minutes).
  for (const rule of ['offline', 'amp_fault', 'speaker_line'])
    await api('PUT', `/health-rules/overrides/${commune.id}/${rule}`, {
      params: { raiseAfterS: 2, clearAfterS: 1 },
    });

  // Three more clusters, driven from here so faults can be injected.
  const extra: { clusterId: string; secret: string }[] = [];
  const names = ['Cụm loa chợ trung tâm', 'Cụm loa trường tiểu học', 'Cụm loa nhà văn hoá thôn'];
  for (let i = 0; i < names.length; i++) {
    const created = await api<{ cluster: { id: string }; credential: { password: string } }>(
      'POST',
      '/clusters',
      {
        code: `LS-${String(101 + i)}`,
        name: names[i],
        kind: 'ip',
        lifecycle: 'active',
        communeId: commune.id,
        ...(villages[i] ? { villageId: villages[i].id } : {}),
        ...(stations.items[0] ? { stationId: stations.items[0].id } : {}),
        latitude: 21.872 + i * 0.011,
        longitude: 106.782 - i * 0.009,
        vendor: 'loa-xa',
        model: 'firmware-sim',
      },
    );
    extra.push({ clusterId: created.cluster.id, secret: created.credential.password });
  }
  const fleet = new SimFleet(extra, {
    brokerUrl: env.server.mqttUrl,
    telemetryIntervalMs: 2000,
    reconnectPeriodMs: 500,
    seed: 7,
  });
  await fleet.start();
  await fleet.waitForOnline();
  fleet.get(extra[0].clusterId)?.injectFault('amp_fault', 'quá dòng');
  fleet.get(extra[1].clusterId)?.injectFault('line_open', 'hở mạch loa số 2');
  fleet.get(extra[2].clusterId)?.startOutage(8 * 60_000);

  // An announcement and the schedules that play it.
  const assetId = await upload(makeAudio(scratch), 'Thông báo lịch tiêm chủng mở rộng', commune.id);
  const schedule = async (body: Record<string, unknown>) => {
    const res = await request('POST', env.server.url('/api/v1/schedules'), body);
    // A clash with the demo chime at equal priority is shown as a conflict: save it anyway.
    if (res.status === 409) await api('POST', '/schedules', { ...body, force: true });
    else if (res.status >= 300) throw new Error(`schedule: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  };
  await schedule({
    title: 'Bản tin sáng',
    assetId,
    target: { unitIds: [commune.id] },
    start: `${localDate(1)}T06:00`,
    rrule: 'FREQ=DAILY',
    volume: 80,
  });
  await schedule({
    title: 'Thông báo tiêm chủng',
    assetId,
    target: villages.length
      ? { villageIds: villages.slice(0, 2).map((v) => v.id) }
      : { unitIds: [commune.id] },
    start: `${localDate(1)}T17:30`,
    priority: 'district',
    volume: 90,
  });

  // Work orders: a replacement of the old FM system and an expansion to a village.
  const station = await api<{ id: string }>('POST', '/work-orders', {
    kind: 'new_station',
    title: `Lắp đặt đài truyền thanh ứng dụng CNTT - viễn thông ${commune.name}`,
    communeId: commune.id,
    fundingProgramme: 'ntp_new_rural',
    plannedStart: localDate(7),
    plannedEnd: localDate(37),
    plannedCostVnd: '185000000',
    notes: 'Theo kế hoạch năm của huyện.',
  });
  // The district approved it: the board shows more than one column in use.
  await api('POST', `/work-orders/${station.id}/transition`, { to: 'approved', note: 'UBND huyện đã duyệt' });
  if (villages[3])
    await api('POST', '/work-orders', {
      kind: 'expansion',
      title: `Bổ sung cụm loa ${villages[3].name}`,
      communeId: commune.id,
      villageId: villages[3].id,
      fundingProgramme: 'ntp_ethnic_minority',
      plannedStart: localDate(14),
      plannedCostVnd: '42000000',
    });

  // The people of a commune's day: its operator, the district's technician, a province administrator.
  const unit = async (id: string) => api<{ id: string; parentId: string | null }>('GET', `/units/${id}`);
  const district = (await unit(commune.id)).parentId;
  const province = district ? (await unit(district)).parentId : null;
  const people = [
    { username: 'hoa.nt', displayName: 'Nguyễn Thị Hoa', role: 'commune_operator', scopeUnitId: commune.id },
    {
      username: 'minh.hv',
      displayName: 'Hoàng Văn Minh',
      role: 'district_technician',
      scopeUnitId: district,
    },
    { username: 'thang.vv', displayName: 'Vi Văn Thắng', role: 'province_admin', scopeUnitId: province },
  ];
  const operatorPassword = `Hoa-${Date.now()}-xa`;
  for (const person of people)
    if (person.scopeUnitId)
      await api('POST', '/users', {
        ...person,
        password:
          person.role === 'commune_operator'
            ? operatorPassword
            : `Pw-${Date.now()}-${person.role.length}-loa`,
      });

  // Wait for the alerts of the injected faults; the operator acknowledges the amplifier's.
  await eventually(
    async () => (await api<{ total: number }>('GET', `/alerts?unitId=${commune.id}&pageSize=1`)).total >= 3,
    60_000,
    250,
  ).catch(() => console.warn('fewer alerts than expected: the alerts page shows what there is'));
  const amp = await api<{ items: { id: string }[] }>(
    'GET',
    `/alerts?clusterId=${extra[0].clusterId}&pageSize=1`,
  );
  if (amp.items[0]) {
    const token = await logIn(env.server.url(''), 'hoa.nt', operatorPassword);
    await request(
      'POST',
      env.server.url(`/api/v1/alerts/${amp.items[0].id}/acknowledge`),
      {
        note: 'Đã báo kỹ thuật viên huyện',
      },
      { authorization: `Bearer ${token}` },
    );
  }
  return { fleet, faultyClusterId: extra[0].clusterId };
}

async function pageReady(page: Page, extra?: () => boolean): Promise<void> {
  await page.locator('main h1').first().waitFor({ timeout: 30_000 });
  await page.waitForFunction(() => !document.querySelector('.loading, [aria-busy="true"]'), undefined, {
    timeout: 30_000,
  });
  if (extra) await page.waitForFunction(extra, undefined, { timeout: 30_000 });
  await page.evaluate(fontsReady);
}

async function shoot(browser: Browser, shots: Shot[], phone: boolean): Promise<string[]> {
  const { page, context, errors } = await openPage(browser, {
    viewport: phone ? PHONE : DESKTOP,
    isMobile: phone,
  });
  const written: string[] = [];
  try {
    await signIn(page, env.server.url(''), env.admin.username, env.admin.password);
    for (const shot of shots) {
      await page.goto(env.server.url(shot.path));
      try {
        await pageReady(page, shot.ready);
      } catch (err) {
        console.warn(`${shot.file}: page not ready (${String(err).split('\n')[0]}), taken as it is`);
      }
      const file = join(OUT, shot.file);
      await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
      written.push(`${shot.file} ${(statSync(file).size / 1024).toFixed(0)} KiB`);
    }
  } finally {
    await context.close();
  }
  if (errors.length) console.warn(`console errors while taking screenshots:\n  ${errors.join('\n  ')}`);
  return written;
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'loa-screenshots-'));
  let browser: Browser | undefined;
  let fleet: SimFleet | undefined;
  try {
    process.env.CONSOLE_DIR = join(scratch, 'console');
    await buildConsole({ outDir: process.env.CONSOLE_DIR });
    mkdirSync(OUT, { recursive: true });
    [env, browser] = await Promise.all([
      startConsoleServer({ simFleet: SIMS, config: { healthTickMs: 200 } }),
      launchBrowser(),
    ]);
    const seeded = await seed(scratch);
    fleet = seeded.fleet;

    // The login page, signed out.
    {
      const { page, context } = await openPage(browser, { viewport: DESKTOP });
      await page.goto(env.server.url('/'));
      await page.getByLabel('Tên đăng nhập').waitFor();
      await page.evaluate(fontsReady);
      await page.screenshot({ path: join(OUT, 'login.png'), animations: 'disabled', caret: 'hide' });
      await context.close();
    }
    const written = await shoot(
      browser,
      [
        { file: 'overview.png', path: '/' },
        { file: 'fleet-map.png', path: '/fleet', ready: mapDrawn },
        { file: 'cluster.png', path: `/fleet/${seeded.faultyClusterId}` },
        { file: 'media-library.png', path: '/library' },
        { file: 'schedule-week.png', path: '/schedule' },
        { file: 'on-air.png', path: '/on-air' },
        { file: 'emergency.png', path: '/emergency' },
        { file: 'alerts.png', path: '/alerts' },
        { file: 'work-orders.png', path: '/work-orders' },
        { file: 'reports.png', path: '/reports' },
        { file: 'users.png', path: '/users' },
      ],
      false,
    );
    written.push(
      ...(await shoot(
        browser,
        [
          { file: 'phone-overview.png', path: '/' },
          { file: 'phone-schedule.png', path: '/schedule' },
        ],
        true,
      )),
    );
    console.log(`screenshots in ${OUT}:\n  login.png\n  ${written.join('\n  ')}`);
  } finally {
    fleet?.kill();
    await browser?.close().catch(() => undefined);
    await env?.close().catch(() => undefined);
    rmSync(scratch, { recursive: true, force: true });
  }
}

const limit = setTimeout(() => {
  console.error(`docs:screenshots did not finish within ${TIME_LIMIT_MS / 60_000} min`);
  process.exit(1);
}, TIME_LIMIT_MS);
limit.unref();
main()
  .then(() => process.exit(0))
  .catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  });
