import type { AlertResolution, AlertSeverity, AlertState } from '@loa-xa/persistence';
import type { AlertView } from './alert-events';

/** The columns every alert view needs (alias a = alert, c = cluster, u = commune, v = village). */
export const ALERT_VIEW_SELECT = `a.id, a.cluster_id, c.code AS cluster_code, c.name AS cluster_name,
  a.commune_id, u.name AS commune_name, a.unit_path, c.village_id, v.name AS village_name, a.rule,
  a.severity, a.state, a.since, a.opened_at, a.detail, a.value, a.flapping, a.acknowledged_at,
  a.acknowledged_by, a.ack_note, a.cleared_at, a.resolved_at, a.resolution, a.resolved_by, a.updated_at`;

export const ALERT_VIEW_FROM = `alert a JOIN cluster c ON c.id = a.cluster_id
  JOIN admin_unit u ON u.id = a.commune_id LEFT JOIN admin_unit v ON v.id = c.village_id`;

/**
 * Display names of who acknowledged and who resolved (a user's name, or an API key's name), for HTTP answers
 * only: one join per actor column, resolved by primary key, never a lookup per row. Needs ALERT_ACTOR_FROM.
 */
export const ALERT_ACTOR_SELECT = `COALESCE(ack_u.display_name, ack_k.name) AS acknowledged_by_name,
  COALESCE(res_u.display_name, res_k.name) AS resolved_by_name`;

/** Actors are stored as `user:<uuid>` / `api_key:<id>`; the CASE keeps a malformed one from failing a cast. */
const actorJoin = (column: string, alias: string) => `
  LEFT JOIN app_user ${alias}_u ON ${alias}_u.id = (CASE WHEN ${column} ~ '^user:[0-9a-fA-F-]{36}$'
    THEN substr(${column}, 6)::uuid END)
  LEFT JOIN api_key ${alias}_k ON ${alias}_k.id = (CASE WHEN left(${column}, 8) = 'api_key:'
    THEN substr(${column}, 9) END)`;
export const ALERT_ACTOR_FROM = actorJoin('a.acknowledged_by', 'ack') + actorJoin('a.resolved_by', 'res');

export interface AlertRow {
  id: string;
  cluster_id: string;
  cluster_code: string;
  cluster_name: string;
  commune_id: string;
  commune_name: string;
  unit_path: string;
  village_id: string | null;
  village_name: string | null;
  rule: string;
  severity: AlertSeverity;
  state: AlertState;
  since: Date | string;
  opened_at: Date | string;
  detail: string | null;
  value: Record<string, unknown> | string | null;
  flapping: boolean;
  acknowledged_at: Date | string | null;
  acknowledged_by: string | null;
  ack_note: string | null;
  cleared_at: Date | string | null;
  resolved_at: Date | string | null;
  resolution: AlertResolution | null;
  resolved_by: string | null;
  updated_at: Date | string;
  /** Only when ALERT_ACTOR_SELECT is selected. */
  acknowledged_by_name?: string | null;
  resolved_by_name?: string | null;
}

/** An alert as the HTTP API answers it: the view plus who acknowledged/resolved it, by name. */
export interface AlertApiView extends AlertView {
  acknowledgedByName: string | null;
  resolvedByName: string | null;
}

const iso = (value: Date | string) => new Date(value).toISOString();
const isoOrNull = (value: Date | string | null) => (value === null ? null : iso(value));

export function toAlertView(r: AlertRow): AlertView {
  return {
    id: r.id,
    clusterId: r.cluster_id,
    clusterCode: r.cluster_code,
    clusterName: r.cluster_name,
    communeId: r.commune_id,
    communeName: r.commune_name,
    unitPath: r.unit_path,
    villageId: r.village_id,
    villageName: r.village_name,
    rule: r.rule,
    severity: r.severity,
    state: r.state,
    since: iso(r.since),
    openedAt: iso(r.opened_at),
    detail: r.detail,
    value: typeof r.value === 'string' ? (JSON.parse(r.value) as Record<string, unknown>) : r.value,
    flapping: r.flapping,
    acknowledgedAt: isoOrNull(r.acknowledged_at),
    acknowledgedBy: r.acknowledged_by,
    ackNote: r.ack_note,
    clearedAt: isoOrNull(r.cleared_at),
    resolvedAt: isoOrNull(r.resolved_at),
    resolution: r.resolution,
    resolvedBy: r.resolved_by,
    updatedAt: iso(r.updated_at),
  };
}

/** For HTTP answers (the bus, webhooks and email keep toAlertView: no names there). */
export function toAlertApiView(r: AlertRow): AlertApiView {
  return {
    ...toAlertView(r),
    acknowledgedByName: r.acknowledged_by_name ?? null,
    resolvedByName: r.resolved_by_name ?? null,
  };
}
