import type { AlertSeverity, WebhookEvent } from '@loa-xa/persistence';
import type { AlertChange, AlertChangeKind, AlertView } from '../health/alert-events';
import {
  GROUP_LIST_MAX,
  commonPath,
  planNotifications,
  selectChanges,
  type AlertGroup,
} from './notification-grouping';

const PROVINCE = 'p';
const DISTRICT_A = `${PROVINCE}/dA`;
const DISTRICT_B = `${PROVINCE}/dB`;

let seq = 0;
function change(
  kind: AlertChangeKind,
  commune: string,
  overrides: Partial<AlertView> = {},
  at = new Date(Date.UTC(2026, 2, 12, 7, 0, seq)).toISOString(),
): AlertChange {
  seq++;
  const communeId = commune.split('/').pop()!;
  return {
    seq,
    kind,
    at,
    alert: {
      id: `alert-${seq}`,
      clusterId: `cluster-${seq}`,
      clusterCode: `LS-${String(seq).padStart(4, '0')}`,
      clusterName: `Cụm loa ${seq}`,
      communeId,
      communeName: `Xã ${communeId}`,
      unitPath: commune,
      villageId: null,
      villageName: null,
      rule: 'offline',
      severity: 'critical',
      state: kind === 'resolved' ? 'resolved' : 'open',
      since: at,
      openedAt: at,
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
      updatedAt: at,
      ...overrides,
    },
  };
}

const ALL: ReadonlySet<WebhookEvent> = new Set([
  'alert.opened',
  'alert.acknowledged',
  'alert.resolved',
  'alert.updated',
  'alert.group',
]);
const groups = (plan: ReturnType<typeof planNotifications>): AlertGroup[] =>
  plan.flatMap((n) => (n.type === 'group' ? [n.group] : []));

describe('notification grouping', () => {
  it('sends each change singly below ALERT_GROUP_MIN', () => {
    const changes = [change('opened', `${DISTRICT_A}/c1`), change('opened', `${DISTRICT_A}/c1`)];
    const plan = planNotifications(changes, ALL, 3);
    expect(plan.map((n) => n.type)).toEqual(['single', 'single']);
  });

  it('turns 50 changes of one rule in one commune into one group naming the commune', () => {
    const changes = Array.from({ length: 50 }, () => change('opened', `${DISTRICT_A}/c1`));
    const [group, ...rest] = groups(planNotifications(changes, ALL, 3));
    expect(rest).toEqual([]);
    expect(group).toMatchObject({
      kind: 'opened',
      rule: 'offline',
      count: 50,
      unitPath: `${DISTRICT_A}/c1`,
      unitId: 'c1',
      communes: [{ id: 'c1', name: 'Xã c1', count: 50 }],
    });
    expect(group.alerts).toHaveLength(50);
    expect(group.firstAt <= group.lastAt).toBe(true);
  });

  it('names the lowest common unit of communes in two districts, and counts per commune', () => {
    const changes = [
      ...Array.from({ length: 3 }, () => change('opened', `${DISTRICT_A}/c1`)),
      ...Array.from({ length: 2 }, () => change('opened', `${DISTRICT_B}/c2`)),
    ];
    const [group] = groups(planNotifications(changes, ALL, 3));
    expect(group.unitPath).toBe(PROVINCE);
    expect(group.unitId).toBe(PROVINCE);
    expect(group.communes).toEqual([
      { id: 'c1', name: 'Xã c1', count: 3 },
      { id: 'c2', name: 'Xã c2', count: 2 },
    ]);
  });

  it('groups per (kind, rule): other rules and kinds stay single', () => {
    const changes = [
      ...Array.from({ length: 3 }, () => change('opened', `${DISTRICT_A}/c1`)),
      change('opened', `${DISTRICT_A}/c1`, { rule: 'amp_fault' }),
      change('resolved', `${DISTRICT_A}/c1`),
    ];
    const plan = planNotifications(changes, ALL, 3);
    expect(plan.map((n) => (n.type === 'group' ? `group:${n.group.rule}` : n.change.alert.rule))).toEqual([
      'group:offline',
      'amp_fault',
      'offline',
    ]);
  });

  it('takes the highest severity and lists at most GROUP_LIST_MAX alerts', () => {
    const severities: AlertSeverity[] = ['minor', 'major', 'minor'];
    const changes = Array.from({ length: GROUP_LIST_MAX + 20 }, (_, i) =>
      change('opened', `${DISTRICT_A}/c1`, { severity: severities[i % 3] }),
    );
    const [group] = groups(planNotifications(changes, ALL, 3));
    expect(group.severity).toBe('major');
    expect(group.count).toBe(GROUP_LIST_MAX + 20);
    expect(group.alerts).toHaveLength(GROUP_LIST_MAX);
    expect(group.alerts[0].id).toBe(changes[0].alert.id);
  });

  it('counts distinct alerts: one alert updated many times is no storm', () => {
    const first = change('updated', `${DISTRICT_A}/c1`);
    const again = { ...first, seq: first.seq + 100 };
    const plan = planNotifications([first, again, { ...first, seq: first.seq + 101 }], ALL, 3);
    expect(plan.map((n) => n.type)).toEqual(['single', 'single', 'single']);
  });

  it('without alert.group every change comes singly', () => {
    const changes = Array.from({ length: 5 }, () => change('opened', `${DISTRICT_A}/c1`));
    const plan = planNotifications(changes, new Set<WebhookEvent>(['alert.opened']), 3);
    expect(plan).toHaveLength(5);
    expect(plan.every((n) => n.type === 'single')).toBe(true);
  });

  it('groups and singles only of the kinds a recipient takes', () => {
    const changes = [
      ...Array.from({ length: 4 }, () => change('resolved', `${DISTRICT_A}/c1`)),
      change('opened', `${DISTRICT_A}/c1`),
      change('acknowledged', `${DISTRICT_A}/c1`),
    ];
    const plan = planNotifications(changes, new Set<WebhookEvent>(['alert.opened', 'alert.group']), 3);
    expect(plan.map((n) => n.type)).toEqual(['single']);
    expect(plan[0].type === 'single' && plan[0].change.kind).toBe('opened');
  });

  it('a recipient of alert.group alone gets storms of every kind and nothing else', () => {
    const changes = [
      ...Array.from({ length: 3 }, () => change('resolved', `${DISTRICT_A}/c1`)),
      change('opened', `${DISTRICT_A}/c1`),
    ];
    const plan = planNotifications(changes, new Set<WebhookEvent>(['alert.group']), 3);
    expect(plan.map((n) => (n.type === 'group' ? n.group.kind : 'single'))).toEqual(['resolved']);
  });

  it('selects by unit (whole path segments) and minimum severity', () => {
    const inA = change('opened', `${DISTRICT_A}/c1`, { severity: 'major' });
    const minorInA = change('opened', `${DISTRICT_A}/c1`, { severity: 'minor' });
    const lookalike = change('opened', `${DISTRICT_A}x/c9`, { severity: 'critical' });
    const inB = change('opened', `${DISTRICT_B}/c2`, { severity: 'critical' });
    const all = [inA, minorInA, lookalike, inB];
    expect(selectChanges(all, { paths: [DISTRICT_A], events: ALL, minSeverity: 'major' })).toEqual([inA]);
    expect(selectChanges(all, { paths: null, events: ALL, minSeverity: 'minor' })).toEqual(all);
    expect(
      selectChanges(all, { paths: [DISTRICT_A, DISTRICT_B], events: ALL, minSeverity: 'critical' }),
    ).toEqual([inB]);
  });

  it('finds the lowest common path on whole segments', () => {
    expect(commonPath(['p/d1/c1', 'p/d1/c2'])).toBe('p/d1');
    expect(commonPath(['p/d1/c1', 'p/d10/c2'])).toBe('p');
    expect(commonPath(['p/d1/c1'])).toBe('p/d1/c1');
    expect(commonPath(['p/d1/c1', 'q/d2/c3'])).toBeNull();
    expect(commonPath([])).toBeNull();
  });
});
