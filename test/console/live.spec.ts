import type { Browser } from 'playwright-core';
import { eventually, request } from '../support/http';
import { launchBrowser, openPage, signIn, startConsoleServer, type ConsoleServer } from './support/browser';

interface Session {
  id: string;
  title: string;
  status: string;
  priority: string;
  listeners: number;
  sourceKind: string | null;
  broadcastId: string | null;
}

describe('console: going live (Chromium, fake microphone)', () => {
  let env: ConsoleServer;
  let browser: Browser;
  let operator: { username: string; password: string };
  beforeAll(async () => {
    [env, browser] = await Promise.all([startConsoleServer({ simFleet: 4 }), launchBrowser()]);
    operator = await env.createUser('commune_operator', env.commune.id);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it('streams the microphone to every cluster of the commune, shows who hears it, and stops', async () => {
    const { page, context, errors } = await openPage(browser);
    await signIn(page, env.server.url(''), operator.username, operator.password);
    await page.goto(env.server.url('/on-air'));
    await page.getByRole('heading', { name: 'Phát trực tiếp', level: 1 }).waitFor();
    await page.getByText('Toàn xã').first().waitFor();
    await page.getByText('Sẽ phát trên 4 cụm loa').waitFor();
    await page.getByLabel('Tên buổi phát').fill('Thông báo lịch tiêm phòng');

    await page.getByRole('button', { name: 'Phát trực tiếp' }).click();
    await page.getByRole('meter', { name: 'Mức âm micrô' }).waitFor();
    // The fake microphone beeps: the meter moves.
    await page.waitForFunction(
      () => Number(document.querySelector('[role="meter"]')?.getAttribute('aria-valuenow')) > 10,
    );
    // Every simulated cluster opens its stream and plays it.
    await page.getByText('4/4 cụm loa đang phát').waitFor({ timeout: 30_000 });
    const rows = page.locator('table.live-rollout tbody tr');
    await expect(rows.count()).resolves.toBe(4);
    await expect(rows.filter({ hasText: 'Đang phát' }).count()).resolves.toBe(4);

    const live = await request<{ items: Session[] }>('GET', env.server.url('/api/v1/live?status=live'));
    expect(live.body.items).toHaveLength(1);
    const session = live.body.items[0];
    expect(session).toMatchObject({
      title: 'Thông báo lịch tiêm phòng',
      status: 'live',
      priority: 'commune',
      sourceKind: 'websocket',
    });
    await eventually(
      async () =>
        (await request<Session>('GET', env.server.url(`/api/v1/live/${session.id}`))).body.listeners === 4,
    );
    // The elapsed time runs.
    await expect(page.getByRole('timer', { name: 'Thời gian phát' }).textContent()).resolves.toMatch(
      /^\d\d:\d\d$/,
    );
    await page
      .getByRole('timer')
      .filter({ hasText: /^00:0[2-9]$/ })
      .waitFor();

    await page.getByRole('button', { name: 'Dừng' }).click();
    await page.getByRole('heading', { name: /^Đã kết thúc buổi phát/ }).waitFor();
    const ended = await request<Session>('GET', env.server.url(`/api/v1/live/${session.id}`));
    expect(ended.body).toMatchObject({ status: 'ended', listeners: 0 });
    // The recording lands in the library.
    await page.getByText('Bản ghi âm được lưu vào thư viện âm thanh.').waitFor({ timeout: 30_000 });

    await page.getByRole('button', { name: 'Phát buổi mới' }).click();
    await page.getByRole('heading', { name: 'Các buổi phát gần đây' }).waitFor();
    await page.getByText('Thông báo lịch tiêm phòng').waitFor();
    await context.close();
    expect(errors).toEqual([]);
  });

  it('can go live to chosen clusters only', async () => {
    const clusters = await request<{ items: { id: string; name: string }[] }>(
      'GET',
      env.server.url(`/api/v1/clusters?unitId=${env.commune.id}&kind=ip&sort=name`),
    );
    const [first] = clusters.body.items;
    const { page, context, errors } = await openPage(browser, { viewport: { width: 390, height: 844 } });
    await signIn(page, env.server.url(''), operator.username, operator.password);
    await page.goto(env.server.url('/on-air'));
    await page.getByRole('radio', { name: 'Chọn thôn, cụm loa' }).check();
    await page.getByRole('checkbox', { name: new RegExp(`^${first.name}`) }).check();
    await page.getByText('Sẽ phát trên 1 cụm loa').waitFor();
    await page.getByRole('button', { name: 'Phát trực tiếp' }).click();
    await page.getByText('1/1 cụm loa đang phát').waitFor({ timeout: 30_000 });
    await page.locator('table.live-rollout').getByText(first.name).waitFor();
    await page.getByRole('button', { name: 'Dừng' }).click();
    await page.getByRole('heading', { name: /^Đã kết thúc buổi phát/ }).waitFor();
    await context.close();
    expect(errors).toEqual([]);
  });

  it('ends cleanly when the session is stopped elsewhere (another operator, the API)', async () => {
    const { page, context, errors } = await openPage(browser);
    await signIn(page, env.server.url(''), operator.username, operator.password);
    await page.goto(env.server.url('/on-air'));
    await page.getByText('Sẽ phát trên 4 cụm loa').waitFor();
    await page.getByRole('button', { name: 'Phát trực tiếp' }).click();
    await page.getByText('4/4 cụm loa đang phát').waitFor({ timeout: 30_000 });
    const live = await request<{ items: Session[] }>('GET', env.server.url('/api/v1/live?status=live'));
    const stopped = await request<Session>(
      'POST',
      env.server.url(`/api/v1/live/${live.body.items[0].id}/stop`),
    );
    expect(stopped.body.status).toBe('ended');
    await page
      .getByRole('alert')
      .filter({ hasText: 'Máy chủ đã dừng nhận âm thanh: buổi phát đã kết thúc.' })
      .waitFor();
    await page.getByRole('heading', { name: /^Đã kết thúc buổi phát/ }).waitFor();
    // The microphone is let go.
    await page.getByRole('meter').waitFor({ state: 'detached' });
    await context.close();
    expect(errors).toEqual([]);
  });

  it('says so in Vietnamese when the microphone is refused, and creates no session', async () => {
    const before = (await request<{ total: number }>('GET', env.server.url('/api/v1/live'))).body.total;
    const { page, context, errors } = await openPage(browser);
    await page.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () =>
        Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });
    await signIn(page, env.server.url(''), operator.username, operator.password);
    await page.goto(env.server.url('/on-air'));
    await page.getByText('Sẽ phát trên 4 cụm loa').waitFor();
    await page.getByRole('button', { name: 'Phát trực tiếp' }).click();
    await page.getByRole('alert').filter({ hasText: 'Bạn chưa cho phép dùng micrô' }).waitFor();
    await expect(page.getByRole('button', { name: 'Phát trực tiếp' }).isEnabled()).resolves.toBe(true);
    expect((await request<{ total: number }>('GET', env.server.url('/api/v1/live'))).body.total).toBe(before);
    await context.close();
    expect(errors).toEqual([]);
  });
});
