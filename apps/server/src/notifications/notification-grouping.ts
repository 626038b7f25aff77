import type { AlertSeverity, WebhookEvent } from '@loa-xa/persistence';
import {
  ALERT_CHANGE_KINDS,
  type AlertChange,
  type AlertChangeKind,
  type AlertView,
} from '../health/alert-events';

/*
 * Which alert changes a recipient gets, and how a storm becomes one notification. Pure: the dispatcher
 * feeds it the changes of one window and the recipient's filter, and turns the plan into deliveries.
 */

export const SEVERITY_RANK: Record<AlertSeverity, number> = { critical: 3, major: 2, minor: 1 };

/** Alerts of a group listed by id and cluster code (the count covers them all). */
export const GROUP_LIST_MAX = 100;

/** What a recipient has asked for. */
export interface RecipientFilter {
  /** Unit paths the recipient covers (a unit and everything below); null = everything. */
  paths: string[] | null;
  events: ReadonlySet<WebhookEvent>;
  minSeverity: AlertSeverity;
}

export interface GroupedAlert {
  id: string;
  clusterId: string;
  clusterCode: string;
  clusterName: string;
  communeId: string;
  severity: AlertSeverity;
}

export interface CommuneCount {
  id: string;
  name: string;
  count: number;
}

/** Many alerts of one rule that changed the same way in one window. */
export interface AlertGroup {
  kind: AlertChangeKind;
  rule: string;
  /** The highest severity among them. */
  severity: AlertSeverity;
  /** Distinct alerts. */
  count: number;
  /** Lowest common unit of their communes: its path, and its id (the path's last segment); null when none. */
  unitPath: string | null;
  unitId: string | null;
  /** Per commune, most alerts first. */
  communes: CommuneCount[];
  /** The first GROUP_LIST_MAX alerts, in the order they changed. */
  alerts: GroupedAlert[];
  /** Earliest and latest change. */
  firstAt: string;
  lastAt: string;
}

export type PlannedNotification =
  { type: 'single'; change: AlertChange } | { type: 'group'; group: AlertGroup };

const inPaths = (paths: string[] | null, path: string): boolean =>
  paths === null || paths.some((p) => path === p || path.startsWith(`${p}/`));

/** The changes a recipient may get: alerts under its unit, at or above its severity. */
export function selectChanges(changes: readonly AlertChange[], filter: RecipientFilter): AlertChange[] {
  const min = SEVERITY_RANK[filter.minSeverity];
  return changes.filter(
    (c) => inPaths(filter.paths, c.alert.unitPath) && (SEVERITY_RANK[c.alert.severity] ?? 0) >= min,
  );
}

/**
 * The notifications for one recipient's changes of one window. Only changes of the kinds the recipient
 * takes count (`alert.opened`…; one that takes none of them but `alert.group` gets groups of every kind).
 * For each (kind, rule), when at least `groupMin` distinct alerts changed and the recipient takes
 * `alert.group`, they become one group; otherwise each change is a notification of its own. Order follows
 * the first change of each notification.
 */
export function planNotifications(
  changes: readonly AlertChange[],
  events: ReadonlySet<WebhookEvent>,
  groupMin: number,
): PlannedNotification[] {
  const singles = (kind: AlertChangeKind) => events.has(`alert.${kind}`);
  const takesAnyKind = ALERT_CHANGE_KINDS.some(singles);
  const buckets = new Map<string, AlertChange[]>();
  for (const change of changes) {
    if (takesAnyKind && !singles(change.kind)) continue;
    const key = `${change.kind}\u0000${change.alert.rule}`;
    const bucket = buckets.get(key);
    if (bucket) bucket.push(change);
    else buckets.set(key, [change]);
  }
  const planned: { order: number; notification: PlannedNotification }[] = [];
  const position = new Map(changes.map((c, i) => [c, i]));
  for (const bucket of buckets.values()) {
    const distinct = new Set(bucket.map((c) => c.alert.id)).size;
    if (events.has('alert.group') && distinct >= groupMin) {
      planned.push({
        order: position.get(bucket[0])!,
        notification: { type: 'group', group: groupOf(bucket) },
      });
      continue;
    }
    for (const change of bucket)
      if (singles(change.kind))
        planned.push({ order: position.get(change)!, notification: { type: 'single', change } });
  }
  return planned.sort((a, b) => a.order - b.order).map((p) => p.notification);
}

/** One group from changes of one kind and rule (the latest change of each alert counts). */
export function groupOf(changes: readonly AlertChange[]): AlertGroup {
  const latest = new Map<string, AlertView>();
  for (const change of changes) latest.set(change.alert.id, change.alert);
  const alerts = [...latest.values()];
  const communes = new Map<string, CommuneCount>();
  let severity: AlertSeverity = 'minor';
  for (const alert of alerts) {
    const commune = communes.get(alert.communeId);
    if (commune) commune.count++;
    else communes.set(alert.communeId, { id: alert.communeId, name: alert.communeName, count: 1 });
    if (SEVERITY_RANK[alert.severity] > SEVERITY_RANK[severity]) severity = alert.severity;
  }
  const unitPath = commonPath(alerts.map((a) => a.unitPath));
  const times = changes.map((c) => c.at).sort();
  return {
    kind: changes[0].kind,
    rule: changes[0].alert.rule,
    severity,
    count: alerts.length,
    unitPath,
    unitId: unitPath === null ? null : unitPath.slice(unitPath.lastIndexOf('/') + 1),
    communes: [...communes.values()].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name, 'vi')),
    alerts: alerts.slice(0, GROUP_LIST_MAX).map((a) => ({
      id: a.id,
      clusterId: a.clusterId,
      clusterCode: a.clusterCode,
      clusterName: a.clusterName,
      communeId: a.communeId,
      severity: a.severity,
    })),
    firstAt: times[0],
    lastAt: times[times.length - 1],
  };
}

/** The longest path all of `paths` lie under (whole segments), or null when they share no root. */
export function commonPath(paths: readonly string[]): string | null {
  if (paths.length === 0) return null;
  let common = paths[0].split('/');
  for (const path of paths.slice(1)) {
    const segments = path.split('/');
    let n = 0;
    while (n < common.length && n < segments.length && common[n] === segments[n]) n++;
    common = common.slice(0, n);
    if (common.length === 0) return null;
  }
  return common.join('/') || null;
}
