import type { Writable } from 'node:stream';
import { csvLine } from '../audit/csv';
import type { ProvinceReport, ReportFigures } from './province-report.model';
import { finish, put } from './stream-out';

/* The provincial report as CSV (the main table) and as the JSON feed, both streamed row by row. */

export const FIGURE_KEYS = [
  'stationsIp',
  'stationsOther',
  'ipWorking',
  'ipBroken',
  'fmWiredWorking',
  'fmWiredBroken',
  'fmWirelessWorking',
  'fmWirelessBroken',
  'fmConnectedToIp',
  'newStations',
  'replacements',
  'expansions',
  'villages',
  'villagesCovered',
  'scheduledHours',
  'playedHours',
  'scheduledMs',
  'playedMs',
  'uptimePercent',
  'onlineMs',
  'observedMs',
  'openAlerts',
] as const satisfies readonly (keyof ReportFigures)[];

export const CSV_COLUMNS = [
  'level',
  'stt',
  'unitId',
  'code',
  'name',
  'districtCode',
  ...FIGURE_KEYS,
] as const;

const BATCH = 200;

/** UTF-8 with a BOM; one line per district subtotal and commune in print order, then the total (level `total`). */
export async function writeCsv(report: ProvinceReport, out: Writable): Promise<void> {
  await put(out, `\uFEFF${csvLine([...CSV_COLUMNS])}`);
  const figures = (f: ReportFigures) => FIGURE_KEYS.map((k) => f[k]);
  let lines: string[] = [];
  for (const r of report.rows) {
    lines.push(csvLine([r.level, r.stt, r.unitId, r.code, r.name, r.districtCode, ...figures(r.figures)]));
    if (lines.length === BATCH) {
      await put(out, lines.join(''));
      lines = [];
    }
  }
  lines.push(
    csvLine([
      'total',
      '',
      report.unit.id,
      report.unit.code,
      report.unit.name,
      null,
      ...figures(report.totals),
    ]),
  );
  await put(out, lines.join(''));
  await finish(out);
}

/** The JSON feed: the head first, then the rows a batch at a time, then totals and spending. */
export async function writeJson(report: ProvinceReport, out: Writable): Promise<void> {
  const { rows, totals, spending, spendingTotal, ...head } = report;
  const opening = JSON.stringify(head);
  await put(out, `${opening.slice(0, -1)},"rows":[`);
  for (let i = 0; i < rows.length; i += BATCH)
    await put(
      out,
      `${i ? ',' : ''}${rows
        .slice(i, i + BATCH)
        .map((r) => JSON.stringify(r))
        .join(',')}`,
    );
  await put(
    out,
    `],"totals":${JSON.stringify(totals)},"spending":${JSON.stringify(spending)},"spendingTotal":${JSON.stringify(spendingTotal)}}`,
  );
  await finish(out);
}
