import {
  FUNDING_PROGRAMMES,
  WORK_ORDER_KINDS,
  type FundingProgramme,
  type UnitEra,
  type UnitLevel,
  type WorkOrderKind,
} from '@loa-xa/persistence';
import { uptimePercent } from './availability-rollup';

/* The provincial report as data: its shape (the JSON feed, schema v1), labels, and the pure roll-up. */

export const REPORT_SCHEMA = 'loa-xa/province-report/v1';
export const REPORT_FORMATS = ['xlsx', 'csv', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Vietnamese names of the funding programmes, as official documents write them. */
export const PROGRAMME_NAMES: Record<FundingProgramme, string> = {
  ntp_poverty_reduction: 'CTMTQG Giảm nghèo bền vững',
  ntp_new_rural: 'CTMTQG Xây dựng nông thôn mới',
  ntp_ethnic_minority: 'CTMTQG Phát triển KT-XH vùng đồng bào DTTS và miền núi',
  local_budget: 'Ngân sách địa phương',
  other: 'Nguồn khác',
};

export const KIND_NAMES: Record<WorkOrderKind, string> = {
  new_station: 'Thiết lập mới',
  replacement: 'Thay thế',
  expansion: 'Mở rộng',
};

/** The figures of one row (commune, district subtotal or total). */
export interface ReportFigures {
  stationsIp: number;
  stationsOther: number;
  ipWorking: number;
  ipBroken: number;
  fmWiredWorking: number;
  fmWiredBroken: number;
  fmWirelessWorking: number;
  fmWirelessBroken: number;
  fmConnectedToIp: number;
  newStations: number;
  replacements: number;
  expansions: number;
  villages: number;
  villagesCovered: number;
  /** null when no schedule source is known. */
  scheduledMs: number | null;
  scheduledHours: number | null;
  playedMs: number;
  playedHours: number;
  onlineMs: number;
  observedMs: number;
  uptimePercent: number | null;
  openAlerts: number;
}

/** The additive figures a commune gets from the queries (the derived ones are computed from them). */
export type CountFigures = Omit<
  ReportFigures,
  'scheduledHours' | 'playedHours' | 'uptimePercent' | 'scheduledMs'
> & {
  scheduledMs: number;
};

export const COUNT_KEYS = [
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
  'scheduledMs',
  'playedMs',
  'onlineMs',
  'observedMs',
  'openAlerts',
] as const satisfies readonly (keyof CountFigures)[];

export function zeroCounts(): CountFigures {
  return Object.fromEntries(COUNT_KEYS.map((k) => [k, 0])) as CountFigures;
}

export interface ReportRow {
  level: 'district' | 'commune';
  /** Numbering as printed: Roman numerals for districts, 1, 2, … for communes within their group. */
  stt: string;
  unitId: string;
  /** GSO code. */
  code: string;
  name: string;
  /** The district a commune belongs to (pre-2025 tree); null otherwise. */
  districtCode: string | null;
  figures: ReportFigures;
}

export interface SpendingItem {
  programme: FundingProgramme;
  programmeName: string;
  kind: WorkOrderKind;
  /** Orders commissioned in the period. */
  orders: number;
  /** Sum of actual cost, else planned cost, VND. */
  costVnd: number;
  /** Orders with neither cost (counted in `orders`, adding 0). */
  ordersWithoutCost: number;
}

export interface ProvinceReport {
  schema: typeof REPORT_SCHEMA;
  generatedAt: string;
  timeZone: string;
  period: { from: string; to: string; start: string; end: string };
  unit: { id: string; code: string; name: string; level: UnitLevel; era: UnitEra; lineage: string[] };
  scheduledKnown: boolean;
  rows: ReportRow[];
  totals: ReportFigures;
  spending: SpendingItem[];
  spendingTotal: { orders: number; costVnd: number };
}

const HOUR_MS = 3_600_000;
const hours = (ms: number) => Math.round((ms / HOUR_MS) * 100) / 100;

export function derive(c: CountFigures, scheduledKnown: boolean): ReportFigures {
  return {
    ...c,
    scheduledMs: scheduledKnown ? c.scheduledMs : null,
    scheduledHours: scheduledKnown ? hours(c.scheduledMs) : null,
    playedHours: hours(c.playedMs),
    uptimePercent: uptimePercent(c.onlineMs, c.observedMs),
  };
}

function addInto(sum: CountFigures, c: CountFigures): void {
  for (const k of COUNT_KEYS) sum[k] += c[k];
}

const ROMAN: [number, string][] = [
  [1000, 'M'],
  [900, 'CM'],
  [500, 'D'],
  [400, 'CD'],
  [100, 'C'],
  [90, 'XC'],
  [50, 'L'],
  [40, 'XL'],
  [10, 'X'],
  [9, 'IX'],
  [5, 'V'],
  [4, 'IV'],
  [1, 'I'],
];

export function roman(n: number): string {
  let out = '';
  for (const [value, letters] of ROMAN) for (; n >= value; n -= value) out += letters;
  return out;
}

export interface CommuneUnit {
  id: string;
  code: string;
  name: string;
  /** The district above it (pre-2025 tree), else null. */
  districtId: string | null;
  /** Merged away before the period began: shown only when it still has figures. */
  retired: boolean;
}

export interface DistrictUnit {
  id: string;
  code: string;
  name: string;
}

/**
 * Rows in print order: each district (by code) as a subtotal row followed by its communes, or the communes
 * alone when there is no district level (post-2025 tree, or a report on one commune); and the total.
 */
export function buildRows(
  districts: readonly DistrictUnit[],
  communes: readonly CommuneUnit[],
  counts: ReadonlyMap<string, CountFigures>,
  scheduledKnown: boolean,
): { rows: ReportRow[]; totals: ReportFigures } {
  const total = zeroCounts();
  const shown = communes
    .filter((c) => !c.retired || COUNT_KEYS.some((k) => (counts.get(c.id)?.[k] ?? 0) !== 0))
    .sort((a, b) => a.code.localeCompare(b.code));
  const communeRow = (c: CommuneUnit, stt: number, districtCode: string | null): ReportRow => {
    const figures = counts.get(c.id) ?? zeroCounts();
    addInto(total, figures);
    return {
      level: 'commune',
      stt: String(stt),
      unitId: c.id,
      code: c.code,
      name: c.name,
      districtCode,
      figures: derive(figures, scheduledKnown),
    };
  };
  const rows: ReportRow[] = [];
  if (districts.length === 0) {
    shown.forEach((c, i) => rows.push(communeRow(c, i + 1, null)));
  } else {
    const sorted = [...districts].sort((a, b) => a.code.localeCompare(b.code));
    sorted.forEach((d, i) => {
      const members = shown.filter((c) => c.districtId === d.id);
      const sum = zeroCounts();
      for (const c of members) addInto(sum, counts.get(c.id) ?? zeroCounts());
      rows.push({
        level: 'district',
        stt: roman(i + 1),
        unitId: d.id,
        code: d.code,
        name: d.name,
        districtCode: null,
        figures: derive(sum, scheduledKnown),
      });
      members.forEach((c, j) => rows.push(communeRow(c, j + 1, d.code)));
    });
  }
  return { rows, totals: derive(total, scheduledKnown) };
}

/** The programme × kind table, every combination present (zeros included) so the feed's shape is fixed. */
export function spendingTable(
  found: readonly { programme: string; kind: string; orders: number; costVnd: number; withoutCost: number }[],
): { spending: SpendingItem[]; spendingTotal: { orders: number; costVnd: number } } {
  const spending: SpendingItem[] = [];
  const total = { orders: 0, costVnd: 0 };
  for (const programme of FUNDING_PROGRAMMES)
    for (const kind of WORK_ORDER_KINDS) {
      const hit = found.filter((f) => f.programme === programme && f.kind === kind);
      const orders = hit.reduce((s, f) => s + f.orders, 0);
      const costVnd = hit.reduce((s, f) => s + f.costVnd, 0);
      spending.push({
        programme,
        programmeName: PROGRAMME_NAMES[programme],
        kind,
        orders,
        costVnd,
        ordersWithoutCost: hit.reduce((s, f) => s + f.withoutCost, 0),
      });
      total.orders += orders;
      total.costVnd += costVnd;
    }
  return { spending, spendingTotal: total };
}
