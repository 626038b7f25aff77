/*
 * Pure work-order logic for the board (no DOM, no preact): words for kinds, states and funding
 * programmes, who may move an order where, money in đồng, and the server's field errors in words.
 */

type Words = { vi: string; en: string };
export type Lang = 'vi' | 'en';

export const KINDS = ['new_station', 'replacement', 'expansion'] as const;
export type Kind = (typeof KINDS)[number];
export const STATUSES = [
  'proposed',
  'approved',
  'installing',
  'commissioned',
  'closed',
  'cancelled',
] as const;
export type Status = (typeof STATUSES)[number];
export const PROGRAMMES = [
  'ntp_poverty_reduction',
  'ntp_new_rural',
  'ntp_ethnic_minority',
  'local_budget',
  'other',
] as const;
export type Programme = (typeof PROGRAMMES)[number];

export const KIND_WORDS: Record<Kind, Words> = {
  new_station: { vi: 'Thiết lập đài mới', en: 'New station' },
  replacement: { vi: 'Thay thế cụm loa FM hỏng', en: 'Replace a broken FM cluster' },
  expansion: { vi: 'Mở rộng đến thôn', en: 'Expansion to a village' },
};

export const STATUS_WORDS: Record<Status, Words> = {
  proposed: { vi: 'Đề xuất', en: 'Proposed' },
  approved: { vi: 'Đã phê duyệt', en: 'Approved' },
  installing: { vi: 'Đang lắp đặt', en: 'Installing' },
  commissioned: { vi: 'Đã nghiệm thu', en: 'Commissioned' },
  closed: { vi: 'Đã hoàn thành', en: 'Closed' },
  cancelled: { vi: 'Đã huỷ', en: 'Cancelled' },
};

export const PROGRAMME_WORDS: Record<Programme, Words> = {
  ntp_poverty_reduction: { vi: 'CTMTQG Giảm nghèo bền vững', en: 'NTP Sustainable poverty reduction' },
  ntp_new_rural: { vi: 'CTMTQG Xây dựng nông thôn mới', en: 'NTP New rural development' },
  ntp_ethnic_minority: {
    vi: 'CTMTQG vùng đồng bào DTTS và miền núi',
    en: 'NTP Ethnic minority and mountain areas',
  },
  local_budget: { vi: 'Ngân sách địa phương', en: 'Local budget' },
  other: { vi: 'Nguồn vốn hợp pháp khác', en: 'Other lawful funding' },
};

/** The button that moves an order to a state (a verb, not the state's name). */
export const MOVE_WORDS: Record<Status, Words> = {
  proposed: { vi: 'Đề xuất', en: 'Propose' },
  approved: { vi: 'Phê duyệt', en: 'Approve' },
  installing: { vi: 'Bắt đầu lắp đặt', en: 'Start installing' },
  commissioned: { vi: 'Nghiệm thu', en: 'Commission' },
  closed: { vi: 'Hoàn thành', en: 'Close' },
  cancelled: { vi: 'Huỷ công việc', en: 'Cancel the order' },
};

/** Same table as the server (apps/server/src/workorders/work-order-rules.ts). */
export const TRANSITIONS: Record<Status, readonly Status[]> = {
  proposed: ['approved', 'cancelled'],
  approved: ['installing', 'cancelled'],
  installing: ['commissioned', 'cancelled'],
  commissioned: ['closed'],
  closed: [],
  cancelled: [],
};

/** Where this person may move an order from its state (approval needs workorders.approve). */
export function allowedMoves(status: Status, can: (permission: string) => boolean): Status[] {
  if (!can('workorders.write')) return [];
  return TRANSITIONS[status].filter((to) => to !== 'approved' || can('workorders.approve'));
}

export function isKind(value: unknown): value is Kind {
  return KINDS.includes(value as Kind);
}

/** Orders grouped into the board's columns, in column order. */
export function byStatus<T extends { status: string }>(orders: T[]): Record<Status, T[]> {
  const columns = Object.fromEntries(STATUSES.map((s) => [s, [] as T[]])) as Record<Status, T[]>;
  for (const order of orders) if (order.status in columns) columns[order.status as Status].push(order);
  return columns;
}

/** "45000000" → "45.000.000 ₫" (vi) / "45,000,000 ₫" (en), exact for any number of digits. */
export function formatVnd(digits: string | null | undefined, lang: Lang): string {
  if (digits === null || digits === undefined || !/^[0-9]+$/.test(digits)) return '—';
  const clean = digits.replace(/^0+(?=\d)/, '');
  const sep = lang === 'vi' ? '.' : ',';
  return `${clean.replace(/\B(?=(\d{3})+(?!\d))/g, sep)} ₫`;
}

/**
 * What someone typed as an amount of đồng: "45.000.000", "45 000 000 đ", "45000000" → "45000000";
 * "" → null (no amount); anything else → undefined (not an amount, left for the server to refuse).
 */
export function parseVnd(input: string): string | null | undefined {
  const text = input.trim().replace(/\s*(₫|đ|đồng|vnd)$/i, '');
  if (text === '') return null;
  const digits = text.replace(/[.,\s]/g, '');
  return /^[0-9]{1,18}$/.test(digits) ? digits.replace(/^0+(?=\d)/, '') : undefined;
}

/** The server's reasons (field error `rule`) in words; unknown ones keep the server's message. */
const FIELD_RULE_WORDS: Record<string, Words> = {
  required: { vi: 'Cần điền mục này.', en: 'This is required.' },
  isNotEmpty: { vi: 'Cần điền mục này.', en: 'This is required.' },
  isUuid: { vi: 'Hãy chọn một mục.', en: 'Choose one.' },
  isIn: { vi: 'Hãy chọn một mục trong danh sách.', en: 'Choose one from the list.' },
  isLength: { vi: 'Độ dài không hợp lệ (tối đa 200 ký tự).', en: 'Invalid length (200 characters at most).' },
  isVnd: {
    vi: 'Số tiền phải là số đồng, không âm (ví dụ 45.000.000).',
    en: 'The amount must be a whole number of đồng (e.g. 45,000,000).',
  },
  isDateOnly: { vi: 'Ngày không hợp lệ.', en: 'Invalid date.' },
  notBeforeStart: {
    vi: 'Ngày kết thúc phải sau ngày bắt đầu.',
    en: 'The end must be on or after the start.',
  },
  isCommune: { vi: 'Hãy chọn một xã.', en: 'Choose a commune.' },
  exists: { vi: 'Không tìm thấy địa bàn này.', en: 'This place does not exist.' },
  villageOfCommune: { vi: 'Thôn này không thuộc xã đã chọn.', en: 'This village is not in the commune.' },
  replacementOnly: {
    vi: 'Chỉ công việc thay thế mới chọn cụm loa FM.',
    en: 'Only a replacement names an FM cluster.',
  },
  fmClusterOfCommune: {
    vi: 'Hãy chọn một cụm loa FM của xã này.',
    en: 'Choose an FM cluster of this commune.',
  },
  broken: {
    vi: 'Chỉ thay thế cụm loa FM đã hỏng; cụm còn hoạt động thì kết nối vào hệ thống IP.',
    en: 'Only a broken FM cluster is replaced; a working one is connected to the IP system.',
  },
  notInOtherOrder: {
    vi: 'Cụm loa này đã nằm trong một công việc khác.',
    en: 'This cluster is already in another work order.',
  },
  ipClusterOfCommune: {
    vi: 'Hãy chọn một cụm loa IP của xã này.',
    en: 'Choose an IP cluster of this commune.',
  },
  ipClusterOfVillage: {
    vi: 'Hãy chọn một cụm loa IP của thôn này.',
    en: 'Choose an IP cluster of this village.',
  },
  inService: {
    vi: 'Chỉ nghiệm thu cụm loa đang dự kiến hoặc đang hoạt động.',
    en: 'Only a planned or active cluster can be commissioned.',
  },
};

export function fieldMessage(
  error: { rule?: string; message: string } | undefined,
  lang: Lang,
): string | undefined {
  if (!error) return undefined;
  const words = error.rule ? FIELD_RULE_WORDS[error.rule] : undefined;
  return words ? words[lang] : error.message;
}

export interface UnitRef {
  id: string;
  code: string;
  level: string;
  name: string;
  type: string | null;
}
export interface ClusterRef {
  id: string;
  code: string;
  name: string;
  kind: string;
  lifecycle: string;
}

/** A work order as GET /work-orders lists it. */
export interface WorkOrder {
  id: string;
  code: string;
  kind: Kind;
  status: Status;
  title: string;
  communeId: string;
  commune: UnitRef | null;
  villageId: string | null;
  village: UnitRef | null;
  fmClusterId: string | null;
  fmCluster: ClusterRef | null;
  ipClusterId: string | null;
  ipCluster: ClusterRef | null;
  fundingProgramme: Programme;
  plannedStart: string | null;
  plannedEnd: string | null;
  actualStart: string | null;
  actualEnd: string | null;
  plannedCostVnd: string | null;
  actualCostVnd: string | null;
  commissionedAt: string | null;
  firstConnectedAt: string | null;
  firstBroadcastAt: string | null;
  notes: string | null;
  revision: number;
  createdAt: string;
  updatedAt: string;
}

export interface HistoryEvent {
  at: string;
  type: string;
  fromStatus: Status | null;
  toStatus: Status | null;
  actor: string;
  note: string | null;
}

export interface WorkOrderDetail extends WorkOrder {
  history: HistoryEvent[];
}
