/*
 * The health rules a cluster is judged by: what each watches, how severe it is, and the thresholds a
 * province, district or commune may change. Pure data; the server and the console read the same catalogue.
 */

export const RULE_IDS = [
  'offline',
  'amp_fault',
  'speaker_line',
  'weak_signal',
  'on_battery',
  'battery_low',
  'clock_offset',
  'storage_low',
  'missed_broadcast',
  'manifest_unacked',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export const SEVERITIES = ['critical', 'major', 'minor'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const SEVERITY_RANK: Record<Severity, number> = { critical: 3, major: 2, minor: 1 };

export interface ParamSpec {
  default: number;
  min: number;
  max: number;
  unit: 's' | 'dBm' | 'dB' | '%' | 'ms' | 'MiB' | 'count';
  description: string;
}

export interface RuleDefinition {
  id: RuleId;
  name: { vi: string; en: string };
  description: string;
  severity: Severity;
  params: Record<string, ParamSpec>;
}

/**
 * Damping shared by every rule: how long a condition must hold / stay clear, and what counts as flapping.
 * Rules on noisy measurements (signal, battery, clock, storage) do not detect flapping by default (flapCount
 * 0): a value hovering at its threshold is handled by the rule's hysteresis and hold time instead.
 */
const damping = (raiseAfterS: number, clearAfterS: number, flapCount = 4): Record<string, ParamSpec> => ({
  raiseAfterS: {
    default: raiseAfterS,
    min: 0,
    max: 7 * 86_400,
    unit: 's',
    description: 'The condition must hold this long before an alert opens',
  },
  clearAfterS: {
    default: clearAfterS,
    min: 0,
    max: 86_400,
    unit: 's',
    description: 'The condition must stay clear this long before the alert resolves itself',
  },
  flapCount: {
    default: flapCount,
    min: 0,
    max: 1000,
    unit: 'count',
    description: 'This many changes of the condition within flapWindowS mark it as flapping (0: never)',
  },
  flapWindowS: {
    default: 1800,
    min: 60,
    max: 86_400,
    unit: 's',
    description: 'Window in which changes are counted for flapping',
  },
  flapClearS: {
    default: 1800,
    min: 0,
    max: 86_400,
    unit: 's',
    description: 'A flapping alert resolves only after the condition stayed clear this long',
  },
});

export const RULES: Record<RuleId, RuleDefinition> = {
  offline: {
    id: 'offline',
    name: { vi: 'Mất kết nối', en: 'Offline' },
    description: 'The cluster has been disconnected longer than raiseAfterS (presence from the broker).',
    severity: 'critical',
    params: damping(600, 120),
  },
  amp_fault: {
    id: 'amp_fault',
    name: { vi: 'Lỗi bộ khuếch đại', en: 'Amplifier fault' },
    description: 'Telemetry reports the amplifier in fault, or the device raised amp_fault.',
    severity: 'critical',
    params: damping(0, 60),
  },
  speaker_line: {
    id: 'speaker_line',
    name: { vi: 'Lỗi đường dây loa', en: 'Speaker line fault' },
    description: 'The speaker line is open or short-circuited (telemetry or line_open / line_short events).',
    severity: 'critical',
    params: damping(0, 60),
  },
  weak_signal: {
    id: 'weak_signal',
    name: { vi: 'Sóng yếu', en: 'Weak signal' },
    description:
      'LTE RSRP below rsrpDbm for longer than raiseAfterS; clear again only above rsrpDbm + hysteresisDb.',
    severity: 'minor',
    params: {
      rsrpDbm: {
        default: -115,
        min: -156,
        max: -31,
        unit: 'dBm',
        description: 'Signal below this is weak',
      },
      hysteresisDb: {
        default: 3,
        min: 0,
        max: 30,
        unit: 'dB',
        description: 'A weak signal counts as recovered only this far above rsrpDbm',
      },
      ...damping(900, 600, 0),
    },
  },
  on_battery: {
    id: 'on_battery',
    name: { vi: 'Mất điện lưới (chạy pin)', en: 'On battery (mains lost)' },
    description: 'The cluster runs on its battery: mains power is lost.',
    severity: 'major',
    params: damping(60, 120),
  },
  battery_low: {
    id: 'battery_low',
    name: { vi: 'Pin yếu', en: 'Battery low' },
    description: 'Battery charge below batteryPct, or the device raised battery_low.',
    severity: 'critical',
    params: {
      batteryPct: {
        default: 20,
        min: 0,
        max: 100,
        unit: '%',
        description: 'Charge below this is low (recovered at 5 points above)',
      },
      ...damping(0, 300, 0),
    },
  },
  clock_offset: {
    id: 'clock_offset',
    name: { vi: 'Lệch đồng hồ', en: 'Clock offset' },
    description:
      'The device clock is off by more than maxOffsetMs, or it lost its time source: neighbouring villages would not start together.',
    severity: 'minor',
    params: {
      maxOffsetMs: {
        default: 1000,
        min: 10,
        max: 86_400_000,
        unit: 'ms',
        description: 'Largest tolerated |clockOffsetMs|',
      },
      ...damping(300, 300, 0),
    },
  },
  storage_low: {
    id: 'storage_low',
    name: { vi: 'Bộ nhớ sắp đầy', en: 'Storage nearly full' },
    description: 'Free media storage below freeMb, or the device raised storage_low: new media may not fit.',
    severity: 'major',
    params: {
      freeMb: {
        default: 100,
        min: 0,
        max: 1_048_576,
        unit: 'MiB',
        description: 'Free storage below this is nearly full',
      },
      ...damping(0, 300, 0),
    },
  },
  missed_broadcast: {
    id: 'missed_broadcast',
    name: { vi: 'Bỏ lỡ lịch phát', en: 'Missed broadcast' },
    description:
      'A scheduled occurrence the cluster should have played has no `started` report graceS after its start (judged once the cluster is connected, so reports buffered offline can arrive first).',
    severity: 'major',
    params: {
      graceS: {
        default: 120,
        min: 10,
        max: 3600,
        unit: 's',
        description: 'Wait after the start (and after a reconnect) before an occurrence counts as missed',
      },
      ...damping(0, 0),
    },
  },
  manifest_unacked: {
    id: 'manifest_unacked',
    name: { vi: 'Chưa nhận lịch phát', en: 'Manifest not acknowledged' },
    description:
      'The cluster is connected but has not acknowledged its latest manifest within raiseAfterS of it being published.',
    severity: 'minor',
    // Publish then acknowledge is the normal cycle on every schedule edit, not a cluster flapping.
    params: damping(900, 0, 0),
  },
};

export function isRuleId(value: unknown): value is RuleId {
  return typeof value === 'string' && (RULE_IDS as readonly string[]).includes(value);
}

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}
