/**
 * What the media library shows, decided without the DOM (unit-tested): status tones, upload phases and
 * how a refused upload is explained.
 */
export type MediaStatus = 'processing' | 'ready' | 'failed';
export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'muted';

export const STATUS_TONE: Record<MediaStatus, Tone> = {
  processing: 'info',
  ready: 'ok',
  failed: 'bad',
};

/** What the file picker offers; the server sniffs and decodes anyway, this only keeps the list short. */
export const ACCEPT = 'audio/*,.mp3,.wav,.ogg,.oga,.opus,.flac,.m4a,.aac,.webm,.wma,.amr,.3gp';

const AUDIO_EXTENSIONS = /\.(mp3|wav|wave|ogg|oga|opus|flac|m4a|mp4|aac|webm|wma|amr|3gp|aif|aiff)$/i;

/** A dropped file that is surely not audio (an image, a document) is refused before sending it. */
export function looksLikeAudio(name: string, type: string): boolean {
  if (type.startsWith('audio/')) return true;
  if (type.startsWith('image/') || type.startsWith('text/') || type === 'application/pdf') return false;
  return AUDIO_EXTENSIONS.test(name);
}

/** The default title the server gives an upload: the file name without its extension. */
export function titleFromFileName(name: string): string {
  const base = name.replace(/\.[^.]{1,5}$/, '').trim();
  return base || name;
}

export type UploadPhase = 'uploading' | 'transcoding' | 'ready' | 'failed';

export interface UploadProgress {
  phase: UploadPhase;
  /** Percent of the current phase, 0–100. */
  percent: number;
}

/** Upload bytes sent so far → percent (never 100 before the server answered: it still checks the file). */
export function uploadPercent(loaded: number, total: number): number {
  if (!total || total <= 0) return 0;
  return Math.min(99, Math.max(0, Math.floor((loaded / total) * 100)));
}

/** Where an asset the server accepted stands, from its status and progress. */
export function assetProgress(asset: { status: MediaStatus; progress: number }): UploadProgress {
  if (asset.status === 'ready') return { phase: 'ready', percent: 100 };
  if (asset.status === 'failed') return { phase: 'failed', percent: 0 };
  return { phase: 'transcoding', percent: Math.max(0, Math.min(100, Math.round(asset.progress))) };
}

export type UploadErrorKind =
  'tooLarge' | 'notAudio' | 'invalid' | 'forbidden' | 'network' | 'sessionEnded' | 'other';

/** How a refused upload is explained to the operator (the server's own text is English). */
export function uploadErrorKind(status: number): UploadErrorKind {
  if (status === 0) return 'network';
  if (status === 401) return 'sessionEnded';
  if (status === 403) return 'forbidden';
  if (status === 413) return 'tooLarge';
  if (status === 415 || status === 422) return 'notAudio';
  if (status === 400) return 'invalid';
  return 'other';
}

/** "… larger than the limit of 200 MiB (MEDIA_MAX_UPLOAD_MB)" → 200; null when the message names none. */
export function uploadLimitMiB(message: string): number | null {
  const match = /limit of (\d+(?:\.\d+)?) MiB/.exec(message);
  if (match) return Number(match[1]);
  const bytes = /limit of (\d+) bytes/.exec(message);
  return bytes ? Math.round((Number(bytes[1]) / 1_048_576) * 10) / 10 : null;
}

/** Integrated loudness rounded to a tenth; null when unmeasured (silence, or not transcoded yet). */
export function loudnessOf(asset: {
  loudness: { inputI: number | null; targetI: number; normalised: boolean } | null;
}): { input: number | null; target: number | null; normalised: boolean } {
  const l = asset.loudness;
  if (!l) return { input: null, target: null, normalised: false };
  const round = (v: number | null) => (v === null || !Number.isFinite(v) ? null : Math.round(v * 10) / 10);
  return { input: round(l.inputI), target: round(l.targetI), normalised: l.normalised };
}

/** Poll faster at first (short files finish in a second or two), then settle at 2 s. */
export function pollDelayMs(attempt: number): number {
  return Math.min(2000, 400 + attempt * 200);
}

/**
 * Files uploaded before the server read multipart file names as UTF-8 have them stored decoded as
 * Latin-1 ("Bản tin" → "BaÌ£n tin"): re-read as UTF-8 when that is what the bytes are; anything else is
 * returned as it is.
 */
export function repairFileName(name: string): string {
  const codes = Array.from(name, (c) => c.charCodeAt(0));
  if (!codes.some((c) => c >= 0x80) || codes.some((c) => c > 0xff)) return name;
  const bytes = Uint8Array.from(codes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return name;
  }
}
