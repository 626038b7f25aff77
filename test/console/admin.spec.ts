import type { Browser, Page } from 'playwright-core';
import { eventually, logIn, request } from '../support/http';
import { launchBrowser, openPage, signIn, startConsoleServer, type ConsoleServer } from './support/browser';

/** Chooses a unit in a UnitPicker (select by select, by its Vietnamese level label). */
async function pickUnit(page: Page, scope: Page | ReturnType<Page['locator']>, names: string[]) {
  const labels = ['Tỉnh, thành phố', 'Quận, huyện, thị xã, thành phố', 'Xã, phường, thị trấn'];
  for (const [i, name] of names.entries()) {
    const select = scope.getByLabel(labels[i], { exact: true });
    await select.locator('option', { hasText: name }).first().waitFor({ state: 'attached' });
    await select.selectOption({ label: name });
  }
}

/** Drops the browser's log line of a refusal the test provoked on purpose (the form shows it instead). */
function expectedRefusal(errors: string[], status: number): void {
  const i = errors.findIndex((e) => e.includes(`status of ${status}`));
  if (i >= 0) errors.splice(i, 1);
}

describe('console: users, API keys and my account (Chromium)', () => {
  let env: ConsoleServer;
  let browser: Browser;
  let lineage: { province: string; district: string; districtId: string };
  beforeAll(async () => {
    [env, browser] = await Promise.all([startConsoleServer({ simFleet: 2 }), launchBrowser()]);
    const unit = await request<{ ancestors: { id: string; name: string; level: string }[] }>(
      'GET',
      env.server.url(`/api/v1/units/${env.commune.id}`),
    );
    const [province, district] = unit.body.ancestors;
    lineage = { province: province.name, district: district.name, districtId: district.id };
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it('lets an administrator create a commune operator who then sees only their commune', async () => {
    const { page, context, errors } = await openPage(browser);
    await signIn(page, env.server.url(''), env.admin.username, env.admin.password);
    await page.getByRole('link', { name: 'Người dùng' }).click();
    await page.getByRole('heading', { name: 'Người dùng', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Thêm người dùng' }).click();
    const dialog = page.getByRole('dialog', { name: 'Thêm người dùng' });
    await dialog.getByLabel('Tên đăng nhập').fill('canbo.hoangdong');
    await dialog.getByLabel('Họ và tên').fill('Nguyễn Thị Hoà');
    await dialog.getByLabel('Số điện thoại').fill('0912 345 678');
    await dialog.getByLabel('Vai trò').selectOption({ label: 'Cán bộ vận hành cấp xã' });
    await pickUnit(page, dialog, [lineage.province, lineage.district, env.commune.name]);
    await dialog.getByRole('button', { name: 'Tạo mật khẩu ngẫu nhiên' }).click();
    const typed = await dialog.getByLabel('Mật khẩu ban đầu').inputValue();
    expect(typed).toMatch(/^[A-Za-z0-9]{4}(-[A-Za-z0-9]{4}){3}$/);
    await dialog.getByRole('button', { name: 'Tạo tài khoản' }).click();

    // The password is shown once, with a warning, to hand over.
    const once = page.getByRole('dialog', { name: 'Ghi lại thông tin đăng nhập' });
    await once.getByText('Mật khẩu chỉ hiển thị một lần này').waitFor();
    await expect(once.getByLabel('Tên đăng nhập', { exact: true }).inputValue()).resolves.toBe(
      'canbo.hoangdong',
    );
    const password = await once.getByLabel('Mật khẩu', { exact: true }).inputValue();
    expect(password).toBe(typed);
    await once.getByRole('button', { name: 'Tôi đã ghi lại' }).click();
    const row = page.getByRole('row', { name: /Nguyễn Thị Hoà/ });
    await row.getByText('Cán bộ vận hành cấp xã').waitFor();
    await row.getByText(env.commune.name).waitFor();

    const created = await request<{ items: { role: string; scope: { unitId: string } | null }[] }>(
      'GET',
      env.server.url('/api/v1/users?q=canbo.hoangdong'),
    );
    expect(created.body.items).toEqual([
      expect.objectContaining({
        role: 'commune_operator',
        scope: expect.objectContaining({ unitId: env.commune.id }),
      }),
    ]);

    // The new operator signs in and works inside the commune only.
    const operator = await openPage(browser);
    await signIn(operator.page, env.server.url(''), 'canbo.hoangdong', password);
    const menu = operator.page.getByRole('navigation', { name: 'Danh mục' });
    await expect(menu.getByRole('link', { name: 'Người dùng' }).count()).resolves.toBe(0);
    await menu.getByRole('link', { name: 'Báo cáo' }).click();
    await operator.page.locator('.unit-picker-root', { hasText: env.commune.name }).waitFor();
    await expect(operator.page.getByLabel('Quận, huyện, thị xã, thành phố').count()).resolves.toBe(0);
    const table = operator.page.getByRole('table').first();
    await table.getByRole('rowheader', { name: env.commune.name }).waitFor();
    await expect(table.getByRole('rowheader').allTextContents()).resolves.toEqual([
      env.commune.name,
      'Tổng cộng',
    ]);
    await operator.context.close();
    expect(operator.errors).toEqual([]);

    await context.close();
    expect(errors).toEqual([]);
  });

  it('shows the server’s and its own field errors next to the fields', async () => {
    const existing = await env.createUser('viewer', env.commune.id, 'trung.ten');
    const { page, context, errors } = await openPage(browser);
    await signIn(page, env.server.url(''), env.admin.username, env.admin.password);
    await page.goto(env.server.url('/users'));
    await page.getByRole('button', { name: 'Thêm người dùng' }).click();
    const dialog = page.getByRole('dialog', { name: 'Thêm người dùng' });
    // Checked before sending: nothing chosen, a short password.
    await dialog.getByLabel('Tên đăng nhập').fill(existing.username);
    await dialog.getByLabel('Mật khẩu ban đầu').fill('ngan');
    await dialog.getByRole('button', { name: 'Tạo tài khoản' }).click();
    await dialog.getByText('Vui lòng nhập họ và tên (tối đa 200 ký tự).').waitFor();
    await dialog.getByText('Vui lòng chọn phạm vi phụ trách.').waitFor();
    await dialog.getByText('Mật khẩu phải có ít nhất 10 ký tự.').waitFor();
    // Refused by the server: the username is taken.
    await dialog.getByLabel('Họ và tên').fill('Trùng Tên');
    await pickUnit(page, dialog, [lineage.province]);
    await dialog.getByRole('button', { name: 'Tạo mật khẩu ngẫu nhiên' }).click();
    await dialog.getByRole('button', { name: 'Tạo tài khoản' }).click();
    const username = dialog.getByLabel('Tên đăng nhập');
    await dialog.getByText('Tên đăng nhập này đã có người dùng. Hãy chọn tên khác.').waitFor();
    await expect(username.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(username.getAttribute('aria-describedby')).resolves.toMatch(/error/);
    expectedRefusal(errors, 409);
    await context.close();
    expect(errors).toEqual([]);
  });

  it('edits a role and scope, resets a password and disables an account', async () => {
    const someone = await env.createUser('viewer', env.commune.id, 'nguoi.xem');
    const { page, context, errors } = await openPage(browser);
    await signIn(page, env.server.url(''), env.admin.username, env.admin.password);
    await page.goto(env.server.url('/users?q=nguoi.xem'));
    await page.getByRole('button', { name: 'Sửa nguoi.xem' }).click();
    const edit = page.getByRole('dialog', { name: 'Sửa tài khoản nguoi.xem' });
    // The picker opens on the account's current scope.
    await expect(edit.getByLabel('Xã, phường, thị trấn').inputValue()).resolves.toBe(env.commune.id);
    await edit.getByLabel('Vai trò').selectOption({ label: 'Kỹ thuật viên cấp huyện' });
    await edit.getByLabel('Xã, phường, thị trấn').selectOption({ index: 0 });
    await edit.getByRole('button', { name: 'Lưu thay đổi' }).click();
    const row = page.getByRole('row', { name: /nguoi\.xem/ });
    await row.getByText('Kỹ thuật viên cấp huyện').waitFor();
    await row.getByText(lineage.district).waitFor();

    await row.getByRole('button', { name: 'Đặt lại mật khẩu nguoi.xem' }).click();
    const reset = page.getByRole('dialog', { name: 'Đặt lại mật khẩu cho nguoi.xem' });
    await reset.getByRole('button', { name: 'Đặt lại mật khẩu' }).click();
    const once = page.getByRole('dialog', { name: 'Ghi lại thông tin đăng nhập' });
    const password = await once.getByLabel('Mật khẩu', { exact: true }).inputValue();
    await once.getByRole('button', { name: 'Tôi đã ghi lại' }).click();
    await expect(logIn(env.server.url(''), someone.username, password)).resolves.toBeTruthy();
    await expect(logIn(env.server.url(''), someone.username, someone.password)).rejects.toThrow(/401/);

    await row.getByRole('button', { name: 'Vô hiệu hoá nguoi.xem' }).click();
    await page
      .getByRole('dialog', { name: 'Vô hiệu hoá tài khoản nguoi.xem?' })
      .getByRole('button', { name: 'Vô hiệu hoá' })
      .click();
    await row.getByText('Đã vô hiệu hoá').waitFor();
    await expect(logIn(env.server.url(''), someone.username, password)).rejects.toThrow(/401/);
    await context.close();
    expect(errors).toEqual([]);
  });

  it('shows a district technician the users read-only', async () => {
    const tech = await env.createUser('district_technician', lineage.districtId);
    const { page, context, errors } = await openPage(browser, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
    });
    await signIn(page, env.server.url(''), tech.username, tech.password);
    await page.goto(env.server.url('/users'));
    await page.getByText('Bạn chỉ được xem danh sách người dùng').waitFor();
    await page.getByRole('rowheader', { name: new RegExp(tech.username) }).waitFor();
    await expect(page.getByRole('button', { name: 'Thêm người dùng' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: /^Sửa / }).count()).resolves.toBe(0);
    await context.close();
    expect(errors).toEqual([]);
  });

  it('creates an API key shown once that works until it is revoked', async () => {
    const { page, context, errors } = await openPage(browser);
    await signIn(page, env.server.url(''), env.admin.username, env.admin.password);
    await page.getByRole('link', { name: 'Khoá API' }).click();
    await page.getByRole('button', { name: 'Tạo khoá API' }).click();
    const dialog = page.getByRole('dialog', { name: 'Tạo khoá API' });
    await dialog.getByLabel('Tên khoá').fill('Hệ thống thông tin nguồn tỉnh');
    await dialog.getByLabel('Vai trò').selectOption({ label: 'Người xem' });
    await pickUnit(page, dialog, [lineage.province]);
    await dialog.getByRole('button', { name: 'Tạo khoá API' }).click();

    const once = page.getByRole('dialog', { name: 'Khoá API mới' });
    await once.getByText('Đây là lần duy nhất khoá được hiển thị').waitFor();
    const key = await once.getByLabel('Khoá', { exact: true }).inputValue();
    expect(key).toMatch(/^lxk_[a-z0-9]{12}_/);
    await once.getByRole('button', { name: 'Sao chép khoá' }).waitFor();
    const me = await request<{ name: string; role: string }>(
      'GET',
      env.server.url('/api/v1/auth/me'),
      undefined,
      {
        authorization: '',
        'x-api-key': key,
      },
    );
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ name: 'Hệ thống thông tin nguồn tỉnh', role: 'viewer' });
    await once.getByRole('button', { name: 'Tôi đã ghi lại' }).click();
    // The secret is gone from the page once the dialog is closed.
    const shown = await page
      .locator('input')
      .evaluateAll((inputs, k) => inputs.some((i) => (i as HTMLInputElement).value === k), key);
    expect(shown).toBe(false);

    const row = page.getByRole('row', { name: /Hệ thống thông tin nguồn tỉnh/ });
    await row.getByText('Đang dùng').waitFor();
    await eventually(async () => {
      const keys = await request<{ name: string; lastUsedAt: string | null }[]>(
        'GET',
        env.server.url('/api/v1/api-keys'),
      );
      return keys.body.some((k) => k.name === 'Hệ thống thông tin nguồn tỉnh' && k.lastUsedAt);
    });
    await page.reload();
    await row.getByText(/giây trước|phút trước|bây giờ/).waitFor();
    await row.getByRole('button', { name: 'Thu hồi Hệ thống thông tin nguồn tỉnh' }).click();
    await page
      .getByRole('dialog', { name: 'Thu hồi khoá "Hệ thống thông tin nguồn tỉnh"?' })
      .getByRole('button', { name: 'Thu hồi' })
      .click();
    await row.getByText('Đã thu hồi').waitFor();
    const refused = await request('GET', env.server.url('/api/v1/auth/me'), undefined, {
      authorization: '',
      'x-api-key': key,
    });
    expect(refused.status).toBe(401);
    await context.close();
    expect(errors).toEqual([]);
  });

  it('changes my own password on "Tài khoản của tôi"', async () => {
    const user = await env.createUser('commune_operator', env.commune.id, 'doi.matkhau');
    const { page, context, errors } = await openPage(browser);
    await signIn(page, env.server.url(''), user.username, user.password);
    await page.goto(env.server.url('/account'));
    await page.getByRole('heading', { name: 'Tài khoản của tôi' }).waitFor();
    await page.getByLabel('Mật khẩu hiện tại').fill('sai-mat-khau-roi');
    await page.getByRole('textbox', { name: 'Mật khẩu mới', exact: true }).fill('Loa-xa-2025-moi');
    await page.getByLabel('Nhập lại mật khẩu mới').fill('Loa-xa-2025-khac');
    await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await page.getByText('Mật khẩu nhập lại không khớp.').waitFor();
    await page.getByLabel('Nhập lại mật khẩu mới').fill('Loa-xa-2025-moi');
    await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await page.getByText('Mật khẩu hiện tại không đúng.').waitFor();
    expectedRefusal(errors, 400);
    await page.getByLabel('Mật khẩu hiện tại').fill(user.password);
    await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await page.getByText('Đã đổi mật khẩu.').waitFor();
    await expect(logIn(env.server.url(''), user.username, 'Loa-xa-2025-moi')).resolves.toBeTruthy();
    await context.close();
    expect(errors).toEqual([]);
  });
});
