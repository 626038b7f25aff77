import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { defaultAuthorization, eventually, request, type JsonResponse } from '../support/http';
import type { TestServer } from '../support/test-server';
import { resolveFfmpegBinaries } from '../../apps/server/src/media/ffmpeg-binaries';

const run = promisify(execFile);

/** The binaries the server uses (the packaged static builds). */
export const BINARIES = resolveFfmpegBinaries({ ffmpegPath: undefined, ffprobePath: undefined });

/** Shapes of the media API, as the tests read them. */
export interface Rendition {
  id: string;
  profile: string;
  codec: string;
  bitrateKbps: number;
  channels: number;
  sampleRate: number;
  sha256: string;
  size: number;
  durationMs: number;
}
export interface Asset {
  id: string;
  title: string;
  originalName: string | null;
  unitId: string;
  editable: boolean;
  origin: string;
  status: 'processing' | 'ready' | 'failed';
  progress: number;
  failureReason: string | null;
  probe: { format: string; codec: string; channels: number; sampleRate: number; durationMs: number };
  durationMs: number;
  loudness: { inputI: number | null; targetI: number; normalised: boolean } | null;
  renditions: Rendition[];
  sourceSha256: string;
  sourceSize: number;
}
export interface ErrorBody {
  statusCode: number;
  message: string;
  errors?: { field: string; rule: string; message: string }[];
  uses?: string[];
}

export const tempDir = (prefix: string) => mkdtemp(join(tmpdir(), `loa-${prefix}-`));

/** Makes a file with ffmpeg: `args` go between `-y` and the output path. */
export async function ffmpeg(dir: string, name: string, args: string[]): Promise<string> {
  const path = join(dir, name);
  await run(BINARIES.ffmpeg, ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args, path]);
  return path;
}

/** A loud 440 Hz sine (about -6 LUFS): loudnorm must bring it down to the target. */
export const loudSine = (seconds: number, extra: string[] = []) => [
  '-f',
  'lavfi',
  '-i',
  `sine=frequency=440:duration=${seconds}`,
  '-af',
  'volume=6',
  ...extra,
];

export interface UploadOptions {
  filename?: string;
  fields?: Record<string, string>;
  headers?: Record<string, string>;
  /** More file parts: [field, content, filename]. */
  extraFiles?: [string, Buffer, string][];
  fileField?: string;
}

/** POST /api/v1/media as multipart/form-data (fetch builds the body), as the administrator unless told. */
export async function upload(
  server: TestServer,
  content: Buffer | null,
  options: UploadOptions = {},
): Promise<JsonResponse<Asset & ErrorBody>> {
  const form = new FormData();
  for (const [k, v] of Object.entries(options.fields ?? {})) form.append(k, v);
  if (content) form.append(options.fileField ?? 'file', new Blob([content]), options.filename ?? 'audio.bin');
  for (const [field, data, filename] of options.extraFiles ?? [])
    form.append(field, new Blob([data]), filename);
  const url = server.url('/api/v1/media');
  const headers: Record<string, string> = { ...options.headers };
  if (!('authorization' in headers)) headers.authorization = defaultAuthorization(url) ?? '';
  const res = await fetch(url, { method: 'POST', body: form, headers });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: body as Asset & ErrorBody, headers: res.headers };
}

export const uploadPath = async (server: TestServer, path: string, options: UploadOptions = {}) =>
  upload(server, await readFile(path), { filename: basename(path), ...options });

export const getAsset = (server: TestServer, id: string, headers?: Record<string, string>) =>
  request<Asset & ErrorBody>('GET', server.url(`/api/v1/media/${id}`), undefined, headers);

/** Waits until an asset leaves `processing`. */
export async function settled(server: TestServer, id: string, timeoutMs = 60_000): Promise<Asset> {
  return eventually(async () => {
    const res = await getAsset(server, id);
    return res.body.status !== 'processing' ? res.body : null;
  }, timeoutMs);
}

/** ffprobe of a file: its first audio stream and the container. */
export async function ffprobe(path: string): Promise<{
  codec_name: string;
  channels: number;
  sample_rate: string;
  bit_rate: string;
  duration: string;
}> {
  const { stdout } = await run(BINARIES.ffprobe, [
    '-v',
    'error',
    '-select_streams',
    'a:0',
    '-show_streams',
    '-print_format',
    'json',
    path,
  ]);
  return (JSON.parse(stdout) as { streams: never[] }).streams[0];
}

/** Integrated loudness of a file, LUFS, by ffmpeg's ebur128 filter. */
export async function integratedLoudness(path: string): Promise<number> {
  const { stderr } = await run(BINARIES.ffmpeg, [
    '-hide_banner',
    '-nostdin',
    '-i',
    path,
    '-af',
    'ebur128',
    '-f',
    'null',
    '-',
  ]);
  const summary = stderr.slice(stderr.lastIndexOf('Summary:'));
  const m = /I:\s+(-?\d+(?:\.\d+)?) LUFS/.exec(summary);
  if (!m) throw new Error(`no integrated loudness in: ${summary}`);
  return Number(m[1]);
}

/** Every file under a folder (relative paths), however deep. */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (sub: string) => {
    let names: string[];
    try {
      names = await readdir(join(dir, sub));
    } catch {
      return;
    }
    for (const name of names) {
      const rel = sub ? `${sub}/${name}` : name;
      if ((await stat(join(dir, rel))).isDirectory()) await walk(rel);
      else out.push(rel);
    }
  };
  await walk('');
  return out.sort();
}

/** Raw GET of a URL with headers (for range requests): status, headers and the body bytes. */
export async function fetchBytes(
  url: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const res = await fetch(url, { method, headers });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}
