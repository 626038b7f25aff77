import type { Telemetry } from '@loa-xa/protocol';
import type { RuleId } from './rules';
import type { EffectiveRules } from './settings';
import { RULE_IDS } from './rules';

/** What the engine knows about one cluster when it evaluates the rules. Times are epoch ms. */
export interface ClusterSnapshot {
  online: boolean;
  /** When the current online/offline period began; null when unknown (not seen since the server started). */
  presenceSince: number | null;
  /** Last time the cluster was heard from (also from before a server restart); null: never. */
  lastSeenAt: number | null;
  telemetry: Pick<Telemetry, 'net' | 'power' | 'amp' | 'line' | 'storageFreeMb' | 'clockOffsetMs'> | null;
  /** Faults the device raised and has not cleared (codes of libs/protocol FAULT_CODES): a Set or a Map. */
  faults: { has(code: string): boolean };
  /** The manifest the server published and the version the device follows. */
  manifest: { version: number; publishedAt: number; ackedVersion: number | null } | null;
  /** The latest occurrence judged missed and not played since (the engine decides, see missed_broadcast). */
  missed: { occurrenceId: string; start: number } | null;
  /** Rules whose condition held at the last evaluation (for hysteresis on measurements). */
  holding?: ReadonlySet<RuleId>;
}

export interface Condition {
  active: boolean;
  /** When this state began, if the snapshot knows better than "now" (offline since, manifest published at). */
  at?: number;
  /** Human-readable, for the alert. */
  detail?: string;
  value?: Record<string, unknown>;
}

/** undefined: the rule cannot judge now (e.g. telemetry of a cluster that is offline): keep the last state. */
export type Conditions = Partial<Record<RuleId, Condition>>;

/** Evaluates every enabled rule on a snapshot. Pure and cheap: runs on every telemetry message. */
export function evaluate(snapshot: ClusterSnapshot, rules: EffectiveRules): Conditions {
  const out: Conditions = {};
  for (const id of RULE_IDS) {
    if (!rules[id].enabled) continue;
    const condition = CHECKS[id](snapshot, rules[id].params);
    if (condition) out[id] = condition;
  }
  return out;
}

type Check = (s: ClusterSnapshot, p: Record<string, number>) => Condition | undefined;

/** A low battery counts as recovered only this many points above the threshold (charging is slow). */
const BATTERY_HYSTERESIS_PCT = 5;

const CHECKS: Record<RuleId, Check> = {
  offline: (s) => {
    if (s.online) return { active: false, at: s.presenceSince ?? undefined };
    const since = s.presenceSince ?? s.lastSeenAt;
    // Never heard from: not installed yet, nothing to alert about.
    if (since === null) return undefined;
    return { active: true, at: since, detail: 'Mất kết nối với máy chủ', value: { lastSeenAt: since } };
  },
  amp_fault: (s) => {
    if (!s.online) return undefined;
    const active = s.telemetry?.amp === 'fault' || s.faults.has('amp_fault');
    return { active, detail: active ? 'Bộ khuếch đại báo lỗi' : undefined };
  },
  speaker_line: (s) => {
    if (!s.online) return undefined;
    const line =
      s.telemetry?.line === 'short' || s.faults.has('line_short')
        ? 'short'
        : s.telemetry?.line === 'open' || s.faults.has('line_open')
          ? 'open'
          : 'ok';
    if (line === 'ok') return { active: false };
    return {
      active: true,
      detail: line === 'short' ? 'Đường dây loa bị chập' : 'Đường dây loa bị hở mạch',
      value: { line },
    };
  },
  weak_signal: (s, p) => {
    if (!s.online) return undefined;
    const rsrp = s.telemetry?.net.rsrp;
    if (rsrp === undefined) return s.telemetry ? { active: false } : undefined;
    // Hysteresis: a signal hovering at the threshold does not toggle the condition with every reading.
    const active = rsrp < p.rsrpDbm + (s.holding?.has('weak_signal') ? p.hysteresisDb : 0);
    return {
      active,
      detail: active ? `RSRP ${rsrp} dBm (ngưỡng ${p.rsrpDbm} dBm)` : undefined,
      value: { rsrpDbm: rsrp, limit: p.rsrpDbm },
    };
  },
  on_battery: (s) => {
    if (!s.online) return undefined;
    const active = s.telemetry?.power.source === 'battery' || s.faults.has('mains_lost');
    return {
      active,
      detail: active ? 'Mất điện lưới, đang chạy pin' : undefined,
      value:
        s.telemetry?.power.batteryPct !== undefined
          ? { batteryPct: s.telemetry.power.batteryPct }
          : undefined,
    };
  },
  battery_low: (s, p) => {
    if (!s.online) return undefined;
    const pct = s.telemetry?.power.batteryPct;
    const limit = p.batteryPct + (s.holding?.has('battery_low') ? BATTERY_HYSTERESIS_PCT : 0);
    const active = (pct !== undefined && pct < limit) || s.faults.has('battery_low');
    return {
      active,
      detail: active
        ? pct !== undefined
          ? `Pin còn ${pct}% (ngưỡng ${p.batteryPct}%)`
          : 'Pin yếu'
        : undefined,
      value: pct !== undefined ? { batteryPct: pct, limit: p.batteryPct } : undefined,
    };
  },
  clock_offset: (s, p) => {
    if (!s.online) return undefined;
    const offset = s.telemetry?.clockOffsetMs;
    const tooFar = offset !== undefined && Math.abs(offset) > p.maxOffsetMs;
    const unsynced = s.faults.has('clock_unsynced');
    const active = tooFar || unsynced;
    return {
      active,
      detail: active
        ? tooFar
          ? `Đồng hồ lệch ${offset} ms (tối đa ${p.maxOffsetMs} ms)`
          : 'Mất nguồn đồng bộ thời gian'
        : undefined,
      value: offset !== undefined ? { clockOffsetMs: offset, limit: p.maxOffsetMs } : undefined,
    };
  },
  storage_low: (s, p) => {
    if (!s.online) return undefined;
    const free = s.telemetry?.storageFreeMb;
    const active = (free !== undefined && free < p.freeMb) || s.faults.has('storage_low');
    return {
      active,
      detail: active
        ? free !== undefined
          ? `Còn trống ${free} MiB (ngưỡng ${p.freeMb} MiB)`
          : 'Bộ nhớ sắp đầy'
        : undefined,
      value: free !== undefined ? { freeMb: free, limit: p.freeMb } : undefined,
    };
  },
  missed_broadcast: (s) => {
    if (!s.online) return undefined;
    if (!s.missed) return { active: false };
    return {
      active: true,
      at: s.missed.start,
      detail: `Không phát lịch ${s.missed.occurrenceId}`,
      value: { occurrenceId: s.missed.occurrenceId, start: new Date(s.missed.start).toISOString() },
    };
  },
  manifest_unacked: (s) => {
    if (!s.online || !s.manifest) return undefined;
    const { version, publishedAt, ackedVersion } = s.manifest;
    if (ackedVersion !== null && ackedVersion >= version) return { active: false };
    return {
      active: true,
      at: Math.max(publishedAt, s.presenceSince ?? publishedAt),
      detail: `Chưa xác nhận lịch phát phiên bản ${version} (đang theo ${ackedVersion ?? 'không có'})`,
      value: { version, ackedVersion },
    };
  },
};
