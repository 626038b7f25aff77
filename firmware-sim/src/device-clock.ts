/**
 * The device's own clock. A real cluster's clock drifts or was never set; it learns its offset from
 * NTP/NITZ (reported as `clockOffsetMs`) and plays by the corrected clock. A cluster that does not know its
 * clock is wrong reports 0 and plays early or late by the skew.
 */
export class DeviceClock {
  constructor(
    /** Device clock minus real time, ms. */
    readonly skewMs = 0,
    /** True when the device knows its offset and corrects for it. */
    readonly corrected = true,
  ) {}

  /** The device clock, epoch ms: what it stamps on `ts` and play reports. */
  now(): number {
    return Math.round(Date.now() + this.skewMs);
  }

  /** The offset the device believes in (`clockOffsetMs` in telemetry). */
  get knownOffsetMs(): number {
    return this.corrected ? this.skewMs : 0;
  }

  /** Reference time as the device sees it: device clock minus its known offset (protocol §6.2). */
  reference(): number {
    return this.now() - this.knownOffsetMs;
  }

  /** Real milliseconds until the device believes reference instant `at` has come (≥ 0). */
  delayUntil(at: number): number {
    return Math.max(0, at - this.reference());
  }
}
