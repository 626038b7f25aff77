import type { Browser } from 'playwright-core';
import { eventually, request } from '../support/http';
import { launchBrowser, openPage, signIn, startConsoleServer, type ConsoleServer } from './support/browser';

interface Summary {
  targets: number;
  started: number;
  failed: number;
  complete: boolean;
}

describe('console: emergency broadcast (Chromium)', () => {
  let env: ConsoleServer;
  let browser: Browser;
  let chime: { id: string; title: string };
  beforeAll(async () => {
    [env, browser] = await Promise.all([startConsoleServer({ simFleet: 4 }), launchBrowser()]);
    // The demo programme's chime, once transcoded, is what the emergency plays.
    chime = await eventually(async () => {
      const list = await request<{ items: { id: string; title: string; status: string }[] }>(
        'GET',
        env.server.url('/api/v1/media?status=ready'),
      );
      return list.body.items.find((a) => a.title === 'Nhạc hiệu (demo)');
    }, 30_000);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it('confirms what plays where, then shows every cluster acknowledging and playing; stop ends it', async () => {
    const provinces = await request<{ items: { id: string; name: string }[] }>(
      'GET',
      env.server.url('/api/v1/units?level=province'),
    );
    const province = provinces.body.items[0];
    const admin = await env.createUser('province_admin', province.id);
    const { page, context, errors } = await openPage(browser);
    await signIn(page, env.server.url(''), admin.username, admin.password);
    await page
      .getByRole('navigation', { name: 'Danh mục' })
      .getByRole('link', { name: 'Phát khẩn cấp' })
      .click();
    await page.getByRole('heading', { name: 'Phát khẩn cấp', level: 1 }).waitFor();

    await page
      .getByRole('combobox', { name: 'Tệp âm thanh' })
      .selectOption({ label: 'Nhạc hiệu (demo) (0:08)' });
    // The whole scope by default: the province, with the commune's 4 clusters.
    await expect(page.getByRole('combobox', { name: 'Khu vực' }).inputValue()).resolves.toBe(province.id);
    await page.getByText('Sẽ phát trên 4 cụm loa').waitFor();
    await page.getByRole('button', { name: 'Phát khẩn cấp…' }).click();

    const dialog = page.getByRole('dialog', { name: 'Xác nhận phát khẩn cấp' });
    await dialog.getByText('Sẽ phát ngay “Nhạc hiệu (demo)” (0:08)').waitFor();
    await expect(dialog.textContent()).resolves.toMatch(/tại toàn tỉnh .+, trên 4 cụm loa\./);
    const send = dialog.getByRole('button', { name: 'Phát ngay' });
    await expect(send.isDisabled()).resolves.toBe(true);
    await dialog.getByLabel('Gõ chữ PHÁT để xác nhận').fill('phat');
    await expect(send.isEnabled()).resolves.toBe(true);
    await send.click();

    await page.waitForURL(/\/emergency\?b=/);
    const id = new URL(page.url()).searchParams.get('b')!;
    await page.getByText('Tất cả cụm loa đã phản hồi.').waitFor({ timeout: 30_000 });
    const stat = (label: string) =>
      page.locator('.live-stats .stat').filter({ hasText: label }).locator('.stat-value');
    await eventually(async () => (await stat('Đã phát').textContent()) === '4');
    await expect(stat('Đã gửi').textContent()).resolves.toBe('4');
    await expect(stat('Đã phản hồi').textContent()).resolves.toBe('4');
    await expect(stat('Lỗi').textContent()).resolves.toBe('0');
    const rows = page.locator('table.live-rollout tbody tr');
    await eventually(async () => (await rows.filter({ hasText: 'Đã phát' }).count()) === 4);

    const api = await request<{ priority: string; assetIds: string[]; summary: Summary }>(
      'GET',
      env.server.url(`/api/v1/broadcasts/${id}`),
    );
    expect(api.body).toMatchObject({
      priority: 'emergency',
      assetIds: [chime.id],
      summary: { targets: 4, started: 4, failed: 0, complete: true },
    });

    await page.getByRole('button', { name: 'Dừng phát khẩn cấp' }).click();
    const stop = page.getByRole('dialog', { name: 'Dừng phát khẩn cấp?' });
    await stop.getByRole('button', { name: 'Dừng phát khẩn cấp' }).click();
    await page.getByRole('status').filter({ hasText: 'Đã gửi lệnh dừng tới 4 cụm loa' }).first().waitFor();
    const stops = await request<{ items: { kind: string; stopRef: string | null }[] }>(
      'GET',
      env.server.url('/api/v1/broadcasts?kind=stop&order=desc'),
    );
    expect(stops.body.items.length).toBeGreaterThan(0);

    // The rollout is listed among the recent ones and can be reopened.
    await page.getByRole('button', { name: 'Phát khẩn cấp khác' }).click();
    await page.getByRole('heading', { name: 'Các lần phát khẩn cấp gần đây' }).waitFor();
    await page.getByRole('link', { name: 'Xem tiến độ' }).first().click();
    await page.getByText('Tất cả cụm loa đã phản hồi.').waitFor();
    await context.close();
    expect(errors).toEqual([]);
  });

  it('is not offered to a commune operator', async () => {
    const operator = await env.createUser('commune_operator', env.commune.id);
    const { page, context, errors } = await openPage(browser);
    await signIn(page, env.server.url(''), operator.username, operator.password);
    const menu = page.getByRole('navigation', { name: 'Danh mục' });
    await menu.getByRole('link', { name: 'Phát trực tiếp' }).waitFor();
    await expect(menu.getByRole('link', { name: 'Phát khẩn cấp' }).count()).resolves.toBe(0);
    await page.goto(env.server.url('/emergency'));
    await page.getByText('Bạn không có quyền xem trang này.').waitFor();
    await context.close();
    expect(errors).toEqual([]);
  });
});
