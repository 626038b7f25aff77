import type { AlertChange, AlertChangeKind, AlertView } from '../health/alert-events';
import type { AlertSeverity, UnitLevel } from '@loa-xa/persistence';
import { ruleNameVi, type UnitInfo } from './alert-names';
import {
  GROUP_LIST_MAX,
  type AlertGroup,
  type CommuneCount,
  type GroupedAlert,
} from './notification-grouping';

/* The JSON bodies webhooks receive (docs/webhooks.md shows them). */

export interface AlertPayload {
  event: `alert.${AlertChangeKind}`;
  deliveryId: string;
  at: string;
  alert: AlertView;
}

export interface GroupPayload {
  event: 'alert.group';
  deliveryId: string;
  at: string;
  group: {
    kind: AlertChangeKind;
    rule: string;
    ruleName: string;
    severity: AlertSeverity;
    count: number;
    unit: { id: string; name: string; type: string | null; level: UnitLevel; path: string } | null;
    communes: CommuneCount[];
    alerts: GroupedAlert[];
    /** More alerts than the list holds (it keeps the first GROUP_LIST_MAX). */
    truncated: boolean;
    firstAt: string;
    lastAt: string;
  };
}

export interface PingPayload {
  event: 'ping';
  deliveryId: string;
  at: string;
  webhook: { id: string; name: string };
}

export function alertPayload(deliveryId: string, change: AlertChange): AlertPayload {
  return { event: `alert.${change.kind}`, deliveryId, at: change.at, alert: change.alert };
}

export function groupPayload(deliveryId: string, group: AlertGroup, unit: UnitInfo | null): GroupPayload {
  return {
    event: 'alert.group',
    deliveryId,
    at: group.lastAt,
    group: {
      kind: group.kind,
      rule: group.rule,
      ruleName: ruleNameVi(group.rule),
      severity: group.severity,
      count: group.count,
      unit: unit
        ? { id: unit.id, name: unit.name, type: unit.type, level: unit.level, path: unit.path }
        : null,
      communes: group.communes,
      alerts: group.alerts,
      truncated: group.count > GROUP_LIST_MAX,
      firstAt: group.firstAt,
      lastAt: group.lastAt,
    },
  };
}

export function pingPayload(
  deliveryId: string,
  webhook: { id: string; name: string },
  at: Date,
): PingPayload {
  return { event: 'ping', deliveryId, at: at.toISOString(), webhook: { id: webhook.id, name: webhook.name } };
}
