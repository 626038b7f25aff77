import { BadRequestException } from '@nestjs/common';
import { spawn, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Priority } from '@loa-xa/protocol';
import { resolveFfmpegBinaries } from '../../apps/server/src/media/ffmpeg-binaries';
import type { Principal } from '../../apps/server/src/access/scope';
import type { TargetDto } from '../../apps/server/src/broadcasts/target.dto';
import { TargetResolver } from '../../apps/server/src/broadcasts/target-resolver.service';
import { LIVE_ROLLOUT, type LiveRollout } from '../../apps/server/src/live/live-rollout';
import { startTestServer, type TestServer } from '../support/test-server';
import type { AppConfig } from '../../apps/server/src/config/app-config';

export const { ffmpeg: FFMPEG, ffprobe: FFPROBE } = resolveFfmpegBinaries({
  ffmpegPath: undefined,
  ffprobePath: undefined,
});

export interface StartCall {
  principal: Principal;
  sessionId: string;
  title: string;
  target: TargetDto;
  priority: Priority;
  volume?: number;
  streamUrlFor: (clusterId: string) => string;
  broadcastId: string;
}

export interface StopCall {
  principal: Principal;
  sessionId: string;
  broadcastId: string;
  priority: Priority;
}

/**
 * The rollout as the live module sees it, standing in for the broadcasts module's: `check` resolves the target
 * with the real TargetResolver (unknown or out-of-scope ids refused), start and stop are recorded instead of
 * reaching devices over MQTT.
 */
export class RecordingRollout implements LiveRollout {
  readonly starts: StartCall[] = [];
  readonly stops: StopCall[] = [];
  private next = 0;
  private targets: TargetResolver | null = null;

  /** The override is a value (the real token is an alias), so the server's resolver is handed in later. */
  useTargets(targets: TargetResolver): void {
    this.targets = targets;
  }

  async check(principal: Principal, target: TargetDto): Promise<number> {
    if (!this.targets) throw new Error('RecordingRollout: call useTargets() once the server runs');
    const resolved = await this.targets.resolve(principal, target);
    if (resolved.clusterIds.length === 0) throw new BadRequestException('the target reaches no cluster');
    return resolved.clusterIds.length;
  }

  start(
    principal: Principal,
    live: Omit<StartCall, 'principal' | 'broadcastId'>,
  ): Promise<{ broadcastId: string; clusters: number }> {
    const broadcastId = `00000000-0000-4000-8000-${String(++this.next).padStart(12, '0')}`;
    this.starts.push({ principal, ...live, broadcastId });
    return Promise.resolve({ broadcastId, clusters: 1 });
  }

  stop(principal: Principal, live: Omit<StopCall, 'principal'>): Promise<void> {
    this.stops.push({ principal, ...live });
    return Promise.resolve();
  }

  startOf(sessionId: string): StartCall | undefined {
    return this.starts.find((s) => s.sessionId === sessionId);
  }
}

/** A test server whose LIVE_ROLLOUT is a RecordingRollout. */
export async function startLiveTestServer(
  overrides: Partial<AppConfig> = {},
): Promise<{ server: TestServer; rollout: RecordingRollout }> {
  const rollout = new RecordingRollout();
  const server = await startTestServer(overrides, {
    providers: [{ provide: LIVE_ROLLOUT, useValue: rollout }],
  });
  rollout.useTargets(server.app.get(TargetResolver));
  return { server, rollout };
}

export const scratchDir = () => mkdtempSync(join(tmpdir(), 'loa-live-test-'));

/** Runs ffmpeg to completion; rejects with its stderr on failure. */
export function runFfmpeg(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg ${code}: ${stderr}`))));
  });
}

/** ffprobe's view of the first audio stream in `bytes`. */
export function probe(bytes: Buffer): Promise<{ codec_name: string; sample_rate: string; channels: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(FFPROBE, [
      '-v',
      'error',
      '-show_entries',
      'stream=codec_name,sample_rate,channels',
      '-of',
      'json',
      '-i',
      'pipe:0',
    ]);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdin.on('error', () => undefined);
    child.on('close', (code) => {
      const streams = code === 0 ? (JSON.parse(out) as { streams?: unknown[] }).streams : undefined;
      if (!streams?.length) return reject(new Error(`ffprobe ${code}: ${err}`));
      resolve(streams[0] as { codec_name: string; sample_rate: string; channels: number });
    });
    child.stdin.end(bytes);
  });
}

/** Decodes MP3 bytes completely; resolves with the number of decoding errors ffmpeg reported (0 = clean). */
export function decodeErrors(bytes: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(FFMPEG, [
      '-hide_banner',
      '-v',
      'error',
      '-f',
      'mp3',
      '-i',
      'pipe:0',
      '-f',
      'null',
      '-',
    ]);
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdin.on('error', () => undefined);
    child.on('error', reject);
    child.on('close', () => resolve(err.trim()));
    child.stdin.end(bytes);
  });
}

export interface Listening {
  status: number;
  /** Bytes received so far. */
  readonly bytes: Buffer;
  readonly ended: Promise<void>;
  close(): void;
}

/** A cluster's HTTP GET of its stream URL, collecting what arrives. */
export function listen(url: string): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const req = http.get(url, (res) => {
      res.on('data', (d: Buffer) => chunks.push(d));
      const ended = new Promise<void>((done) => res.on('close', () => done()));
      resolve({
        status: res.statusCode ?? 0,
        get bytes() {
          return Buffer.concat(chunks);
        },
        ended,
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
  });
}

/** An encoder pushing a sine tone in real time to the server with ffmpeg's Icecast output (PUT, or SOURCE). */
export function icecastEncoder(
  url: string,
  options: { legacy?: boolean; seconds?: number; realtime?: boolean; bitrate?: string } = {},
): ChildProcess {
  const child = spawn(FFMPEG, [
    '-hide_banner',
    '-loglevel',
    'error',
    ...(options.realtime === false ? [] : ['-re']),
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:sample_rate=44100:duration=${options.seconds ?? 60}`,
    '-c:a',
    'libmp3lame',
    '-b:a',
    options.bitrate ?? '128k',
    '-f',
    'mp3',
    '-content_type',
    'audio/mpeg',
    ...(options.legacy ? ['-legacy_icecast', '1'] : []),
    url,
  ]);
  child.stderr?.on('data', () => undefined);
  return child;
}

export const exited = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
