/*
 * Shared parts of the media benchmarks (transcode-bench.ts, download-bench.ts): the machine line, timing and
 * statistics helpers, /proc CPU accounting, the server as a child process, a speech-like test source made with
 * ffmpeg, and the upload → ready cycle through the public API.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, openAsBlob, readFileSync, readdirSync, renameSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import type { HttpAdapterHost } from '@nestjs/core';
import type { AppConfig } from '../../../apps/server/src/config/app-config';
import { resolveFfmpegBinaries, type FfmpegBinaries } from '../../../apps/server/src/media/ffmpeg-binaries';
import { MediaUrlSigner } from '../../../apps/server/src/media/media-url-signer';
import { freePort } from '../../e2e/server-process';
import { authorize, defaultAuthorization, logIn } from '../../support/http';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The binaries of @ffmpeg-installer/ffmpeg and @ffprobe-installer/ffprobe (what the server uses here). */
export function packagedFfmpeg(): FfmpegBinaries {
  const binaries = resolveFfmpegBinaries({ ffmpegPath: undefined, ffprobePath: undefined });
  if (!existsSync(binaries.ffmpeg) || !existsSync(binaries.ffprobe)) {
    console.error(
      `ffmpeg/ffprobe not found (${binaries.ffmpeg}, ${binaries.ffprobe}): the optional packages ` +
        '@ffmpeg-installer/ffmpeg and @ffprobe-installer/ffprobe must be installed (npm ci)',
    );
    process.exit(2);
  }
  return binaries;
}

export function firstLine(binary: string, args: string[]): string {
  const out = spawnSync(binary, args, { encoding: 'utf8' });
  return `${out.stdout ?? ''}${out.stderr ?? ''}`.split('\n')[0]?.trim() ?? binary;
}

/** One line about the machine: cores, CPU, memory, Node, load when the run started. */
export function machineLine(): string {
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  return (
    `nproc ${availableParallelism()} (${cpus()[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
    `node ${process.version}, load average ${load}`
  );
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
  stepMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(stepMs);
  }
}

/** A whole number option in a range, or exit 2 saying what is allowed. */
export function intOption(name: string, raw: string | undefined, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    console.error(`--${name} must be an integer in ${min}..${max}`);
    process.exit(2);
  }
  return value;
}

/** Stops the whole benchmark when it runs past its bound, whatever it is waiting for. */
export function hardLimit(ms: number, onExpiry: () => void = () => undefined): void {
  setTimeout(() => {
    console.error(`benchmark exceeded its time limit (${Math.round(ms / 60_000)} min); stopping`);
    onExpiry();
    process.exit(3);
  }, ms).unref();
}

// ---------------------------------------------------------------- CPU accounting from /proc

const TICKS_PER_S = 100;

function statFields(pid: number | 'self'): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** utime + stime of a process, seconds (0 once it is gone). */
export function cpuSeconds(pid: number): number {
  try {
    const f = statFields(pid);
    return (Number(f[11]) + Number(f[12])) / TICKS_PER_S;
  } catch {
    return 0;
  }
}

/** CPU seconds of a process and of all its descendants still running (nginx: master + workers). */
export function treeCpuSeconds(root: number): number {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      parent.set(Number(name), Number(statFields(Number(name))[1]));
    } catch {
      // gone meanwhile
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid, hops = 0; p && hops < 64; p = parent.get(p), hops++)
      if (p === root) return true;
    return false;
  };
  let total = 0;
  for (const pid of parent.keys()) if (inTree(pid)) total += cpuSeconds(pid);
  return total;
}

/** CPU seconds of this process' children that have exited and been reaped (cutime + cstime). */
export function reapedChildrenCpuSeconds(): number {
  const f = statFields('self');
  return (Number(f[13]) + Number(f[14])) / TICKS_PER_S;
}

/** CPU seconds of a process plus those of its children it has reaped (the server and its ffmpeg runs). */
export function cpuWithReapedChildren(pid: number): number {
  const f = statFields(pid);
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICKS_PER_S;
}

export function rssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Runs a program to its end: exit code, wall time, stderr (last part). */
export function runProgram(
  binary: string,
  args: string[],
): Promise<{ code: number | null; wallS: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr
      .setEncoding('utf8')
      .on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-200_000)));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, wallS: (performance.now() - t0) / 1000, stderr }));
  });
}

// ---------------------------------------------------------------- the test source

/** Version of the recipe below: a changed recipe must not reuse an old cached file. */
const SOURCE_RECIPE = 'v1';

/**
 * A speech-like stereo 48 kHz MP3 (128 kbit/s): band-limited pink noise plus two low tones, a 4.5 Hz syllable
 * envelope, a slow phrase envelope, limited so its loudness (≈ -22 LUFS, LRA ≈ 5 LU, true peak ≈ -8 dBTP)
 * lets loudnorm's second pass apply one linear gain, as for a typical spoken programme. Made once per length
 * and kept in the system temporary folder (it takes ~1.5 s of CPU per minute of audio).
 */
export async function speechSource(ffmpeg: string, minutes: number): Promise<string> {
  const dir = join(tmpdir(), 'loa-media-bench');
  const path = join(dir, `speech-${minutes}min-48k-stereo-${SOURCE_RECIPE}.mp3`);
  if (existsSync(path)) return path;
  await mkdir(dir, { recursive: true });
  const partial = `${path}.${randomBytes(4).toString('hex')}.part`;
  const d = minutes * 60;
  console.log(`making the ${minutes}-minute source (${basename(path)}) …`);
  const graph = [
    '[0]highpass=f=120,lowpass=f=3400[noise]',
    '[1][2]amix=inputs=2[voice]',
    "[noise][voice]amix=inputs=2,tremolo=f=4.5:d=0.7,volume='0.75+0.25*sin(2*PI*t/13)':eval=frame," +
      'volume=3,alimiter=limit=0.3:level=false,aformat=channel_layouts=mono,pan=stereo|c0=c0|c1=0.85*c0,' +
      'aformat=sample_rates=48000',
  ].join(';');
  const result = await runProgram(ffmpeg, [
    ...['-hide_banner', '-nostdin', '-v', 'error', '-y'],
    ...['-f', 'lavfi', '-i', `anoisesrc=d=${d}:c=pink:r=48000:a=0.5:seed=7`],
    ...['-f', 'lavfi', '-i', `sine=f=180:r=48000:d=${d}`],
    ...['-f', 'lavfi', '-i', `sine=f=240:r=48000:d=${d}`],
    ...['-filter_complex', graph, '-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3', partial],
  ]);
  if (result.code !== 0) {
    await rm(partial, { force: true });
    throw new Error(`ffmpeg could not make the source: ${result.stderr.slice(-1000)}`);
  }
  renameSync(partial, path);
  return path;
}

/** Integrated loudness (LUFS) and true peak (dBTP) by ffmpeg's ebur128 filter. */
export async function ebur128(ffmpeg: string, path: string): Promise<{ i: number; tp: number; lra: number }> {
  const result = await runProgram(ffmpeg, [
    ...['-hide_banner', '-nostdin', '-i', path, '-af', 'ebur128=peak=true', '-f', 'null', '-'],
  ]);
  const summary = result.stderr.slice(result.stderr.lastIndexOf('Summary:'));
  const i = /I:\s+(-?[\d.]+) LUFS/.exec(summary);
  const lra = /LRA:\s+(-?[\d.]+) LU/.exec(summary);
  const tp = /True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS/.exec(summary);
  if (!i || !tp || !lra) throw new Error(`no ebur128 summary for ${path}: ${summary.slice(0, 500)}`);
  return { i: Number(i[1]), tp: Number(tp[1]), lra: Number(lra[1]) };
}

// ---------------------------------------------------------------- the server

export interface BenchServer {
  baseUrl: string;
  pid: number;
  dataDir: string;
  /** Signs device URLs as the server does (same AUTH_SECRET, same code). */
  signer: MediaUrlSigner;
  /** A province the uploads belong to (the administrator has no scope of its own). */
  unitId: string;
  stop(): Promise<void>;
}

/**
 * The server as `npm start` runs it (TypeScript through @swc-node/register, embedded PGlite and broker) in a
 * child process on loopback ports, signed in as its first administrator.
 */
export async function startBenchServer(
  workDir: string,
  env: Record<string, string> = {},
): Promise<BenchServer> {
  const port = await freePort();
  const mqttPort = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const adminPassword = `pw-${randomBytes(12).toString('hex')}`;
  const authSecret = randomBytes(32).toString('hex');
  const dataDir = join(workDir, 'server-data');
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    MQTT_PORT: String(mqttPort),
    MQTT_WS_PORT: 'off',
    DATA_DIR: dataDir,
    DEMO_PROVINCE: 'off',
    SIM_FLEET: '0',
    LOG_LEVEL: 'warn',
    LOG_PRETTY: 'false',
    ADMIN_USERNAME: 'bench',
    ADMIN_PASSWORD: adminPassword,
    AUTH_SECRET: authSecret,
    PUBLIC_BASE_URL: baseUrl,
    ...env,
  };
  delete childEnv.DATABASE_URL;
  delete childEnv.MQTT_URL;
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/server/src/main.ts'], {
    cwd: join(__dirname, '../../..'),
    env: childEnv,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const stop = () => stopChild(child);
  let unitId: string;
  try {
    await until(
      'the server to be ready',
      // An exited server ends the wait at once (reported below).
      async () => child.exitCode !== null || (await fetch(`${baseUrl}/health/ready`)).ok,
      120_000,
      200,
    );
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    authorize(baseUrl, await logIn(baseUrl, 'bench', adminPassword));
    const unit = await api<{ id: string }>('POST', `${baseUrl}/api/v1/units`, {
      level: 'province',
      era: 'post_2025',
      code: '98',
      name: 'Tỉnh Đo Hiệu Năng',
    });
    unitId = unit.id;
  } catch (err) {
    await stop();
    throw err;
  }
  const signer = new MediaUrlSigner(
    { authSecret, publicBaseUrl: baseUrl } as AppConfig,
    {} as HttpAdapterHost, // unused: the base URL is given
  );
  return { baseUrl, pid: child.pid!, dataDir, signer, unitId, stop };
}

export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill(signal);
  });
}

export async function api<T>(method: string, url: string, body?: object): Promise<T> {
  const auth = defaultAuthorization(url);
  const res = await fetch(url, {
    method,
    headers: {
      ...(auth ? { authorization: auth } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status}: ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface Rendition {
  id: string;
  profile: string;
  sha256: string;
  size: number;
  durationMs: number;
  channels: number;
  sampleRate: number;
  bitrateKbps: number;
}

export interface Asset {
  id: string;
  status: 'processing' | 'ready' | 'failed';
  progress: number;
  failureReason: string | null;
  durationMs: number;
  loudness: { inputI: number | null; inputTp: number | null; inputLra: number | null } | null;
  renditions: Rendition[];
  createdAt: string;
  updatedAt: string;
}

export interface UploadTiming {
  asset: Asset;
  /** POST sent → 202 (transfer, sniff, probe, full validation decode, insert). */
  acceptS: number;
  /** POST sent → the API shows `ready` (polled every `pollMs`). */
  readyS: number;
  /** The server's own record: asset created (queued) → marked ready (updatedAt − createdAt). */
  jobS: number;
}

/**
 * Uploads a file (streamed from disk) through POST /api/v1/media and polls until it is ready: once a second
 * while the job is far from done (each poll costs the server a little CPU, which a transcode on a small machine
 * would feel), every 50 ms once the progress is at 95 % or more, so the ready instant is seen within ~50 ms.
 */
export async function uploadUntilReady(
  baseUrl: string,
  unitId: string,
  path: string,
  timeoutMs: number,
): Promise<UploadTiming> {
  const url = `${baseUrl}/api/v1/media`;
  const form = new FormData();
  form.append('unitId', unitId);
  form.append('file', await openAsBlob(path), basename(path));
  const t0 = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    body: form,
    headers: { authorization: defaultAuthorization(url) ?? '' },
  });
  const accepted = (await res.json()) as Asset;
  const acceptS = (performance.now() - t0) / 1000;
  if (res.status !== 202) throw new Error(`upload refused: HTTP ${res.status} ${JSON.stringify(accepted)}`);
  const deadline = Date.now() + timeoutMs;
  let asset = accepted;
  while (asset.status === 'processing') {
    if (Date.now() > deadline) throw new Error(`the asset was still processing after ${timeoutMs} ms`);
    await sleep(asset.progress >= 95 ? 50 : 1000);
    asset = await api<Asset>('GET', `${url}/${accepted.id}`);
  }
  const readyS = (performance.now() - t0) / 1000;
  if (asset.status !== 'ready') throw new Error(`transcoding failed: ${asset.failureReason}`);
  const jobS = (Date.parse(asset.updatedAt) - Date.parse(asset.createdAt)) / 1000;
  return { asset, acceptS, readyS, jobS };
}
