/*
 * The fleet pages against the real server and its demo fleet (simulated clusters inside the server): the map
 * with its offline province outlines, the list's filters, one cluster's live state over SSE, commands and
 * their acknowledgements, and the phone layout.
 */
import type { Browser } from 'playwright-core';
import type { SimFleet } from '@loa-xa/firmware-sim';
import { DemoFleetService } from '../../apps/server/src/demo/demo-fleet.service';
import { eventually, request } from '../support/http';
import { launchBrowser, openPage, signIn, startConsoleServer, type ConsoleServer } from './support/browser';

interface ClusterRow {
  id: string;
  code: string;
  online: boolean;
}

describe('console: fleet map, list and cluster page (Chromium)', () => {
  let env: ConsoleServer;
  let browser: Browser;
  let sims: SimFleet;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    [env, browser] = await Promise.all([
      startConsoleServer({ simFleet: 6, config: { simTelemetryMs: 1000 } }),
      launchBrowser(),
    ]);
    // The demo fleet runs inside the server; its simulator is reached for stopping and faults.
    sims = (env.server.app.get(DemoFleetService) as unknown as { fleet: SimFleet }).fleet;
    const list = await request<{ items: ClusterRow[] }>(
      'GET',
      env.server.url('/api/v1/clusters?pageSize=50'),
    );
    for (const c of list.body.items) ids[c.code] = c.id;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  const url = (path: string) => env.server.url(path);

  it('draws every cluster on the map over the built-in province outlines (no tile server)', async () => {
    const { page, context, errors } = await openPage(browser);
    await signIn(page, url(''), env.admin.username, env.admin.password);
    await page.goto(url('/fleet'));
    await page.getByRole('heading', { name: 'Cụm loa', level: 1 }).waitFor();
    await page.getByRole('tab', { name: 'Bản đồ', selected: true }).waitFor();
    const legend = page.getByRole('list', { name: 'Chú giải' });
    await legend.getByText('Trực tuyến: 6').waitFor();
    await page.locator('.cluster-map-canvas[data-markers="6"]').waitFor();
    // Offline base: the 34 provinces of 2025 (and the minor islands) as SVG paths under the canvas markers.
    await page.locator('.cluster-map-canvas[data-outlines="drawn"]').waitFor();
    expect(await page.locator('.leaflet-outlines-pane path').count()).toBeGreaterThanOrEqual(34);
    expect(await page.locator('.leaflet-overlay-pane canvas').count()).toBe(1);
    await page.getByText('Natural Earth').first().waitFor();
    await context.close();
    expect(errors).toEqual([]);
  });

  it('filters the list by text, state and faults, keeping the filters in the URL', async () => {
    // One cluster stops (offline), one was registered but never connected, one has a fault.
    await sims.get(ids['DEMO-006'])!.stop();
    await request('POST', url('/api/v1/clusters'), {
      code: 'FLEET-NEW-1',
      name: 'Cụm loa mới lắp chợ xã',
      kind: 'ip',
      communeId: env.commune.id,
      latitude: 21.86,
      longitude: 106.77,
    });
    sims.get(ids['DEMO-003'])!.injectFault('amp_fault', 'test');
    await eventually(async () => {
      const res = await request<{ items: (ClusterRow & { activeFaults: string[] })[] }>(
        'GET',
        url('/api/v1/clusters?pageSize=50'),
      );
      const byCode = new Map(res.body.items.map((c) => [c.code, c]));
      return !byCode.get('DEMO-006')?.online && byCode.get('DEMO-003')?.activeFaults.includes('amp_fault');
    });

    const { page, context, errors } = await openPage(browser);
    await signIn(page, url(''), env.admin.username, env.admin.password);
    await page.goto(url('/fleet?view=list'));
    const table = page.locator('table.fleet-table');
    await table.getByRole('link', { name: 'Cụm loa mới lắp chợ xã' }).waitFor();
    expect(await table.locator('tbody tr').count()).toBe(7);

    // Accent-insensitive search.
    await page.getByLabel('Tìm theo tên, mã, thôn').fill('na pan');
    await eventually(async () => (await table.locator('tbody tr').count()) === 2);
    expect(page.url()).toContain('q=na+pan');
    await page.getByRole('button', { name: 'Xoá bộ lọc' }).click();
    await eventually(async () => (await table.locator('tbody tr').count()) === 7);

    const states = page.getByRole('group', { name: 'Tóm tắt theo trạng thái' });
    await states.getByRole('button', { name: /Mất kết nối/ }).click();
    await eventually(async () => (await table.locator('tbody tr').count()) === 1);
    await table.getByRole('link', { name: 'Cụm loa Thôn Nà Pàn 2' }).waitFor();
    await table.getByText('Mất kết nối').waitFor();
    expect(page.url()).toContain('state=offline');

    await states.getByRole('button', { name: /Mất kết nối/ }).click();
    await states.getByRole('button', { name: /Chưa kết nối/ }).click();
    await table.getByRole('link', { name: 'Cụm loa mới lắp chợ xã' }).waitFor();
    expect(await table.locator('tbody tr').count()).toBe(1);

    await states.getByRole('button', { name: /Chưa kết nối/ }).click();
    await page.getByLabel('Chỉ cụm đang có lỗi').check();
    await eventually(async () => (await table.locator('tbody tr').count()) === 1);
    await table.getByText('Hỏng bộ khuếch đại').waitFor();
    await table.getByText('Có lỗi').waitFor();

    // A reload keeps the filters (they live in the URL).
    await page.reload();
    await table.getByText('Hỏng bộ khuếch đại').waitFor();
    await expect(page.getByLabel('Chỉ cụm đang có lỗi').isChecked()).resolves.toBe(true);
    sims.get(ids['DEMO-003'])!.clearFault('amp_fault');
    await context.close();
    expect(errors).toEqual([]);
  });

  it('follows one cluster live: volume command acknowledged, telemetry and faults pushed over SSE', async () => {
    const id = ids['DEMO-001'];
    const { page, context, errors } = await openPage(browser);
    await signIn(page, url(''), env.admin.username, env.admin.password);
    await page.goto(url(`/fleet/${id}`));
    await page.getByRole('heading', { name: 'Cụm loa Thôn Nà Pàn 1', level: 1 }).waitFor();
    await page.getByText('Đang cập nhật trực tiếp').waitFor();
    await page.getByText('Xã Hoàng Đồng').first().waitFor();

    await page.getByLabel('Âm lượng (0–100 %)').fill('35');
    await page.getByRole('button', { name: 'Đặt âm lượng' }).click();
    const commands = page.locator('table.cluster-commands');
    const row = commands.locator('tr', { hasText: 'Đặt âm lượng 35%' });
    await row.getByText('Đã thực hiện').waitFor();
    // The next telemetry (every second here) reaches the page through the stream.
    await page.getByTestId('live-volume').filter({ hasText: '35%' }).waitFor();

    sims.get(id)!.injectFault('line_open', 'test');
    const faults = page.getByRole('region', { name: 'Lỗi đang có' });
    await faults.getByText('Đứt dây loa').waitFor();
    await page.locator('.cluster-status').getByText('Có lỗi').waitFor();
    sims.get(id)!.clearFault('line_open');
    await faults.getByText('Không có lỗi nào.').waitFor();

    await page.getByRole('button', { name: 'Kiểm tra kết nối' }).click();
    await commands.locator('tr', { hasText: 'Kiểm tra kết nối' }).getByText('Đã thực hiện').waitFor();

    // Reboot asks first; cancelling sends nothing.
    await page.getByRole('button', { name: 'Khởi động lại' }).click();
    const dialog = page.getByRole('dialog', { name: 'Khởi động lại cụm loa?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Huỷ' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await commands.locator('tr', { hasText: 'Khởi động lại' }).count()).toBe(0);

    // Charts of the telemetry history, and the play log section.
    const charts = page.getByRole('region', { name: 'Biểu đồ theo thời gian' });
    await charts.getByRole('img', { name: /^Âm lượng: mới nhất/ }).waitFor();
    await charts.getByRole('tab', { name: '6 giờ' }).click();
    await charts.getByRole('img', { name: /^Tín hiệu 4G \(RSRP\): mới nhất/ }).waitFor();
    await page.getByRole('region', { name: 'Nhật ký phát' }).waitFor();
    await context.close();
    expect(errors).toEqual([]);
  });

  it('reboots after confirmation and shows the acknowledgement', async () => {
    const { page, context, errors } = await openPage(browser);
    await signIn(page, url(''), env.admin.username, env.admin.password);
    await page.goto(url(`/fleet/${ids['DEMO-002']}`));
    await page.getByText('Đang cập nhật trực tiếp').waitFor();
    await page.getByRole('button', { name: 'Khởi động lại' }).click();
    await page
      .getByRole('dialog', { name: 'Khởi động lại cụm loa?' })
      .getByRole('button', { name: 'Khởi động lại ngay' })
      .click();
    await page
      .locator('table.cluster-commands tr', { hasText: 'Khởi động lại' })
      .getByText('Đã thực hiện')
      .waitFor();
    await context.close();
    expect(errors).toEqual([]);
  });

  it('shows a viewer the cluster without the command buttons', async () => {
    const viewer = await env.createUser('viewer', env.commune.id);
    const { page, context, errors } = await openPage(browser);
    await signIn(page, url(''), viewer.username, viewer.password);
    await page.goto(url(`/fleet/${ids['DEMO-004']}`));
    await page.getByRole('heading', { name: 'Cụm loa Bản Nà Chà 1', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Lệnh gần đây' }).waitFor();
    expect(await page.getByRole('button', { name: 'Đặt âm lượng' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Khởi động lại' }).count()).toBe(0);
    await context.close();
    expect(errors).toEqual([]);
  });

  it('opens on the list on a phone, each cluster as a card', async () => {
    const { page, context, errors } = await openPage(browser, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
    });
    await signIn(page, url(''), env.admin.username, env.admin.password);
    await page.goto(url('/fleet'));
    await page.getByRole('tab', { name: 'Danh sách', selected: true }).waitFor();
    const link = page.getByRole('link', { name: 'Cụm loa Thôn Khòn Pình 1' });
    await link.waitFor();
    const box = await link.boundingBox();
    expect(box && box.x + box.width).toBeLessThanOrEqual(390);
    await page.getByRole('tab', { name: 'Bản đồ' }).click();
    await page.getByRole('list', { name: 'Chú giải' }).waitFor();
    await link.waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: 'Danh sách' }).click();
    await link.click();
    await page.getByRole('heading', { name: 'Cụm loa Thôn Khòn Pình 1', level: 1 }).waitFor();
    await context.close();
    expect(errors).toEqual([]);
  });
});
