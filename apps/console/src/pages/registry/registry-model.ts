/*
 * The registry's pure logic: cluster form drafts and the bodies they become, coordinates, lifecycle moves,
 * the CSV import's words and files. No DOM, no preact: unit-tested in test/console/unit/registry-model.spec.ts.
 */

export type Lang = 'vi' | 'en';
export interface Words {
  vi: string;
  en: string;
}

export const KINDS = ['ip', 'fm_wired', 'fm_wireless'] as const;
export type Kind = (typeof KINDS)[number];
export const LIFECYCLES = ['planned', 'active', 'faulty', 'replaced', 'decommissioned'] as const;
export type Lifecycle = (typeof LIFECYCLES)[number];
/** States a cluster can be registered in (the others are reached by changing it). */
export const INITIAL_LIFECYCLES: readonly Lifecycle[] = ['planned', 'active', 'faulty'];

/** Mirrors the server's cluster-lifecycle.ts: where a cluster may go from each state. */
export const LIFECYCLE_TRANSITIONS: Readonly<Record<Lifecycle, readonly Lifecycle[]>> = {
  planned: ['active', 'decommissioned'],
  active: ['faulty', 'replaced', 'decommissioned'],
  faulty: ['active', 'replaced', 'decommissioned'],
  replaced: ['decommissioned'],
  decommissioned: [],
};

/** The states an edit form offers: the current one first, then where it may go. */
export function lifecycleOptions(current: Lifecycle | null): Lifecycle[] {
  if (!current) return [...INITIAL_LIFECYCLES];
  return [current, ...(LIFECYCLE_TRANSITIONS[current] ?? [])];
}

/** A move that retires an IP cluster revokes its MQTT credential: the form warns first. */
export function retiresCredential(kind: Kind, from: Lifecycle | null, to: Lifecycle): boolean {
  return kind === 'ip' && from !== to && (to === 'replaced' || to === 'decommissioned');
}

export interface UnitRef {
  id: string;
  code: string;
  level: string;
  name: string;
  type?: string | null;
}

/** A cluster as GET /clusters lists it (the fields the registry reads). */
export interface Cluster {
  id: string;
  code: string;
  name: string;
  kind: Kind;
  lifecycle: Lifecycle;
  communeId: string;
  commune: UnitRef | null;
  villageId: string | null;
  village: UnitRef | null;
  stationId: string | null;
  latitude: number | null;
  longitude: number | null;
  address: string | null;
  vendor: string | null;
  model: string | null;
  firmware: string | null;
  serial: string | null;
  msisdn: string | null;
  iccid: string | null;
  ipConnected: boolean;
  installedOn: string | null;
  notes: string | null;
  online: boolean;
  lastSeenAt: string | null;
  createdAt: string;
}

export interface Credential {
  username: string;
  clientId: string;
  password: string;
  brokerUrl?: string;
}

/** What the cluster form holds: text as typed. */
export interface ClusterDraft {
  code: string;
  name: string;
  kind: Kind;
  lifecycle: Lifecycle;
  communeId: string;
  villageId: string;
  stationId: string;
  latitude: string;
  longitude: string;
  ipConnected: boolean;
  address: string;
  vendor: string;
  model: string;
  serial: string;
  msisdn: string;
  iccid: string;
  installedOn: string;
  notes: string;
}

export const EMPTY_DRAFT: ClusterDraft = {
  code: '',
  name: '',
  kind: 'ip',
  lifecycle: 'active',
  communeId: '',
  villageId: '',
  stationId: '',
  latitude: '',
  longitude: '',
  ipConnected: false,
  address: '',
  vendor: '',
  model: '',
  serial: '',
  msisdn: '',
  iccid: '',
  installedOn: '',
  notes: '',
};

const OPTIONAL_TEXT = [
  'address',
  'vendor',
  'model',
  'serial',
  'msisdn',
  'iccid',
  'installedOn',
  'notes',
] as const;

/** Number in a coordinate field (a Vietnamese decimal comma too); null for an empty field; NaN otherwise. */
export function parseCoordinate(text: string): number | null {
  const t = text.trim().replace(/\s+/g, '');
  if (t === '') return null;
  const normalised = /^[+-]?[0-9]+,[0-9]+$/.test(t) ? t.replace(',', '.') : t;
  if (!/^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$/.test(normalised)) return Number.NaN;
  return Number(normalised);
}

export type CoordinateProblem = 'notNumber' | 'latRange' | 'lonRange' | 'paired';

/** The problem of one coordinate field on its own (format and range; pairing is checked on submit). */
export function coordinateProblem(
  text: string,
  axis: 'latitude' | 'longitude',
): CoordinateProblem | undefined {
  const value = parseCoordinate(text);
  if (value === null) return undefined;
  if (Number.isNaN(value)) return 'notNumber';
  const limit = axis === 'latitude' ? 90 : 180;
  if (value < -limit || value > limit) return axis === 'latitude' ? 'latRange' : 'lonRange';
  return undefined;
}

/** Problems of a latitude/longitude pair, by field (the server's rules, checked before sending). */
export function coordinateProblems(
  latText: string,
  lonText: string,
): { latitude?: CoordinateProblem; longitude?: CoordinateProblem } {
  const lat = parseCoordinate(latText);
  const lon = parseCoordinate(lonText);
  const out: { latitude?: CoordinateProblem; longitude?: CoordinateProblem } = {};
  const latProblem = coordinateProblem(latText, 'latitude');
  const lonProblem = coordinateProblem(lonText, 'longitude');
  if (latProblem) out.latitude = latProblem;
  if (lonProblem) out.longitude = lonProblem;
  if (!latProblem && !lonProblem) {
    if (lat === null && lon !== null) out.latitude = 'paired';
    if (lon === null && lat !== null) out.longitude = 'paired';
  }
  return out;
}

/** Roughly Vietnam with its islands: a point outside is most likely swapped or mistyped (a warning only). */
export function outsideVietnam(lat: number | null, lon: number | null): boolean {
  if (lat === null || lon === null || Number.isNaN(lat) || Number.isNaN(lon)) return false;
  return lat < 8 || lat > 23.5 || lon < 102 || lon > 117.5;
}

export function draftOf(c: Cluster): ClusterDraft {
  return {
    code: c.code,
    name: c.name,
    kind: c.kind,
    lifecycle: c.lifecycle,
    communeId: c.communeId,
    villageId: c.villageId ?? '',
    stationId: c.stationId ?? '',
    latitude: c.latitude === null ? '' : String(c.latitude),
    longitude: c.longitude === null ? '' : String(c.longitude),
    ipConnected: c.ipConnected,
    address: c.address ?? '',
    vendor: c.vendor ?? '',
    model: c.model ?? '',
    serial: c.serial ?? '',
    msisdn: c.msisdn ?? '',
    iccid: c.iccid ?? '',
    installedOn: c.installedOn ?? '',
    notes: c.notes ?? '',
  };
}

/**
 * The POST body of a new cluster (empty optional fields left out, the station left to the server's default
 * when none is chosen), or the PATCH body of an edited one (only what changed; an emptied field is null).
 */
export function clusterBody(draft: ClusterDraft, original: Cluster | null): Record<string, unknown> {
  const lat = parseCoordinate(draft.latitude);
  const lon = parseCoordinate(draft.longitude);
  const ipConnected = draft.kind === 'ip' ? false : draft.ipConnected;
  if (!original) {
    const body: Record<string, unknown> = {
      code: draft.code.trim(),
      name: draft.name.trim(),
      kind: draft.kind,
      lifecycle: draft.lifecycle,
      communeId: draft.communeId,
    };
    if (draft.villageId) body.villageId = draft.villageId;
    if (draft.stationId) body.stationId = draft.stationId;
    if (lat !== null) body.latitude = lat;
    if (lon !== null) body.longitude = lon;
    if (ipConnected) body.ipConnected = true;
    for (const key of OPTIONAL_TEXT) if (draft[key].trim()) body[key] = draft[key].trim();
    return body;
  }
  const before = draftOf(original);
  const body: Record<string, unknown> = {};
  if (draft.code.trim() !== before.code) body.code = draft.code.trim();
  if (draft.name.trim() !== before.name) body.name = draft.name.trim();
  if (draft.lifecycle !== before.lifecycle) body.lifecycle = draft.lifecycle;
  if (draft.communeId !== before.communeId) body.communeId = draft.communeId;
  if (draft.villageId !== before.villageId || draft.communeId !== before.communeId)
    body.villageId = draft.villageId || null;
  if (draft.stationId !== before.stationId) body.stationId = draft.stationId || null;
  if (lat !== original.latitude) body.latitude = lat;
  if (lon !== original.longitude) body.longitude = lon;
  if (ipConnected !== original.ipConnected) body.ipConnected = ipConnected;
  for (const key of OPTIONAL_TEXT) {
    const now = draft[key].trim();
    if (now !== before[key]) body[key] = now || null;
  }
  return body;
}

// ---- words for what the server says ----

export const KIND_WORDS: Record<Kind, Words> = {
  ip: { vi: 'Cụm loa IP (4G)', en: 'IP cluster (4G)' },
  fm_wired: { vi: 'FM hữu tuyến (có dây)', en: 'Wired FM' },
  fm_wireless: { vi: 'FM không dây', en: 'Wireless FM' },
};

export const LIFECYCLE_WORDS: Record<Lifecycle, Words> = {
  planned: { vi: 'Dự kiến lắp đặt', en: 'Planned' },
  active: { vi: 'Đang sử dụng', en: 'In service' },
  faulty: { vi: 'Hỏng, chờ sửa', en: 'Broken, awaiting repair' },
  replaced: { vi: 'Đã thay thế', en: 'Replaced' },
  decommissioned: { vi: 'Đã thanh lý', en: 'Decommissioned' },
};

export const LIFECYCLE_TONE: Record<Lifecycle, 'ok' | 'warn' | 'bad' | 'info' | 'muted'> = {
  planned: 'info',
  active: 'ok',
  faulty: 'bad',
  replaced: 'muted',
  decommissioned: 'muted',
};

/** Columns of the import file (the server's CSV_COLUMNS) in words. */
export const COLUMN_WORDS: Record<string, Words> = {
  row: { vi: 'Cả dòng', en: 'Whole line' },
  file: { vi: 'Tệp', en: 'File' },
  code: { vi: 'Mã cụm loa (code)', en: 'Code (code)' },
  name: { vi: 'Tên (name)', en: 'Name (name)' },
  kind: { vi: 'Loại (kind)', en: 'Type (kind)' },
  lifecycle: { vi: 'Tình trạng (lifecycle)', en: 'Lifecycle (lifecycle)' },
  commune_code: { vi: 'Mã xã (commune_code)', en: 'Commune code (commune_code)' },
  village_code: { vi: 'Mã thôn (village_code)', en: 'Village code (village_code)' },
  latitude: { vi: 'Vĩ độ (latitude)', en: 'Latitude (latitude)' },
  longitude: { vi: 'Kinh độ (longitude)', en: 'Longitude (longitude)' },
  address: { vi: 'Địa chỉ (address)', en: 'Address (address)' },
  vendor: { vi: 'Hãng (vendor)', en: 'Vendor (vendor)' },
  model: { vi: 'Kiểu máy (model)', en: 'Model (model)' },
  firmware: { vi: 'Phần mềm (firmware)', en: 'Firmware (firmware)' },
  serial: { vi: 'Số sê-ri (serial)', en: 'Serial (serial)' },
  msisdn: { vi: 'Số thuê bao SIM (msisdn)', en: 'SIM number (msisdn)' },
  iccid: { vi: 'Mã ICCID của SIM (iccid)', en: 'SIM ICCID (iccid)' },
  installed_on: { vi: 'Ngày lắp đặt (installed_on)', en: 'Installed on (installed_on)' },
  notes: { vi: 'Ghi chú (notes)', en: 'Notes (notes)' },
  era: { vi: 'Thời kỳ địa giới (era)', en: 'Boundary era (era)' },
  ip_connected: { vi: 'Đã kết nối IP (ip_connected)', en: 'Connected to IP (ip_connected)' },
};

export function columnLabel(column: string, lang: Lang): string {
  return COLUMN_WORDS[column]?.[lang] ?? column;
}

/**
 * The server's reasons (the `rule` of a field or CSV-row error) in words; an unknown rule keeps only the
 * server's own message, which the page shows underneath anyway.
 */
export const RULE_WORDS: Record<string, Words> = {
  required: { vi: 'Cần điền ô này.', en: 'This is required.' },
  isNotEmpty: { vi: 'Cần điền ô này.', en: 'This is required.' },
  columnCount: {
    vi: 'Số cột của dòng khác với dòng tiêu đề (thừa hoặc thiếu dấu phân cách).',
    en: 'The line has a different number of fields than the header.',
  },
  isIn: { vi: 'Giá trị không nằm trong danh sách cho phép.', en: 'Not one of the allowed values.' },
  matches: { vi: 'Sai định dạng.', en: 'Wrong format.' },
  isLength: { vi: 'Độ dài không hợp lệ.', en: 'Invalid length.' },
  maxLength: { vi: 'Quá dài.', en: 'Too long.' },
  maxChars: { vi: 'Quá dài.', en: 'Too long.' },
  isNumber: { vi: 'Phải là một số.', en: 'Must be a number.' },
  min: { vi: 'Giá trị quá nhỏ.', en: 'Too small.' },
  max: { vi: 'Giá trị quá lớn.', en: 'Too large.' },
  isBoolean: { vi: 'Chỉ nhận có/không.', en: 'Yes or no only.' },
  isDateOnly: { vi: 'Ngày không hợp lệ (YYYY-MM-DD hoặc DD/MM/YYYY).', en: 'Invalid date.' },
  isUuid: { vi: 'Hãy chọn một mục.', en: 'Choose one.' },
  pairedCoordinates: {
    vi: 'Cần nhập cả vĩ độ và kinh độ, hoặc bỏ trống cả hai.',
    en: 'Give latitude and longitude together, or neither.',
  },
  fmOnly: {
    vi: 'Chỉ cụm loa FM mới "kết nối vào hệ thống IP"; cụm loa IP thì bỏ trống.',
    en: 'Only an FM cluster is "connected to the IP system"; leave it empty for an IP cluster.',
  },
  unique: { vi: 'Mã này đã được dùng cho một cụm loa khác.', en: 'This code is already taken.' },
  uniqueInFile: { vi: 'Mã này bị trùng với một dòng khác trong tệp.', en: 'This code repeats another line.' },
  exists: { vi: 'Không tìm thấy đơn vị hành chính có mã này.', en: 'No unit has this code.' },
  inScope: { vi: 'Xã này nằm ngoài địa bàn bạn quản lý.', en: 'This commune is outside your area.' },
  villageOfCommune: { vi: 'Xã không có thôn mang mã này.', en: 'The commune has no village with this code.' },
  isCommune: { vi: 'Hãy chọn một xã.', en: 'Choose a commune.' },
  knownColumn: { vi: 'Cột không có trong mẫu.', en: 'Unknown column.' },
  uniqueColumn: { vi: 'Cột bị lặp lại.', en: 'The column appears twice.' },
  requiredColumn: { vi: 'Thiếu cột bắt buộc.', en: 'A required column is missing.' },
  csv: { vi: 'Không đọc được tệp CSV.', en: 'The CSV cannot be read.' },
  storable: { vi: 'Tệp có ký tự không hợp lệ.', en: 'The file has invalid characters.' },
};

/** Words for one field's broken rule, more precise than the rule alone. */
const FIELD_RULE_WORDS: Record<string, Words> = {
  'code.matches': {
    vi: 'Mã gồm chữ, số, dấu chấm, gạch ngang hoặc gạch dưới (tối đa 64 ký tự), bắt đầu bằng chữ hoặc số.',
    en: 'Letters, digits, dots, dashes or underscores (64 at most), starting with a letter or digit.',
  },
  'msisdn.matches': {
    vi: 'Số thuê bao gồm 8–15 chữ số, có thể bắt đầu bằng + (ví dụ +84912345678).',
    en: '8–15 digits, optionally after a + (e.g. +84912345678).',
  },
  'iccid.matches': {
    vi: 'ICCID gồm 18–22 chữ số, có thể kết thúc bằng F.',
    en: '18–22 digits, optionally followed by F.',
  },
  'phone.matches': { vi: 'Số điện thoại không hợp lệ.', en: 'Not a phone number.' },
  'latitude.min': { vi: 'Vĩ độ phải từ -90 đến 90.', en: 'Latitude must be between -90 and 90.' },
  'latitude.max': { vi: 'Vĩ độ phải từ -90 đến 90.', en: 'Latitude must be between -90 and 90.' },
  'longitude.min': { vi: 'Kinh độ phải từ -180 đến 180.', en: 'Longitude must be between -180 and 180.' },
  'longitude.max': { vi: 'Kinh độ phải từ -180 đến 180.', en: 'Longitude must be between -180 and 180.' },
  'commune_code.exists': {
    vi: 'Không có xã nào mang mã này (mã xã gồm 5 chữ số; Excel hay bỏ mất số 0 ở đầu).',
    en: 'No commune has this code (5 digits; spreadsheets drop leading zeros).',
  },
};

/** The words for a broken rule (of a field when given); undefined: keep the server's message. */
export function ruleWords(rule: string | undefined, lang: Lang, field?: string): string | undefined {
  if (!rule) return undefined;
  return (field ? FIELD_RULE_WORDS[`${field}.${rule}`]?.[lang] : undefined) ?? RULE_WORDS[rule]?.[lang];
}

/** One problem of the import file, as the server reports it. */
export interface CsvRowError {
  line: number;
  field: string;
  rule: string;
  message: string;
}

export interface ImportResult {
  imported: number;
  rows: number;
  errors: CsvRowError[];
  clusters: { code: string; id: string; line: number }[];
  credentials: { code: string; username: string; clientId: string; password: string }[];
  brokerUrl?: string;
  dryRun?: boolean;
}

/** The outcome of an upload, whether the server answered 201 or refused the file with its list (400/422). */
export function importOutcome(status: number, body: unknown): ImportResult | null {
  if (!body || typeof body !== 'object') return null;
  const b = body as Partial<ImportResult>;
  if (!Array.isArray(b.errors)) return null;
  if (status >= 400 && b.errors.length === 0) return null;
  return {
    imported: typeof b.imported === 'number' ? b.imported : 0,
    rows: typeof b.rows === 'number' ? b.rows : 0,
    errors: b.errors.filter((e): e is CsvRowError => !!e && typeof e.line === 'number'),
    clusters: Array.isArray(b.clusters) ? b.clusters : [],
    credentials: Array.isArray(b.credentials) ? b.credentials : [],
    brokerUrl: b.brokerUrl,
    dryRun: b.dryRun,
  };
}

/** Errors grouped by line, lines in order: one table row per bad line. */
export function errorsByLine(errors: readonly CsvRowError[]): { line: number; errors: CsvRowError[] }[] {
  const byLine = new Map<number, CsvRowError[]>();
  for (const e of errors) {
    const list = byLine.get(e.line) ?? [];
    list.push(e);
    byLine.set(e.line, list);
  }
  return [...byLine.entries()].sort((a, b) => a[0] - b[0]).map(([line, list]) => ({ line, errors: list }));
}

function csvCell(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  // A leading = + - @ would run as a formula in a spreadsheet.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",;\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  return `${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** A file to fill in: the header row of the import and two example lines for a commune. */
export function importTemplate(communeCode = '05971', villageCode = ''): string {
  return toCsv([
    [
      'code',
      'name',
      'kind',
      'commune_code',
      'village_code',
      'latitude',
      'longitude',
      'installed_on',
      'notes',
    ],
    ['LS-001', 'Cụm loa thôn 1', 'ip', communeCode, villageCode, '21.8537', '106.7615', '30/11/2024', ''],
    ['LS-002', 'Cụm loa FM chợ', 'fm_wireless', communeCode, '', '', '', '', 'FM còn tốt'],
  ]);
}

/** The MQTT passwords of an import, to keep with the devices (the server shows them only once). */
export function credentialsCsv(
  credentials: readonly { code: string; username: string; password: string }[],
  brokerUrl: string | undefined,
): string {
  return toCsv([
    ['code', 'broker_url', 'username', 'client_id', 'password'],
    ...credentials.map((c) => [c.code, brokerUrl ?? '', c.username, c.username, c.password]),
  ]);
}

/** Lower case without Vietnamese accents: "Nà Chuông" and "na chuong" match. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase();
}
