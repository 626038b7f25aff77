import type { FaultCode, Telemetry } from '@loa-xa/protocol';
import { PROTOCOL_VERSION } from '@loa-xa/protocol';
import { clamp, gaussian, type Rng } from './rng';

/**
 * The physical side of a simulated cluster: amplifier, speaker line, power, modem, enclosure.
 * It knows nothing about MQTT; `SimCluster` asks it for a telemetry snapshot and tells it about faults.
 */

export interface HardwareOptions {
  rng: Rng;
  initialVolume?: number;
  /** Mean LTE RSRP of this site, dBm (around -95 for a decent 4G site). */
  rsrpDbm?: number;
  /** Free media storage at boot, MiB. */
  storageFreeMb?: number;
}

const OPERATORS = ['Viettel', 'VinaPhone', 'MobiFone'] as const;

// A 12 V lead-acid battery: floats at ~13.5 V on mains, sags from ~12.9 V when mains is lost.
const BATTERY_FLOAT_V = 13.5;
const BATTERY_FULL_V = 12.9;
const BATTERY_EMPTY_V = 10.5;
const BATTERY_LOW_V = 11.3;
const BATTERY_DRAIN_V_PER_HOUR = 0.35;

export interface TelemetryContext {
  /** Device clock, epoch ms. */
  ts: number;
  seq: number;
  uptimeS: number;
  clockOffsetMs: number;
  /** Real time, for the battery discharge model. */
  realNow: number;
  /** What is on air. Default null. */
  playing?: Telemetry['playing'];
}

export class SimHardware {
  volume: number;
  private rsrpMean: number;
  private readonly operator: (typeof OPERATORS)[number];
  private readonly storageFreeMb: number;
  private readonly ambientC: number;
  private readonly faults = new Map<FaultCode, string | undefined>();
  /** Real time at which mains was lost, while running on battery. */
  private mainsLostAt: number | undefined;

  constructor(private readonly options: HardwareOptions) {
    const rng = options.rng;
    this.volume = clamp(Math.round(options.initialVolume ?? 70), 0, 100);
    this.rsrpMean = options.rsrpDbm ?? gaussian(rng, -95, 6);
    this.operator = OPERATORS[Math.floor(rng() * OPERATORS.length)];
    this.storageFreeMb = options.storageFreeMb ?? Math.round(gaussian(rng, 2800, 300));
    this.ambientC = gaussian(rng, 34, 3); // a metal box on a pole in Vietnam
  }

  /** Sets the mean signal of the site (e.g. -118 dBm for a weak-signal village). */
  setSignal(rsrpDbm: number): void {
    this.rsrpMean = rsrpDbm;
  }

  hasFault(code: FaultCode): boolean {
    return this.faults.has(code);
  }

  activeFaults(): FaultCode[] {
    return [...this.faults.keys()];
  }

  /** Returns false when the fault was already active (no new event). */
  raise(code: FaultCode, detail: string | undefined, realNow: number): boolean {
    if (this.faults.has(code)) return false;
    this.faults.set(code, detail);
    if (code === 'mains_lost') this.mainsLostAt = realNow;
    return true;
  }

  /** Returns false when the fault was not active. */
  clear(code: FaultCode): boolean {
    if (!this.faults.delete(code)) return false;
    if (code === 'mains_lost') this.mainsLostAt = undefined;
    return true;
  }

  /** Battery voltage now: drains while on battery, pinned low while `battery_low` is injected. */
  batteryV(realNow: number): number {
    let volts =
      this.mainsLostAt === undefined
        ? BATTERY_FLOAT_V
        : BATTERY_FULL_V - ((realNow - this.mainsLostAt) / 3_600_000) * BATTERY_DRAIN_V_PER_HOUR;
    if (this.faults.has('battery_low')) volts = Math.min(volts, BATTERY_LOW_V);
    return clamp(volts, BATTERY_EMPTY_V, BATTERY_FLOAT_V);
  }

  /** True when the battery sagged below the firmware's threshold on its own (not injected). */
  batteryDrained(realNow: number): boolean {
    return this.mainsLostAt !== undefined && this.batteryV(realNow) < BATTERY_LOW_V + 0.3;
  }

  telemetry(ctx: TelemetryContext): Telemetry {
    const rng = this.options.rng;
    const rsrp = round1(clamp(gaussian(rng, this.rsrpMean, 2.5), -156, -31));
    // SINR and RSRQ follow the signal loosely: weak sites are also noisy ones.
    const sinr = round1(clamp(gaussian(rng, 12 + (rsrp + 95) * 0.5, 2), -23, 40));
    const rsrq = round1(clamp(gaussian(rng, -10 + (rsrp + 95) * 0.15, 1), -43, 20));
    const rssi = round1(clamp(rsrp + 22 + gaussian(rng, 0, 1), -150, 0));
    const batteryV = this.batteryV(ctx.realNow);
    const batteryPct = Math.round(
      clamp(((batteryV - BATTERY_EMPTY_V) / (BATTERY_FULL_V - BATTERY_EMPTY_V)) * 100, 0, 100),
    );
    const overheat = this.faults.has('overheat');
    const tempC = round1(clamp(gaussian(rng, overheat ? 78 : this.ambientC, 0.8), -40, 125));
    const storageFreeMb = this.faults.has('storage_low') ? 12 : this.storageFreeMb;
    return {
      v: PROTOCOL_VERSION,
      ts: ctx.ts,
      seq: ctx.seq,
      net: { type: '4g', rssi, rsrp, rsrq, sinr, operator: this.operator },
      power: {
        source: this.mainsLostAt === undefined ? 'mains' : 'battery',
        batteryV: round1(batteryV),
        batteryPct,
      },
      amp: this.faults.has('amp_fault') ? 'fault' : 'ok',
      line: this.faults.has('line_short') ? 'short' : this.faults.has('line_open') ? 'open' : 'ok',
      tempC,
      volume: this.volume,
      storageFreeMb,
      clockOffsetMs: clamp(Math.round(ctx.clockOffsetMs), -86_400_000, 86_400_000),
      uptimeS: ctx.uptimeS,
      playing: ctx.playing ?? null,
    };
  }
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
