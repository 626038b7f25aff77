import {
  isDate,
  localDayStart,
  matchPreset,
  nextDay,
  periodProblem,
  presetPeriod,
  todayIn,
  vnDate,
} from '../../../apps/console/src/pages/reports/period';
import {
  headerGroups,
  humanDuration,
  isEmptyRow,
  kindTotals,
  REPORT_COLUMNS,
} from '../../../apps/console/src/pages/reports/report-table';
import { FIGURE_KEYS } from '../../../apps/server/src/reports/report-text';
import type { ReportFigures, SpendingItem } from '../../../apps/console/src/pages/reports/types';

describe('report periods', () => {
  it('gives whole calendar months, quarters and years around today', () => {
    expect(presetPeriod('thisMonth', '2024-02-10')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(presetPeriod('lastMonth', '2025-01-15')).toEqual({ from: '2024-12-01', to: '2024-12-31' });
    expect(presetPeriod('thisQuarter', '2025-05-31')).toEqual({ from: '2025-04-01', to: '2025-06-30' });
    expect(presetPeriod('lastQuarter', '2025-02-01')).toEqual({ from: '2024-10-01', to: '2024-12-31' });
    expect(presetPeriod('thisYear', '2025-07-01')).toEqual({ from: '2025-01-01', to: '2025-12-31' });
    expect(matchPreset({ from: '2025-04-01', to: '2025-06-30' }, '2025-05-31')).toBe('thisQuarter');
    expect(matchPreset({ from: '2025-04-01', to: '2025-06-29' }, '2025-05-31')).toBeNull();
  });

  it('knows today and midnight in the server’s zone, not the browser’s', () => {
    // 17:30 UTC on 31 May is already 1 June in Hà Nội (UTC+7).
    expect(todayIn('Asia/Ho_Chi_Minh', new Date('2025-05-31T17:30:00Z'))).toBe('2025-06-01');
    expect(todayIn('Asia/Ho_Chi_Minh', new Date('2025-05-31T16:30:00Z'))).toBe('2025-05-31');
    expect(localDayStart('2025-06-01', 'Asia/Ho_Chi_Minh')).toBe('2025-05-31T17:00:00.000Z');
    expect(localDayStart('2025-03-30', 'Europe/Berlin')).toBe('2025-03-29T23:00:00.000Z');
    expect(localDayStart('2025-03-31', 'Europe/Berlin')).toBe('2025-03-30T22:00:00.000Z');
    expect(nextDay('2024-02-28')).toBe('2024-02-29');
    expect(nextDay('2024-12-31')).toBe('2025-01-01');
  });

  it('checks a period as the server does', () => {
    expect(periodProblem('2025-06-01', '2025-06-30')).toBeNull();
    expect(periodProblem('2025-06-30', '2025-06-01')).toEqual({ field: 'from', problem: 'order' });
    expect(periodProblem('2024-01-01', '2025-12-31')).toBeNull(); // 731 days
    expect(periodProblem('2024-01-01', '2026-01-01')).toEqual({ field: 'to', problem: 'long' });
    expect(periodProblem('2025-02-30', '2025-03-01')).toEqual({ field: 'from', problem: 'date' });
    expect(isDate('2024-02-29')).toBe(true);
    expect(isDate('2025-02-29')).toBe(false);
    expect(vnDate('2025-06-01')).toBe('01/06/2025');
  });
});

describe('the report table', () => {
  it('has the official columns of the XLSX, in order, under merged headers', () => {
    // The XLSX prints every figure of the CSV but the raw milliseconds.
    expect(REPORT_COLUMNS.map((c) => c.key)).toEqual(FIGURE_KEYS.filter((k) => !k.endsWith('Ms')));
    expect(headerGroups(REPORT_COLUMNS).map((g) => [g.group, g.columns.length])).toEqual([
      ['gStations', 2],
      ['gIp', 2],
      ['gWired', 2],
      ['gWireless', 2],
      [null, 1],
      ['gPeriod', 3],
      ['gVillages', 2],
      ['gHours', 2],
      [null, 1],
      [null, 1],
    ]);
  });

  it('hides only communes with nothing at all', () => {
    const zero = Object.fromEntries(REPORT_COLUMNS.map((c) => [c.key, 0])) as unknown as ReportFigures;
    expect(isEmptyRow({ ...zero, uptimePercent: null, scheduledHours: null })).toBe(true);
    expect(isEmptyRow({ ...zero, villages: 3 })).toBe(false);
    expect(isEmptyRow({ ...zero, uptimePercent: 0 })).toBe(true);
  });

  it('folds the 5 × 3 spending items into one line per programme', () => {
    const item = (
      programme: string,
      kind: SpendingItem['kind'],
      orders: number,
      costVnd: number,
    ): SpendingItem => ({
      programme,
      programmeName: programme.toUpperCase(),
      kind,
      orders,
      costVnd,
      ordersWithoutCost: 0,
    });
    expect(
      kindTotals([
        item('ntp_new_rural', 'new_station', 2, 100),
        item('ntp_new_rural', 'replacement', 1, 50),
        item('ntp_new_rural', 'expansion', 0, 0),
        item('other', 'new_station', 0, 0),
      ]),
    ).toEqual([
      {
        programme: 'ntp_new_rural',
        programmeName: 'NTP_NEW_RURAL',
        new_station: 2,
        replacement: 1,
        expansion: 0,
        orders: 3,
        costVnd: 150,
      },
      {
        programme: 'other',
        programmeName: 'OTHER',
        new_station: 0,
        replacement: 0,
        expansion: 0,
        orders: 0,
        costVnd: 0,
      },
    ]);
  });

  it('says durations in the two largest units', () => {
    expect(humanDuration(0, 'vi')).toBe('0 phút');
    expect(humanDuration(42_000, 'vi')).toBe('42 giây');
    expect(humanDuration(5_400_000, 'vi')).toBe('1 giờ 30 phút');
    expect(humanDuration(3 * 86_400_000 + 7_200_000, 'vi')).toBe('3 ngày 2 giờ');
    expect(humanDuration(5_400_000, 'en')).toBe('1 h 30 min');
  });
});
