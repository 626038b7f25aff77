import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AppConfig } from '../config/app-config';

export interface FfmpegBinaries {
  ffmpeg: string;
  ffprobe: string;
}

const load = createRequire(__filename);

/** The path an installer package exports, if it is installed and its binary exists for this platform. */
function packaged(name: string, pick: (exported: unknown) => unknown): string | undefined {
  try {
    const path = pick(load(name));
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

const pathOf = (exported: unknown) => (exported as { path?: unknown } | null)?.path;

/**
 * The ffmpeg and ffprobe binaries: FFMPEG_PATH / FFPROBE_PATH, else a packaged static build (ffmpeg-static if
 * someone installed it, @ffmpeg-installer/ffmpeg, @ffprobe-installer/ffprobe), else the ones on PATH.
 */
export function resolveFfmpegBinaries(config: Pick<AppConfig, 'ffmpegPath' | 'ffprobePath'>): FfmpegBinaries {
  return {
    ffmpeg:
      config.ffmpegPath ??
      packaged('ffmpeg-static', (exported) => exported) ??
      packaged('@ffmpeg-installer/ffmpeg', pathOf) ??
      'ffmpeg',
    ffprobe: config.ffprobePath ?? packaged('@ffprobe-installer/ffprobe', pathOf) ?? 'ffprobe',
  };
}
