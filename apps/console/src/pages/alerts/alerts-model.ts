/*
 * Pure alert logic for the inbox (no DOM, no preact): words for rules, severities and states, the filter
 * an alert must pass, and how a change from the SSE stream updates the list on screen.
 */

export type Severity = 'critical' | 'major' | 'minor';
export type AlertState = 'open' | 'acknowledged' | 'resolved';
export type StateFilter = 'active' | 'open' | 'acknowledged' | 'resolved' | 'all';
export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'muted';
type Words = { vi: string; en: string };

/** An alert as GET /alerts and the stream give it (apps/server/src/health/alert-events.ts). */
export interface AlertView {
  id: string;
  clusterId: string;
  clusterCode: string;
  clusterName: string;
  communeId: string;
  communeName: string;
  unitPath: string;
  villageId: string | null;
  villageName: string | null;
  rule: string;
  severity: Severity;
  state: AlertState;
  since: string;
  openedAt: string;
  detail: string | null;
  value: Record<string, unknown> | null;
  flapping: boolean;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  /** Who acknowledged, by name: HTTP answers only (stream changes carry just `acknowledgedBy`). */
  acknowledgedByName?: string | null;
  ackNote: string | null;
  clearedAt: string | null;
  resolvedAt: string | null;
  resolution: 'auto' | 'manual' | null;
  resolvedBy: string | null;
  /** Who closed it by hand, by name: HTTP answers only. */
  resolvedByName?: string | null;
  updatedAt: string;
}

/** One SSE event of /alerts/stream (`data`). */
export interface AlertChange {
  seq: number;
  kind: 'opened' | 'acknowledged' | 'resolved' | 'updated';
  at: string;
  alert: AlertView;
}

export const CHANGE_KINDS = ['opened', 'acknowledged', 'resolved', 'updated'] as const;

/** Every health rule of libs/health (RULE_IDS), in words an operator understands. */
export const RULE_WORDS: Record<string, Words> = {
  offline: { vi: 'Mất kết nối', en: 'Offline' },
  amp_fault: { vi: 'Hỏng bộ khuếch đại (âm ly)', en: 'Amplifier fault' },
  speaker_line: { vi: 'Lỗi đường dây loa', en: 'Speaker line fault' },
  weak_signal: { vi: 'Sóng di động yếu', en: 'Weak mobile signal' },
  on_battery: { vi: 'Mất điện lưới, đang chạy pin', en: 'Mains lost, on battery' },
  battery_low: { vi: 'Pin yếu', en: 'Battery low' },
  clock_offset: { vi: 'Đồng hồ thiết bị bị lệch', en: 'Device clock is off' },
  storage_low: { vi: 'Bộ nhớ thiết bị sắp đầy', en: 'Device storage nearly full' },
  missed_broadcast: { vi: 'Không phát theo lịch', en: 'Missed a scheduled broadcast' },
  manifest_unacked: { vi: 'Chưa nhận lịch phát mới', en: 'New schedule not received' },
};
export const RULE_IDS = Object.keys(RULE_WORDS);

export const SEVERITIES: Severity[] = ['critical', 'major', 'minor'];
export const SEVERITY_WORDS: Record<Severity, Words> = {
  critical: { vi: 'Nghiêm trọng', en: 'Critical' },
  major: { vi: 'Lớn', en: 'Major' },
  minor: { vi: 'Nhỏ', en: 'Minor' },
};
export const SEVERITY_TONE: Record<Severity, Tone> = { critical: 'bad', major: 'warn', minor: 'info' };

export const STATE_WORDS: Record<AlertState, Words> = {
  open: { vi: 'Chưa xác nhận', en: 'Not acknowledged' },
  acknowledged: { vi: 'Đã xác nhận', en: 'Acknowledged' },
  resolved: { vi: 'Đã giải quyết', en: 'Resolved' },
};
export const STATE_TONE: Record<AlertState, Tone> = { open: 'bad', acknowledged: 'warn', resolved: 'ok' };

export const RESOLUTION_WORDS: Record<'auto' | 'manual', Words> = {
  auto: { vi: 'tự hết', en: 'cleared by itself' },
  manual: { vi: 'đóng thủ công', en: 'closed by hand' },
};

export function ruleLabel(rule: string, lang: 'vi' | 'en'): string {
  return RULE_WORDS[rule]?.[lang] ?? rule.replace(/_/g, ' ');
}

export function isSeverity(value: unknown): value is Severity {
  return value === 'critical' || value === 'major' || value === 'minor';
}

export function isStateFilter(value: unknown): value is StateFilter {
  return ['active', 'open', 'acknowledged', 'resolved', 'all'].includes(value as string);
}

/** What the inbox shows; mirrors the API's list filters. */
export interface AlertFilter {
  state: StateFilter;
  severity?: Severity;
  rule?: string;
  /** A province, district, commune or village id. */
  unitId?: string;
}

/** The filter from the page URL (unknown values are ignored, not sent). */
export function filterFromQuery(query: URLSearchParams): AlertFilter {
  const state = query.get('state');
  const severity = query.get('severity');
  const rule = query.get('rule');
  const unit = query.get('unit');
  return {
    state: isStateFilter(state) ? state : 'active',
    severity: isSeverity(severity) ? severity : undefined,
    rule: rule && rule in RULE_WORDS ? rule : undefined,
    unitId: unit && /^[0-9a-f-]{36}$/i.test(unit) ? unit : undefined,
  };
}

/** The list request's query for a filter. */
export function apiQuery(filter: AlertFilter): Record<string, string> {
  const query: Record<string, string> = { state: filter.state };
  if (filter.severity) query.severity = filter.severity;
  if (filter.rule) query.rule = filter.rule;
  if (filter.unitId) query.unitId = filter.unitId;
  return query;
}

/** Does an alert belong in the list this filter shows? (Same rules as the server's list.) */
export function matches(alert: AlertView, filter: AlertFilter): boolean {
  if (filter.state === 'active' && alert.state === 'resolved') return false;
  if (filter.state !== 'active' && filter.state !== 'all' && alert.state !== filter.state) return false;
  if (filter.severity && alert.severity !== filter.severity) return false;
  if (filter.rule && alert.rule !== filter.rule) return false;
  if (filter.unitId) {
    const inPath = alert.unitPath.split('/').includes(filter.unitId);
    if (!inPath && alert.villageId !== filter.unitId) return false;
  }
  return true;
}

export interface ListUpdate {
  items: AlertView[];
  /** Change of the list's total. */
  totalDelta: number;
  /** The alert entered the list (it is new to this view). */
  added: boolean;
  /** The alert left the list (e.g. resolved while the inbox shows active ones). */
  removed: boolean;
}

/**
 * Applies one stream change to the alerts on screen (newest first). `insert` is false on later pages: a
 * newcomer there only counts towards the total. Older updates than the one shown are ignored.
 */
export function applyChange(
  items: AlertView[],
  change: Pick<AlertChange, 'alert'>,
  filter: AlertFilter,
  insert = true,
): ListUpdate {
  const alert = change.alert;
  const index = items.findIndex((a) => a.id === alert.id);
  const fits = matches(alert, filter);
  if (index >= 0) {
    if (items[index].updatedAt > alert.updatedAt)
      return { items, totalDelta: 0, added: false, removed: false };
    if (fits) {
      const next = items.slice();
      next[index] = alert;
      return { items: next, totalDelta: 0, added: false, removed: false };
    }
    return {
      items: items.filter((a) => a.id !== alert.id),
      totalDelta: -1,
      added: false,
      removed: true,
    };
  }
  if (!fits) return { items, totalDelta: 0, added: false, removed: false };
  if (!insert) return { items, totalDelta: 1, added: true, removed: false };
  return { items: [alert, ...items], totalDelta: 1, added: true, removed: false };
}

/** Open alerts among the selected ids that can still be acknowledged. */
export function acknowledgeable(items: AlertView[], selected: ReadonlySet<string>): string[] {
  return items.filter((a) => selected.has(a.id) && a.state === 'open').map((a) => a.id);
}

/** Active alerts by severity, from GET /alerts/summary `byRule`. */
export function countBySeverity(
  byRule: { severity: string; open: number; acknowledged: number }[],
): Record<Severity, number> {
  const counts: Record<Severity, number> = { critical: 0, major: 0, minor: 0 };
  for (const row of byRule) if (isSeverity(row.severity)) counts[row.severity] += row.open + row.acknowledged;
  return counts;
}

/** "user:<id>" of the signed-in person, as the server records who acknowledged. */
export function actorIsMe(actor: string | null, meId: string): boolean {
  return actor === `user:${meId}` || actor === `api_key:${meId}`;
}

/** Actor (`user:<id>`, `api_key:<id>`) → display name, learnt from HTTP answers for stream changes. */
export type ActorNames = Map<string, string>;

/** Remembers the names the server gave with these alerts. */
export function learnNames(names: ActorNames, alerts: readonly AlertView[]): void {
  for (const a of alerts) {
    if (a.acknowledgedBy && a.acknowledgedByName) names.set(a.acknowledgedBy, a.acknowledgedByName);
    if (a.resolvedBy && a.resolvedByName) names.set(a.resolvedBy, a.resolvedByName);
  }
}

/** The name to show for who acknowledged (or resolved), if known. */
export function actorName(
  actor: string | null,
  given: string | null | undefined,
  names: ReadonlyMap<string, string>,
): string | null {
  if (!actor) return null;
  return given || names.get(actor) || null;
}

/** People or keys acting on this alert whose names are not known yet (not me, not the system). */
export function unknownActors(alert: AlertView, names: ReadonlyMap<string, string>, meId: string): string[] {
  const out: string[] = [];
  for (const [actor, given] of [
    [alert.acknowledgedBy, alert.acknowledgedByName],
    [alert.resolvedBy, alert.resolvedByName],
  ] as const) {
    if (!actor || given || names.has(actor) || actorIsMe(actor, meId)) continue;
    if (/^(user|api_key):/.test(actor) && !out.includes(actor)) out.push(actor);
  }
  return out;
}
