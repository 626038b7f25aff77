import { spawn } from 'node:child_process';
import type { MediaProbe } from '@loa-xa/persistence';
import type { FfmpegBinaries } from './ffmpeg-binaries';

/** Audio containers ffmpeg may open for us (demuxer names); anything else is refused before it is parsed. */
export const AUDIO_DEMUXERS = 'mp3,wav,w64,ogg,flac,mov,matroska,aac,aiff,amr,asf,caf,au,wv,ape';

/** Input options of every ffmpeg/ffprobe run on an uploaded file: audio demuxers only, local file only. */
export const SAFE_INPUT_OPTIONS = ['-format_whitelist', AUDIO_DEMUXERS, '-protocol_whitelist', 'file'];

/** Most channels an upload may have (7.1). */
export const MAX_CHANNELS = 8;

/** Why a file is not usable audio, in words for the uploader. */
export class AudioRejected extends Error {}

interface ToolResult {
  code: number | null;
  stdout: string;
  /** First lines of stderr, and how many there were. */
  stderrLines: string[];
  stderrCount: number;
}

/** Runs a tool with a deadline, keeping only the first lines of its stderr (a corrupt file can print millions). */
function run(binary: string, args: string[], timeoutMs: number): Promise<ToolResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let partial = '';
    const stderrLines: string[] = [];
    let stderrCount = 0;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      // Only the tail matters (ffprobe's JSON is small; -progress blocks repeat).
      stdout = (stdout + chunk).slice(-1_000_000);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split(/\r?\n|\r/);
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        stderrCount++;
        if (stderrLines.length < 20) stderrLines.push(line);
      }
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${binary}: ${err.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (partial.trim()) {
        stderrCount++;
        if (stderrLines.length < 20) stderrLines.push(partial);
      }
      resolvePromise({ code, stdout, stderrLines, stderrCount });
    });
  });
}

/** An ffmpeg log line without the `[demuxer @ 0x…]` prefix and without the file's path. */
function clean(line: string, path: string): string {
  return line
    .replace(/^\[[^\]]*@ 0x[0-9a-f]+\]\s*/i, '')
    .split(path)
    .join('file')
    .trim()
    .slice(0, 300);
}

interface FfprobeOutput {
  streams?: {
    codec_type?: string;
    codec_name?: string;
    channels?: number;
    sample_rate?: string;
    bit_rate?: string;
    duration?: string;
    disposition?: { attached_pic?: number };
  }[];
  format?: { format_name?: string; duration?: string; bit_rate?: string };
}

const seconds = (value: string | undefined): number | null => {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) && n > 0 ? n : null;
};

/**
 * Probes a file and decodes its audio once, to be sure it is usable audio: an audio stream, a sane channel
 * count, a duration, no decoding error, and (when the container announces a length) not truncated.
 * Throws AudioRejected saying what is wrong; other errors mean the tools themselves failed.
 */
export async function probeAudio(binaries: FfmpegBinaries, path: string): Promise<MediaProbe> {
  const probe = await run(
    binaries.ffprobe,
    [
      '-v',
      'warning',
      '-hide_banner',
      ...SAFE_INPUT_OPTIONS,
      '-print_format',
      'json',
      '-show_format',
      '-show_streams',
      path,
    ],
    60_000,
  );
  if (probe.code !== 0) {
    const why =
      probe.stderrLines.map((l) => clean(l, path)).find(Boolean) ?? `ffprobe exited with ${probe.code}`;
    const notListed = /not on whitelist/.test(why);
    throw new AudioRejected(
      notListed
        ? `file is not in an accepted audio format (${AUDIO_DEMUXERS.split(',').join(', ')})`
        : `file is not readable audio (${why})`,
    );
  }
  let info: FfprobeOutput;
  try {
    info = JSON.parse(probe.stdout) as FfprobeOutput;
  } catch {
    throw new AudioRejected('file is not readable audio (ffprobe could not describe it)');
  }
  const streams = info.streams ?? [];
  const audio = streams.find((s) => s.codec_type === 'audio');
  if (!audio) {
    const others = streams
      .filter((s) => s.codec_type)
      .map((s) => `${s.codec_type}${s.codec_name ? `: ${s.codec_name}` : ''}`);
    throw new AudioRejected(
      `file has no audio stream${others.length ? ` (it holds ${others.join(', ')})` : ''}`,
    );
  }
  const channels = audio.channels ?? 0;
  if (channels < 1) throw new AudioRejected('file has an audio stream without channels');
  if (channels > MAX_CHANNELS)
    throw new AudioRejected(`file has ${channels} audio channels; at most ${MAX_CHANNELS} are accepted`);
  const sampleRate = Number(audio.sample_rate);
  if (!Number.isFinite(sampleRate) || sampleRate <= 0)
    throw new AudioRejected('file has an audio stream without a sample rate');
  // MP3 without a Xing/Info header: the length is guessed from the bit rate, so it proves nothing.
  const estimated = probe.stderrLines.some((l) => /Estimating duration from bitrate/i.test(l));
  const declared = estimated ? null : (seconds(audio.duration) ?? seconds(info.format?.duration));

  const decoded = await decodedSeconds(binaries, path);
  if (decoded.errors.length > 0)
    throw new AudioRejected(
      `file is corrupt: its audio does not decode cleanly (${decoded.errors[0]}${decoded.errorCount > 1 ? `; ${decoded.errorCount} errors` : ''})`,
    );
  if (decoded.seconds <= 0) throw new AudioRejected('file has no audio to play (duration 0)');
  if (declared !== null && declared - decoded.seconds > Math.max(0.5, declared * 0.02))
    throw new AudioRejected(
      `file is truncated: it announces ${declared.toFixed(1)} s of audio but only ${decoded.seconds.toFixed(1)} s decode`,
    );
  const bitRate = Number(audio.bit_rate ?? info.format?.bit_rate);
  return {
    format: info.format?.format_name ?? 'unknown',
    codec: audio.codec_name ?? 'unknown',
    channels,
    sampleRate,
    bitRate: Number.isFinite(bitRate) && bitRate > 0 ? bitRate : null,
    durationMs: Math.round(decoded.seconds * 1000),
  };
}

/** Decodes the first audio stream to nowhere: how long it really is, and the decoding errors. */
async function decodedSeconds(
  binaries: FfmpegBinaries,
  path: string,
): Promise<{ seconds: number; errors: string[]; errorCount: number }> {
  const result = await run(
    binaries.ffmpeg,
    [
      '-nostdin',
      '-hide_banner',
      '-v',
      'error',
      ...SAFE_INPUT_OPTIONS,
      '-i',
      path,
      '-map',
      '0:a:0',
      '-progress',
      'pipe:1',
      '-f',
      'null',
      '-',
    ],
    10 * 60_000,
  );
  const errors = result.stderrLines.map((l) => clean(l, path)).filter(Boolean);
  if (result.code !== 0 && errors.length === 0) errors.push(`ffmpeg exited with ${result.code}`);
  // -progress prints out_time_us (older builds: out_time_ms, also in microseconds) every block.
  const times = [...result.stdout.matchAll(/^out_time_(?:us|ms)=(\d+)$/gm)].map((m) => Number(m[1]));
  const seconds = times.length ? Math.max(...times) / 1e6 : 0;
  return { seconds, errors, errorCount: Math.max(result.stderrCount, errors.length) };
}

/** What a finished rendition really is (ffprobe of our own output). */
export async function probeRendition(
  binaries: FfmpegBinaries,
  path: string,
): Promise<{ codec: string; channels: number; sampleRate: number; durationMs: number }> {
  const result = await run(
    binaries.ffprobe,
    ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '-select_streams', 'a:0', path],
    60_000,
  );
  const info = (result.code === 0 ? JSON.parse(result.stdout) : {}) as FfprobeOutput;
  const audio = info.streams?.[0];
  const duration = seconds(audio?.duration) ?? seconds(info.format?.duration);
  if (!audio || duration === null)
    throw new Error(`the rendition is not readable (${result.stderrLines[0] ?? 'no audio stream'})`);
  return {
    codec: audio.codec_name ?? 'unknown',
    channels: audio.channels ?? 0,
    sampleRate: Number(audio.sample_rate),
    durationMs: Math.round(duration * 1000),
  };
}
