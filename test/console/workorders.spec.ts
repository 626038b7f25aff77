/*
 * The work-orders board: a district technician proposes an order through the form (the server's field
 * errors show next to the fields), a province administrator approves it and it moves columns; a commune
 * operator sees the board but no step to take.
 */
import type { Browser, Page } from 'playwright-core';
import { request } from '../support/http';
import { launchBrowser, openPage, signIn, startConsoleServer, type ConsoleServer } from './support/browser';

interface UnitDetail {
  id: string;
  name: string;
  parentId: string | null;
  ancestors: { id: string; level: string }[];
}

describe('console: work orders board (Chromium)', () => {
  let env: ConsoleServer;
  let browser: Browser;
  let commune: UnitDetail;
  let village: { id: string; name: string };
  const title = 'Mở rộng loa thôn (kiểm thử giao diện)';
  let orderId: string;

  const column = (page: Page, name: string) => page.getByRole('region', { name, exact: true });

  beforeAll(async () => {
    [env, browser] = await Promise.all([startConsoleServer({ simFleet: 4 }), launchBrowser()]);
    commune = (await request<UnitDetail>('GET', env.server.url(`/api/v1/units/${env.commune.id}`))).body;
    village = (
      await request<{ items: { id: string; name: string }[] }>(
        'GET',
        env.server.url(`/api/v1/units/${env.commune.id}/children`),
      )
    ).body.items[0];
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it('a technician proposes an order through the form; a province administrator approves it', async () => {
    const technician = await env.createUser('district_technician', commune.parentId);
    const { page, context, errors } = await openPage(browser);
    await signIn(page, env.server.url(''), technician.username, technician.password);
    await page.goto(env.server.url('/work-orders'));
    await page.getByRole('heading', { name: 'Lắp đặt, thay thế', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Tạo công việc' }).click();
    const form = page.getByRole('dialog', { name: 'Tạo công việc lắp đặt, thay thế' });
    await form.getByLabel('Loại công việc').selectOption({ label: 'Mở rộng đến thôn' });
    await form.getByLabel('Xã, phường, thị trấn', { exact: true }).selectOption({ label: env.commune.name });
    await form.getByLabel('Thôn được phục vụ').selectOption({ label: village.name });
    // Title and funding left out: the form says so next to each, before asking the server.
    await form.getByRole('button', { name: 'Lưu' }).click();
    await form.getByText('Hãy đặt tên cho công việc.').waitFor();
    await form.getByText('Hãy chọn nguồn vốn.').waitFor();
    await expect(form.getByLabel('Nguồn vốn').getAttribute('aria-invalid')).resolves.toBe('true');

    await form.getByLabel('Tên công việc').fill(title);
    await form.getByLabel('Nguồn vốn').selectOption({ label: 'CTMTQG Xây dựng nông thôn mới' });
    // Dates the wrong way round: the server refuses the end date, and the form shows it next to it.
    await form.getByLabel('Ngày bắt đầu dự kiến').fill('2027-03-20');
    await form.getByLabel('Ngày hoàn thành dự kiến').fill('2027-03-01');
    await form.getByRole('button', { name: 'Lưu' }).click();
    await form.getByText('Ngày kết thúc phải sau ngày bắt đầu.').waitFor();
    await expect(form.getByLabel('Ngày hoàn thành dự kiến').getAttribute('aria-invalid')).resolves.toBe(
      'true',
    );
    // That refusal (400) is the only failed request the browser logged.
    expect(errors).toEqual([expect.stringContaining('400 (Bad Request)')]);
    errors.length = 0;
    await form.getByLabel('Ngày bắt đầu dự kiến').fill('2027-03-01');
    await form.getByLabel('Ngày hoàn thành dự kiến').fill('2027-03-20');
    await form.getByLabel('Chi phí dự kiến (đồng)').fill('45.000.000');
    await form.getByRole('button', { name: 'Lưu' }).click();

    // The new order opens; a technician may cancel it but not approve it.
    const details = page.getByRole('dialog', {
      name: new RegExp(`^WO-\\d{4}-\\d{4} · ${title.replace(/[()]/g, '\\$&')}$`),
    });
    await details.getByText('45.000.000 ₫').waitFor();
    await details.getByRole('button', { name: 'Huỷ công việc' }).waitFor();
    await expect(details.getByRole('button', { name: 'Phê duyệt' }).count()).resolves.toBe(0);
    orderId = new URL(page.url()).searchParams.get('order') ?? '';
    const created = await request<{
      status: string;
      kind: string;
      plannedCostVnd: string;
      villageId: string;
    }>('GET', env.server.url(`/api/v1/work-orders/${orderId}`));
    expect(created.body).toMatchObject({
      status: 'proposed',
      kind: 'expansion',
      plannedCostVnd: '45000000',
      villageId: village.id,
    });
    await details.getByRole('button', { name: 'Đóng', exact: true }).click();
    await column(page, 'Đề xuất')
      .getByRole('button', { name: /Mở rộng loa thôn/ })
      .waitFor();
    await context.close();
    expect(errors).toEqual([]);

    // The province administrator approves it: the card moves from "Đề xuất" to "Đã phê duyệt".
    const provinceAdmin = await env.createUser('province_admin', commune.ancestors[0].id);
    const admin = await openPage(browser);
    await signIn(admin.page, env.server.url(''), provinceAdmin.username, provinceAdmin.password);
    await admin.page.goto(env.server.url('/work-orders'));
    await column(admin.page, 'Đề xuất')
      .getByRole('button', { name: /Mở rộng loa thôn/ })
      .click();
    const dialog = admin.page.getByRole('dialog', { name: new RegExp(title.replace(/[()]/g, '\\$&')) });
    await dialog.getByRole('button', { name: 'Phê duyệt' }).click();
    await dialog.getByLabel('Ghi chú (không bắt buộc)').fill('Đồng ý, triển khai quý I');
    await dialog.getByRole('button', { name: 'Xác nhận: Phê duyệt' }).click();
    await dialog.getByText('Đề xuất → Đã phê duyệt').waitFor();
    await dialog.getByText('Đồng ý, triển khai quý I').waitFor();
    await dialog.getByRole('button', { name: 'Bắt đầu lắp đặt' }).waitFor();
    await dialog.getByRole('button', { name: 'Đóng', exact: true }).click();
    await column(admin.page, 'Đã phê duyệt')
      .getByRole('button', { name: /Mở rộng loa thôn/ })
      .waitFor();
    await expect(
      column(admin.page, 'Đề xuất')
        .getByRole('button', { name: /Mở rộng loa thôn/ })
        .count(),
    ).resolves.toBe(0);
    const approved = await request<{ status: string }>(
      'GET',
      env.server.url(`/api/v1/work-orders/${orderId}`),
    );
    expect(approved.body.status).toBe('approved');
    await admin.context.close();
    expect(admin.errors).toEqual([]);
  });

  it('shows a commune operator the board without any step to take', async () => {
    expect(orderId).toBeTruthy();
    const operator = await env.createUser('commune_operator', env.commune.id);
    const { page, context, errors } = await openPage(browser, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
    });
    await signIn(page, env.server.url(''), operator.username, operator.password);
    await page.goto(env.server.url('/work-orders'));
    await column(page, 'Đã phê duyệt')
      .getByRole('button', { name: /Mở rộng loa thôn/ })
      .click();
    const dialog = page.getByRole('dialog', { name: new RegExp(title.replace(/[()]/g, '\\$&')) });
    await dialog.getByText('Bạn không có quyền chuyển bước công việc này.').waitFor();
    await expect(dialog.getByRole('button', { name: 'Phê duyệt' }).count()).resolves.toBe(0);
    await expect(dialog.getByRole('button', { name: 'Bắt đầu lắp đặt' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'Tạo công việc' }).count()).resolves.toBe(0);
    await dialog.getByRole('button', { name: 'Đóng', exact: true }).click();
    // The FM inventory and coverage tabs answer too.
    await page.getByRole('tab', { name: 'Thôn chưa có loa' }).click();
    await page.getByRole('heading', { name: 'Thôn chưa có cụm loa hoạt động' }).waitFor();
    await page.getByRole('tab', { name: 'Kiểm kê loa FM' }).click();
    await page.getByRole('heading', { name: 'Cụm loa FM theo xã' }).waitFor();
    await context.close();
    expect(errors).toEqual([]);
  });
});
