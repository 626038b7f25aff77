import {
  formatParam,
  formatSeconds,
  orderedParams,
  overrideWith,
  overrideWithout,
  paramKey,
  parseNumber,
  PARAM_WORDS,
  rangeProblem,
  setsItself,
  sourceOf,
  type EffectiveRule,
  type RuleOverride,
} from '../../../apps/console/src/pages/settings/rules-model';
import {
  attemptOutcome,
  eventsSummary,
  hasPending,
} from '../../../apps/console/src/pages/settings/webhooks-model';
import { RULES } from '../../../libs/health/src/rules';

const own: RuleOverride = {
  unitId: 'district',
  unitName: 'Huyện Cao Lộc',
  unitLevel: 'district',
  rule: 'weak_signal',
  enabled: null,
  severity: 'major',
  params: { rsrpDbm: -118 },
  revision: 3,
};

describe('settings: health-rule overrides', () => {
  it('sets one value, keeping what the unit already set', () => {
    expect(overrideWith(own, paramKey('raiseAfterS'), 60)).toEqual({
      enabled: null,
      severity: 'major',
      params: { rsrpDbm: -118, raiseAfterS: 60 },
      revision: 3,
    });
    expect(overrideWith(null, 'enabled', false)).toEqual({ enabled: false, severity: null, params: {} });
  });

  it('removes one value, or the whole override when nothing is left', () => {
    expect(overrideWithout(own, paramKey('rsrpDbm'))).toEqual({
      enabled: null,
      severity: 'major',
      params: {},
      revision: 3,
    });
    expect(overrideWithout({ ...own, severity: null }, paramKey('rsrpDbm'))).toBeNull();
  });

  it('knows which values the unit sets and who set each effective one', () => {
    expect(setsItself(own, paramKey('rsrpDbm'))).toBe(true);
    expect(setsItself(own, 'enabled')).toBe(false);
    expect(setsItself(null, 'severity')).toBe(false);
    const rule: EffectiveRule = {
      rule: 'weak_signal',
      enabled: true,
      severity: 'major',
      params: { rsrpDbm: -118 },
      from: { enabled: null, severity: 'province', params: { rsrpDbm: 'district', raiseAfterS: null } },
    };
    expect(sourceOf(rule, 'severity')).toBe('province');
    expect(sourceOf(rule, paramKey('rsrpDbm'))).toBe('district');
    expect(sourceOf(rule, paramKey('hysteresisDb'))).toBeNull();
  });

  it('reads numbers as typed', () => {
    expect(parseNumber('-118')).toBe(-118);
    expect(parseNumber(' 1,5 ')).toBe(1.5);
    expect(parseNumber('')).toBeNaN();
    expect(parseNumber('10 phút')).toBeNaN();
  });
});

describe('settings: parameters in words', () => {
  it('has Vietnamese words for every parameter of every rule', () => {
    for (const rule of Object.values(RULES))
      for (const name of Object.keys(rule.params)) expect(PARAM_WORDS[name]?.label.vi).toBeTruthy();
  });

  it('lists the rule-specific parameters before the damping ones', () => {
    expect(orderedParams(RULES.weak_signal.params).slice(0, 3)).toEqual([
      'rsrpDbm',
      'hysteresisDb',
      'raiseAfterS',
    ]);
  });

  it('formats durations, sizes and signal the way people read them', () => {
    expect(formatSeconds(600, 'vi')).toBe('10 phút');
    expect(formatSeconds(5400, 'vi')).toBe('1 giờ 30 phút');
    expect(formatSeconds(0, 'vi')).toBe('ngay lập tức');
    expect(formatSeconds(90061, 'en')).toBe('1 d 1 h 1 min 1 s');
    expect(formatParam(-115, 'dBm', 'vi')).toBe('-115 dBm');
    expect(formatParam(1000, 'ms', 'vi')).toBe('1 giây');
    expect(formatParam(250, 'ms', 'vi')).toBe('250 mili giây');
    expect(formatParam(2048, 'MiB', 'vi')).toBe('2 GB');
    expect(formatParam(0, 'count', 'vi')).toBe('không xét');
    expect(formatParam(20, '%', 'vi')).toBe('20%');
  });

  it('explains a value out of range with the bounds and the unit', () => {
    expect(rangeProblem(-200, RULES.weak_signal.params.rsrpDbm, 'vi')).toBe(
      'Giá trị phải từ -156 đến -31 dBm.',
    );
    expect(rangeProblem(-118, RULES.weak_signal.params.rsrpDbm, 'vi')).toBeNull();
  });
});

describe('settings: webhooks in words', () => {
  it('summarises the events', () => {
    const all = ['alert.opened', 'alert.acknowledged', 'alert.resolved', 'alert.updated', 'alert.group'];
    expect(eventsSummary(all, 'vi')).toBe('Mọi thay đổi (gộp khi nhiều)');
    expect(eventsSummary(['alert.opened'], 'vi')).toBe('Có cảnh báo mới');
  });

  it('says what an attempt got back', () => {
    expect(attemptOutcome({ statusCode: 200, error: null }, 'vi')).toBe('HTTP 200');
    expect(attemptOutcome({ statusCode: null, error: 'ECONNREFUSED' }, 'vi')).toBe('ECONNREFUSED');
    expect(attemptOutcome({ statusCode: null, error: null }, 'vi')).toBe('Không có phản hồi');
    expect(hasPending([{ status: 'succeeded' }, { status: 'pending' }])).toBe(true);
  });
});
