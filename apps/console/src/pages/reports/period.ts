/*
 * Report periods as local dates (YYYY-MM-DD) in the server's time zone: presets and the instants a
 * local day starts at. No DOM here, so it is unit-tested.
 */

export type PeriodPreset = 'thisMonth' | 'lastMonth' | 'thisQuarter' | 'lastQuarter' | 'thisYear';
export const PERIOD_PRESETS: PeriodPreset[] = [
  'thisMonth',
  'lastMonth',
  'thisQuarter',
  'lastQuarter',
  'thisYear',
];

export interface Period {
  from: string;
  to: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const iso = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;
/** Days in month `m` (1–12) of year `y`. */
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** Today's local date in `timeZone`. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** Whole calendar ranges (both ends inclusive) around `today` (YYYY-MM-DD). */
export function presetPeriod(preset: PeriodPreset, today: string): Period {
  const [y, m] = today.split('-').map(Number);
  const month = (year: number, mon: number): Period => ({
    from: iso(year, mon, 1),
    to: iso(year, mon, daysIn(year, mon)),
  });
  const quarter = (year: number, q: number): Period => ({
    from: iso(year, q * 3 + 1, 1),
    to: iso(year, q * 3 + 3, daysIn(year, q * 3 + 3)),
  });
  const q = Math.floor((m - 1) / 3);
  switch (preset) {
    case 'thisMonth':
      return month(y, m);
    case 'lastMonth':
      return m === 1 ? month(y - 1, 12) : month(y, m - 1);
    case 'thisQuarter':
      return quarter(y, q);
    case 'lastQuarter':
      return q === 0 ? quarter(y - 1, 3) : quarter(y, q - 1);
    case 'thisYear':
      return { from: iso(y, 1, 1), to: iso(y, 12, 31) };
  }
}

/** The preset a period is exactly, if any (to highlight its button). */
export function matchPreset(period: Period, today: string): PeriodPreset | null {
  return (
    PERIOD_PRESETS.find((p) => {
      const r = presetPeriod(p, today);
      return r.from === period.from && r.to === period.to;
    }) ?? null
  );
}

export function isDate(value: string | null | undefined): value is string {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const [y, m, d] = value.split('-').map(Number);
  return m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m);
}

/** The date after `date` (YYYY-MM-DD). */
export function nextDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + 1));
  return iso(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** Offset of `timeZone` from UTC at `instant`, in minutes (Asia/Ho_Chi_Minh: +420). */
function offsetMinutes(timeZone: string, instant: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60_000);
}

/** The instant (ISO 8601 UTC) local midnight starts `date` in `timeZone`. */
export function localDayStart(date: string, timeZone: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const guess = Date.UTC(y, m - 1, d);
  // Two passes settle the offset even on a day the zone changes it.
  let instant = guess - offsetMinutes(timeZone, guess) * 60_000;
  instant = guess - offsetMinutes(timeZone, instant) * 60_000;
  return new Date(instant).toISOString();
}

export const MAX_PERIOD_DAYS = 731;

export type PeriodProblem = { field: 'from' | 'to'; problem: 'date' | 'order' | 'long' };

/** What is wrong with a period before asking the server (which says the same with a 400). */
export function periodProblem(from: string, to: string): PeriodProblem | null {
  if (!isDate(from)) return { field: 'from', problem: 'date' };
  if (!isDate(to)) return { field: 'to', problem: 'date' };
  const day = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;
  const days = day(to) - day(from) + 1;
  if (days < 1) return { field: 'from', problem: 'order' };
  if (days > MAX_PERIOD_DAYS) return { field: 'to', problem: 'long' };
  return null;
}

/** dd/mm/yyyy, as official documents write dates. */
export function vnDate(date: string): string {
  const [y, m, d] = date.split('-');
  return `${d}/${m}/${y}`;
}
