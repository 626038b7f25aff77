/*
 * The done-criterion: someone who reads only Vietnamese runs a commune's day from the console.
 * One commune operator, one browser, only Vietnamese names and labels (never ids, never English): sign in,
 * see whether the loudspeakers work, upload today's bulletin, schedule it for two villages, see it ready on
 * the week calendar, speak live to the commune and see who hears it, find the announcement in a cluster's
 * play log and in "Nhật ký phát", sign out. The real server, the simulator and Chromium's fake microphone.
 */
import type { Browser, Page } from 'playwright-core';
import { eventually, request } from '../support/http';
import { ffmpeg, tempDir } from '../media/support';
import { launchBrowser, openPage, signIn, startConsoleServer, type ConsoleServer } from './support/browser';

const BULLETIN = 'Bản tin hôm nay';
const ANNOUNCEMENT = 'Thông báo họp dân tối nay';
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Vietnamese wall clock (UTC+7 all year) of an instant: 'YYYY-MM-DDTHH:mm'. */
const vnLocal = (ms: number) => new Date(ms + 7 * 3_600_000).toISOString().slice(0, 16);

/**
 * A start a few minutes ahead, on a whole minute clear of the demo chime (every quarter hour), and on
 * today's date (the week calendar shows this week).
 */
function fewMinutesAhead(): { date: string; time: string } {
  let ms = Math.ceil((Date.now() + 4 * 60_000) / 60_000) * 60_000;
  if (new Date(ms).getUTCMinutes() % 15 === 0) ms += 60_000;
  const local = vnLocal(ms);
  return { date: local.slice(0, 10), time: local.slice(11, 16) };
}

describe('console: a commune’s day, in Vietnamese only (Chromium, simulated clusters)', () => {
  let env: ConsoleServer;
  let browser: Browser;
  let operator: { username: string; password: string };
  let dir: string;

  beforeAll(async () => {
    [env, browser] = await Promise.all([startConsoleServer({ simFleet: 4 }), launchBrowser()]);
    operator = await env.createUser('commune_operator', env.commune.id);
    dir = await tempDir('commune-day');
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  const menu = (page: Page, label: string) =>
    page.getByRole('navigation', { name: 'Danh mục' }).getByRole('link', { name: label, exact: true });

  it('signs in, checks the loudspeakers, uploads, schedules, goes live, reads the play log, signs out', async () => {
    // What the test knows of the commune, by name (as the operator sees it on screen).
    const villages = (
      await request<{ items: { name: string }[] }>(
        'GET',
        env.server.url(`/api/v1/units/${env.commune.id}/children?pageSize=500`),
      )
    ).body.items.slice(0, 2);
    expect(villages).toHaveLength(2);
    const clusters = (
      await request<{ items: { id: string; name: string }[] }>(
        'GET',
        env.server.url(`/api/v1/clusters?unitId=${env.commune.id}&kind=ip&sort=name&pageSize=500`),
      )
    ).body.items;
    const bulletin = await ffmpeg(dir, `${BULLETIN}.wav`, [
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=520:duration=4',
      '-af',
      'volume=-14dB',
      '-ac',
      '1',
      '-ar',
      '22050',
    ]);

    const { page, context, errors } = await openPage(browser);

    // 1. Sign in; the overview says whether the loudspeakers work.
    await signIn(page, env.server.url(''), operator.username, operator.password);
    await page.getByRole('heading', { name: 'Tổng quan', level: 1 }).waitFor();
    await page
      .getByRole('status')
      .getByText(/^(Cả \d+ cụm loa đang hoạt động bình thường\.|Cần chú ý: .+)$/)
      .waitFor();
    await page
      .getByRole('region', { name: 'Cụm loa của địa bàn' })
      .getByRole('link', { name: clusters[0].name })
      .waitFor();

    // 2. Upload today's bulletin and wait until it is ready to play.
    await menu(page, 'Thư viện âm thanh').click();
    await page.getByRole('heading', { name: 'Thư viện âm thanh', level: 1 }).waitFor();
    await page.getByLabel('Tải tệp âm thanh lên').setInputFiles(bulletin);
    await page.getByText('Xong: sẵn sàng phát').waitFor({ timeout: 60_000 });
    await page.getByRole('row').filter({ hasText: BULLETIN }).getByText('Sẵn sàng').waitFor();

    // 3. Schedule it once, in a few minutes, for two villages.
    const when = fewMinutesAhead();
    await menu(page, 'Lịch phát').click();
    await page.getByRole('heading', { name: 'Lịch phát', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Tạo lịch phát' }).click();
    const editor = page.getByRole('dialog', { name: 'Tạo lịch phát' });
    await editor.getByLabel('Tên lịch').fill(BULLETIN);
    const content = editor.getByLabel('Nội dung phát');
    const option = content.locator('option', { hasText: BULLETIN });
    await option.waitFor({ state: 'attached' });
    await content.selectOption({ label: ((await option.textContent()) ?? '').trim() });
    await editor.getByLabel('Ngày phát').fill(when.date);
    await editor.getByLabel('Giờ phát').fill(when.time);
    await editor.getByRole('radio', { name: 'Chọn thôn, bản' }).check();
    for (const v of villages) await editor.getByRole('checkbox', { name: v.name }).check();
    await editor.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText(`Đã tạo lịch “${BULLETIN}”`).waitFor();
    await editor.waitFor({ state: 'hidden' });

    // 4. On the week calendar, every cluster of the two villages holds the file: "sẵn sàng".
    const calendar = page.getByRole('region', { name: 'Lịch phát trong tuần' });
    await calendar
      .getByRole('button', { name: new RegExp(`${escape(BULLETIN)}.*(\\d+)/\\1 sẵn sàng`) })
      .first()
      .waitFor({ timeout: 90_000 });

    // 5. Go live with the microphone for a short announcement; see the clusters hearing it; stop.
    await menu(page, 'Phát trực tiếp').click();
    await page.getByRole('heading', { name: 'Phát trực tiếp', level: 1 }).waitFor();
    await page.getByText(`Sẽ phát trên ${clusters.length} cụm loa`).waitFor();
    await page.getByLabel('Tên buổi phát').fill(ANNOUNCEMENT);
    await page.getByRole('button', { name: 'Phát trực tiếp' }).click();
    await page.getByRole('meter', { name: 'Mức âm micrô' }).waitFor();
    await page
      .getByText(`${clusters.length}/${clusters.length} cụm loa đang phát`)
      .waitFor({ timeout: 30_000 });
    const rollout = page.getByRole('table').filter({ hasText: clusters[0].name });
    await expect(rollout.getByRole('row').filter({ hasText: 'Đang phát' }).count()).resolves.toBe(
      clusters.length,
    );
    // A few seconds on air.
    await page
      .getByRole('timer', { name: 'Thời gian phát' })
      .filter({ hasText: /^00:0[3-9]$/ })
      .waitFor();
    await page.getByRole('button', { name: 'Dừng' }).click();
    await page.getByRole('heading', { name: /^Đã kết thúc buổi phát/ }).waitFor();

    // 6. A cluster's page: its play log holds the live announcement (once the cluster has reported its end).
    const cluster = clusters[0];
    await eventually(async () => {
      const logs = await request<{ items: { source: string; event: string }[] }>(
        'GET',
        env.server.url(`/api/v1/play-logs?clusterId=${cluster.id}&source=live`),
      );
      return logs.body.items.some((r) => r.event === 'finished' || r.event === 'interrupted');
    }, 30_000);
    await menu(page, 'Cụm loa').click();
    await page.getByRole('heading', { name: 'Cụm loa', level: 1 }).waitFor();
    const listTab = page.getByRole('tab', { name: 'Danh sách' });
    if ((await listTab.getAttribute('aria-selected')) !== 'true') await listTab.click();
    await page.getByRole('link', { name: cluster.name, exact: true }).first().click();
    await page.getByRole('heading', { name: cluster.name, level: 1 }).waitFor();
    const clusterLog = page.getByRole('region', { name: 'Nhật ký phát' });
    await clusterLog.getByRole('row').filter({ hasText: 'Phát trực tiếp' }).first().waitFor();

    // 7. "Nhật ký phát": the day's reports, the announcement among them, minutes played.
    const playLogLink = menu(page, 'Nhật ký phát');
    if ((await playLogLink.count()) > 0) await playLogLink.click();
    else await page.goto(env.server.url('/play-log'));
    await page.getByRole('heading', { name: 'Nhật ký phát', level: 1 }).waitFor();
    const plays = page.getByRole('region', { name: /^Các lần phát/ });
    const announced = plays.getByRole('row').filter({ hasText: ANNOUNCEMENT });
    await announced.first().waitFor();
    await expect(announced.count()).resolves.toBe(clusters.length);
    await expect(announced.first().textContent()).resolves.toMatch(/Phát trực tiếp/);
    await expect(announced.first().textContent()).resolves.toMatch(
      // Stopping ends the stream and sends a stop: whichever reaches a cluster first names the end.
      /Phát trọn vẹn|Bị dừng|Bị ngắt giữa chừng/,
    );
    const summary = page.getByRole('region', { name: 'Tổng hợp trong ngày' });
    const played = summary.locator('dt', { hasText: 'Tổng phút đã phát' }).locator('+ dd');
    await played.waitFor();
    expect(
      Number(((await played.textContent()) ?? '0').replace(/\./g, '').replace(',', '.')),
    ).toBeGreaterThan(0);

    // 8. Sign out.
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.getByRole('button', { name: 'Đăng nhập' }).waitFor();
    await context.close();
    expect(errors).toEqual([]);
  });
});
