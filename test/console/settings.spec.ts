/*
 * The settings page against the real server: a district technician changes a health-rule threshold for the
 * district (the server's range check shown next to the input), the API's effective rules follow, and the
 * override is removed again; a webhook created in the page gets its secret once and receives a signed test
 * ping, which the delivery log then shows.
 */
import type { Browser, Page } from 'playwright-core';
import { eventually, request } from '../support/http';
import { verifySignature } from '../../apps/server/src/notifications/webhook-signature';
import { startReceiver, type Receiver } from '../notifications/support';
import { launchBrowser, openPage, signIn, startConsoleServer, type ConsoleServer } from './support/browser';

interface Effective {
  rules: { rule: string; params: Record<string, number>; from: { params?: Record<string, string | null> } }[];
}

describe('console: alert thresholds and notifications (Chromium, real server)', () => {
  let env: ConsoleServer;
  let browser: Browser;
  let receiver: Receiver;
  let district: { id: string; name: string };
  let technician: { username: string; password: string };

  const weakSignal = async (unitId: string) =>
    (
      await request<Effective>('GET', env.server.url(`/api/v1/health-rules/effective?unitId=${unitId}`))
    ).body.rules.find((r) => r.rule === 'weak_signal')!;

  const openSettings = async (page: Page) => {
    await signIn(page, env.server.url(''), technician.username, technician.password);
    await page
      .getByRole('navigation', { name: 'Danh mục' })
      .getByRole('link', { name: 'Ngưỡng cảnh báo, thông báo' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Ngưỡng cảnh báo, thông báo' }).waitFor();
  };

  beforeAll(async () => {
    [env, browser, receiver] = await Promise.all([
      startConsoleServer({ simFleet: 2 }),
      launchBrowser(),
      startReceiver(),
    ]);
    const commune = await request<{ ancestors: { id: string; level: string; name: string }[] }>(
      'GET',
      env.server.url(`/api/v1/units/${env.commune.id}`),
    );
    const found = commune.body.ancestors.find((u) => u.level === 'district');
    if (!found) throw new Error('the demo commune has no district');
    district = { id: found.id, name: found.name };
    technician = await env.createUser('district_technician', district.id);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await env?.close();
  });

  it('changes a threshold for the district: the effective rules follow, and inherit again', async () => {
    expect((await weakSignal(district.id)).params.rsrpDbm).toBe(-115);
    const { page, context, errors } = await openPage(browser);
    await openSettings(page);
    await page.getByText(`Các ngưỡng đang áp dụng tại ${district.name}`).waitFor();
    await page.locator('#rule-weak_signal summary').getByText('Sóng di động yếu').click();
    const rule = page.locator('#rule-weak_signal');
    const row = rule.getByRole('row').filter({ hasText: 'Ngưỡng sóng yếu (RSRP)' });
    await row.getByText('-115 dBm').waitFor();
    await row.getByText('Mặc định của hệ thống').waitFor();

    // Out of range: the server refuses, the page says why next to the input.
    await row.getByRole('button', { name: 'Sửa: Ngưỡng sóng yếu (RSRP)' }).click();
    const input = row.getByRole('textbox', { name: 'Ngưỡng sóng yếu (RSRP)' });
    await input.fill('-200');
    await row.getByRole('button', { name: 'Lưu: Ngưỡng sóng yếu (RSRP)' }).click();
    await row.getByText('Giá trị phải từ -156 đến -31 dBm.').waitFor();
    await expect(input.getAttribute('aria-invalid')).resolves.toBe('true');
    expect(errors).toEqual([expect.stringContaining('400 (Bad Request)')]);
    errors.length = 0;

    await input.fill('-118');
    await row.getByRole('button', { name: 'Lưu: Ngưỡng sóng yếu (RSRP)' }).click();
    await row.getByText('-118 dBm').waitFor();
    await row.getByText('Đơn vị này').waitFor();
    const changed = await weakSignal(district.id);
    expect(changed.params.rsrpDbm).toBe(-118);
    expect(changed.from.params?.rsrpDbm).toBe(district.id);
    // The commune below inherits it, naming the district.
    expect((await weakSignal(env.commune.id)).params.rsrpDbm).toBe(-118);
    await rule.locator('summary').getByText('1 giá trị riêng').waitFor();

    await row.getByRole('button', { name: 'Dùng lại giá trị cấp trên: Ngưỡng sóng yếu (RSRP)' }).click();
    await row.getByText('-115 dBm').waitFor();
    const reset = await weakSignal(district.id);
    expect(reset.params.rsrpDbm).toBe(-115);
    expect(reset.from.params?.rsrpDbm ?? null).toBeNull();
    await context.close();
    expect(errors).toEqual([]);
  });

  it('creates a webhook whose secret is shown once, and sends it a signed test ping', async () => {
    const { page, context, errors } = await openPage(browser);
    await openSettings(page);
    await page.getByRole('tab', { name: 'Thông báo' }).click();
    await page.getByRole('button', { name: 'Thêm webhook' }).click();
    const form = page.getByRole('dialog', { name: 'Thêm webhook' });
    await form.getByRole('textbox', { name: 'Tên', exact: true }).fill('Trực ban huyện kiểm thử');
    await form.getByLabel('Địa chỉ nhận (URL)').fill(receiver.url);
    await form.getByLabel('Cảnh báo đã giải quyết').uncheck();
    await form.getByRole('combobox', { name: 'Mức độ' }).selectOption({ label: 'Từ mức "Lớn" trở lên' });
    await form.getByRole('button', { name: 'Lưu' }).click();

    const shown = page.getByRole('dialog', { name: 'Khoá bí mật của webhook' });
    const secret = await shown.getByRole('textbox', { name: 'Khoá bí mật' }).inputValue();
    expect(secret).toMatch(/^whsec_/);
    await shown.getByRole('button', { name: 'Đã lưu, đóng' }).click();

    // The page is now the webhook's own, with what was asked.
    await page.getByRole('heading', { level: 2, name: 'Trực ban huyện kiểm thử' }).waitFor();
    const hooks = await request<
      { id: string; name: string; events: string[]; minSeverity: string; unit: { id: string } }[]
    >('GET', env.server.url('/api/v1/webhooks'));
    const hook = hooks.body.find((w) => w.name === 'Trực ban huyện kiểm thử')!;
    expect(hook).toMatchObject({ minSeverity: 'major', unit: { id: district.id } });
    expect(hook.events).not.toContain('alert.resolved');

    await page.getByRole('button', { name: 'Gửi thử' }).click();
    const ping = await eventually(async () => receiver.received.find((r) => r.body.event === 'ping'));
    expect(verifySignature(secret, ping.raw, String(ping.headers['x-loa-signature']))).toBe(true);
    // The delivery log shows it delivered, with its attempt.
    const delivered = page.getByRole('row').filter({ hasText: 'Gửi thử' }).filter({ hasText: 'Đã gửi được' });
    await delivered.waitFor();
    await delivered.getByText('HTTP 200').waitFor();
    await delivered.getByRole('button', { name: 'Các lần gửi' }).click();
    await page.getByRole('listitem').filter({ hasText: 'HTTP 200' }).first().waitFor();

    // Sent again on request.
    const before = receiver.received.length;
    await delivered.getByRole('button', { name: 'Gửi lại' }).click();
    await eventually(async () => receiver.received.length > before);
    await context.close();
    expect(errors).toEqual([]);
  });
});
