/** Telemetry history → chart series (pure: unit-tested with the chart scaling). */
import type { Point } from '../../ui/line-chart-scale';

export interface TelemetrySample {
  receivedAt: string;
  rsrp: number | null;
  rssi: number | null;
  batteryV: number | null;
  tempC: number | null;
  volume: number;
  storageFreeMb: number;
}

export type SeriesKey = 'volume' | 'rsrp' | 'rssi' | 'batteryV' | 'tempC' | 'storageFreeMb';

export const RANGES = { '6h': 6 * 3_600_000, '24h': 24 * 3_600_000, '7d': 7 * 24 * 3_600_000 } as const;
export type RangeKey = keyof typeof RANGES;

/** One series: the samples where the figure is known, in time order. */
export function series(samples: readonly TelemetrySample[], key: SeriesKey): Point[] {
  const out: Point[] = [];
  for (const s of samples) {
    const v = s[key];
    if (typeof v === 'number' && Number.isFinite(v)) out.push({ t: new Date(s.receivedAt).getTime(), v });
  }
  return out;
}

/** Offset of a time zone from UTC at an instant, ms (Asia/Ho_Chi_Minh → 7 h). */
export function zoneOffsetMs(timeZone: string, at = Date.now()): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return local - Math.floor(at / 1000) * 1000;
}
