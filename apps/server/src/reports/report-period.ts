import { localDayBounds } from '@loa-xa/schedule';
import { validationFailed } from '../common/validation';

/** A report period may span at most this many local days (two years, a leap day included). */
export const MAX_PERIOD_DAYS = 731;

/** A period of local dates, `to` inclusive, and the instants it covers. */
export interface ReportPeriod {
  /** YYYY-MM-DD, local. */
  from: string;
  /** YYYY-MM-DD, local, inclusive. */
  to: string;
  timeZone: string;
  /** Local midnight starting `from`. */
  start: Date;
  /** Local midnight ending `to` (exclusive). */
  end: Date;
}

const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;

/**
 * Checks the order and length of a period whose dates the DTO already checked (YYYY-MM-DD, existing days)
 * and turns it into instants in `timeZone`.
 */
export function reportPeriod(from: string, to: string, timeZone: string): ReportPeriod {
  const days = dayNumber(to) - dayNumber(from) + 1;
  if (days < 1)
    throw validationFailed([{ field: 'from', rule: 'beforeTo', message: 'from must not be after to' }]);
  if (days > MAX_PERIOD_DAYS)
    throw validationFailed([
      {
        field: 'to',
        rule: 'maxPeriod',
        message: `the period from ${from} to ${to} spans ${days} days; at most ${MAX_PERIOD_DAYS} are allowed`,
      },
    ]);
  return {
    from,
    to,
    timeZone,
    start: new Date(localDayBounds(from, timeZone).from),
    end: new Date(localDayBounds(to, timeZone).to),
  };
}

/** dd/mm/yyyy, as official documents write dates. */
export function vnDate(date: string): string {
  const [y, m, d] = date.split('-');
  return `${d}/${m}/${y}`;
}

/**
 * [from, to) split at local midnights into windows of at most `days` days, so long computations can yield
 * between windows.
 */
export function periodWindows(period: ReportPeriod, days: number): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  const last = dayNumber(period.to);
  for (let first = dayNumber(period.from); first <= last; first += days) {
    const through = Math.min(first + days - 1, last);
    const date = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10);
    out.push({
      from: localDayBounds(date(first), period.timeZone).from,
      to: localDayBounds(date(through), period.timeZone).to,
    });
  }
  return out;
}
