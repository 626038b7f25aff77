/*
 * The registry page against the real server: a district technician registers an IP cluster through the
 * form, gets its MQTT credential once, and a real MQTT client connects with it; a CSV import with a bad line
 * shows that line's problem and imports the rest; a village and a cluster group are added.
 */
import mqtt from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { eventually, request } from '../support/http';
import { launchBrowser, openPage, signIn, startConsoleServer, type ConsoleServer } from './support/browser';

interface UnitDetail {
  id: string;
  code: string;
  name: string;
  ancestors: { id: string; level: string; name: string }[];
}

describe('console: registry (Chromium, real server)', () => {
  let env: ConsoleServer;
  let browser: Browser;
  let commune: UnitDetail;
  let technician: { username: string; password: string };

  const clustersByCode = async (q: string) =>
    (
      await request<{ items: { id: string; code: string; kind: string; villageId: string | null }[] }>(
        'GET',
        env.server.url(`/api/v1/clusters?q=${encodeURIComponent(q)}&pageSize=100`),
      )
    ).body.items;

  const openRegistry = async (page: Page) => {
    await signIn(page, env.server.url(''), technician.username, technician.password);
    await page
      .getByRole('navigation', { name: 'Danh mục' })
      .getByRole('link', { name: 'Đăng ký thiết bị' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Đăng ký thiết bị' }).waitFor();
  };

  beforeAll(async () => {
    [env, browser] = await Promise.all([startConsoleServer({ simFleet: 2 }), launchBrowser()]);
    commune = (await request<UnitDetail>('GET', env.server.url(`/api/v1/units/${env.commune.id}`))).body;
    const district = commune.ancestors.find((u) => u.level === 'district');
    if (!district) throw new Error('the demo commune has no district');
    technician = await env.createUser('district_technician', district.id);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it('registers an IP cluster through the form; its credential, shown once, lets a device connect', async () => {
    const { page, context, errors } = await openPage(browser);
    await openRegistry(page);
    await page.getByRole('button', { name: 'Đăng ký cụm loa' }).click();
    const form = page.getByRole('dialog', { name: 'Đăng ký cụm loa mới' });
    await form.getByLabel('Mã cụm loa').fill('UI-IP-001');
    await form.getByLabel('Tên cụm loa').fill('Cụm loa kiểm thử giao diện');
    await form.getByRole('combobox', { name: 'Xã, phường, thị trấn' }).selectOption({ label: commune.name });
    const village = form.getByRole('combobox', { name: 'Thôn, bản, tổ dân phố' });
    await village.locator('option').nth(1).waitFor({ state: 'attached' });
    await village.selectOption({ index: 1 });
    const villageName = (await village.locator('option:checked').textContent())?.trim();

    // Coordinates are checked as they are typed, in words.
    await form.getByLabel('Vĩ độ').fill('95');
    await form.getByLabel('Kinh độ').click();
    await form.getByText('Vĩ độ phải từ -90 đến 90.').waitFor();
    await form.getByLabel('Vĩ độ').fill('21.8537');
    await form.getByLabel('Kinh độ').fill('106,7615');

    // A field only the server checks: its refusal appears next to the field.
    await form.getByText('Thông tin thiết bị, SIM và ghi chú').click();
    await form.getByLabel('Số thuê bao SIM').fill('12-ab');
    await form.getByRole('button', { name: 'Đăng ký' }).click();
    await form
      .getByText('Số thuê bao gồm 8–15 chữ số, có thể bắt đầu bằng + (ví dụ +84912345678).')
      .waitFor();
    await expect(form.getByLabel('Số thuê bao SIM').getAttribute('aria-invalid')).resolves.toBe('true');
    // That refusal (400) is the only failed request the browser logged.
    expect(errors).toEqual([expect.stringContaining('400 (Bad Request)')]);
    errors.length = 0;
    await form.getByLabel('Số thuê bao SIM').fill('+84912345678');
    await form.getByRole('button', { name: 'Đăng ký' }).click();

    const shown = page.getByRole('dialog', { name: 'Mật khẩu kết nối của cụm loa' });
    await shown.getByText('Chỉ hiện một lần.').waitFor();
    const username = await shown.getByRole('textbox', { name: 'Tên đăng nhập (username)' }).inputValue();
    const password = await shown.getByRole('textbox', { name: 'Mật khẩu (password)' }).inputValue();
    const broker = await shown.getByRole('textbox', { name: 'Địa chỉ máy chủ (broker)' }).inputValue();

    const [created] = await clustersByCode('UI-IP-001');
    expect(created).toMatchObject({ id: username, kind: 'ip' });
    expect(created.villageId).not.toBeNull();
    expect(broker).toMatch(/^mqtts?:\/\//);
    expect(password.length).toBeGreaterThan(16);

    // A device with exactly what the dialog showed is let in by the broker.
    const device = await mqtt.connectAsync(env.server.mqttUrl, {
      clientId: username,
      username,
      password,
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
    expect(device.connected).toBe(true);
    await device.endAsync();

    // Closed, the password is gone from the page; the new cluster is listed with a link to its page.
    await shown.getByRole('button', { name: 'Đã lưu, đóng' }).click();
    await expect(page.getByRole('textbox', { name: 'Mật khẩu (password)' }).count()).resolves.toBe(0);
    const row = page.getByRole('row').filter({ hasText: 'UI-IP-001' });
    await row.getByText(villageName ?? '').waitFor();
    await expect(
      row.getByRole('link', { name: 'Cụm loa kiểm thử giao diện' }).getAttribute('href'),
    ).resolves.toBe(`/fleet/${username}`);

    // A new password, shown once too.
    await row.getByRole('button', { name: 'Cấp mật khẩu mới: Cụm loa kiểm thử giao diện' }).click();
    await page
      .getByRole('dialog', { name: 'Cấp mật khẩu kết nối mới' })
      .getByRole('button', { name: 'Cấp mật khẩu mới' })
      .click();
    const rotated = page.getByRole('dialog', { name: 'Mật khẩu kết nối mới' });
    const newPassword = await rotated.getByRole('textbox', { name: 'Mật khẩu (password)' }).inputValue();
    expect(newPassword).not.toBe(password);
    await rotated.getByRole('button', { name: 'Đã lưu, đóng' }).click();
    await context.close();
    expect(errors).toEqual([]);
  });

  it('imports a CSV file: a bad line is reported by line and column, the others are imported', async () => {
    const csv = [
      'code,name,kind,commune_code,latitude,longitude',
      `CSV-OK-1,Cụm loa nhập 1,ip,${commune.code},21.85,106.76`,
      `CSV-BAD-2,Cụm loa nhập 2,loa-phuong,${commune.code},,`,
      `CSV-OK-3,Cụm loa nhập 3,fm_wired,${commune.code},,`,
    ].join('\n');
    const { page, context, errors } = await openPage(browser);
    await openRegistry(page);
    await page.getByRole('button', { name: 'Nhập từ tệp CSV' }).click();
    const dialog = page.getByRole('dialog', { name: 'Nhập cụm loa từ tệp CSV' });
    await dialog.getByLabel('Tệp CSV').setInputFiles({
      name: 'cum-loa.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv, 'utf8'),
    });

    // All or nothing by default: the bad line is shown and nothing is written.
    await dialog.getByRole('button', { name: 'Nhập', exact: true }).click();
    await dialog.getByText('Chưa nhập cụm loa nào: 1/3 dòng có lỗi.', { exact: false }).waitFor();
    await expect(clustersByCode('CSV-')).resolves.toEqual([]);
    // The refused import (422) is the only failed request the browser logged.
    expect(errors).toEqual([expect.stringContaining('422 (Unprocessable Entity)')]);
    errors.length = 0;

    await dialog.getByLabel('Nhập các dòng hợp lệ, bỏ qua dòng lỗi').check();
    await dialog.getByRole('button', { name: 'Nhập', exact: true }).click();
    await dialog.getByText('Tệp có 3 dòng: đã nhập 2 cụm loa, 1 dòng lỗi không được nhập.').waitFor();
    const bad = dialog.getByRole('row').filter({ has: page.getByRole('rowheader', { name: '3' }) });
    await bad.getByText('Loại (kind)').waitFor();
    await bad.getByText('Giá trị không nằm trong danh sách cho phép.').waitFor();
    // The IP cluster's password is there to be saved, once.
    await dialog.getByRole('button', { name: 'Tải danh sách mật khẩu (CSV)' }).waitFor();
    await dialog.getByRole('row').filter({ hasText: 'CSV-OK-1' }).waitFor();

    const imported = await clustersByCode('CSV-');
    expect(imported.map((c) => c.code).sort()).toEqual(['CSV-OK-1', 'CSV-OK-3']);
    await dialog.getByRole('button', { name: 'Đóng', exact: true }).first().click();
    await page.getByRole('row').filter({ hasText: 'CSV-OK-3' }).waitFor();
    await context.close();
    expect(errors).toEqual([]);
  });

  it('deletes a planned cluster, adds a village to the commune and groups clusters', async () => {
    const planned = await request('POST', env.server.url('/api/v1/clusters'), {
      code: 'UI-PLANNED-1',
      name: 'Cụm loa dự kiến',
      kind: 'fm_wireless',
      lifecycle: 'planned',
      communeId: commune.id,
    });
    expect(planned.status).toBe(201);
    const { page, context, errors } = await openPage(browser);
    await openRegistry(page);
    await page.getByRole('button', { name: 'Xoá Cụm loa dự kiến' }).click();
    await page
      .getByRole('dialog', { name: 'Xoá cụm loa dự kiến' })
      .getByRole('button', { name: 'Xoá' })
      .click();
    await page.getByText('Đã xoá Cụm loa dự kiến').waitFor();
    await expect(clustersByCode('UI-PLANNED')).resolves.toEqual([]);

    await page.getByRole('tab', { name: 'Đơn vị hành chính' }).click();
    await page.getByRole('button', { name: `Mở: ${commune.name}` }).click();
    await page.getByRole('button', { name: `Thêm thôn: ${commune.name}` }).click();
    const villageForm = page.getByRole('dialog', { name: `Thêm thôn, bản vào ${commune.name}` });
    // The next free code of the commune is suggested.
    await eventually(async () =>
      new RegExp(`^${commune.code}-\\d{2}$`).test(await villageForm.getByLabel('Mã').inputValue()),
    );
    await villageForm.getByLabel('Tên').fill('Thôn Kiểm Thử');
    await villageForm.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('Thôn Kiểm Thử', { exact: true }).waitFor();
    const villages = await request<{ items: { name: string }[] }>(
      'GET',
      env.server.url(`/api/v1/units/${commune.id}/children?pageSize=500`),
    );
    expect(villages.body.items.map((v) => v.name)).toContain('Thôn Kiểm Thử');

    await page.getByRole('tab', { name: 'Nhóm cụm loa' }).click();
    await page.getByRole('button', { name: 'Tạo nhóm' }).click();
    const groupForm = page.getByRole('dialog', { name: 'Tạo nhóm cụm loa' });
    await groupForm.getByLabel('Tên nhóm').fill('Loa khu chợ kiểm thử');
    await groupForm
      .getByRole('combobox', { name: 'Xã, phường, thị trấn' })
      .selectOption({ label: commune.name });
    await groupForm.getByRole('button', { name: 'Chọn tất cả đang hiện' }).click();
    await groupForm.getByText(/Đã chọn [1-9]\d*\/\d+ cụm loa/).waitFor();
    await groupForm.getByRole('button', { name: 'Lưu' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Loa khu chợ kiểm thử' });
    await row.getByText(commune.name).waitFor();
    const groups = await eventually(async () => {
      const res = await request<{ name: string; clusterIds: string[] }[]>(
        'GET',
        env.server.url('/api/v1/cluster-groups'),
      );
      return res.body.find((g) => g.name === 'Loa khu chợ kiểm thử');
    });
    expect(groups.clusterIds.length).toBeGreaterThan(0);
    await context.close();
    expect(errors).toEqual([]);
  });
});
