/*
 * Audit entries in words: what an action code means, what kind of object it touched, and a name for that
 * object taken from the entry itself (never an id). No DOM here, so it is unit-tested.
 */
import type { Lang } from '../../core/i18n';

type Words = { vi: string; en: string };

/** Every action the server records (apps/server/src/**: audit.record), in words. */
export const ACTIONS: Record<string, Words> = {
  'auth.login': { vi: 'Đăng nhập', en: 'Signed in' },
  'auth.logout': { vi: 'Đăng xuất', en: 'Signed out' },
  'auth.login_failed': { vi: 'Đăng nhập không thành công', en: 'Failed sign-in' },
  'auth.login_refused': { vi: 'Từ chối đăng nhập', en: 'Sign-in refused' },
  'auth.locked': {
    vi: 'Tạm khoá tài khoản do nhập sai nhiều lần',
    en: 'Account locked after failed sign-ins',
  },
  'auth.refresh_replayed': { vi: 'Phát hiện dùng lại mã làm mới phiên', en: 'Refresh token replayed' },
  'user.create': { vi: 'Tạo người dùng', en: 'Created a user' },
  'user.update': { vi: 'Sửa người dùng', en: 'Changed a user' },
  'user.disable': { vi: 'Vô hiệu hoá người dùng', en: 'Disabled a user' },
  'user.password_reset': { vi: 'Đặt lại mật khẩu', en: 'Reset a password' },
  'user.password_change': { vi: 'Đổi mật khẩu của mình', en: 'Changed own password' },
  'api_key.create': { vi: 'Tạo khoá API', en: 'Created an API key' },
  'api_key.revoke': { vi: 'Thu hồi khoá API', en: 'Revoked an API key' },
  'unit.create': { vi: 'Thêm đơn vị hành chính', en: 'Added an administrative unit' },
  'unit.import': { vi: 'Nhập danh mục đơn vị hành chính', en: 'Imported administrative units' },
  'station.create': { vi: 'Thêm đài truyền thanh', en: 'Added a station' },
  'station.update': { vi: 'Sửa đài truyền thanh', en: 'Changed a station' },
  'station.delete': { vi: 'Xoá đài truyền thanh', en: 'Deleted a station' },
  'cluster.create': { vi: 'Thêm cụm loa', en: 'Added a loudspeaker cluster' },
  'cluster.update': { vi: 'Sửa cụm loa', en: 'Changed a loudspeaker cluster' },
  'cluster.delete': { vi: 'Xoá cụm loa', en: 'Deleted a loudspeaker cluster' },
  'cluster.credential_rotate': { vi: 'Cấp lại mật khẩu kết nối cụm loa', en: 'Rotated cluster credentials' },
  'command.send': { vi: 'Gửi lệnh tới cụm loa', en: 'Sent a command' },
  'media.upload': { vi: 'Tải lên tệp âm thanh', en: 'Uploaded audio' },
  'media.rename': { vi: 'Đổi tên tệp âm thanh', en: 'Renamed audio' },
  'media.delete': { vi: 'Xoá tệp âm thanh', en: 'Deleted audio' },
  'program.create': { vi: 'Tạo chương trình', en: 'Created a programme' },
  'program.update': { vi: 'Sửa chương trình', en: 'Changed a programme' },
  'program.delete': { vi: 'Xoá chương trình', en: 'Deleted a programme' },
  'group.create': { vi: 'Tạo nhóm cụm loa', en: 'Created a cluster group' },
  'group.update': { vi: 'Sửa nhóm cụm loa', en: 'Changed a cluster group' },
  'group.delete': { vi: 'Xoá nhóm cụm loa', en: 'Deleted a cluster group' },
  'schedule.create': { vi: 'Tạo lịch phát', en: 'Created a schedule' },
  'schedule.update': { vi: 'Sửa lịch phát', en: 'Changed a schedule' },
  'schedule.delete': { vi: 'Xoá lịch phát', en: 'Deleted a schedule' },
  'schedule.occurrence.skip': { vi: 'Bỏ một buổi phát', en: 'Skipped an occurrence' },
  'schedule.occurrence.move': { vi: 'Dời một buổi phát', en: 'Moved an occurrence' },
  'schedule.occurrence.restore': { vi: 'Khôi phục một buổi phát', en: 'Restored an occurrence' },
  'broadcast.play_now': { vi: 'Phát ngay', en: 'Broadcast now' },
  'broadcast.stop': { vi: 'Dừng phát', en: 'Stopped a broadcast' },
  'live.create': { vi: 'Mở phiên phát trực tiếp', en: 'Opened a live session' },
  'live.start': { vi: 'Bắt đầu phát trực tiếp', en: 'Went live' },
  'live.stop': { vi: 'Kết thúc phát trực tiếp', en: 'Ended a live broadcast' },
  'alert.acknowledge': { vi: 'Xác nhận cảnh báo', en: 'Acknowledged an alert' },
  'alert.resolve': { vi: 'Đóng cảnh báo', en: 'Resolved an alert' },
  'health_rule.override': { vi: 'Đặt ngưỡng cảnh báo riêng', en: 'Overrode a health rule' },
  'health_rule.reset': { vi: 'Trả ngưỡng cảnh báo về mặc định', en: 'Reset a health rule' },
  'webhook.create': { vi: 'Tạo webhook', en: 'Created a webhook' },
  'webhook.update': { vi: 'Sửa webhook', en: 'Changed a webhook' },
  'webhook.delete': { vi: 'Xoá webhook', en: 'Deleted a webhook' },
  'webhook.rotate_secret': { vi: 'Đổi khoá bí mật webhook', en: 'Rotated a webhook secret' },
  'webhook.test': { vi: 'Gửi thử webhook', en: 'Tested a webhook' },
  'webhook.redeliver': { vi: 'Gửi lại webhook', en: 'Redelivered a webhook' },
  'work_order.create': { vi: 'Tạo phiếu lắp đặt', en: 'Created a work order' },
  'work_order.update': { vi: 'Sửa phiếu lắp đặt', en: 'Changed a work order' },
  'work_order.transition': { vi: 'Chuyển trạng thái phiếu lắp đặt', en: 'Moved a work order on' },
  'work_order.first_connection': {
    vi: 'Cụm loa của phiếu kết nối lần đầu',
    en: 'Work order: first connection',
  },
  'work_order.first_broadcast': { vi: 'Cụm loa của phiếu phát lần đầu', en: 'Work order: first broadcast' },
};

/** Object types, for the filter and the "what" column. */
export const OBJECT_TYPES: Record<string, Words> = {
  user: { vi: 'Người dùng', en: 'User' },
  api_key: { vi: 'Khoá API', en: 'API key' },
  unit: { vi: 'Đơn vị hành chính', en: 'Administrative unit' },
  station: { vi: 'Đài truyền thanh', en: 'Station' },
  cluster: { vi: 'Cụm loa', en: 'Loudspeaker cluster' },
  media_asset: { vi: 'Âm thanh', en: 'Audio' },
  program: { vi: 'Chương trình', en: 'Programme' },
  cluster_group: { vi: 'Nhóm cụm loa', en: 'Cluster group' },
  schedule: { vi: 'Lịch phát', en: 'Schedule' },
  broadcast: { vi: 'Lượt phát', en: 'Broadcast' },
  live_session: { vi: 'Phát trực tiếp', en: 'Live session' },
  alert: { vi: 'Cảnh báo', en: 'Alert' },
  health_rule_override: { vi: 'Ngưỡng cảnh báo', en: 'Health rule' },
  webhook: { vi: 'Webhook', en: 'Webhook' },
  work_order: { vi: 'Phiếu lắp đặt', en: 'Work order' },
};

/** The action prefixes the filter offers (`auth.` covers every sign-in event). */
export const ACTION_GROUPS: Record<string, Words> = {
  auth: { vi: 'Đăng nhập, đăng xuất', en: 'Sign-in and sign-out' },
  user: OBJECT_TYPES.user,
  api_key: OBJECT_TYPES.api_key,
  unit: OBJECT_TYPES.unit,
  station: OBJECT_TYPES.station,
  cluster: OBJECT_TYPES.cluster,
  command: { vi: 'Lệnh tới cụm loa', en: 'Commands' },
  media: OBJECT_TYPES.media_asset,
  program: OBJECT_TYPES.program,
  group: OBJECT_TYPES.cluster_group,
  schedule: OBJECT_TYPES.schedule,
  broadcast: OBJECT_TYPES.broadcast,
  live: OBJECT_TYPES.live_session,
  alert: OBJECT_TYPES.alert,
  health_rule: OBJECT_TYPES.health_rule_override,
  webhook: OBJECT_TYPES.webhook,
  work_order: OBJECT_TYPES.work_order,
};

export interface AuditEntryLike {
  action: string;
  objectType: string;
  changes: Record<string, { before: unknown; after: unknown }> | null;
  detail: Record<string, unknown> | null;
}

/** "Phát khẩn cấp" for an emergency play-now; else the action's words, else null (show the code). */
export function describeAction(entry: Pick<AuditEntryLike, 'action' | 'detail'>, lang: Lang): string | null {
  if (entry.action === 'broadcast.play_now' && entry.detail?.priority === 'emergency')
    return lang === 'vi' ? 'Phát khẩn cấp' : 'Emergency broadcast';
  return ACTIONS[entry.action]?.[lang] ?? null;
}

export function objectTypeLabel(type: string, lang: Lang): string {
  return OBJECT_TYPES[type]?.[lang] ?? type;
}

const NAME_FIELDS = ['displayName', 'name', 'title', 'username', 'originalName', 'code'];

/** A human name for the object, from the entry's own before/after or detail; null when it has none. */
export function objectName(entry: AuditEntryLike): string | null {
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
  for (const field of NAME_FIELDS) {
    const change = entry.changes?.[field];
    const fromChange = change ? (text(change.after) ?? text(change.before)) : null;
    if (fromChange) return fromChange;
    const fromDetail = text(entry.detail?.[field]);
    if (fromDetail) return fromDetail;
  }
  return null;
}

/** A value of a change, short and readable: strings as they are, objects as compact JSON. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value === '[secret]' ? '••••••' : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
