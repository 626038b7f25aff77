/*
 * The overview (home page): the tiles count what the API counts — clusters online and offline, clusters
 * with alerts, alerts by severity — for a commune operator and for the administrator; an alert raised
 * by a simulated cluster shows up on it without a reload; today's broadcasts are listed.
 */
import type { Browser, Page } from 'playwright-core';
import { SimFleet } from '@loa-xa/firmware-sim';
import { eventually, request } from '../support/http';
import { launchBrowser, openPage, signIn, startConsoleServer, type ConsoleServer } from './support/browser';

interface Summary {
  byRule: { severity: string; open: number; acknowledged: number }[];
  byCommune: { clusters: number }[];
}

describe('console: overview (Chromium)', () => {
  let env: ConsoleServer;
  let browser: Browser;
  let fleet: SimFleet;
  let faulty: { id: string; secret: string };

  /** The number on a tile (a link named "<n> <label>"). */
  const tile = async (page: Page, label: string): Promise<number> => {
    const link = page.getByRole('link', { name: new RegExp(`^\\d+ ${label}$`) });
    await link.waitFor();
    return Number(/^\d+/.exec((await link.textContent()) ?? '')?.[0]);
  };
  /** What the API counts, as the administrator, under a unit (or everywhere). */
  const apiCounts = async (unitId?: string) => {
    const unit = unitId ? `&unitId=${unitId}` : '';
    const total = async (query: string) =>
      (
        await request<{ total: number }>(
          'GET',
          env.server.url(`/api/v1/clusters?kind=ip&lifecycle=active,faulty&pageSize=1&${query}${unit}`),
        )
      ).body.total;
    const summary = (
      await request<Summary>(
        'GET',
        env.server.url(`/api/v1/alerts/summary${unitId ? `?unitId=${unitId}` : ''}`),
      )
    ).body;
    const severity = (s: string) =>
      summary.byRule.filter((r) => r.severity === s).reduce((n, r) => n + r.open + r.acknowledged, 0);
    return {
      online: await total('online=true'),
      offline: await total('online=false'),
      withAlerts: summary.byCommune.reduce((n, c) => n + c.clusters, 0),
      critical: severity('critical'),
      major: severity('major'),
      minor: severity('minor'),
    };
  };
  const pageCounts = async (page: Page) => ({
    online: await tile(page, 'Đang hoạt động'),
    offline: await tile(page, 'Mất kết nối'),
    withAlerts: await tile(page, 'Có cảnh báo'),
    critical: await tile(page, 'Nghiêm trọng'),
    major: await tile(page, 'Lớn'),
    minor: await tile(page, 'Nhỏ'),
  });

  beforeAll(async () => {
    [env, browser] = await Promise.all([startConsoleServer({ simFleet: 4 }), launchBrowser()]);
    // One more cluster in the demo commune, ours to break; one registered that never connects (offline).
    const register = async (code: string) => {
      const res = await request<{ cluster: { id: string }; credential: { password: string } }>(
        'POST',
        env.server.url('/api/v1/clusters'),
        { code, name: `Cụm loa ${code}`, kind: 'ip', lifecycle: 'active', communeId: env.commune.id },
      );
      expect(res.status).toBe(201);
      return { id: res.body.cluster.id, secret: res.body.credential.password };
    };
    faulty = await register('OVERVIEW-1');
    await register('OVERVIEW-SILENT');
    fleet = new SimFleet([{ clusterId: faulty.id, secret: faulty.secret }], {
      brokerUrl: env.server.mqttUrl,
      telemetryIntervalMs: 300,
      reconnectPeriodMs: 300,
      seed: 11,
    });
    await fleet.start();
    await fleet.waitForOnline();
  }, 120_000);
  afterAll(async () => {
    await fleet?.stop(2000);
    await browser?.close();
    await env?.close();
  });

  it("answers a commune operator's questions: are my loudspeakers working, what plays today", async () => {
    const operator = await env.createUser('commune_operator', env.commune.id);
    const { page, context, errors } = await openPage(browser);
    await signIn(page, env.server.url(''), operator.username, operator.password);
    await page.getByRole('heading', { name: 'Tổng quan', level: 1 }).waitFor();
    expect(await pageCounts(page)).toEqual(await apiCounts(env.commune.id));
    expect(await tile(page, 'Mất kết nối')).toBeGreaterThanOrEqual(1);
    await page
      .getByRole('status')
      .getByText(/^Cần chú ý: \d+ cụm loa mất kết nối/)
      .waitFor();

    // An amplifier fault on a cluster of the commune appears on the open page.
    fleet.get(faulty.id)?.injectFault('amp_fault', 'quá dòng');
    await eventually(async () => (await tile(page, 'Nghiêm trọng')) >= 1, 20_000);
    await page
      .getByRole('region', { name: 'Cảnh báo gần đây' })
      .getByText('Hỏng bộ khuếch đại (âm ly)')
      .first()
      .waitFor();
    await eventually(async () => {
      const [ui, api] = [await pageCounts(page), await apiCounts(env.commune.id)];
      return JSON.stringify(ui) === JSON.stringify(api);
    }, 20_000);

    // The commune's clusters, one line each, and today's broadcasts of the demo programme.
    const mine = page.getByRole('region', { name: 'Cụm loa của địa bàn' });
    await mine.getByRole('link', { name: 'Cụm loa OVERVIEW-1' }).waitFor();
    await mine
      .getByRole('listitem')
      .filter({ hasText: 'Cụm loa OVERVIEW-SILENT' })
      .getByText('Mất kết nối')
      .waitFor();
    const today = page.getByRole('region', { name: 'Lịch phát hôm nay' });
    await today.getByText('Phát thử mỗi 15 phút (demo)').first().waitFor();
    await today.getByRole('heading', { name: 'Đã phát trong ngày' }).waitFor();

    // Tiles lead to the filtered lists.
    await page.getByRole('link', { name: /^\d+ Nghiêm trọng$/ }).click();
    await page.waitForURL(/\/alerts\?severity=critical$/);
    await page.getByRole('heading', { name: 'Cảnh báo', level: 1 }).waitFor();
    await context.close();
    expect(errors).toEqual([]);
  });

  it('counts the whole server for the administrator, on a phone', async () => {
    const { page, context, errors } = await openPage(browser, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
    });
    await signIn(page, env.server.url(''), env.admin.username, env.admin.password);
    await page.getByRole('heading', { name: 'Tổng quan', level: 1 }).waitFor();
    await page
      .getByRole('main')
      .getByText(/^Toàn hệ thống · Hôm nay/)
      .waitFor();
    expect(await pageCounts(page)).toEqual(await apiCounts());
    // Whole-server scope: no list of clusters, the counts only.
    await expect(page.getByRole('region', { name: 'Cụm loa của địa bàn' }).count()).resolves.toBe(0);
    fleet.get(faulty.id)?.clearFault('amp_fault');
    await context.close();
    expect(errors).toEqual([]);
  });
});
