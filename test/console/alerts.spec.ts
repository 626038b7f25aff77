/*
 * The alerts inbox against the real server and simulated clusters: a fault injected on a cluster shows up
 * live (SSE, no reload), is acknowledged from the page, and resolves live when the fault clears; alerts are
 * acknowledged in bulk and closed by hand; a viewer sees them without the buttons.
 */
import type { Browser, Page } from 'playwright-core';
import { SimFleet } from '@loa-xa/firmware-sim';
import { eventually, request } from '../support/http';
import type { AlertView } from '../../apps/server/src/health/alert-events';
import { launchBrowser, openPage, signIn, startConsoleServer, type ConsoleServer } from './support/browser';

/** Raise at once, clear one second after the fault is gone; never flapping (each test raises again). */
const FAST = { raiseAfterS: 0, clearAfterS: 1, flapCount: 0 };

interface TestCluster {
  id: string;
  name: string;
  secret: string;
}

describe('console: alerts inbox (Chromium, simulated clusters)', () => {
  let env: ConsoleServer;
  let browser: Browser;
  let fleet: SimFleet;
  let clusters: TestCluster[];

  const alertsOf = async (clusterId: string, rule: string) =>
    (
      await request<{ items: AlertView[] }>(
        'GET',
        env.server.url(`/api/v1/alerts?state=all&clusterId=${clusterId}&rule=${rule}`),
      )
    ).body.items;
  const userId = async (username: string) =>
    (
      await request<{ items: { id: string; username: string }[] }>(
        'GET',
        env.server.url(`/api/v1/users?q=${username}`),
      )
    ).body.items.find((u) => u.username === username)!.id;
  const displayName = async (username: string) =>
    (
      await request<{ items: { username: string; displayName: string }[] }>(
        'GET',
        env.server.url(`/api/v1/users?q=${username}`),
      )
    ).body.items.find((u) => u.username === username)!.displayName;
  /** The table row of a cluster's alert of one rule (by its Vietnamese words). */
  const row = (page: Page, cluster: TestCluster, ruleWords: string) =>
    page.getByRole('row').filter({ hasText: cluster.name }).filter({ hasText: ruleWords });
  const sim = (cluster: TestCluster) => {
    const found = fleet.get(cluster.id);
    if (!found) throw new Error(`no simulated cluster ${cluster.id}`);
    return found;
  };

  beforeAll(async () => {
    [env, browser] = await Promise.all([
      startConsoleServer({ simFleet: 4, config: { healthTickMs: 100 } }),
      launchBrowser(),
    ]);
    // Two clusters of our own in the demo commune, so their faults are ours to raise and clear.
    const villages = await request<{ items: { id: string; name: string }[] }>(
      'GET',
      env.server.url(`/api/v1/units/${env.commune.id}/children`),
    );
    clusters = [];
    for (const [i, village] of villages.body.items.slice(0, 2).entries()) {
      const name = `Cụm loa kiểm thử ${village.name}`;
      const res = await request<{ cluster: { id: string }; credential: { password: string } }>(
        'POST',
        env.server.url('/api/v1/clusters'),
        {
          code: `ALERT-UI-${i + 1}`,
          name,
          kind: 'ip',
          lifecycle: 'active',
          communeId: env.commune.id,
          villageId: village.id,
        },
      );
      expect(res.status).toBe(201);
      clusters.push({ id: res.body.cluster.id, name, secret: res.body.credential.password });
    }
    for (const rule of ['amp_fault', 'speaker_line']) {
      const res = await request(
        'PUT',
        env.server.url(`/api/v1/health-rules/overrides/${env.commune.id}/${rule}`),
        { params: FAST },
      );
      expect(res.status).toBe(200);
    }
    fleet = new SimFleet(
      clusters.map((c) => ({ clusterId: c.id, secret: c.secret })),
      { brokerUrl: env.server.mqttUrl, telemetryIntervalMs: 300, reconnectPeriodMs: 300, seed: 7 },
    );
    await fleet.start();
    await fleet.waitForOnline();
  }, 120_000);
  afterAll(async () => {
    await fleet?.stop(2000);
    await browser?.close();
    await env?.close();
  });

  it('shows a new alert live, acknowledges it from the page, and sees it resolve live', async () => {
    const operator = await env.createUser('commune_operator', env.commune.id);
    const { page, context, errors } = await openPage(browser);
    await signIn(page, env.server.url(''), operator.username, operator.password);
    await page.getByRole('navigation', { name: 'Danh mục' }).getByRole('link', { name: 'Cảnh báo' }).click();
    await page.getByRole('heading', { name: 'Cảnh báo', level: 1 }).waitFor();
    await page.getByText('Đang cập nhật tức thời').waitFor();

    sim(clusters[0]).injectFault('amp_fault', 'quá dòng');
    const alertRow = row(page, clusters[0], 'Hỏng bộ khuếch đại (âm ly)');
    await alertRow.waitFor();
    await alertRow.getByText('Nghiêm trọng').waitFor();
    await alertRow.getByText('Chưa xác nhận').waitFor();
    await page.getByRole('status').getByText('1 cảnh báo mới').waitFor();
    // The summary strip counts it too.
    await page
      .getByRole('region', { name: 'Tóm tắt cảnh báo đang xảy ra' })
      .getByRole('link', { name: /^[1-9]\d* Nghiêm trọng$/ })
      .waitFor();

    await alertRow.getByRole('button', { name: 'Xác nhận' }).click();
    const dialog = page.getByRole('dialog', { name: 'Xác nhận cảnh báo' });
    await dialog.getByLabel('Ghi chú (không bắt buộc)').fill('Đã gọi kỹ thuật viên huyện');
    await dialog.getByRole('button', { name: 'Xác nhận', exact: true }).click();
    await alertRow.getByText('Đã xác nhận', { exact: true }).waitFor();
    await alertRow.getByText(/^Bạn đã xác nhận/).waitFor();

    const [acknowledged] = await alertsOf(clusters[0].id, 'amp_fault');
    expect(acknowledged).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: `user:${await userId(operator.username)}`,
      ackNote: 'Đã gọi kỹ thuật viên huyện',
    });

    // The fault clears on the device: the alert leaves the inbox by itself.
    sim(clusters[0]).clearFault('amp_fault');
    await alertRow.waitFor({ state: 'detached', timeout: 20_000 });
    await page.getByRole('status').getByText('1 cảnh báo vừa được giải quyết').waitFor();
    const [resolved] = await alertsOf(clusters[0].id, 'amp_fault');
    expect(resolved).toMatchObject({ id: acknowledged.id, state: 'resolved', resolution: 'auto' });

    // …and is listed under "resolved".
    await page.getByRole('tab', { name: 'Đã giải quyết' }).click();
    await row(page, clusters[0], 'Hỏng bộ khuếch đại (âm ly)')
      .getByText(/tự hết/)
      .waitFor();
    await context.close();
    expect(errors).toEqual([]);
  });

  it('acknowledges several alerts at once and closes one by hand', async () => {
    sim(clusters[0]).injectFault('amp_fault', 'quá dòng');
    sim(clusters[1]).injectFault('line_open', 'đứt dây loa');
    await eventually(async () => {
      const [amp] = await alertsOf(clusters[0].id, 'amp_fault').then((l) =>
        l.filter((a) => a.state === 'open'),
      );
      const [line] = await alertsOf(clusters[1].id, 'speaker_line');
      return amp && line?.state === 'open';
    });

    const { page, context, errors } = await openPage(browser);
    await signIn(page, env.server.url(''), env.admin.username, env.admin.password);
    await page.goto(env.server.url(`/alerts?unit=${env.commune.id}&state=open`));
    const amp = row(page, clusters[0], 'Hỏng bộ khuếch đại (âm ly)');
    const line = row(page, clusters[1], 'Lỗi đường dây loa');
    await amp.getByRole('checkbox').check();
    await line.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Xác nhận 2 cảnh báo' }).click();
    const dialog = page.getByRole('dialog', { name: 'Xác nhận cảnh báo' });
    await dialog.getByRole('button', { name: 'Xác nhận 2 cảnh báo' }).click();
    // Filtered on "not acknowledged": both leave the list once acknowledged.
    await amp.waitFor({ state: 'detached' });
    await line.waitFor({ state: 'detached' });
    for (const [c, rule] of [
      [clusters[0], 'amp_fault'],
      [clusters[1], 'speaker_line'],
    ] as const) {
      const active = (await alertsOf(c.id, rule)).filter((a) => a.state !== 'resolved');
      expect(active).toHaveLength(1);
      expect(active[0].state).toBe('acknowledged');
    }

    // Close the line fault by hand, with a note, although the device still reports it.
    await page.getByLabel('Trạng thái', { exact: true }).selectOption('active');
    await line.waitFor();
    await line.getByRole('button', { name: 'Đóng cảnh báo' }).click();
    const confirm = page.getByRole('dialog', { name: 'Đóng cảnh báo này?' });
    await confirm.getByLabel('Đã xử lý thế nào? (không bắt buộc)').fill('Đã thay dây, chờ kiểm tra lại');
    await confirm.getByRole('button', { name: 'Đóng cảnh báo' }).click();
    await line.waitFor({ state: 'detached' });
    const [closed] = await alertsOf(clusters[1].id, 'speaker_line');
    expect(closed).toMatchObject({ state: 'resolved', resolution: 'manual' });
    expect(closed.resolvedBy).toBe(`user:${await userId(env.admin.username)}`);
    await expect(amp.isVisible()).resolves.toBe(true);

    sim(clusters[0]).clearFault('amp_fault');
    sim(clusters[1]).clearFault('line_open');
    await amp.waitFor({ state: 'detached', timeout: 20_000 });
    await context.close();
    expect(errors).toEqual([]);
  });

  it('lets a viewer read alerts without the buttons to change them, on a phone', async () => {
    sim(clusters[1]).injectFault('amp_fault', 'quá nhiệt');
    await eventually(async () =>
      (await alertsOf(clusters[1].id, 'amp_fault')).some((a) => a.state === 'open'),
    );
    const viewer = await env.createUser('viewer', env.commune.id);
    const { page, context, errors } = await openPage(browser, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
    });
    await signIn(page, env.server.url(''), viewer.username, viewer.password);
    await page.goto(env.server.url('/alerts'));
    const alertRow = row(page, clusters[1], 'Hỏng bộ khuếch đại (âm ly)');
    await alertRow.waitFor();
    await expect(alertRow.getByRole('button').count()).resolves.toBe(0);
    // Someone else acknowledges it meanwhile: the row says who, by name, live (the stream carries ids only).
    const [open] = (await alertsOf(clusters[1].id, 'amp_fault')).filter((a) => a.state === 'open');
    const ack = await request('POST', env.server.url(`/api/v1/alerts/${open.id}/acknowledge`), {});
    expect(ack.status).toBe(200);
    await alertRow.getByText(`Đã xác nhận bởi ${await displayName(env.admin.username)}, `).waitFor();
    await expect(page.getByRole('checkbox').count()).resolves.toBe(0);
    // The cluster links to its page.
    await expect(alertRow.getByRole('link', { name: clusters[1].name }).getAttribute('href')).resolves.toBe(
      `/fleet/${clusters[1].id}`,
    );
    sim(clusters[1]).clearFault('amp_fault');
    await alertRow.waitFor({ state: 'detached', timeout: 20_000 });
    await context.close();
    expect(errors).toEqual([]);
  });
});
