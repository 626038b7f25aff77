import ffmpeg from 'fluent-ffmpeg';
import type { MediaProfile } from '../config/app-config';
import { SAFE_INPUT_OPTIONS } from './audio-probe';

/*
 * EBU R128 normalisation in two passes of ffmpeg's loudnorm filter: pass 1 measures the input, pass 2
 * applies one linear gain computed from that measurement (loudnorm falls back to its dynamic mode only when
 * the true-peak target would otherwise be exceeded). The channel layout of the profile is applied before
 * loudnorm, so a stereo file downmixed to mono is measured as the mono rendition will sound.
 */

export interface LoudnessTarget {
  /** Integrated loudness, LUFS. */
  i: number;
  /** True peak, dBTP. */
  tp: number;
  /** Loudness range, LU. */
  lra: number;
}

/** What pass 1 measured (null: not measurable, e.g. silence gives -inf). */
export interface LoudnessMeasurement {
  inputI: number | null;
  inputTp: number | null;
  inputLra: number | null;
  inputThresh: number | null;
  targetOffset: number | null;
}

/** Quieter than this (or silent) is not worth normalising: the rendition is made without a gain change. */
const MEASURABLE_LUFS = -70;

const num = (value: unknown): number | null => {
  const n = typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : null;
};

/** The JSON block loudnorm prints at the end of pass 1 (print_format=json), from ffmpeg's stderr lines. */
export function parseLoudnormJson(stderrLines: string[]): LoudnessMeasurement | null {
  const text = stderrLines.join('\n');
  const start = text.lastIndexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end < start) return null;
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text.slice(start, end + 1)) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (!('input_i' in json)) return null;
  return {
    inputI: num(json.input_i),
    inputTp: num(json.input_tp),
    inputLra: num(json.input_lra),
    inputThresh: num(json.input_thresh),
    targetOffset: num(json.target_offset),
  };
}

/** Whether pass 2 can normalise from this measurement. */
export function measurable(m: LoudnessMeasurement): boolean {
  return (
    m.inputI !== null &&
    m.inputI > MEASURABLE_LUFS &&
    m.inputTp !== null &&
    m.inputLra !== null &&
    m.inputThresh !== null &&
    m.inputThresh > MEASURABLE_LUFS
  );
}

const layout = (profile: MediaProfile) => (profile.channels === 1 ? 'mono' : 'stereo');
const f2 = (n: number) => n.toFixed(2);

/** Filter chain of pass 1 (measure) or pass 2 (apply `measured`). */
export function loudnormFilter(
  profile: MediaProfile,
  target: LoudnessTarget,
  measured?: LoudnessMeasurement,
): string {
  const base = `aformat=channel_layouts=${layout(profile)},loudnorm=I=${f2(target.i)}:TP=${f2(target.tp)}:LRA=${f2(target.lra)}`;
  if (!measured) return `${base}:print_format=json`;
  if (!measurable(measured))
    return `aformat=channel_layouts=${layout(profile)},aresample=${profile.sampleRate}`;
  return (
    `${base}:measured_I=${f2(measured.inputI!)}:measured_TP=${f2(measured.inputTp!)}` +
    `:measured_LRA=${f2(measured.inputLra!)}:measured_thresh=${f2(measured.inputThresh!)}` +
    `:offset=${f2(measured.targetOffset ?? 0)}:linear=true:print_format=summary,aresample=${profile.sampleRate}`
  );
}

/** Seconds of `time=` in an ffmpeg progress line, or null. */
export function progressSeconds(line: string): number | null {
  const m = /time=\s*(\d+):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(line);
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : null;
}

export interface PassOptions {
  ffmpegPath: string;
  input: string;
  profile: MediaProfile;
  target: LoudnessTarget;
  /** Seconds of input processed so far. */
  onProgress(seconds: number): void;
  signal: AbortSignal;
}

/** Runs one ffmpeg command; resolves with the last stderr lines, rejects with ffmpeg's own error lines. */
function runCommand(command: ffmpeg.FfmpegCommand, signal: AbortSignal, onProgress: (s: number) => void) {
  return new Promise<string[]>((resolvePromise, reject) => {
    const tail: string[] = [];
    const kill = () => command.kill('SIGKILL');
    if (signal.aborted) return reject(new Error('cancelled'));
    signal.addEventListener('abort', kill, { once: true });
    command
      .on('stderr', (line: string) => {
        const seconds = progressSeconds(line);
        if (seconds !== null) return onProgress(seconds);
        tail.push(line);
        if (tail.length > 60) tail.shift();
      })
      .on('error', (err: Error) => {
        signal.removeEventListener('abort', kill);
        reject(signal.aborted ? new Error('cancelled') : new Error(ffmpegFailure(err.message, tail)));
      })
      .on('end', () => {
        signal.removeEventListener('abort', kill);
        resolvePromise(tail);
      })
      .run();
  });
}

/** The useful part of a failure: ffmpeg's error lines (not the echo of its configuration). */
function ffmpegFailure(message: string, tail: string[]): string {
  const errors = tail.filter((l) => /error|invalid|not supported|unknown|cannot|failed|no such/i.test(l));
  const detail = errors.length ? errors.slice(-3).join('; ') : message.split('\n').slice(0, 3).join('; ');
  return detail.replace(/\[[^\]]*@ 0x[0-9a-f]+\]\s*/gi, '').trim();
}

function command(options: PassOptions): ffmpeg.FfmpegCommand {
  return ffmpeg({ stdoutLines: 20 })
    .setFfmpegPath(options.ffmpegPath)
    .input(options.input)
    .inputOptions(['-nostdin', '-hide_banner', ...SAFE_INPUT_OPTIONS]);
}

/** Pass 1: measures the input as the profile's channel layout hears it. */
export async function measureLoudness(options: PassOptions): Promise<LoudnessMeasurement> {
  const cmd = command(options)
    .outputOptions(['-map', '0:a:0', '-af', loudnormFilter(options.profile, options.target)])
    .format('null')
    .output('-');
  const tail = await runCommand(cmd, options.signal, options.onProgress);
  const measured = parseLoudnormJson(tail);
  if (!measured) throw new Error('loudness measurement (loudnorm pass 1) printed no result');
  return measured;
}

/** Pass 2: applies the measured gain and encodes the profile into `output` (an MP3 file). */
export async function encodeRendition(
  options: PassOptions & { output: string; measured: LoudnessMeasurement },
): Promise<void> {
  const { profile } = options;
  const cmd = command(options)
    .outputOptions([
      '-map',
      '0:a:0',
      '-vn',
      '-sn',
      '-dn',
      '-map_metadata',
      '-1',
      '-af',
      loudnormFilter(profile, options.target, options.measured),
    ])
    .audioCodec('libmp3lame')
    .audioBitrate(profile.bitrateKbps)
    .audioChannels(profile.channels)
    .audioFrequency(profile.sampleRate)
    .format('mp3')
    .output(options.output);
  await runCommand(cmd, options.signal, options.onProgress);
}
