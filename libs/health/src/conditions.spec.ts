import { PROTOCOL_VERSION, type Telemetry } from '@loa-xa/protocol';
import { evaluate, type ClusterSnapshot } from './conditions';
import { defaultRules, effectiveRules } from './settings';

const telemetry = (over: Partial<Telemetry> = {}): Telemetry => ({
  v: PROTOCOL_VERSION,
  ts: 0,
  seq: 1,
  net: { type: '4g', rsrp: -95 },
  power: { source: 'mains', batteryPct: 100 },
  amp: 'ok',
  line: 'ok',
  volume: 70,
  storageFreeMb: 2000,
  clockOffsetMs: 5,
  playing: null,
  ...over,
});

const snapshot = (over: Partial<ClusterSnapshot> = {}): ClusterSnapshot => ({
  online: true,
  presenceSince: 1000,
  lastSeenAt: 1000,
  telemetry: telemetry(),
  faults: new Set(),
  manifest: null,
  missed: null,
  ...over,
});

describe('rule conditions', () => {
  const rules = defaultRules();

  it('a healthy online cluster has every judged condition clear', () => {
    const c = evaluate(snapshot(), rules);
    for (const [rule, condition] of Object.entries(c))
      expect([rule, condition.active]).toEqual([rule, false]);
    expect(Object.keys(c)).toEqual(
      expect.arrayContaining(['offline', 'amp_fault', 'weak_signal', 'storage_low']),
    );
  });

  it('offline dates from the disconnect; a cluster never seen is not judged', () => {
    expect(evaluate(snapshot({ online: false, presenceSince: 5000 }), rules).offline).toMatchObject({
      active: true,
      at: 5000,
    });
    expect(
      evaluate(snapshot({ online: false, presenceSince: null, lastSeenAt: 42 }), rules).offline,
    ).toMatchObject({
      active: true,
      at: 42,
    });
    expect(
      evaluate(snapshot({ online: false, presenceSince: null, lastSeenAt: null }), rules).offline,
    ).toBeUndefined();
  });

  it('telemetry rules hold their state while the cluster is offline', () => {
    const c = evaluate(snapshot({ online: false, telemetry: telemetry({ amp: 'fault' }) }), rules);
    expect(c.amp_fault).toBeUndefined();
    expect(c.weak_signal).toBeUndefined();
  });

  it('reads faults from telemetry and from device events alike', () => {
    expect(evaluate(snapshot({ telemetry: telemetry({ amp: 'fault' }) }), rules).amp_fault?.active).toBe(
      true,
    );
    expect(evaluate(snapshot({ faults: new Set(['amp_fault']) }), rules).amp_fault?.active).toBe(true);
    expect(evaluate(snapshot({ telemetry: telemetry({ line: 'short' }) }), rules).speaker_line).toMatchObject(
      {
        active: true,
        value: { line: 'short' },
      },
    );
    expect(evaluate(snapshot({ faults: new Set(['line_open']) }), rules).speaker_line?.value).toEqual({
      line: 'open',
    });
    expect(evaluate(snapshot({ faults: new Set(['mains_lost']) }), rules).on_battery?.active).toBe(true);
    expect(evaluate(snapshot({ faults: new Set(['clock_unsynced']) }), rules).clock_offset?.active).toBe(
      true,
    );
    expect(evaluate(snapshot({ faults: new Set(['storage_low']) }), rules).storage_low?.active).toBe(true);
  });

  it('compares measurements with the unit’s thresholds', () => {
    const weak = snapshot({ telemetry: telemetry({ net: { type: '4g', rsrp: -118 } }) });
    expect(evaluate(weak, rules).weak_signal).toMatchObject({
      active: true,
      value: { rsrpDbm: -118, limit: -115 },
    });
    const lenient = effectiveRules([
      { unitId: 'c', overrides: [{ rule: 'weak_signal', params: { rsrpDbm: -120 } }] },
    ]);
    expect(evaluate(weak, lenient.rules).weak_signal?.active).toBe(false);
    expect(
      evaluate(snapshot({ telemetry: telemetry({ power: { source: 'battery', batteryPct: 15 } }) }), rules),
    ).toMatchObject({ on_battery: { active: true }, battery_low: { active: true } });
    expect(
      evaluate(snapshot({ telemetry: telemetry({ clockOffsetMs: -1500 }) }), rules).clock_offset?.active,
    ).toBe(true);
    expect(
      evaluate(snapshot({ telemetry: telemetry({ storageFreeMb: 50 }) }), rules).storage_low?.active,
    ).toBe(true);
  });

  it('measurements have hysteresis: a weak signal or low battery recovers only clearly above the limit', () => {
    const at = (rsrp: number, holding?: Set<'weak_signal'>) =>
      evaluate(snapshot({ telemetry: telemetry({ net: { type: '4g', rsrp } }), holding }), rules).weak_signal
        ?.active;
    expect(at(-116)).toBe(true);
    expect(at(-114)).toBe(false);
    expect(at(-114, new Set(['weak_signal']))).toBe(true); // within 3 dB of the limit: still weak
    expect(at(-111.9, new Set(['weak_signal']))).toBe(false);
    const battery = (batteryPct: number, holding?: Set<'battery_low'>) =>
      evaluate(
        snapshot({ telemetry: telemetry({ power: { source: 'battery', batteryPct } }), holding }),
        rules,
      ).battery_low?.active;
    expect(battery(22)).toBe(false);
    expect(battery(22, new Set(['battery_low']))).toBe(true);
    expect(battery(25, new Set(['battery_low']))).toBe(false);
  });

  it('a disabled rule is not evaluated', () => {
    const off = effectiveRules([{ unitId: 'c', overrides: [{ rule: 'amp_fault', enabled: false }] }]);
    expect(evaluate(snapshot({ faults: new Set(['amp_fault']) }), off.rules).amp_fault).toBeUndefined();
  });

  it('manifest not acknowledged counts from publication or reconnection, whichever is later', () => {
    const m = (ackedVersion: number | null) => ({ version: 3, publishedAt: 2000, ackedVersion });
    expect(evaluate(snapshot({ manifest: m(2), presenceSince: 1000 }), rules).manifest_unacked).toMatchObject(
      {
        active: true,
        at: 2000,
      },
    );
    expect(evaluate(snapshot({ manifest: m(null), presenceSince: 9000 }), rules).manifest_unacked?.at).toBe(
      9000,
    );
    expect(evaluate(snapshot({ manifest: m(3) }), rules).manifest_unacked?.active).toBe(false);
  });

  it('a missed occurrence is reported with its id and start', () => {
    const c = evaluate(snapshot({ missed: { occurrenceId: 's@20261124T0530', start: 7000 } }), rules);
    expect(c.missed_broadcast).toMatchObject({
      active: true,
      at: 7000,
      value: { occurrenceId: 's@20261124T0530' },
    });
  });
});
