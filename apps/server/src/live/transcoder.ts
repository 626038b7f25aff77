import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Writable } from 'node:stream';
import type { MediaProfile } from '../config/app-config';
import { Mp3Framer, type Mp3Chunk } from './mp3-frames';

/** ffmpeg demuxer for a source's declared Content-Type; undefined lets ffmpeg probe. */
export function inputFormatOf(contentType: string | undefined): string | undefined {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'audio/mpeg' || type === 'audio/mp3' || type === 'audio/mpeg3') return 'mp3';
  if (type === 'audio/ogg' || type === 'application/ogg' || type === 'audio/opus') return 'ogg';
  if (type === 'audio/webm' || type === 'video/webm') return 'webm';
  if (type === 'audio/aac' || type === 'audio/aacp' || type === 'audio/x-aac') return 'aac';
  if (type === 'audio/flac' || type === 'audio/x-flac') return 'flac';
  if (type === 'audio/wav' || type === 'audio/x-wav' || type === 'audio/wave') return 'wav';
  return undefined;
}

/** Content types a source may declare (besides none, or application/octet-stream: probed). */
export function isAcceptedContentType(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return type === '' || type === 'application/octet-stream' || inputFormatOf(type) !== undefined;
}

/** The ffmpeg arguments: read the source from stdin, write MP3 of the device profile to stdout, no buffering. */
export function transcodeArgs(profile: MediaProfile, inputFormat: string | undefined): string[] {
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    // Start on the first packets instead of analysing seconds of input, and hand packets on at once.
    '-fflags',
    '+nobuffer',
    '-flags',
    'low_delay',
    '-probesize',
    '32',
    '-analyzeduration',
    '0',
    ...(inputFormat ? ['-f', inputFormat] : []),
    '-i',
    'pipe:0',
    '-map',
    '0:a:0',
    '-vn',
    '-c:a',
    'libmp3lame',
    '-b:a',
    `${profile.bitrateKbps}k`,
    '-ac',
    String(profile.channels),
    '-ar',
    String(profile.sampleRate),
    // A stream has no length: no Xing/LAME header frame, no ID3 tag, just frames; each flushed at once.
    '-write_xing',
    '0',
    '-id3v2_version',
    '0',
    '-flush_packets',
    '1',
    '-f',
    'mp3',
    'pipe:1',
  ];
}

export interface TranscoderExit {
  /** True when ffmpeg ended normally (its input ended). */
  ok: boolean;
  /** ffmpeg's last words when it failed. */
  error?: string;
}

export interface Transcoder {
  /** The source's bytes go here (respect write() returning false: wait for 'drain'). */
  readonly input: Writable;
  /** Settles when ffmpeg has exited, for whatever reason. */
  readonly exit: Promise<TranscoderExit>;
  /** The source is over: ffmpeg flushes what it has and exits (killed if it takes over `graceMs`). */
  stop(graceMs?: number): Promise<TranscoderExit>;
}

/** One ffmpeg per source: compressed audio in, whole MP3 frames out through `onChunk`. */
export function startTranscoder(options: {
  ffmpeg: string;
  profile: MediaProfile;
  contentType: string | undefined;
  onChunk: (chunk: Mp3Chunk) => void;
}): Transcoder {
  const child: ChildProcessWithoutNullStreams = spawn(
    options.ffmpeg,
    transcodeArgs(options.profile, inputFormatOf(options.contentType)),
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const framer = new Mp3Framer();
  let stderr = '';
  let spawnError: string | undefined;
  child.stdout.on('data', (bytes: Buffer) => {
    for (const chunk of framer.push(bytes)) options.onChunk(chunk);
  });
  child.stderr.on('data', (bytes: Buffer) => {
    stderr = (stderr + bytes.toString('utf8')).slice(-2000);
  });
  // A source that goes away mid-write, or ffmpeg refusing the input, breaks the pipe: not our crash.
  child.stdin.on('error', () => undefined);
  child.on('error', (err) => {
    spawnError = `ffmpeg could not start: ${err.message}`;
  });
  const exit = new Promise<TranscoderExit>((resolve) => {
    child.once('close', (code, signal) => {
      const ok = code === 0;
      const last = stderr.trim().split('\n').pop()?.trim();
      resolve(
        ok
          ? { ok }
          : { ok, error: spawnError ?? last ?? `ffmpeg exited with ${signal ?? `code ${String(code)}`}` },
      );
    });
  });
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  return {
    input: child.stdin,
    exit,
    stop: async (graceMs = 5000) => {
      if (!child.stdin.writableEnded) child.stdin.end();
      const timer = setTimeout(kill, graceMs);
      try {
        return await exit;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
