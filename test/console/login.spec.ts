import type { Browser } from 'playwright-core';
import { launchBrowser, openPage, signIn, startConsoleServer, type ConsoleServer } from './support/browser';

describe('console: sign-in and role-aware navigation (Chromium)', () => {
  let env: ConsoleServer;
  let browser: Browser;
  beforeAll(async () => {
    [env, browser] = await Promise.all([startConsoleServer({ simFleet: 3 }), launchBrowser()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it('refuses a wrong password in Vietnamese, then signs the administrator in', async () => {
    const { page, context, errors } = await openPage(browser);
    await page.goto(env.server.url('/'));
    await page.getByLabel('Tên đăng nhập').fill('admin');
    await page.getByLabel('Mật khẩu').fill('wrong-password');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('alert').filter({ hasText: 'Sai tên đăng nhập hoặc mật khẩu.' }).waitFor();
    // The refused login itself is a 401 the browser logs; nothing else may be.
    errors.length = 0;
    await signIn(page, env.server.url(''), env.admin.username, env.admin.password);
    const menu = page.getByRole('navigation', { name: 'Danh mục' });
    for (const item of ['Cụm loa', 'Lịch phát', 'Cảnh báo', 'Người dùng', 'Khoá API'])
      await expect(menu.getByRole('link', { name: item, exact: true }).isVisible()).resolves.toBe(true);
    await context.close();
    expect(errors).toEqual([]);
  });

  it('shows a commune operator only what the role may use', async () => {
    const operator = await env.createUser('commune_operator', env.commune.id);
    const { page, context, errors } = await openPage(browser);
    await signIn(page, env.server.url(''), operator.username, operator.password);
    await page
      .getByText(`Xã ${env.commune.name.replace(/^Xã /, '')}`)
      .first()
      .waitFor();
    const menu = page.getByRole('navigation', { name: 'Danh mục' });
    await expect(menu.getByRole('link', { name: 'Lịch phát' }).isVisible()).resolves.toBe(true);
    await expect(menu.getByRole('link', { name: 'Người dùng' }).count()).resolves.toBe(0);
    await expect(menu.getByRole('link', { name: 'Khoá API' }).count()).resolves.toBe(0);
    // A page the role may not use says so instead of showing an empty screen.
    await page.goto(env.server.url('/api-keys'));
    await page.getByText('Bạn không có quyền xem trang này.').waitFor();
    await context.close();
    expect(errors).toEqual([]);
  });

  it('switches to English and keeps the choice', async () => {
    const { page, context, errors } = await openPage(browser);
    await signIn(page, env.server.url(''), env.admin.username, env.admin.password);
    await page.getByRole('combobox', { name: 'Ngôn ngữ' }).selectOption('en');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.reload();
    await page.getByRole('link', { name: 'Loudspeakers' }).waitFor();
    await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe('en');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await context.close();
    expect(errors).toEqual([]);
  });
});
