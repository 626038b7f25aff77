import type { Writable } from 'node:stream';
import type { ProvinceReport, ReportFormat } from './province-report.model';
import { writeCsv, writeJson } from './report-text';
import { writeXlsx } from './report-xlsx';

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** bao-cao-<unit code>-<from>-<to>.<format> */
export function reportFilename(
  report: Pick<ProvinceReport, 'unit' | 'period'>,
  format: ReportFormat,
): string {
  const code = report.unit.code.replace(/[^A-Za-z0-9._-]/g, '_');
  return `bao-cao-${code}-${report.period.from}-${report.period.to}.${format}`;
}

/** Writes the report in `format` into `out` and ends it. */
export function renderReport(report: ProvinceReport, format: ReportFormat, out: Writable): Promise<void> {
  switch (format) {
    case 'xlsx':
      return writeXlsx(report, out);
    case 'csv':
      return writeCsv(report, out);
    case 'json':
      return writeJson(report, out);
  }
}
