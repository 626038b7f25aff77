import { RULES, RULE_IDS } from './rules';
import { checkOverride, defaultRules, effectiveRules } from './settings';

describe('rule settings', () => {
  it('every rule has damping parameters within their bounds', () => {
    for (const id of RULE_IDS) {
      for (const name of ['raiseAfterS', 'clearAfterS', 'flapCount', 'flapWindowS', 'flapClearS'])
        expect(RULES[id].params[name]).toBeDefined();
      for (const spec of Object.values(RULES[id].params)) {
        expect(spec.default).toBeGreaterThanOrEqual(spec.min);
        expect(spec.default).toBeLessThanOrEqual(spec.max);
      }
    }
    expect(defaultRules().offline.params.raiseAfterS).toBe(600);
  });

  it('applies overrides from the province down, the most specific unit winning per parameter', () => {
    const { rules, provenance } = effectiveRules([
      {
        unitId: 'province',
        overrides: [{ rule: 'weak_signal', params: { rsrpDbm: -110, raiseAfterS: 60 } }],
      },
      { unitId: 'district', overrides: [{ rule: 'weak_signal', severity: 'major' }] },
      {
        unitId: 'commune',
        overrides: [
          { rule: 'weak_signal', params: { rsrpDbm: -120 } },
          { rule: 'clock_offset', enabled: false },
        ],
      },
    ]);
    expect(rules.weak_signal).toMatchObject({ enabled: true, severity: 'major' });
    expect(rules.weak_signal.params).toMatchObject({ rsrpDbm: -120, raiseAfterS: 60, clearAfterS: 600 });
    expect(provenance.weak_signal).toMatchObject({
      severity: 'district',
      params: { rsrpDbm: 'commune', raiseAfterS: 'province', clearAfterS: null },
    });
    expect(rules.clock_offset.enabled).toBe(false);
    expect(rules.offline).toEqual(defaultRules().offline);
  });

  it('null and absent fields inherit', () => {
    const { rules } = effectiveRules([
      { unitId: 'p', overrides: [{ rule: 'offline', enabled: false, severity: 'minor' }] },
      { unitId: 'c', overrides: [{ rule: 'offline', enabled: null, severity: null, params: {} }] },
    ]);
    expect(rules.offline).toMatchObject({ enabled: false, severity: 'minor' });
  });

  it('names the parameter at fault', () => {
    expect(checkOverride('weak_signal', { params: { rsrpDbm: -200 } })).toEqual([
      { field: 'params.rsrpDbm', message: expect.stringContaining('between -156 and -31') },
    ]);
    expect(checkOverride('offline', { params: { rsrpDbm: -100 } })[0]).toMatchObject({
      field: 'params.rsrpDbm',
      message: expect.stringContaining('offline has no parameter rsrpDbm'),
    });
    expect(checkOverride('offline', { params: { raiseAfterS: Number.NaN } })[0].field).toBe(
      'params.raiseAfterS',
    );
    expect(checkOverride('offline', { severity: 'urgent' as never })[0].field).toBe('severity');
    expect(checkOverride('battery_low', { params: { batteryPct: 30 }, severity: 'major' })).toEqual([]);
  });
});
