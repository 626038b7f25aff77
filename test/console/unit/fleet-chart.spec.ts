import {
  downsample,
  linePath,
  linearScale,
  nearest,
  niceStep,
  timeTicks,
  typicalStep,
  valueDomain,
} from '../../../apps/console/src/ui/line-chart-scale';
import { series, zoneOffsetMs } from '../../../apps/console/src/pages/fleet/telemetry-series';

const HOUR = 3_600_000;

describe('line chart scaling', () => {
  it('maps a domain onto pixels, a flat domain to the middle', () => {
    const y = linearScale([0, 100], [200, 0]);
    expect(y(0)).toBe(200);
    expect(y(25)).toBe(150);
    expect(y(100)).toBe(0);
    expect(linearScale([5, 5], [0, 10])(5)).toBe(5);
  });

  it('picks 1-2-2.5-5 steps', () => {
    expect(niceStep(0, 100, 4)).toBe(25);
    expect(niceStep(-110, -80, 4)).toBe(10);
    expect(niceStep(12.1, 13.9, 4)).toBe(0.5);
    expect(niceStep(0, 0, 4)).toBe(1);
  });

  it('widens the value axis to whole steps unless bounds are fixed', () => {
    expect(valueDomain([-96, -83])).toEqual({ domain: [-100, -80], ticks: [-100, -95, -90, -85, -80] });
    expect(valueDomain([70, 35], { min: 0, max: 100 })).toEqual({
      domain: [0, 100],
      ticks: [0, 25, 50, 75, 100],
    });
    // A flat series still gets an axis around its value.
    const flat = valueDomain([70, 70, 70]);
    expect(flat.domain[0]).toBeLessThan(70);
    expect(flat.domain[1]).toBeGreaterThan(70);
    expect(valueDomain([]).domain).toEqual([0, 1]);
  });

  it('puts time ticks on round local hours', () => {
    const offset = 7 * HOUR; // Việt Nam
    const to = Date.UTC(2026, 10, 24, 3, 17); // 10:17 local
    const ticks = timeTicks(to - 24 * HOUR, to, 5, offset);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.length).toBeLessThanOrEqual(5);
    for (const tick of ticks) expect((tick + offset) % (6 * HOUR)).toBe(0);
    expect(timeTicks(to, to, 5)).toEqual([]);
  });

  it('downsamples to bucket means, keeping short series as they are', () => {
    const points = Array.from({ length: 1000 }, (_, i) => ({ t: i * 1000, v: i % 2 ? 10 : 0 }));
    const small = downsample(points, 100);
    expect(small).toHaveLength(100);
    for (const p of small) expect(p.v).toBeCloseTo(5, 0);
    expect(downsample(points.slice(0, 10), 100)).toHaveLength(10);
  });

  it('breaks the line where the data stopped', () => {
    const x = (t: number) => t;
    const y = (v: number) => v;
    const points = [
      { t: 0, v: 1 },
      { t: 10, v: 2 },
      { t: 20, v: 3 },
      { t: 500, v: 4 },
      { t: 510, v: 5 },
    ];
    expect(typicalStep(points)).toBe(10);
    expect(linePath(points, x, y, 30)).toBe('M0.0,1.0L10.0,2.0L20.0,3.0M500.0,4.0L510.0,5.0');
    expect(linePath(points, x, y)).not.toContain('M500');
  });

  it('finds the point nearest the pointer', () => {
    const points = [0, 10, 20, 30].map((t) => ({ t, v: t }));
    expect(nearest(points, 14)?.t).toBe(10);
    expect(nearest(points, 16)?.t).toBe(20);
    expect(nearest(points, 99)?.t).toBe(30);
    expect(nearest([], 5)).toBeNull();
  });
});

describe('telemetry series', () => {
  it('keeps the samples where the figure is known', () => {
    const base = { rsrp: -90, rssi: null, tempC: null, volume: 70, storageFreeMb: 2000 };
    const samples = [
      { ...base, receivedAt: '2026-11-24T03:00:00.000Z', batteryV: 13.1 },
      { ...base, receivedAt: '2026-11-24T03:01:00.000Z', batteryV: null },
    ];
    expect(series(samples, 'batteryV')).toEqual([{ t: Date.UTC(2026, 10, 24, 3), v: 13.1 }]);
    expect(series(samples, 'volume')).toHaveLength(2);
    expect(series(samples, 'tempC')).toEqual([]);
  });

  it("knows Việt Nam's offset from UTC", () => {
    expect(zoneOffsetMs('Asia/Ho_Chi_Minh', Date.UTC(2026, 0, 1))).toBe(7 * HOUR);
    expect(zoneOffsetMs('UTC')).toBe(0);
  });
});
