import type { AlertChange, AlertChangeKind } from '../health/alert-events';
import { SEVERITY_NAMES_VI, ruleNameVi, unitLabel, type UnitInfo } from './alert-names';
import type { AlertGroup } from './notification-grouping';

/* Alert email: Vietnamese subject and plain-text body, for technicians and administrators. */

export interface EmailContent {
  subject: string;
  text: string;
}

const PREFIX = '[loa-xa]';

const SINGLE_HEADING: Record<AlertChangeKind, string> = {
  opened: 'Cảnh báo mới',
  acknowledged: 'Đã tiếp nhận',
  resolved: 'Đã khắc phục',
  updated: 'Cảnh báo thay đổi',
};

const GROUP_HEADING: Record<AlertChangeKind, string | null> = {
  opened: null,
  acknowledged: 'Đã tiếp nhận',
  resolved: 'Đã khắc phục',
  updated: 'Thay đổi',
};

const FOOTER = 'Thư tự động từ hệ thống loa-xa; xin đừng trả lời thư này.';

/** "14:05 12/03/2026" in the server's time zone. */
export function formatTime(iso: string, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.hour}:${parts.minute} ${parts.day}/${parts.month}/${parts.year}`;
}

const lowerFirst = (s: string) => s.charAt(0).toLocaleLowerCase('vi') + s.slice(1);

/** One alert that changed. `commune`: the commune's unit, to name it with its type word. */
export function singleEmail(
  change: AlertChange,
  commune: UnitInfo | undefined,
  timeZone: string,
): EmailContent {
  const a = change.alert;
  const communeName = commune ? unitLabel(commune) : a.communeName;
  const rule = ruleNameVi(a.rule);
  const lines = [
    `${SINGLE_HEADING[change.kind]}: ${rule}`,
    '',
    `Cụm loa:     ${a.clusterName} (mã ${a.clusterCode})`,
    `Địa bàn:     ${a.villageName ? `${a.villageName}, ` : ''}${communeName}`,
    `Lỗi:         ${rule}`,
    `Mức độ:      ${SEVERITY_NAMES_VI[a.severity] ?? a.severity}`,
    `Từ lúc:      ${formatTime(a.since, timeZone)}`,
  ];
  if (a.detail) lines.push(`Chi tiết:    ${a.detail}`);
  if (a.flapping) lines.push('Lưu ý:       lỗi chập chờn (xuất hiện rồi hết nhiều lần)');
  if (change.kind === 'acknowledged' && a.acknowledgedAt)
    lines.push(`Tiếp nhận:   ${formatTime(a.acknowledgedAt, timeZone)}${a.ackNote ? ` — ${a.ackNote}` : ''}`);
  if (change.kind === 'resolved' && a.resolvedAt)
    lines.push(
      `Khắc phục:   ${formatTime(a.resolvedAt, timeZone)}${a.resolution === 'manual' ? ' (đóng thủ công)' : ''}`,
    );
  lines.push('', `Mã cảnh báo: ${a.id}`, '', '--', FOOTER);
  return {
    subject: `${PREFIX} ${SINGLE_HEADING[change.kind]}: ${rule} — ${a.clusterName} (${communeName})`,
    text: lines.join('\n'),
  };
}

/**
 * Many alerts of one rule in one unit. `unit`: their lowest common unit (null when they share none);
 * `communes`: units by id, to name communes with their type words.
 */
export function groupEmail(
  group: AlertGroup,
  unit: UnitInfo | null,
  communes: ReadonlyMap<string, UnitInfo>,
  timeZone: string,
): EmailContent {
  const where = unit ? unitLabel(unit) : 'nhiều đơn vị';
  const rule = ruleNameVi(group.rule);
  const summary = `${group.count} cụm loa ${lowerFirst(rule)} tại ${where}`;
  const heading = GROUP_HEADING[group.kind];
  const communeName = (id: string, fallback: string) => {
    const u = communes.get(id);
    return u ? unitLabel(u) : fallback;
  };
  const lines = [
    heading ? `${heading}: ${summary}` : summary,
    '',
    `Lỗi:         ${rule}`,
    `Mức độ:      ${SEVERITY_NAMES_VI[group.severity] ?? group.severity} (cao nhất)`,
    `Thời gian:   ${formatTime(group.firstAt, timeZone)} – ${formatTime(group.lastAt, timeZone)}`,
    '',
    'Theo xã:',
    ...group.communes.map((c) => `  - ${communeName(c.id, c.name)}: ${c.count}`),
    '',
    group.count > group.alerts.length
      ? `Các cụm loa (${group.alerts.length} đầu tiên trong ${group.count}):`
      : 'Các cụm loa:',
    ...group.alerts.map((a) => `  - ${a.clusterCode} ${a.clusterName}`),
    '',
    '--',
    FOOTER,
  ];
  return {
    subject: `${PREFIX} ${heading ? `${heading}: ` : ''}${summary}`,
    text: lines.join('\n'),
  };
}
