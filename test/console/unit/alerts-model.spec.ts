import { RULE_IDS as ENGINE_RULES, SEVERITIES as ENGINE_SEVERITIES } from '@loa-xa/health';
import {
  acknowledgeable,
  actorIsMe,
  actorName,
  apiQuery,
  applyChange,
  countBySeverity,
  filterFromQuery,
  learnNames,
  matches,
  ruleLabel,
  RULE_WORDS,
  SEVERITY_WORDS,
  unknownActors,
  type AlertFilter,
  type AlertView,
} from '../../../apps/console/src/pages/alerts/alerts-model';

const PROVINCE = '11111111-1111-4111-8111-111111111111';
const COMMUNE = '22222222-2222-4222-8222-222222222222';
const VILLAGE = '33333333-3333-4333-8333-333333333333';

function alert(overrides: Partial<AlertView> = {}): AlertView {
  return {
    id: 'a1',
    clusterId: 'c1',
    clusterCode: 'LS-1',
    clusterName: 'Cụm loa thôn Nà Pàn',
    communeId: COMMUNE,
    communeName: 'Xã Hoàng Đồng',
    unitPath: `${PROVINCE}/${COMMUNE}`,
    villageId: VILLAGE,
    villageName: 'Thôn Nà Pàn',
    rule: 'amp_fault',
    severity: 'critical',
    state: 'open',
    since: '2026-11-24T03:00:00.000Z',
    openedAt: '2026-11-24T03:00:00.000Z',
    detail: null,
    value: null,
    flapping: false,
    acknowledgedAt: null,
    acknowledgedBy: null,
    ackNote: null,
    clearedAt: null,
    resolvedAt: null,
    resolution: null,
    resolvedBy: null,
    updatedAt: '2026-11-24T03:00:00.000Z',
    ...overrides,
  };
}

const ACTIVE: AlertFilter = { state: 'active' };

describe('alerts inbox model', () => {
  it('has Vietnamese and English words for every rule and severity of the health engine', () => {
    for (const rule of ENGINE_RULES) {
      expect(RULE_WORDS[rule]?.vi).toBeTruthy();
      expect(RULE_WORDS[rule]?.en).toBeTruthy();
    }
    expect(Object.keys(RULE_WORDS).sort()).toEqual([...ENGINE_RULES].sort());
    for (const s of ENGINE_SEVERITIES) expect(SEVERITY_WORDS[s].vi).toBeTruthy();
    expect(ruleLabel('amp_fault', 'vi')).toBe('Hỏng bộ khuếch đại (âm ly)');
    // A rule added later still reads as words, not as an identifier.
    expect(ruleLabel('new_rule', 'en')).toBe('new rule');
  });

  it('reads the filter from the URL, ignoring what it does not know', () => {
    expect(filterFromQuery(new URLSearchParams(''))).toEqual({ state: 'active' });
    expect(
      filterFromQuery(new URLSearchParams(`state=resolved&severity=major&rule=offline&unit=${COMMUNE}`)),
    ).toEqual({ state: 'resolved', severity: 'major', rule: 'offline', unitId: COMMUNE });
    expect(filterFromQuery(new URLSearchParams('state=x&severity=huge&rule=nope&unit=abc'))).toEqual({
      state: 'active',
    });
    expect(apiQuery({ state: 'open', severity: 'minor', unitId: COMMUNE })).toEqual({
      state: 'open',
      severity: 'minor',
      unitId: COMMUNE,
    });
  });

  it('matches alerts like the server list does', () => {
    expect(matches(alert(), ACTIVE)).toBe(true);
    expect(matches(alert({ state: 'acknowledged' }), ACTIVE)).toBe(true);
    expect(matches(alert({ state: 'resolved' }), ACTIVE)).toBe(false);
    expect(matches(alert({ state: 'resolved' }), { state: 'all' })).toBe(true);
    expect(matches(alert({ state: 'acknowledged' }), { state: 'open' })).toBe(false);
    expect(matches(alert(), { state: 'active', severity: 'minor' })).toBe(false);
    expect(matches(alert(), { state: 'active', rule: 'offline' })).toBe(false);
    expect(matches(alert(), { state: 'active', unitId: PROVINCE })).toBe(true);
    expect(matches(alert(), { state: 'active', unitId: VILLAGE })).toBe(true);
    expect(matches(alert(), { state: 'active', unitId: '44444444-4444-4444-8444-444444444444' })).toBe(false);
  });

  it('puts a new alert on top, replaces a changed one and drops one that no longer fits', () => {
    const first = alert();
    const added = applyChange([first], { alert: alert({ id: 'a2' }) }, ACTIVE);
    expect(added.items.map((a) => a.id)).toEqual(['a2', 'a1']);
    expect(added).toMatchObject({ added: true, removed: false, totalDelta: 1 });

    const acked = alert({ state: 'acknowledged', updatedAt: '2026-11-24T03:05:00.000Z' });
    const replaced = applyChange(added.items, { alert: acked }, ACTIVE);
    expect(replaced.items[1].state).toBe('acknowledged');
    expect(replaced).toMatchObject({ added: false, removed: false, totalDelta: 0 });

    // A late, older copy does not undo the newer one.
    expect(applyChange(replaced.items, { alert: first }, ACTIVE).items[1].state).toBe('acknowledged');

    const resolved = alert({ state: 'resolved', updatedAt: '2026-11-24T03:10:00.000Z' });
    const dropped = applyChange(replaced.items, { alert: resolved }, ACTIVE);
    expect(dropped.items.map((a) => a.id)).toEqual(['a2']);
    expect(dropped).toMatchObject({ removed: true, totalDelta: -1 });

    // On a later page a newcomer only counts.
    const later = applyChange([first], { alert: alert({ id: 'a3' }) }, ACTIVE, false);
    expect(later.items).toEqual([first]);
    expect(later).toMatchObject({ added: true, totalDelta: 1 });

    // Not for this view: nothing changes.
    expect(
      applyChange(
        [first],
        { alert: alert({ id: 'a4', severity: 'minor' }) },
        { state: 'active', severity: 'critical' },
      ),
    ).toMatchObject({ added: false, totalDelta: 0 });
  });

  it('selects only open alerts for acknowledgement, and counts by severity', () => {
    const items = [alert(), alert({ id: 'a2', state: 'acknowledged' }), alert({ id: 'a3' })];
    expect(acknowledgeable(items, new Set(['a1', 'a2', 'zz']))).toEqual(['a1']);
    expect(
      countBySeverity([
        { severity: 'critical', open: 2, acknowledged: 1 },
        { severity: 'minor', open: 0, acknowledged: 4 },
        { severity: 'critical', open: 1, acknowledged: 0 },
      ]),
    ).toEqual({ critical: 4, major: 0, minor: 4 });
    expect(actorIsMe('user:u1', 'u1')).toBe(true);
    expect(actorIsMe('user:u2', 'u1')).toBe(false);
    expect(actorIsMe(null, 'u1')).toBe(false);
  });

  it('names who acknowledged and closed: from the answer, else from names learnt, asking once per unknown actor', () => {
    const names = new Map<string, string>();
    learnNames(names, [
      alert({ acknowledgedBy: 'user:u2', acknowledgedByName: 'Nguyễn Văn An' }),
      alert({ id: 'a2', resolvedBy: 'api_key:k1', resolvedByName: 'Tổng đài' }),
      alert({ id: 'a3', resolvedBy: 'system', resolvedByName: null }),
    ]);
    expect([...names]).toEqual([
      ['user:u2', 'Nguyễn Văn An'],
      ['api_key:k1', 'Tổng đài'],
    ]);
    // A stream change carries no names: the learnt one is used.
    expect(actorName('user:u2', undefined, names)).toBe('Nguyễn Văn An');
    expect(actorName('user:u2', 'Tên mới', names)).toBe('Tên mới');
    expect(actorName('user:u9', null, names)).toBeNull();
    expect(actorName(null, null, names)).toBeNull();
    // Unknown people and keys are asked for, once each; not me, not the system.
    expect(unknownActors(alert({ acknowledgedBy: 'user:u9', resolvedBy: 'user:u9' }), names, 'u1')).toEqual([
      'user:u9',
    ]);
    expect(unknownActors(alert({ acknowledgedBy: 'user:u1', resolvedBy: 'system' }), names, 'u1')).toEqual(
      [],
    );
    expect(
      unknownActors(alert({ acknowledgedBy: 'user:u2', resolvedBy: 'api_key:k2' }), names, 'u1'),
    ).toEqual(['api_key:k2']);
    expect(
      unknownActors(alert({ acknowledgedBy: 'user:u9', acknowledgedByName: 'An' }), names, 'u1'),
    ).toEqual([]);
  });
});
