/*
 * The columns of the provincial report in the order of the official appendix (the XLSX), and small pure
 * helpers over its rows. No DOM here, so it is unit-tested.
 */
import type { ReportKey } from './messages';
import type { ReportFigures, SpendingItem } from './types';

export interface ReportColumn {
  key: keyof ReportFigures;
  /** The merged header above it (null: the column spans both header rows). */
  group: ReportKey | null;
  label: ReportKey;
  digits: number;
}

export const REPORT_COLUMNS: ReportColumn[] = [
  { key: 'stationsIp', group: 'gStations', label: 'stationsIp', digits: 0 },
  { key: 'stationsOther', group: 'gStations', label: 'stationsOther', digits: 0 },
  { key: 'ipWorking', group: 'gIp', label: 'working', digits: 0 },
  { key: 'ipBroken', group: 'gIp', label: 'broken', digits: 0 },
  { key: 'fmWiredWorking', group: 'gWired', label: 'working', digits: 0 },
  { key: 'fmWiredBroken', group: 'gWired', label: 'broken', digits: 0 },
  { key: 'fmWirelessWorking', group: 'gWireless', label: 'working', digits: 0 },
  { key: 'fmWirelessBroken', group: 'gWireless', label: 'broken', digits: 0 },
  { key: 'fmConnectedToIp', group: null, label: 'fmConnectedToIp', digits: 0 },
  { key: 'newStations', group: 'gPeriod', label: 'newStations', digits: 0 },
  { key: 'replacements', group: 'gPeriod', label: 'replacements', digits: 0 },
  { key: 'expansions', group: 'gPeriod', label: 'expansions', digits: 0 },
  { key: 'villages', group: 'gVillages', label: 'villages', digits: 0 },
  { key: 'villagesCovered', group: 'gVillages', label: 'villagesCovered', digits: 0 },
  { key: 'scheduledHours', group: 'gHours', label: 'scheduledHours', digits: 2 },
  { key: 'playedHours', group: 'gHours', label: 'playedHours', digits: 2 },
  { key: 'uptimePercent', group: null, label: 'uptimePercent', digits: 2 },
  { key: 'openAlerts', group: null, label: 'openAlerts', digits: 0 },
];

/** Runs of columns under the same merged header, in order (a null group is a run of one). */
export function headerGroups(
  columns: ReportColumn[],
): { group: ReportKey | null; columns: ReportColumn[] }[] {
  const out: { group: ReportKey | null; columns: ReportColumn[] }[] = [];
  for (const c of columns) {
    const last = out[out.length - 1];
    if (c.group && last?.group === c.group) last.columns.push(c);
    else out.push({ group: c.group, columns: [c] });
  }
  return out;
}

/** A commune with nothing to report: no station, cluster, village, work, broadcast, observation or alert. */
export function isEmptyRow(f: ReportFigures): boolean {
  return REPORT_COLUMNS.every((c) => {
    const v = f[c.key];
    return v === null || v === 0;
  });
}

export interface ProgrammeSpending {
  programme: string;
  programmeName: string;
  new_station: number;
  replacement: number;
  expansion: number;
  orders: number;
  costVnd: number;
}

/** The 5 × 3 spending items as one line per programme (orders by kind, with the programme's sums). */
export function kindTotals(items: SpendingItem[]): ProgrammeSpending[] {
  const byProgramme = new Map<string, ProgrammeSpending>();
  for (const item of items) {
    let p = byProgramme.get(item.programme);
    if (!p) {
      p = {
        programme: item.programme,
        programmeName: item.programmeName,
        new_station: 0,
        replacement: 0,
        expansion: 0,
        orders: 0,
        costVnd: 0,
      };
      byProgramme.set(item.programme, p);
    }
    p[item.kind] += item.orders;
    p.orders += item.orders;
    p.costVnd += item.costVnd;
  }
  return [...byProgramme.values()];
}

/** 0 → "0 phút", 5_400_000 → "1 giờ 30 phút", 3 days → "3 ngày 0 giờ": the two largest units, rounded down. */
export function humanDuration(ms: number, lang: 'vi' | 'en'): string {
  const words =
    lang === 'vi' ? { d: 'ngày', h: 'giờ', m: 'phút', s: 'giây' } : { d: 'd', h: 'h', m: 'min', s: 's' };
  const total = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (d) return `${d} ${words.d} ${h} ${words.h}`;
  if (h) return `${h} ${words.h} ${m} ${words.m}`;
  if (m || !s) return `${m} ${words.m}`;
  return `${s} ${words.s}`;
}
