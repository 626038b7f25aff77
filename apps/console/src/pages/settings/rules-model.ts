/*
 * Health-rule settings in words and numbers: each parameter's name and unit in Vietnamese, values formatted
 * the way a technician reads them, and the override body a change or a removal becomes. Pure; unit-tested in
 * test/console/unit/registry-settings.spec.ts.
 */

export type Lang = 'vi' | 'en';
export interface Words {
  vi: string;
  en: string;
}
export type Severity = 'critical' | 'major' | 'minor';
export const SEVERITIES: Severity[] = ['critical', 'major', 'minor'];

export interface ParamSpec {
  default: number;
  min: number;
  max: number;
  unit: string;
  description: string;
}

/** One rule of GET /health-rules. */
export interface RuleDefinition {
  id: string;
  name: Words;
  description: string;
  severity: Severity;
  params: Record<string, ParamSpec>;
}

/** Which unit set each value (null: the built-in default). */
export interface Provenance {
  enabled?: string | null;
  severity?: string | null;
  params?: Record<string, string | null>;
}

/** One rule of GET /health-rules/effective. */
export interface EffectiveRule {
  rule: string;
  enabled: boolean;
  severity: Severity;
  params: Record<string, number>;
  from: Provenance;
}

/** What one unit changes of a rule (GET /health-rules/overrides). */
export interface RuleOverride {
  unitId: string;
  unitName: string;
  unitLevel: string;
  rule: string;
  enabled: boolean | null;
  severity: Severity | null;
  params: Record<string, number>;
  revision: number;
}

/** The body of PUT /health-rules/overrides/:unitId/:rule. */
export interface OverrideBody {
  enabled: boolean | null;
  severity: Severity | null;
  params: Record<string, number>;
  revision?: number;
}

/** A setting of a rule a unit may change: switched on/off, its severity, or one parameter. */
export type SettingKey = 'enabled' | 'severity' | `param:${string}`;

export function paramKey(name: string): SettingKey {
  return `param:${name}`;
}

/** The override after setting one value (everything else the unit set is kept). */
export function overrideWith(
  existing: RuleOverride | null,
  key: SettingKey,
  value: number | boolean | Severity,
): OverrideBody {
  const body: OverrideBody = {
    enabled: existing?.enabled ?? null,
    severity: existing?.severity ?? null,
    params: { ...(existing?.params ?? {}) },
    ...(existing ? { revision: existing.revision } : {}),
  };
  if (key === 'enabled') body.enabled = value as boolean;
  else if (key === 'severity') body.severity = value as Severity;
  else body.params[key.slice('param:'.length)] = value as number;
  return body;
}

/** The override after removing one value; null when nothing is left (the override is deleted). */
export function overrideWithout(existing: RuleOverride, key: SettingKey): OverrideBody | null {
  const body: OverrideBody = {
    enabled: existing.enabled,
    severity: existing.severity,
    params: { ...existing.params },
    revision: existing.revision,
  };
  if (key === 'enabled') body.enabled = null;
  else if (key === 'severity') body.severity = null;
  else delete body.params[key.slice('param:'.length)];
  const empty = body.enabled === null && body.severity === null && Object.keys(body.params).length === 0;
  return empty ? null : body;
}

/** Does this unit set this value itself? */
export function setsItself(existing: RuleOverride | null, key: SettingKey): boolean {
  if (!existing) return false;
  if (key === 'enabled') return existing.enabled !== null;
  if (key === 'severity') return existing.severity !== null;
  return key.slice('param:'.length) in existing.params;
}

/** The unit that set a value of the effective rule (null: the default). */
export function sourceOf(rule: EffectiveRule, key: SettingKey): string | null {
  if (key === 'enabled') return rule.from.enabled ?? null;
  if (key === 'severity') return rule.from.severity ?? null;
  return rule.from.params?.[key.slice('param:'.length)] ?? null;
}

/** A number as typed ("-118", "1,5"); NaN when it is not one. */
export function parseNumber(text: string): number {
  const t = text.trim().replace(/\s+/g, '');
  if (!/^[+-]?([0-9]+([.,][0-9]+)?|[.,][0-9]+)$/.test(t)) return Number.NaN;
  return Number(t.replace(',', '.'));
}

/** The rule-specific parameters first, then the damping ones shared by every rule. */
export const DAMPING_PARAMS = ['raiseAfterS', 'clearAfterS', 'flapCount', 'flapWindowS', 'flapClearS'];
export function orderedParams(spec: Record<string, ParamSpec>): string[] {
  const names = Object.keys(spec);
  return [
    ...names.filter((n) => !DAMPING_PARAMS.includes(n)),
    ...DAMPING_PARAMS.filter((n) => names.includes(n)),
  ];
}

export const PARAM_WORDS: Record<string, { label: Words; hint: Words }> = {
  raiseAfterS: {
    label: { vi: 'Chờ trước khi báo', en: 'Wait before alerting' },
    hint: {
      vi: 'Sự cố phải kéo dài chừng này mới mở cảnh báo (0: báo ngay).',
      en: 'The condition must last this long before an alert opens (0: at once).',
    },
  },
  clearAfterS: {
    label: { vi: 'Chờ trước khi tự đóng', en: 'Wait before clearing' },
    hint: {
      vi: 'Hết sự cố chừng này thì cảnh báo tự đóng.',
      en: 'The condition must stay clear this long before the alert resolves itself.',
    },
  },
  flapCount: {
    label: { vi: 'Số lần chập chờn', en: 'Changes that mean flapping' },
    hint: {
      vi: 'Đổi trạng thái chừng này lần trong khoảng đếm thì coi là chập chờn (0: không xét).',
      en: 'This many changes within the window mark it as flapping (0: never).',
    },
  },
  flapWindowS: {
    label: { vi: 'Khoảng thời gian đếm chập chờn', en: 'Flapping window' },
    hint: { vi: 'Khoảng thời gian đếm số lần đổi trạng thái.', en: 'Window in which changes are counted.' },
  },
  flapClearS: {
    label: { vi: 'Chờ khi đang chập chờn', en: 'Wait while flapping' },
    hint: {
      vi: 'Cảnh báo chập chờn chỉ đóng khi ổn định chừng này.',
      en: 'A flapping alert resolves only after the condition stayed clear this long.',
    },
  },
  rsrpDbm: {
    label: { vi: 'Ngưỡng sóng yếu (RSRP)', en: 'Weak signal threshold (RSRP)' },
    hint: {
      vi: 'Cường độ sóng 4G thấp hơn mức này là sóng yếu (càng âm càng yếu).',
      en: 'An LTE signal below this is weak (more negative is weaker).',
    },
  },
  hysteresisDb: {
    label: { vi: 'Biên độ phục hồi', en: 'Recovery margin' },
    hint: {
      vi: 'Sóng phải mạnh hơn ngưỡng chừng này mới coi là đã hồi phục.',
      en: 'The signal must be this far above the threshold to count as recovered.',
    },
  },
  batteryPct: {
    label: { vi: 'Ngưỡng pin yếu', en: 'Low battery threshold' },
    hint: {
      vi: 'Pin dưới mức này là yếu (hồi phục khi cao hơn 5 điểm).',
      en: 'Charge below this is low (recovered 5 points above).',
    },
  },
  maxOffsetMs: {
    label: { vi: 'Độ lệch đồng hồ cho phép', en: 'Largest clock offset' },
    hint: {
      vi: 'Đồng hồ thiết bị lệch quá mức này thì các thôn không phát cùng lúc.',
      en: 'A device clock off by more than this no longer starts with its neighbours.',
    },
  },
  freeMb: {
    label: { vi: 'Dung lượng trống tối thiểu', en: 'Least free storage' },
    hint: {
      vi: 'Bộ nhớ trống dưới mức này thì bài mới có thể không tải về được.',
      en: 'Below this free storage new media may not fit.',
    },
  },
  graceS: {
    label: { vi: 'Chờ sau giờ phát', en: 'Grace after the start' },
    hint: {
      vi: 'Sau giờ phát (hoặc sau khi kết nối lại) chừng này mà chưa báo đã phát thì coi là bỏ lỡ.',
      en: 'No "started" report this long after the start (or a reconnect) means missed.',
    },
  },
};

export function paramLabel(name: string, lang: Lang): string {
  return PARAM_WORDS[name]?.label[lang] ?? name;
}

/** What each rule watches, for people (the catalogue's description is for developers). */
export const RULE_DESCRIPTIONS: Record<string, Words> = {
  offline: {
    vi: 'Cụm loa mất kết nối với máy chủ lâu hơn thời gian chờ.',
    en: 'The cluster has been disconnected longer than the wait.',
  },
  amp_fault: {
    vi: 'Thiết bị báo bộ khuếch đại (âm ly) bị lỗi.',
    en: 'The device reports its amplifier in fault.',
  },
  speaker_line: {
    vi: 'Đường dây loa bị hở mạch hoặc chập mạch.',
    en: 'The speaker line is open or short-circuited.',
  },
  weak_signal: {
    vi: 'Sóng di động yếu hơn ngưỡng trong thời gian dài.',
    en: 'The mobile signal stays below the threshold.',
  },
  on_battery: {
    vi: 'Mất điện lưới, cụm loa đang chạy bằng pin.',
    en: 'Mains power is lost: the cluster runs on its battery.',
  },
  battery_low: { vi: 'Pin còn ít hơn ngưỡng.', en: 'Battery charge below the threshold.' },
  clock_offset: {
    vi: 'Đồng hồ thiết bị lệch quá mức cho phép hoặc mất nguồn giờ chuẩn.',
    en: 'The device clock is off too far, or lost its time source.',
  },
  storage_low: {
    vi: 'Bộ nhớ trống của thiết bị thấp hơn ngưỡng.',
    en: 'Free device storage below the threshold.',
  },
  missed_broadcast: {
    vi: 'Cụm loa không báo đã phát một buổi theo lịch.',
    en: 'The cluster did not report playing a scheduled broadcast.',
  },
  manifest_unacked: {
    vi: 'Cụm loa đang kết nối nhưng chưa xác nhận đã nhận lịch phát mới.',
    en: 'The cluster is connected but has not acknowledged its new schedule.',
  },
};

export const UNIT_WORDS: Record<string, Words> = {
  s: { vi: 'giây', en: 's' },
  ms: { vi: 'mili giây', en: 'ms' },
  dBm: { vi: 'dBm', en: 'dBm' },
  dB: { vi: 'dB', en: 'dB' },
  '%': { vi: '%', en: '%' },
  MiB: { vi: 'MB', en: 'MB' },
  count: { vi: 'lần', en: 'times' },
};

const DURATION_WORDS = {
  vi: { d: 'ngày', h: 'giờ', m: 'phút', s: 'giây', now: 'ngay lập tức' },
  en: { d: 'd', h: 'h', m: 'min', s: 's', now: 'at once' },
};

/** 600 → "10 phút", 5400 → "1 giờ 30 phút", 0 → "ngay lập tức". */
export function formatSeconds(total: number, lang: Lang): string {
  const w = DURATION_WORDS[lang];
  if (total === 0) return w.now;
  const parts: string[] = [];
  let rest = Math.round(total);
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n) parts.push(`${n} ${w[unit]}`);
  }
  return parts.join(' ');
}

function plain(value: number, lang: Lang): string {
  return new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 2 }).format(value);
}

/** A parameter's value the way people read it: durations in words, sizes and signal with their unit. */
export function formatParam(value: number, unit: string, lang: Lang): string {
  switch (unit) {
    case 's':
      return formatSeconds(value, lang);
    case 'ms':
      return value >= 1000 && value % 1000 === 0
        ? formatSeconds(value / 1000, lang)
        : `${plain(value, lang)} ${UNIT_WORDS.ms[lang]}`;
    case 'MiB':
      return value >= 1024 ? `${plain(value / 1024, lang)} GB` : `${plain(value, lang)} MB`;
    case 'count':
      return value === 0
        ? lang === 'vi'
          ? 'không xét'
          : 'never'
        : `${plain(value, lang)} ${UNIT_WORDS.count[lang]}`;
    case '%':
      return `${plain(value, lang)}%`;
    default:
      return `${plain(value, lang)} ${UNIT_WORDS[unit]?.[lang] ?? unit}`;
  }
}

/** A value outside the parameter's range, in words (the server refuses it the same way). */
export function rangeProblem(value: number, spec: ParamSpec, lang: Lang): string | null {
  const unit = UNIT_WORDS[spec.unit]?.[lang] ?? spec.unit;
  if (Number.isNaN(value)) return lang === 'vi' ? 'Hãy nhập một số.' : 'Enter a number.';
  if (value < spec.min || value > spec.max)
    return lang === 'vi'
      ? `Giá trị phải từ ${plain(spec.min, lang)} đến ${plain(spec.max, lang)} ${unit}.`
      : `The value must be between ${plain(spec.min, lang)} and ${plain(spec.max, lang)} ${unit}.`;
  return null;
}
