import type { Browser, Locator, Page } from 'playwright-core';
import { eventually, request } from '../support/http';
import { launchBrowser, openPage, signIn, startConsoleServer, type ConsoleServer } from './support/browser';

interface ClusterRow {
  id: string;
  name: string;
  villageId: string | null;
  latitude: number | null;
  longitude: number | null;
}
interface ScheduleRow {
  id: string;
  title: string;
  rrule: string | null;
  start: string;
  priority: string;
  enabled: boolean;
  forced: boolean;
  target: { unitIds?: string[]; villageIds?: string[]; clusterIds?: string[] };
  clashes: { kind: string; scheduleTitle: string }[];
}

const CHIME = 'Phát thử mỗi 15 phút (demo)';
const WEEKDAYS = ['Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy', 'Chủ Nhật'];
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Vietnamese wall clock (UTC+7 all year) of an instant: 'YYYY-MM-DDTHH:mm'. */
const vnLocal = (ms: number) => new Date(ms + 7 * 3_600_000).toISOString().slice(0, 16);
const weekdayOf = (date: string) => (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;

/**
 * Where Leaflet draws a cluster once the map fitted its clusters (fitBounds, padding 28 px, zoom snapped
 * down to 0.5 and at most 15, as ClusterMap does): Web Mercator pixels around the map's centre.
 */
async function markerPoint(
  page: Page,
  clusters: ClusterRow[],
  target: ClusterRow,
): Promise<{ x: number; y: number }> {
  const box = await page.locator('.cluster-map-canvas').evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { left: r.left + el.clientLeft, top: r.top + el.clientTop, w: el.clientWidth, h: el.clientHeight };
  });
  const project = (lat: number, lng: number, zoom: number) => {
    const scale = 256 * 2 ** zoom;
    const sin = Math.sin((lat * Math.PI) / 180);
    return {
      x: ((lng + 180) / 360) * scale,
      y: (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * scale,
    };
  };
  const placed = clusters.filter((c) => c.latitude !== null && c.longitude !== null);
  const lats = placed.map((c) => c.latitude as number);
  const lngs = placed.map((c) => c.longitude as number);
  const [north, south, west, east] = [
    Math.max(...lats),
    Math.min(...lats),
    Math.min(...lngs),
    Math.max(...lngs),
  ];
  const nw0 = project(north, west, 0);
  const se0 = project(south, east, 0);
  let zoom = Math.log2(Math.min((box.w - 56) / (se0.x - nw0.x), (box.h - 56) / (se0.y - nw0.y)));
  zoom = Math.round(zoom / 0.005) * 0.005;
  zoom = Math.min(15, Math.max(4, Math.floor(zoom / 0.5) * 0.5));
  const nw = project(north, west, zoom);
  const se = project(south, east, zoom);
  const p = project(target.latitude as number, target.longitude as number, zoom);
  return {
    x: box.left + box.w / 2 + p.x - (nw.x + se.x) / 2,
    y: box.top + box.h / 2 + p.y - (nw.y + se.y) / 2,
  };
}

async function listSchedules(env: ConsoleServer): Promise<ScheduleRow[]> {
  const res = await request<{ items: ScheduleRow[] }>(
    'GET',
    env.server.url(`/api/v1/schedules?unitId=${env.commune.id}&pageSize=500`),
  );
  return res.body.items;
}

describe('console: schedule calendar and editor (Chromium, simulated clusters)', () => {
  let env: ConsoleServer;
  let browser: Browser;
  let operator: { username: string; password: string };
  let clusters: ClusterRow[];
  let villages: { id: string; name: string }[];
  let chimeAssetId: string;
  /** The one-off broadcast: about two hours from now, at minute 07 (clear of the chime at :00/:15/…). */
  let oneOff: { date: string; time: string; hour: string };
  let weekly: { time: string; days: number[] };

  beforeAll(async () => {
    [env, browser] = await Promise.all([startConsoleServer({ simFleet: 4 }), launchBrowser()]);
    operator = await env.createUser('commune_operator', env.commune.id);
    const chime = await eventually(
      async () => (await listSchedules(env)).find((s) => s.title === CHIME),
      30_000,
      200,
    );
    const full = await request<{ assetId: string }>('GET', env.server.url(`/api/v1/schedules/${chime.id}`));
    chimeAssetId = full.body.assetId;
    clusters = (
      await request<{ items: ClusterRow[] }>(
        'GET',
        env.server.url(`/api/v1/clusters?unitId=${env.commune.id}&kind=ip&pageSize=500`),
      )
    ).body.items;
    villages = (
      await request<{ items: { id: string; name: string }[] }>(
        'GET',
        env.server.url(`/api/v1/units/${env.commune.id}/children?pageSize=500`),
      )
    ).body.items;
    const start = vnLocal(Date.now() + 2 * 3_600_000);
    oneOff = {
      date: start.slice(0, 10),
      time: `${start.slice(11, 13)}:07`,
      hour: `${start.slice(11, 13)}:00`,
    };
    const wd = weekdayOf(oneOff.date);
    weekly = { time: `${start.slice(11, 13)}:37`, days: [wd, (wd + 2) % 7].sort((a, b) => a - b) };
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  const calendarOf = (page: Page): Locator => page.getByRole('region', { name: 'Lịch phát trong tuần' });
  const chip = (page: Page, title: string, extra = '') =>
    calendarOf(page).getByRole('button', { name: new RegExp(`${escape(title)}.*${extra}`) });

  it('shows the demo chime in the commune operator’s week, ready on the simulated clusters', async () => {
    const { page, context, errors } = await openPage(browser);
    await signIn(page, env.server.url(''), operator.username, operator.password);
    await page.getByRole('navigation', { name: 'Danh mục' }).getByRole('link', { name: 'Lịch phát' }).click();
    await page.getByRole('heading', { level: 1, name: 'Lịch phát' }).waitFor();
    await page.getByText(`Lịch phát thanh của ${env.commune.name}`).waitFor();
    // The operator's commune is picked by itself: no commune picker, and the URL names it.
    await expect(page.getByRole('combobox', { name: 'Xã' }).count()).resolves.toBe(0);
    await eventually(async () => page.url().includes(`unit=${env.commune.id}`), 10_000);
    const chimes = chip(page, CHIME);
    await chimes.first().waitFor();
    // Every hour from its first one has a block of four chimes (×4).
    await expect(chimes.count()).resolves.toBeGreaterThan(3);
    await chip(page, CHIME, '4 lượt').first().waitFor();
    // Readiness of what comes next (late on a Sunday, that is next week's).
    await page.goto(env.server.url(`/schedule?week=${oneOff.date}`));
    await chip(page, CHIME, '4/4 sẵn sàng').first().waitFor({ timeout: 60_000 });
    // The details: readiness per occurrence, as the clusters acknowledged it.
    await chip(page, CHIME, '4/4 sẵn sàng').first().click();
    const dialog = page.getByRole('dialog', { name: CHIME });
    await dialog.getByText('Mỗi giờ vào phút 0, 15, 30, 45').waitFor();
    await dialog.getByText('Toàn xã').waitFor();
    await dialog.getByRole('cell', { name: '4/4 sẵn sàng' }).first().waitFor();
    await dialog.getByRole('button', { name: 'Đóng' }).first().click();
    await dialog.waitFor({ state: 'hidden' });
    // Week navigation keeps the week in the URL (the week after this one is never the current one).
    await page.getByRole('button', { name: 'Tuần sau' }).click();
    const nextMonday = new Date(
      Date.parse(`${oneOff.date}T00:00:00Z`) + (7 - weekdayOf(oneOff.date)) * 86_400_000,
    )
      .toISOString()
      .slice(0, 10);
    await eventually(async () => page.url().includes(`week=${nextMonday}`), 5_000);
    await page.getByRole('button', { name: 'Tuần này' }).click();
    await eventually(async () => !page.url().includes('week='), 5_000);
    await context.close();
    expect(errors).toEqual([]);
  });

  it('creates a one-off schedule for chosen villages and a weekly one on the map; both get ready', async () => {
    const { page, context, errors } = await openPage(browser);
    await signIn(page, env.server.url(''), operator.username, operator.password);
    await page.goto(env.server.url(`/schedule?week=${oneOff.date}`));
    await chip(page, CHIME).first().waitFor();

    // One-off, to two villages picked from the list.
    await page.getByRole('button', { name: 'Tạo lịch phát' }).click();
    let dialog = page.getByRole('dialog', { name: 'Tạo lịch phát' });
    await dialog.getByLabel('Tên lịch').fill('Thông báo tiêm phòng');
    await dialog.getByLabel('Nội dung phát').selectOption(`asset:${chimeAssetId}`);
    await dialog.getByLabel('Ngày phát').fill(oneOff.date);
    await dialog.getByLabel('Giờ phát').fill(oneOff.time);
    await dialog.getByRole('radio', { name: 'Chọn thôn, bản' }).check();
    const chosenVillages = villages.slice(0, 2);
    for (const v of chosenVillages) await dialog.getByRole('checkbox', { name: v.name }).check();
    await dialog.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('Đã tạo lịch “Thông báo tiêm phòng”').waitFor();
    await dialog.waitFor({ state: 'hidden' });
    await chip(page, 'Thông báo tiêm phòng').waitFor();
    await chip(page, 'Thông báo tiêm phòng', '2/2 sẵn sàng').waitFor({ timeout: 60_000 });

    // Weekly on two days, to clusters chosen on the map (and one in the list).
    await page.getByRole('button', { name: 'Tạo lịch phát' }).click();
    dialog = page.getByRole('dialog', { name: 'Tạo lịch phát' });
    await dialog.getByLabel('Tên lịch').fill('Bản tin sáng');
    await dialog.getByLabel('Nội dung phát').selectOption(`asset:${chimeAssetId}`);
    await dialog.getByLabel('Ngày phát').fill(oneOff.date);
    await dialog.getByLabel('Giờ phát').fill(weekly.time);
    await dialog.getByLabel('Lặp lại').selectOption('weekly');
    // The start's weekday is ticked already; add a second day.
    const weekday = (d: number) => dialog.getByRole('checkbox', { name: WEEKDAYS[d], exact: true });
    await expect(weekday(weekdayOf(oneOff.date)).isChecked()).resolves.toBe(true);
    for (const d of weekly.days) await weekday(d).check();
    await dialog.getByText('Nâng cao: quy tắc lặp (RRULE)').click();
    const codes = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
    const rrule = `FREQ=WEEKLY;BYDAY=${weekly.days.map((d) => codes[d]).join(',')}`;
    await expect(dialog.getByLabel('Quy tắc RRULE').inputValue()).resolves.toBe(rrule);
    await dialog.getByRole('radio', { name: /Chọn cụm loa/ }).check();
    await dialog.locator(`.cluster-map-canvas[data-markers="${clusters.length}"]`).waitFor();
    const onMap = clusters[0];
    const point = await markerPoint(page, clusters, onMap);
    await page.mouse.click(point.x, point.y);
    const mapBox = dialog.getByRole('checkbox', { name: new RegExp(`^${escape(onMap.name)}`) });
    await eventually(async () => mapBox.isChecked(), 5_000);
    // A second click on the map deselects, a third selects again.
    await page.mouse.click(point.x, point.y);
    await eventually(async () => !(await mapBox.isChecked()), 5_000);
    await page.mouse.click(point.x, point.y);
    await eventually(async () => mapBox.isChecked(), 5_000);
    const inList = clusters[2];
    await dialog.getByRole('checkbox', { name: new RegExp(`^${escape(inList.name)}`) }).check();
    await dialog.getByText('Đã chọn 2').waitFor();
    await dialog.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('Đã tạo lịch “Bản tin sáng”').waitFor();
    await chip(page, 'Bản tin sáng', '2/2 sẵn sàng').first().waitFor({ timeout: 60_000 });

    // The list of schedules says the same in words.
    const row = page.getByRole('row').filter({ hasText: 'Bản tin sáng' });
    await row
      .getByText(`Hằng tuần vào ${weekly.days.map((d) => WEEKDAYS[d]).join(', ')}, lúc ${weekly.time}`)
      .waitFor();

    // The API holds what the form said.
    const saved = await listSchedules(env);
    const one = saved.find((s) => s.title === 'Thông báo tiêm phòng');
    const week = saved.find((s) => s.title === 'Bản tin sáng');
    expect(one).toMatchObject({
      rrule: null,
      start: `${oneOff.date}T${oneOff.time}:00`,
      priority: 'commune',
    });
    expect([...(one?.target.villageIds ?? [])].sort()).toEqual(chosenVillages.map((v) => v.id).sort());
    expect(week).toMatchObject({ rrule, start: `${oneOff.date}T${weekly.time}:00`, enabled: true });
    expect([...(week?.target.clusterIds ?? [])].sort()).toEqual([onMap.id, inList.id].sort());
    await context.close();
    expect(errors).toEqual([]);
  });

  it('edits a schedule onto the chime (preemption), then saves a clashing one anyway (conflict)', async () => {
    const { page, context, errors } = await openPage(browser);
    await signIn(page, env.server.url(''), operator.username, operator.password);
    await page.goto(env.server.url(`/schedule?week=${oneOff.date}`));

    // Edit from the occurrence's details: move it onto the hour, where the routine chime plays.
    await chip(page, 'Thông báo tiêm phòng').click();
    const details = page.getByRole('dialog', { name: 'Thông báo tiêm phòng' });
    await details.getByRole('button', { name: 'Sửa lịch này' }).click();
    const editor = page.getByRole('dialog', { name: 'Sửa lịch phát' });
    await expect(editor.getByLabel('Tên lịch').inputValue()).resolves.toBe('Thông báo tiêm phòng');
    await expect(editor.getByRole('radio', { name: 'Chọn thôn, bản' }).isChecked()).resolves.toBe(true);
    await editor.getByLabel('Giờ phát').fill(oneOff.hour);
    await editor.getByRole('radio', { name: 'Toàn xã' }).check();
    await editor.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('Đã lưu lịch “Thông báo tiêm phòng”').waitFor();
    await page.getByText('Lịch này chèn ngang 1 lượt phát của lịch ưu tiên thấp hơn.').waitFor();
    // Marked in words, on both sides.
    await chip(page, 'Thông báo tiêm phòng', 'Chèn ngang lịch ưu tiên thấp hơn').waitFor();
    await chip(page, CHIME, 'Bị lịch ưu tiên cao hơn chèn ngang').waitFor();
    // Side by side the blocks keep the glyph; the list of schedules says it in words.
    await page.getByRole('row').filter({ hasText: CHIME }).getByText('Bị chèn').waitFor();
    await page.getByRole('status').filter({ hasText: '1 lượt bị chèn' }).waitFor();
    await chip(page, CHIME, 'Bị lịch ưu tiên cao hơn chèn ngang').click();
    const chimeDetails = page.getByRole('dialog', { name: CHIME });
    await chimeDetails
      .getByText(/Bị “Thông báo tiêm phòng” \(Cấp xã, ưu tiên cao hơn\) chèn ngang trên 4 cụm loa/)
      .waitFor();
    await chimeDetails.getByRole('button', { name: 'Đóng' }).first().click();

    // Same priority at the same time on the same clusters: refused first, saved when insisted.
    await page.getByRole('button', { name: 'Tạo lịch phát' }).click();
    const create = page.getByRole('dialog', { name: 'Tạo lịch phát' });
    await create.getByLabel('Tên lịch').fill('Họp dân đột xuất');
    await create.getByLabel('Nội dung phát').selectOption(`asset:${chimeAssetId}`);
    await create.getByLabel('Ngày phát').fill(oneOff.date);
    await create.getByLabel('Giờ phát').fill(oneOff.hour);
    await create.getByRole('button', { name: 'Lưu' }).click();
    const conflict = create.getByRole('alert').filter({ hasText: 'Trùng giờ với lịch cùng mức ưu tiên' });
    await conflict.getByText(/Trùng giờ với “Thông báo tiêm phòng” \(Cấp xã\) trên 4 cụm loa/).waitFor();
    // The refusal is the API's 409 (saved only with force), which the browser logs; nothing else may be.
    expect(errors).toEqual([
      'console: Failed to load resource: the server responded with a status of 409 (Conflict)',
    ]);
    errors.length = 0;
    await conflict.getByRole('button', { name: 'Vẫn lưu dù trùng lịch' }).click();
    await page.getByText('Đã tạo lịch “Họp dân đột xuất”').waitFor();
    await chip(page, 'Họp dân đột xuất', 'Trùng giờ với lịch cùng mức ưu tiên').waitFor();
    await chip(page, 'Thông báo tiêm phòng', 'Trùng giờ với lịch cùng mức ưu tiên').waitFor();
    await page.getByRole('row').filter({ hasText: 'Họp dân đột xuất' }).getByText('Trùng lịch').waitFor();

    const saved = await listSchedules(env);
    const moved = saved.find((s) => s.title === 'Thông báo tiêm phòng') as ScheduleRow;
    const forced = saved.find((s) => s.title === 'Họp dân đột xuất') as ScheduleRow;
    expect(moved).toMatchObject({
      start: `${oneOff.date}T${oneOff.hour}:00`,
      target: { unitIds: [env.commune.id] },
    });
    const detail = await request<ScheduleRow>('GET', env.server.url(`/api/v1/schedules/${forced.id}`));
    expect(detail.body.forced).toBe(true);
    expect(detail.body.clashes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'conflict', scheduleTitle: 'Thông báo tiêm phòng' }),
        expect.objectContaining({ kind: 'preempts', scheduleTitle: CHIME }),
      ]),
    );
    await context.close();
    expect(errors).toEqual([]);
  });

  it('on a phone: lists a day, skips one broadcast, disables and deletes a schedule with confirmation', async () => {
    const { page, context, errors } = await openPage(browser, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
    });
    await signIn(page, env.server.url(''), operator.username, operator.password);
    await page.goto(env.server.url(`/schedule?week=${oneOff.date}`));
    const [y, m, d] = oneOff.date.split('-').map(Number);
    await page
      .getByRole('group', { name: 'Chọn ngày' })
      .getByRole('button', { name: `${WEEKDAYS[weekdayOf(oneOff.date)]} ${d}/${m}` })
      .click();
    expect(y).toBeGreaterThan(2000);
    // No seven-column grid on a phone: the day as a list.
    await expect(calendarOf(page).count()).resolves.toBe(0);
    const item = page
      .getByRole('list', { name: /Thứ|Chủ Nhật/ })
      .getByRole('button', { name: /Bản tin sáng/ });
    await item.first().click();
    const details = page.getByRole('dialog', { name: 'Bản tin sáng' });
    await details.getByRole('button', { name: `Bỏ qua lượt phát lúc ${weekly.time}` }).click();
    await page.getByText(`Đã bỏ qua lượt phát lúc ${weekly.time}`).waitFor();
    await details.getByRole('button', { name: `Phát lại lượt lúc ${weekly.time} như lịch` }).waitFor();
    await details.getByRole('button', { name: 'Đóng' }).first().click();
    await page
      .getByRole('button', { name: /Bản tin sáng.*Đã bỏ qua/ })
      .first()
      .waitFor();

    // Disable, then delete, each after a confirmation.
    await page.getByRole('button', { name: 'Tắt “Họp dân đột xuất”' }).click();
    const confirmOff = page.getByRole('dialog', { name: 'Tắt lịch phát?' });
    await confirmOff.getByRole('button', { name: 'Tắt' }).click();
    await page.getByText('Đã tắt “Họp dân đột xuất”').waitFor();
    await page.getByRole('button', { name: /Họp dân đột xuất.*Lịch đang tắt/ }).waitFor();
    const off = (await listSchedules(env)).find((s) => s.title === 'Họp dân đột xuất');
    expect(off?.enabled).toBe(false);
    await page.getByRole('button', { name: 'Xoá “Họp dân đột xuất”' }).click();
    const confirmDelete = page.getByRole('dialog', { name: 'Xoá lịch phát?' });
    await confirmDelete.getByText('Xoá vĩnh viễn “Họp dân đột xuất”?', { exact: false }).waitFor();
    await confirmDelete.getByRole('button', { name: 'Xoá' }).click();
    await page.getByText('Đã xoá “Họp dân đột xuất”').waitFor();
    await page
      .getByRole('button', { name: /Họp dân đột xuất/ })
      .first()
      .waitFor({ state: 'detached' });
    expect((await listSchedules(env)).some((s) => s.title === 'Họp dân đột xuất')).toBe(false);
    await context.close();
    expect(errors).toEqual([]);
  });

  it('lets an administrator pick the commune, and reads in English', async () => {
    const { page, context, errors } = await openPage(browser);
    await signIn(page, env.server.url(''), env.admin.username, env.admin.password);
    await page.goto(env.server.url('/schedule'));
    // Above commune level: a picker, starting at a commune with clusters (the demo one).
    const picker = page.getByRole('combobox', { name: 'Xã' });
    await eventually(async () => (await picker.inputValue()) === env.commune.id, 15_000);
    await chip(page, CHIME).first().waitFor();
    await page.getByLabel('Tìm xã').fill(env.commune.name.replace(/^Xã /, ''));
    await picker.locator(`option[value="${env.commune.id}"]`).waitFor({ state: 'attached' });
    await page.getByRole('combobox', { name: 'Ngôn ngữ' }).selectOption('en');
    await page.getByRole('heading', { level: 1, name: 'Schedule' }).waitFor();
    await page
      .getByRole('region', { name: 'Broadcasts this week' })
      .getByRole('button', { name: /ready/ })
      .first()
      .waitFor();
    await context.close();
    expect(errors).toEqual([]);
  });

  it('shows the district’s schedule in the commune operator’s week, marked as the district’s, read only', async () => {
    const commune = await request<{ parentId: string }>(
      'GET',
      env.server.url(`/api/v1/units/${env.commune.id}`),
    );
    const district = await request<{ id: string; name: string; level: string; type: string }>(
      'GET',
      env.server.url(`/api/v1/units/${commune.body.parentId}`),
    );
    expect(district.body.level).toBe('district');
    const created = await request<{ id: string; unitId: string }>(
      'POST',
      env.server.url('/api/v1/schedules'),
      {
        title: 'Thông báo của huyện',
        assetId: chimeAssetId,
        priority: 'district',
        target: { unitIds: [district.body.id] },
        start: `${oneOff.date}T${oneOff.hour.slice(0, 2)}:52`,
      },
    );
    expect(created.status).toBe(201);
    expect(created.body.unitId).toBe(district.body.id);

    const { page, context, errors } = await openPage(browser);
    await signIn(page, env.server.url(''), operator.username, operator.password);
    await page.goto(env.server.url(`/schedule?week=${oneOff.date}`));
    // In the week, said to be the district's (in words on the block and in its name).
    const block = chip(page, 'Thông báo của huyện', escape(`Lịch của ${district.body.name}`));
    await block.waitFor();
    // Short on the block: the district's kind ("Lịch của huyện", "Lịch của thành phố" …).
    await block
      .getByText(`Lịch của ${district.body.type.toLocaleLowerCase('vi')}`, { exact: true })
      .waitFor();
    await block.click();
    const details = page.getByRole('dialog', { name: 'Thông báo của huyện' });
    await details
      .getByText(`Lịch này do ${district.body.name} lập. Bạn xem được nhưng không sửa hay bỏ qua được.`)
      .waitFor();
    await details.getByText('Cấp huyện', { exact: true }).waitFor();
    await expect(details.getByRole('button', { name: 'Sửa lịch này' }).count()).resolves.toBe(0);
    await expect(details.getByRole('button', { name: /^Bỏ qua lượt phát/ }).count()).resolves.toBe(0);
    await details.getByRole('button', { name: 'Đóng' }).first().click();
    await details.waitFor({ state: 'hidden' });
    // In the list too, without edit, disable or delete.
    const row = page.getByRole('row').filter({ hasText: 'Thông báo của huyện' });
    await row.getByText('Lịch của cấp trên: chỉ xem.').waitFor();
    await row.getByText(`Lịch của ${district.body.name}`).waitFor();
    await expect(row.getByRole('button').count()).resolves.toBe(0);
    // The commune's own schedules stay editable beside it.
    await page.getByRole('button', { name: 'Sửa “Bản tin sáng”' }).waitFor();
    await context.close();
    expect(errors).toEqual([]);
  });
});
