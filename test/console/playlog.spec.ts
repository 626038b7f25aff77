/*
 * "Nhật ký phát": an immediate broadcast plays on the simulated clusters; the page shows each cluster's
 * playback (local times, the cluster linked, the title, the outcome in words) and the commune's minutes
 * played, as the API counts them; filters and the day live in the URL; the CSV holds the same reports.
 */
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { eventually, request } from '../support/http';
import { runAxe, seriousViolations } from './support/axe';
import { launchBrowser, openPage, signIn, startConsoleServer, type ConsoleServer } from './support/browser';

interface Report {
  id: string;
  clusterId: string;
  clusterName: string | null;
  source: string;
  event: string;
  occurredAt: string;
  broadcastId: string | null;
  title: string | null;
}
interface CommuneDay {
  communeId: string;
  playedMinutes: number;
  finished: number;
}

const TITLE = 'Thông báo thử loa';
const ZONE = 'Asia/Ho_Chi_Minh';
const todayVn = () => new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
const clock = (iso: string) =>
  new Intl.DateTimeFormat('vi-VN', {
    timeZone: ZONE,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
const minutesVi = (n: number) => new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 }).format(n);

describe('console: play log (Chromium, simulated clusters)', () => {
  let env: ConsoleServer;
  let browser: Browser;
  let operator: { username: string; password: string };
  let clusters: { id: string; name: string }[];
  let broadcastId: string;

  const reports = async (query = '') =>
    (
      await request<{ items: Report[]; total: number }>(
        'GET',
        env.server.url(`/api/v1/play-logs?unitId=${env.commune.id}&pageSize=500${query}`),
      )
    ).body;
  const communeDay = async () =>
    (
      await request<{ communes: CommuneDay[] }>(
        'GET',
        env.server.url(`/api/v1/play-logs/summary?date=${todayVn()}&unitId=${env.commune.id}`),
      )
    ).body.communes.find((c) => c.communeId === env.commune.id) as CommuneDay;

  beforeAll(async () => {
    [env, browser] = await Promise.all([startConsoleServer({ simFleet: 4 }), launchBrowser()]);
    operator = await env.createUser('commune_operator', env.commune.id);
    clusters = (
      await request<{ items: { id: string; name: string }[] }>(
        'GET',
        env.server.url(`/api/v1/clusters?unitId=${env.commune.id}&kind=ip&pageSize=500`),
      )
    ).body.items;
    // The demo chime plays every 15 minutes; rather than wait, play it now on the whole commune.
    const chime = await eventually(async () => {
      const media = await request<{ items: { id: string; title: string; status: string }[] }>(
        'GET',
        env.server.url('/api/v1/media?pageSize=100'),
      );
      return media.body.items.find((a) => a.title === 'Nhạc hiệu (demo)' && a.status === 'ready');
    }, 60_000);
    const sent = await request<{ id: string }>('POST', env.server.url('/api/v1/broadcasts'), {
      kind: 'play_now',
      title: TITLE,
      target: { unitIds: [env.commune.id] },
      priority: 'commune',
      assetIds: [chime.id],
    });
    expect(sent.status).toBe(201);
    broadcastId = sent.body.id;
    // Every cluster plays it to its end (an 8-second chime) and reports so.
    await eventually(
      async () =>
        (await reports(`&broadcastId=${broadcastId}&event=finished`)).items.length === clusters.length,
      60_000,
      250,
    );
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  /** The page's table row of the broadcast on one cluster. */
  const rowOf = (page: Page, clusterName: string) =>
    page
      .getByRole('region', { name: /^Các lần phát/ })
      .getByRole('row')
      .filter({ hasText: TITLE })
      .filter({ has: page.getByRole('link', { name: clusterName, exact: true }) });

  it('shows each cluster’s playback and the commune’s minutes played, as the API counts them', async () => {
    const { page, context, errors } = await openPage(browser);
    await signIn(page, env.server.url(''), operator.username, operator.password);
    await page.goto(env.server.url('/play-log'));
    await page.getByRole('heading', { name: 'Nhật ký phát', level: 1 }).waitFor();
    // The day is today; the area is the operator's commune.
    await page.getByText(/^Hôm nay · Thứ|^Hôm nay · Chủ Nhật/).waitFor();
    await expect(page.getByLabel('Ngày', { exact: true }).inputValue()).resolves.toBe(todayVn());
    await page.getByRole('group', { name: 'Địa bàn' }).getByText(env.commune.name, { exact: true }).waitFor();

    // One row per cluster: started and ended in local time, the cluster linked, what played, the outcome.
    const api = await reports(`&broadcastId=${broadcastId}`);
    for (const cluster of clusters) {
      const row = rowOf(page, cluster.name);
      await row.waitFor();
      const started = api.items.find((r) => r.clusterId === cluster.id && r.event === 'started');
      const finished = api.items.find((r) => r.clusterId === cluster.id && r.event === 'finished');
      expect(started && finished).toBeTruthy();
      expect(finished?.title).toBe(TITLE);
      const cells = await row.getByRole('cell').allTextContents();
      expect(cells[0]).toContain(clock(started!.occurredAt));
      expect(cells[1]).toBe(clock(finished!.occurredAt));
      expect(cells[3]).toContain('Phát ngay');
      expect(cells[4]).toContain('Phát trọn vẹn');
      expect(cells[5]).toMatch(/^0:0\d$/);
      await expect(
        row.getByRole('link', { name: cluster.name, exact: true }).first().getAttribute('href'),
      ).resolves.toBe(`/fleet/${cluster.id}`);
    }

    // The commune's day: minutes played, as the summary API says (the chime may add some meanwhile).
    const card = page
      .getByRole('listitem')
      .filter({ has: page.getByRole('heading', { name: env.commune.name }) });
    await card.getByText('Tổng phút đã phát').waitFor();
    const shownMinutes = card.locator('dt', { hasText: 'Tổng phút đã phát' }).locator('+ dd');
    await eventually(
      async () => {
        const day = await communeDay();
        if (day.playedMinutes > 0 && (await shownMinutes.textContent()) === minutesVi(day.playedMinutes))
          return true;
        // The chime may have played between the two reads: read both again.
        await page.reload();
        await shownMinutes.waitFor();
        return false;
      },
      30_000,
      500,
    );
    // The share of the schedule played, in words next to its bar.
    await card
      .getByRole('progressbar', { name: `Tỷ lệ đã phát so với lịch: ${env.commune.name}` })
      .or(card.getByText('Không có lịch phát trong ngày'))
      .first()
      .waitFor();
    await card.locator('.badge').first().waitFor();
    await expect(card.locator('.badge').first().textContent()).resolves.toMatch(
      /^(Phát đủ theo lịch|Đang trong ngày|Không có lịch phát trong ngày)$/,
    );

    // Filters go into the URL: "Phát ngay" only, then back.
    await page.getByLabel('Loại phát').selectOption({ label: 'Phát ngay' });
    await eventually(async () => page.url().includes('source=command'), 5_000);
    await rowOf(page, clusters[0].name).waitFor();
    await page.getByLabel('Loại phát').selectOption({ label: 'Phát trực tiếp' });
    await page.getByText('Không có lần phát nào khớp bộ lọc.').waitFor();
    await page.getByRole('button', { name: 'Bỏ lọc' }).click();
    await eventually(async () => !page.url().includes('source='), 5_000);
    await rowOf(page, clusters[0].name).waitFor();

    // The CSV holds the reports the page counts.
    const total = (await reports()).total;
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Tải CSV', exact: true }).click(),
    ]);
    const csv = (await readFile((await download.path())!, 'utf8')).replace(/^\uFEFF/, '');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0].split(',')).toContain('clusterName');
    expect(lines.length - 1).toBeGreaterThanOrEqual(total);
    expect(lines.filter((l) => l.includes(broadcastId))).toHaveLength(clusters.length * 2);

    // Yesterday: nothing played yet on this fresh server; the day is in the URL.
    await page.getByRole('button', { name: 'Ngày trước' }).click();
    await eventually(async () => /[?&]date=\d{4}-\d{2}-\d{2}/.test(page.url()), 5_000);
    await page.getByText('Không có lần phát nào trong ngày này ở địa bàn đã chọn.').waitFor();
    await page.getByRole('button', { name: 'Hôm nay' }).click();
    await eventually(async () => !page.url().includes('date='), 5_000);
    await rowOf(page, clusters[0].name).waitFor();
    await context.close();
    expect(errors).toEqual([]);
  });

  it('fits a phone: the table folds, nothing scrolls sideways; English reads too', async () => {
    const { page, context, errors } = await openPage(browser, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
    });
    await signIn(page, env.server.url(''), operator.username, operator.password);
    await page.goto(env.server.url(`/play-log?source=command`));
    await page.getByRole('heading', { name: 'Nhật ký phát', level: 1 }).waitFor();
    await expect(page.getByLabel('Loại phát').inputValue()).resolves.toBe('command');
    const row = rowOf(page, clusters[0].name);
    await row.waitFor();
    // The end folds under the start, the cluster into the content cell.
    await row.getByText(/^đến \d\d:\d\d:\d\d$/).waitFor();
    await expect(page.getByRole('columnheader', { name: 'Kết thúc' }).isVisible()).resolves.toBe(false);
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(390);

    await page.getByRole('combobox', { name: 'Ngôn ngữ' }).selectOption('en');
    await page.getByRole('heading', { name: 'Play log', level: 1 }).waitFor();
    await page
      .getByRole('cell', { name: /^Played fully/ })
      .first()
      .waitFor();
    await page.getByRole('combobox', { name: 'Language' }).selectOption('vi');
    await context.close();
    expect(errors).toEqual([]);
  });

  it('shows an administrator without a scope the whole server, and passes axe (WCAG 2 A/AA)', async () => {
    const { page, context, errors } = await openPage(browser);
    await signIn(page, env.server.url(''), env.admin.username, env.admin.password);
    await page.goto(env.server.url('/play-log'));
    await page.getByRole('heading', { name: 'Tổng hợp trong ngày' }).waitFor();
    await page.getByRole('heading', { name: env.commune.name, exact: false }).first().waitFor();
    await rowOf(page, clusters[1].name).waitFor();
    // WCAG 2 A/AA: nothing serious on the page.
    expect(seriousViolations('/play-log', await runAxe(page))).toEqual([]);
    await context.close();
    expect(errors).toEqual([]);
  });
});
