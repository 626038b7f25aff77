/**
 * How a rollout (the per-cluster play_now commands of a live session or an emergency broadcast) is shown,
 * without the DOM (unit-tested).
 */
export type DeliveryStatus = 'pending' | 'delivered' | 'started' | 'acked' | 'failed' | 'expired';
export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'muted';

/** The API's DeliveryView. */
export interface Delivery {
  clusterId: string;
  clusterCode: string;
  clusterName: string;
  commandId: string;
  status: DeliveryStatus;
  deliveredAt: string | null;
  completedAt: string | null;
  errorCode: string | null;
  errorMessage: string | null;
}

/** The API's RolloutSummary. */
export interface RolloutSummary {
  targets: number;
  pending: number;
  delivered: number;
  started: number;
  acked: number;
  failed: number;
  expired: number;
  complete: boolean;
}

export const DELIVERY_TONE: Record<DeliveryStatus, Tone> = {
  pending: 'muted',
  delivered: 'info',
  started: 'ok',
  acked: 'ok',
  failed: 'bad',
  expired: 'warn',
};

/** Worst first: what needs a look comes to the top of the table. */
const ORDER: Record<DeliveryStatus, number> = {
  failed: 0,
  expired: 1,
  pending: 2,
  delivered: 3,
  started: 4,
  acked: 5,
};

export function sortDeliveries(items: readonly Delivery[]): Delivery[] {
  return [...items].sort(
    (a, b) => ORDER[a.status] - ORDER[b.status] || a.clusterCode.localeCompare(b.clusterCode),
  );
}

/** Counts of a delivery list, in the summary's shape (for a list fetched without its summary). */
export function summarize(items: readonly Delivery[]): RolloutSummary {
  const s: RolloutSummary = {
    targets: items.length,
    pending: 0,
    delivered: 0,
    started: 0,
    acked: 0,
    failed: 0,
    expired: 0,
    complete: false,
  };
  for (const d of items) s[d.status]++;
  s.complete = s.pending === 0 && s.delivered === 0;
  return s;
}

/**
 * The rollout's headline numbers: sent (every target got the command), acknowledged (the cluster answered:
 * delivered or further), playing, failed (refused, error or never delivered).
 */
export function headline(s: RolloutSummary): {
  sent: number;
  acked: number;
  started: number;
  failed: number;
  percentDone: number;
} {
  const acked = s.delivered + s.started + s.acked + s.failed;
  const failed = s.failed + s.expired;
  const answered = s.targets - s.pending - s.delivered;
  return {
    sent: s.targets,
    acked,
    started: s.started + s.acked,
    failed,
    percentDone: s.targets ? Math.round((Math.max(0, answered) / s.targets) * 100) : 0,
  };
}

/** The device's error code (protocol COMMAND_ERROR_CODES) → a message key the pages translate. */
export function errorKey(
  code: string | null,
): 'errBusy' | 'errMedia' | 'errStream' | 'errExpired' | 'errHardware' | 'errUnsupported' | 'errOther' {
  switch (code) {
    case 'busy':
      return 'errBusy';
    case 'media_unavailable':
      return 'errMedia';
    case 'stream_unavailable':
      return 'errStream';
    case 'expired':
      return 'errExpired';
    case 'hardware_fault':
      return 'errHardware';
    case 'unsupported_command':
    case 'invalid_params':
      return 'errUnsupported';
    default:
      return 'errOther';
  }
}

/** Microphone level: RMS of time-domain samples (−1…1) → 0–100 on a −60…0 dBFS scale. */
export function levelPercent(samples: ArrayLike<number>): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  const rms = Math.sqrt(sum / samples.length);
  if (rms <= 0) return 0;
  const db = 20 * Math.log10(rms);
  return Math.round(Math.max(0, Math.min(100, ((db + 60) / 60) * 100)));
}

/** "mm:ss" / "h:mm:ss" since `startMs`. */
export function elapsed(startMs: number, nowMs: number): string {
  const s = Math.max(0, Math.floor((nowMs - startMs) / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${String(m).padStart(2, '0')}:${sec}`;
}

/** The recorder format to use: WebM/Opus (Chromium), Ogg/Opus (Firefox); null when neither records. */
export function pickRecorderType(
  isSupported: (type: string) => boolean,
): { mimeType: string; wsType: 'audio/webm' | 'audio/ogg' } | null {
  const candidates: { mimeType: string; wsType: 'audio/webm' | 'audio/ogg' }[] = [
    { mimeType: 'audio/webm;codecs=opus', wsType: 'audio/webm' },
    { mimeType: 'audio/ogg;codecs=opus', wsType: 'audio/ogg' },
    { mimeType: 'audio/webm', wsType: 'audio/webm' },
  ];
  return candidates.find((c) => isSupported(c.mimeType)) ?? null;
}
