import ExcelJS from 'exceljs';
import type { Writable } from 'node:stream';
import { FUNDING_PROGRAMMES, WORK_ORDER_KINDS } from '@loa-xa/persistence';
import {
  KIND_NAMES,
  PROGRAMME_NAMES,
  type ProvinceReport,
  type ReportFigures,
} from './province-report.model';
import { vnDate } from './report-period';

/*
 * The provincial report as an XLSX workbook shaped like the appendices of the guidance documents: a title
 * block, two-row merged Vietnamese headers with a row of column numbers, district subtotal rows, a total, a
 * spending sheet and signature blocks. Written with exceljs's streaming writer straight into `out`.
 */

const FONT = 'Times New Roman';
const COUNT = '#,##0';
const HOURS = '#,##0.00';
const PERCENT = '0.00';
const THIN: Partial<ExcelJS.Borders> = {
  top: { style: 'thin' },
  left: { style: 'thin' },
  bottom: { style: 'thin' },
  right: { style: 'thin' },
};

interface Column {
  key: keyof ReportFigures;
  /** Group header (row 1 of the header); null: the sub-header spans both rows. */
  group: string | null;
  header: string;
  format: string;
  width: number;
}

/** Figure columns, in print order (columns C onwards). */
export const FIGURE_COLUMNS: readonly Column[] = [
  { key: 'stationsIp', group: 'Số đài truyền thanh', header: 'Ứng dụng CNTT-VT', format: COUNT, width: 11 },
  { key: 'stationsOther', group: 'Số đài truyền thanh', header: 'Có dây, FM', format: COUNT, width: 11 },
  { key: 'ipWorking', group: 'Cụm loa ứng dụng CNTT-VT', header: 'Hoạt động', format: COUNT, width: 10 },
  { key: 'ipBroken', group: 'Cụm loa ứng dụng CNTT-VT', header: 'Hỏng', format: COUNT, width: 8 },
  { key: 'fmWiredWorking', group: 'Cụm loa có dây', header: 'Hoạt động', format: COUNT, width: 10 },
  { key: 'fmWiredBroken', group: 'Cụm loa có dây', header: 'Hỏng', format: COUNT, width: 8 },
  { key: 'fmWirelessWorking', group: 'Cụm loa không dây FM', header: 'Hoạt động', format: COUNT, width: 10 },
  { key: 'fmWirelessBroken', group: 'Cụm loa không dây FM', header: 'Hỏng', format: COUNT, width: 8 },
  {
    key: 'fmConnectedToIp',
    group: null,
    header: 'Cụm loa FM kết nối hệ thống CNTT-VT',
    format: COUNT,
    width: 14,
  },
  { key: 'newStations', group: 'Trong kỳ báo cáo', header: 'Thiết lập mới', format: COUNT, width: 10 },
  { key: 'replacements', group: 'Trong kỳ báo cáo', header: 'Thay thế', format: COUNT, width: 10 },
  { key: 'expansions', group: 'Trong kỳ báo cáo', header: 'Mở rộng', format: COUNT, width: 10 },
  { key: 'villages', group: 'Thôn/bản', header: 'Tổng', format: COUNT, width: 8 },
  { key: 'villagesCovered', group: 'Thôn/bản', header: 'Có cụm loa', format: COUNT, width: 10 },
  { key: 'scheduledHours', group: 'Giờ phát (giờ)', header: 'Theo lịch', format: HOURS, width: 12 },
  { key: 'playedHours', group: 'Giờ phát (giờ)', header: 'Đã phát', format: HOURS, width: 12 },
  { key: 'uptimePercent', group: null, header: 'Tỷ lệ hoạt động (%)', format: PERCENT, width: 11 },
  { key: 'openAlerts', group: null, header: 'Cảnh báo đang mở', format: COUNT, width: 10 },
];

export const TITLE = 'BÁO CÁO KẾT QUẢ HOẠT ĐỘNG ĐÀI TRUYỀN THANH CẤP XÃ ỨNG DỤNG CNTT-VT';
export const SPENDING_SHEET = 'Kinh phí';
export const MAIN_SHEET = 'Báo cáo';
/** Rows above the data on the main sheet: title block (5) + two header rows + the column-number row. */
export const HEADER_ROWS = 8;

export function periodLine(report: ProvinceReport): string {
  return `Kỳ báo cáo: từ ngày ${vnDate(report.period.from)} đến ngày ${vnDate(report.period.to)}`;
}

export function unitLine(report: ProvinceReport): string {
  return `Đơn vị: ${[...report.unit.lineage].reverse().join(', ')}`;
}

type Sheet = ExcelJS.Worksheet;

function font(cell: ExcelJS.Cell, extra: Partial<ExcelJS.Font> = {}): void {
  cell.font = { name: FONT, size: 11, ...extra };
}

/** Title block: rows 1–4 merged across `width` columns, row 5 blank. */
function titleBlock(sheet: Sheet, width: number, lines: [string, string, string, string]): void {
  lines.forEach((text, i) => {
    const row = sheet.getRow(i + 1);
    const cell = row.getCell(1);
    cell.value = text;
    font(cell, { bold: i < 2, italic: i === 2, size: i < 2 ? 13 : 11 });
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    if (i === 1) row.height = 22;
    sheet.mergeCells(i + 1, 1, i + 1, width);
  });
}

/** A header cell: bold, centred, wrapped, bordered. */
function headerCell(sheet: Sheet, row: number, col: number, text: string): void {
  const cell = sheet.getRow(row).getCell(col);
  cell.value = text;
  font(cell, { bold: true });
  cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  cell.border = THIN;
}

/** Two header rows (groups over sub-headers; a lone header spans both) and a row of column numbers. */
function headers(
  sheet: Sheet,
  top: number,
  columns: readonly { group: string | null; header: string }[],
): void {
  columns.forEach((c, i) => {
    const col = i + 1;
    if (c.group === null) {
      headerCell(sheet, top, col, c.header);
      headerCell(sheet, top + 1, col, c.header);
      sheet.mergeCells(top, col, top + 1, col);
    } else {
      headerCell(sheet, top, col, c.group);
      headerCell(sheet, top + 1, col, c.header);
      if (i === 0 || columns[i - 1].group !== c.group) {
        let last = i;
        while (last + 1 < columns.length && columns[last + 1].group === c.group) last++;
        if (last > i) sheet.mergeCells(top, col, top, last + 1);
      }
    }
    const number = sheet.getRow(top + 2).getCell(col);
    number.value = `(${col})`;
    font(number, { italic: true, size: 10 });
    number.alignment = { horizontal: 'center' };
    number.border = THIN;
  });
  sheet.getRow(top).height = 30;
  sheet.getRow(top + 1).height = 45;
}

/** Signature blocks under a table: the preparer on the left, the head of the unit on the right. */
function signatures(sheet: Sheet, first: number, width: number): void {
  const block = (row: number, from: number, to: number, text: string, style: Partial<ExcelJS.Font>) => {
    const cell = sheet.getRow(row).getCell(from);
    cell.value = text;
    font(cell, style);
    cell.alignment = { horizontal: 'center' };
    sheet.mergeCells(row, from, row, to);
  };
  const leftEnd = Math.max(2, Math.floor(width / 3));
  const rightStart = width - Math.max(1, Math.floor(width / 3)) + 1;
  block(first, rightStart, width, '…………, ngày …… tháng …… năm ……', { italic: true });
  block(first + 1, 1, leftEnd, 'Người lập biểu', { bold: true });
  block(first + 1, rightStart, width, 'Thủ trưởng đơn vị', { bold: true });
  block(first + 2, 1, leftEnd, '(Ký, ghi rõ họ tên)', { italic: true });
  block(first + 2, rightStart, width, '(Ký tên, đóng dấu)', { italic: true });
}

function dataRow(
  sheet: Sheet,
  rowNumber: number,
  stt: string,
  name: string,
  figures: ReportFigures,
  bold: boolean,
): ExcelJS.Row {
  const row = sheet.getRow(rowNumber);
  row.getCell(1).value = stt;
  row.getCell(2).value = name;
  FIGURE_COLUMNS.forEach((c, i) => {
    const cell = row.getCell(i + 3);
    cell.value = figures[c.key];
    cell.numFmt = c.format;
  });
  row.eachCell({ includeEmpty: true }, (cell, col) => {
    font(cell, { bold });
    cell.border = THIN;
    cell.alignment =
      col === 1
        ? { horizontal: 'center' }
        : col === 2
          ? { horizontal: 'left', wrapText: true }
          : { horizontal: 'right' };
  });
  return row;
}

function mainSheet(workbook: ExcelJS.stream.xlsx.WorkbookWriter, report: ProvinceReport): void {
  const width = FIGURE_COLUMNS.length + 2;
  const sheet = workbook.addWorksheet(MAIN_SHEET, {
    views: [{ state: 'frozen', xSplit: 2, ySplit: HEADER_ROWS }],
    pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  sheet.columns = [{ width: 6 }, { width: 30 }, ...FIGURE_COLUMNS.map((c) => ({ width: c.width }))];
  titleBlock(sheet, width, ['PHỤ LỤC', TITLE, periodLine(report), unitLine(report)]);
  headers(sheet, 6, [
    { group: null, header: 'STT' },
    { group: null, header: 'Đơn vị hành chính' },
    ...FIGURE_COLUMNS,
  ]);
  sheet.getRow(HEADER_ROWS).commit();
  let n = HEADER_ROWS;
  for (const r of report.rows) dataRow(sheet, ++n, r.stt, r.name, r.figures, r.level === 'district').commit();
  const total = dataRow(sheet, ++n, '', 'Tổng cộng', report.totals, true);
  total.getCell(2).alignment = { horizontal: 'center' };
  total.commit();
  const notes = [
    'Ghi chú: Cụm loa "Hoạt động" là cụm loa đang ở trạng thái hoạt động, "Hỏng" là cụm loa đang hỏng (tại thời điểm lập báo cáo).',
    'Giờ phát "Đã phát": tổng thời lượng phát (finished, interrupted) của lịch phát và phát ngay do cụm loa báo cáo trong kỳ.',
    'Tỷ lệ hoạt động: thời gian trực tuyến / thời gian theo dõi của các cụm loa ứng dụng CNTT-VT. Cảnh báo đang mở: tại thời điểm cuối kỳ.',
  ];
  n++;
  for (const text of notes) {
    const cell = sheet.getRow(++n).getCell(1);
    cell.value = text;
    font(cell, { italic: true, size: 10 });
    sheet.mergeCells(n, 1, n, width);
  }
  signatures(sheet, n + 2, width);
  sheet.commit();
}

function spendingSheet(workbook: ExcelJS.stream.xlsx.WorkbookWriter, report: ProvinceReport): void {
  const groups = [...WORK_ORDER_KINDS.map((k) => KIND_NAMES[k]), 'Tổng cộng'];
  const columns = [
    { group: null, header: 'STT' },
    { group: null, header: 'Nguồn kinh phí' },
    ...groups.flatMap((g) => [
      { group: g, header: 'Số lượng' },
      { group: g, header: 'Kinh phí (đồng)' },
    ]),
  ];
  const width = columns.length;
  const sheet = workbook.addWorksheet(SPENDING_SHEET, {
    views: [{ state: 'frozen', xSplit: 2, ySplit: HEADER_ROWS }],
    pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  sheet.columns = [{ width: 6 }, { width: 48 }, ...groups.flatMap(() => [{ width: 10 }, { width: 18 }])];
  titleBlock(sheet, width, [
    'PHỤ LỤC',
    'KINH PHÍ THỰC HIỆN THEO NGUỒN VỐN (CÔNG TRÌNH ĐƯA VÀO SỬ DỤNG TRONG KỲ)',
    periodLine(report),
    unitLine(report),
  ]);
  headers(sheet, 6, columns);
  sheet.getRow(HEADER_ROWS).commit();
  let n = HEADER_ROWS;
  const line = (stt: string, name: string, cells: number[], bold: boolean) => {
    const row = sheet.getRow(++n);
    row.getCell(1).value = stt;
    row.getCell(2).value = name;
    cells.forEach((v, i) => {
      const cell = row.getCell(i + 3);
      cell.value = v;
      cell.numFmt = COUNT;
    });
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      font(cell, { bold });
      cell.border = THIN;
      cell.alignment = {
        horizontal: col === 1 ? 'center' : col === 2 ? 'left' : 'right',
        wrapText: col === 2,
      };
    });
    row.commit();
  };
  const kindTotals = WORK_ORDER_KINDS.map(() => ({ orders: 0, costVnd: 0 }));
  FUNDING_PROGRAMMES.forEach((programme, i) => {
    const items = WORK_ORDER_KINDS.map((kind) =>
      report.spending.find((s) => s.programme === programme && s.kind === kind),
    );
    const cells: number[] = [];
    let orders = 0;
    let cost = 0;
    items.forEach((item, k) => {
      cells.push(item?.orders ?? 0, item?.costVnd ?? 0);
      orders += item?.orders ?? 0;
      cost += item?.costVnd ?? 0;
      kindTotals[k].orders += item?.orders ?? 0;
      kindTotals[k].costVnd += item?.costVnd ?? 0;
    });
    line(String(i + 1), PROGRAMME_NAMES[programme], [...cells, orders, cost], false);
  });
  line(
    '',
    'Tổng cộng',
    [
      ...kindTotals.flatMap((t) => [t.orders, t.costVnd]),
      report.spendingTotal.orders,
      report.spendingTotal.costVnd,
    ],
    true,
  );
  const note = sheet.getRow(n + 2).getCell(1);
  note.value =
    'Ghi chú: Kinh phí là chi phí thực tế, nếu chưa có thì là chi phí dự toán, của các công trình nghiệm thu đưa vào sử dụng trong kỳ.';
  font(note, { italic: true, size: 10 });
  sheet.mergeCells(n + 2, 1, n + 2, width);
  signatures(sheet, n + 4, width);
  sheet.commit();
}

/** Streams the workbook into `out` and resolves once it is fully written (exceljs ends `out`). */
export async function writeXlsx(report: ProvinceReport, out: Writable): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  workbook.creator = 'loa-xa';
  workbook.created = new Date(report.generatedAt);
  mainSheet(workbook, report);
  spendingSheet(workbook, report);
  await workbook.commit();
}
