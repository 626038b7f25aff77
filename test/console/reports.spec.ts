import ExcelJS from 'exceljs';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { presetPeriod, todayIn, vnDate } from '../../apps/console/src/pages/reports/period';
import { eventually } from '../support/http';
import { launchBrowser, openPage, signIn, startConsoleServer, type ConsoleServer } from './support/browser';

interface Figures {
  [key: string]: number | null;
}
interface ReportJson {
  period: { from: string; to: string };
  unit: { code: string; name: string };
  rows: { level: string; stt: string; name: string; figures: Figures }[];
  totals: Figures;
}

/** The table's columns in page and XLSX order (docs/reports.md). */
const COLUMNS: [string, number][] = [
  ['stationsIp', 0],
  ['stationsOther', 0],
  ['ipWorking', 0],
  ['ipBroken', 0],
  ['fmWiredWorking', 0],
  ['fmWiredBroken', 0],
  ['fmWirelessWorking', 0],
  ['fmWirelessBroken', 0],
  ['fmConnectedToIp', 0],
  ['newStations', 0],
  ['replacements', 0],
  ['expansions', 0],
  ['villages', 0],
  ['villagesCovered', 0],
  ['scheduledHours', 2],
  ['playedHours', 2],
  ['uptimePercent', 2],
  ['openAlerts', 0],
];

const vi = (value: number | null, digits: number) =>
  value === null ? '—' : new Intl.NumberFormat('vi-VN', { maximumFractionDigits: digits }).format(value);

/** Waits for the page's own request of the JSON report and returns what the server answered. */
function reportResponse(page: Page): Promise<ReportJson> {
  return page
    .waitForResponse((r) => r.url().includes('/api/v1/reports/province?') && r.url().includes('format=json'))
    .then((r) => r.json() as Promise<ReportJson>);
}

describe('console: reports (Chromium)', () => {
  let env: ConsoleServer;
  let browser: Browser;
  beforeAll(async () => {
    [env, browser] = await Promise.all([startConsoleServer({ simFleet: 2 }), launchBrowser()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it('shows the figures the API returns, by district and commune with totals', async () => {
    const { page, context, errors } = await openPage(browser);
    await signIn(page, env.server.url(''), env.admin.username, env.admin.password);
    const answered = reportResponse(page);
    await page.getByRole('link', { name: 'Báo cáo' }).click();
    const report = await answered;
    // An administrator of a one-province server gets that province at once, for this month.
    const month = presetPeriod('thisMonth', todayIn('Asia/Ho_Chi_Minh'));
    expect(report.period).toMatchObject(month);
    expect(report.unit.name).toBe('Tỉnh Lạng Sơn');
    await page.getByText(`Từ ngày ${vnDate(month.from)} đến ngày ${vnDate(month.to)}`).waitFor();
    await expect(page.getByRole('button', { name: 'Tháng này' }).getAttribute('aria-pressed')).resolves.toBe(
      'true',
    );

    const table = page.getByRole('table').first();
    const commune = report.rows.find((r) => r.name === env.commune.name)!;
    expect(commune.figures.ipWorking).toBe(2);
    const district = report.rows.find((r) => r.level === 'district' && r.figures.ipWorking === 2)!;
    for (const [row, figures] of [
      [table.getByRole('row', { name: new RegExp(`^${commune.stt} ${env.commune.name}`) }), commune.figures],
      [table.getByRole('row', { name: new RegExp(`^${district.stt} ${district.name}`) }), district.figures],
      [table.getByRole('row', { name: /Tổng cộng/ }), report.totals],
    ] as const) {
      const cells = (await row.getByRole('cell').allTextContents()).slice(1);
      expect(cells).toEqual(COLUMNS.map(([key, digits]) => vi(figures[key], digits)));
    }
    // Communes without figures are hidden on request; the full table has every row of the report.
    await page.getByLabel('Ẩn các xã chưa có số liệu').uncheck();
    await expect(table.locator('tbody tr').count()).resolves.toBe(report.rows.length);

    // A preset changes the period in the URL and the figures follow.
    const last = presetPeriod('lastMonth', todayIn('Asia/Ho_Chi_Minh'));
    const again = reportResponse(page);
    await page.getByRole('button', { name: 'Tháng trước' }).click();
    expect((await again).period).toMatchObject(last);
    expect(new URL(page.url()).searchParams.get('from')).toBe(last.from);
    await page.getByText(`Từ ngày ${vnDate(last.from)} đến ngày ${vnDate(last.to)}`).waitFor();
    await context.close();
    expect(errors).toEqual([]);
  });

  it('downloads the official XLSX (through a report job) and the CSV', async () => {
    const { page, context, errors } = await openPage(browser);
    await signIn(page, env.server.url(''), env.admin.username, env.admin.password);
    const answered = reportResponse(page);
    await page.goto(env.server.url('/reports'));
    const report = await answered;
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Tải Excel (XLSX)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`bao-cao-20-${report.period.from}-${report.period.to}.xlsx`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await readFile((await download.path())!));
    const sheet = book.getWorksheet('Báo cáo')!;
    expect(String(sheet.getCell('A1').value)).toBe('PHỤ LỤC');
    expect(String(sheet.getCell('A2').value)).toBe(
      'BÁO CÁO KẾT QUẢ HOẠT ĐỘNG ĐÀI TRUYỀN THANH CẤP XÃ ỨNG DỤNG CNTT-VT',
    );
    expect(String(sheet.getCell('A3').value)).toContain(
      `từ ngày ${vnDate(report.period.from)} đến ngày ${vnDate(report.period.to)}`,
    );
    const rows: { name: string; values: unknown[] }[] = [];
    sheet.eachRow((row) =>
      rows.push({
        name: String(row.getCell(2).value ?? ''),
        values: [3, 4, 5, 6].map((c) => row.getCell(c).value),
      }),
    );
    const commune = report.rows.find((r) => r.name === env.commune.name)!;
    expect(rows.find((r) => r.name === env.commune.name)?.values).toEqual(
      ['stationsIp', 'stationsOther', 'ipWorking', 'ipBroken'].map((k) => commune.figures[k]),
    );
    expect(rows.filter((r) => r.name === 'Tổng cộng')).toHaveLength(1);
    expect(rows.filter((r) => report.rows.some((x) => x.name === r.name))).toHaveLength(report.rows.length);
    await page.getByText('Đã tải tệp báo cáo.').waitFor();

    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Tải CSV' }).click(),
    ]);
    expect(csv.suggestedFilename()).toMatch(/\.csv$/);
    const text = await readFile((await csv.path())!, 'utf8');
    expect(text.startsWith('\uFEFFlevel,stt,unitId,code,name')).toBe(true);
    expect(text).toContain(env.commune.name);
    await context.close();
    expect(errors).toEqual([]);
  });

  it('shows availability by commune, and a commune operator only their commune (phone)', async () => {
    const operator = await env.createUser('commune_operator', env.commune.id);
    const { page, context, errors } = await openPage(browser, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
    });
    await signIn(page, env.server.url(''), operator.username, operator.password);
    await page.goto(env.server.url('/reports?view=availability'));
    await page.getByRole('tab', { name: 'Tỷ lệ hoạt động', selected: true }).waitFor();
    const table = page.getByRole('table');
    const row = table.getByRole('row', { name: new RegExp(env.commune.name) });
    await row.waitFor();
    await expect(row.getByRole('cell').first().textContent()).resolves.toBe('2');
    await expect(table.getByRole('rowheader').allTextContents()).resolves.toEqual([
      env.commune.name,
      'Tổng cộng',
    ]);
    await page.getByLabel('Chi tiết theo').selectOption({ label: 'Cụm loa' });
    await eventually(async () => (await table.locator('tbody tr').count()) === 2);
    expect(new URL(page.url()).searchParams.get('level')).toBe('cluster');
    await context.close();
    expect(errors).toEqual([]);
  });
});
