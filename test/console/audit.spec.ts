import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { nextDay, todayIn } from '../../apps/console/src/pages/reports/period';
import { eventually, logIn, request } from '../support/http';
import { launchBrowser, openPage, signIn, startConsoleServer, type ConsoleServer } from './support/browser';

describe('console: audit log (Chromium)', () => {
  let env: ConsoleServer;
  let browser: Browser;
  let person: { username: string; password: string };
  let lineage: string[];
  beforeAll(async () => {
    [env, browser] = await Promise.all([startConsoleServer({ simFleet: 2 }), launchBrowser()]);
    const unit = await request<{ name: string; ancestors: { name: string }[] }>(
      'GET',
      env.server.url(`/api/v1/units/${env.commune.id}`),
    );
    lineage = [...unit.body.ancestors.map((a) => a.name), unit.body.name];
    // Things to find in the log: an account made, its first sign-in, a key made and revoked.
    person = await env.createUser('commune_operator', env.commune.id, 'kiem.tra');
    await logIn(env.server.url(''), person.username, person.password);
    const key = await request<{ apiKey: { id: string } }>('POST', env.server.url('/api/v1/api-keys'), {
      name: 'Khoá kiểm tra',
      role: 'viewer',
      scopeUnitId: env.commune.id,
    });
    await request('DELETE', env.server.url(`/api/v1/api-keys/${key.body.apiKey.id}`));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it('lists actions in words, filters them in the URL and shows the details', async () => {
    const { page, context, errors } = await openPage(browser);
    await signIn(page, env.server.url(''), env.admin.username, env.admin.password);
    await page.getByRole('link', { name: 'Nhật ký thao tác' }).click();
    const table = page.getByRole('table', { name: 'Nhật ký thao tác, mới nhất trước' });
    await table.getByRole('row', { name: /Tạo khoá API.*Khoá kiểm tra/ }).waitFor();
    await table.getByRole('row', { name: /Thu hồi khoá API/ }).waitFor();

    // By action: the choice goes into the URL and only matching entries stay.
    await page.getByLabel('Thao tác', { exact: true }).selectOption({ label: 'Tạo người dùng' });
    await eventually(async () => {
      const actions = await table.locator('tbody tr td:nth-child(3)').allInnerTexts();
      return actions.length > 0 && actions.every((a) => a === 'Tạo người dùng');
    });
    expect(new URL(page.url()).searchParams.get('action')).toBe('user.create');
    const created = table.getByRole('row', { name: /kiem\.tra/ });

    // The details: who, from where, before/after in words.
    await created.getByRole('button', { name: 'Chi tiết' }).click();
    const details = table.locator('.audit-details');
    await details.getByRole('row', { name: /Tên đăng nhập.*kiem\.tra/ }).waitFor();
    await details.getByRole('row', { name: /Vai trò.*Cán bộ vận hành cấp xã/ }).waitFor();
    await details.getByText('user.create').waitFor();
    await details.getByRole('button', { name: 'Chỉ xem thao tác trên đối tượng này' }).click();
    await page.getByText('Đối tượng: kiem.tra').waitFor();
    expect(new URL(page.url()).searchParams.get('objectType')).toBe('user');

    // The filters survive a reload (they live in the URL); the person's sign-in is another action on them.
    await page
      .getByLabel('Thao tác', { exact: true })
      .selectOption({ label: 'Mọi thao tác: Đăng nhập, đăng xuất' });
    await page.reload();
    await expect(page.getByLabel('Thao tác', { exact: true }).inputValue()).resolves.toBe('auth.');
    await table
      .getByRole('row', { name: /Đăng nhập/ })
      .first()
      .waitFor();
    await page.getByRole('button', { name: 'Bỏ lọc Đối tượng: kiem.tra' }).click();

    // By unit: what happened in the commune, not elsewhere (the province import, the first administrator).
    await page.getByRole('button', { name: 'Xoá bộ lọc' }).click();
    const levels = ['Tỉnh, thành phố', 'Quận, huyện, thị xã, thành phố', 'Xã, phường, thị trấn'];
    for (const [i, name] of lineage.entries()) {
      const select = page.getByLabel(levels[i], { exact: true });
      await select.locator('option', { hasText: name }).first().waitFor({ state: 'attached' });
      await select.selectOption({ label: name });
    }
    expect(new URL(page.url()).searchParams.get('unit')).toBe(env.commune.id);
    await eventually(async () => {
      const rows = (await table.locator('tbody tr').allInnerTexts()).join('\n');
      return /Tạo người dùng[^]*kiem\.tra/.test(rows) && !rows.includes('Nhập danh mục đơn vị hành chính');
    });

    // By actor (administrators can list people) and by date.
    await page.getByRole('button', { name: 'Xoá bộ lọc' }).click();
    await page.getByLabel('Người thực hiện', { exact: true }).selectOption({ label: 'kiem.tra (kiem.tra)' });
    await eventually(async () => {
      const rows = await table.locator('tbody tr').allInnerTexts();
      return rows.length === 1 && /kiem\.tra/.test(rows[0]) && /Đăng nhập/.test(rows[0]);
    });

    await page.getByLabel('Từ ngày').fill(nextDay(todayIn('Asia/Ho_Chi_Minh')));
    await page.getByText('Không có thao tác nào khớp bộ lọc.').waitFor();
    await page.getByLabel('Từ ngày').fill(todayIn('Asia/Ho_Chi_Minh'));
    await table.getByRole('row', { name: /Đăng nhập/ }).waitFor();

    // The same entries as CSV.
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Tải CSV' }).click(),
    ]);
    const text = await readFile((await csv.path())!, 'utf8');
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('auth.login');
    await context.close();
    expect(errors).toEqual([]);
  });

  it('shows a commune operator the log of their commune', async () => {
    const { page, context, errors } = await openPage(browser, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
    });
    await signIn(page, env.server.url(''), person.username, person.password);
    await page.goto(env.server.url('/audit'));
    const table = page.getByRole('table', { name: 'Nhật ký thao tác, mới nhất trước' });
    await table.getByRole('row', { name: /Tạo người dùng.*kiem\.tra/ }).waitFor();
    // No account list for this role: no actor select, and nothing of the whole server (the import).
    await expect(page.getByLabel('Người thực hiện', { exact: true }).count()).resolves.toBe(0);
    await expect(table.getByText('Nhập danh mục đơn vị hành chính').count()).resolves.toBe(0);
    await context.close();
    expect(errors).toEqual([]);
  });
});
