/*
 * The server under test for the broadcasting benchmark: `npm start`'s code path in a child process (embedded
 * PGlite and aedes in a throw-away DATA_DIR, loopback only), with an administrator the benchmark signs in as.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SimCredential } from '@loa-xa/firmware-sim';
import { authorize, defaultAuthorization, logIn } from '../../support/http';
import { metric } from '../../support/metrics';
import { ffmpeg, loudSine } from '../../media/support';
import { freePort } from '../../e2e/server-process';
import { Abort, until } from './stats';

const readFileAsync = promisify(readFile);

/** CPU time (s) and RSS (MiB) of a process, from /proc. */
export function procSample(pid: number): { cpuS: number; rssMiB: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { cpuS: ticks / 100, rssMiB: rssKb / 1024 };
  } catch {
    return { cpuS: 0, rssMiB: 0 };
  }
}

export class BenchServer {
  private child: ChildProcess | null = null;
  private readonly password = `pw-${randomBytes(12).toString('hex')}`;
  baseUrl = '';
  mqttUrl = '';
  /** The last lines the server wrote (warnings and errors), shown if it dies. */
  private tail: string[] = [];

  constructor(
    private readonly dataDir: string,
    private readonly extraEnv: Record<string, string> = {},
  ) {}

  get pid(): number {
    return this.child?.pid ?? 0;
  }

  async start(): Promise<void> {
    const port = await freePort();
    const mqttPort = await freePort();
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.mqttUrl = `mqtt://127.0.0.1:${mqttPort}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      MQTT_PORT: String(mqttPort),
      MQTT_WS_PORT: 'off',
      DATA_DIR: this.dataDir,
      PUBLIC_BASE_URL: this.baseUrl,
      SIM_FLEET: '0',
      DEMO_PROVINCE: 'off',
      LOG_LEVEL: 'warn',
      LOG_PRETTY: 'false',
      ADMIN_USERNAME: 'bench',
      ADMIN_PASSWORD: this.password,
      AUTH_SECRET: randomBytes(32).toString('hex'),
      // A run lasts longer than the default 15 min token.
      ACCESS_TOKEN_TTL_S: '86400',
      ...this.extraEnv,
    };
    // e.g. BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the server only.
    const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    delete env.DATABASE_URL;
    delete env.MQTT_URL;
    const child = spawn(
      process.execPath,
      [...nodeArgs, '-r', '@swc-node/register', 'apps/server/src/main.ts'],
      {
        cwd: join(__dirname, '../../..'),
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        this.tail.push(line.length > 600 ? `${line.slice(0, 600)}…` : line);
        if (this.tail.length > 40) this.tail.shift();
        if (process.env.BENCH_SERVER_LOG === '1') console.log(`[server] ${line}`);
      }
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', (code, signal) => {
      // An exit nobody asked for (this.child is cleared by stop()).
      if (this.child === child)
        console.error(`server exited unexpectedly (${code ?? signal}); last output:\n${this.lastOutput}`);
    });
    await until(
      'server ready',
      async () => {
        if (child.exitCode !== null) throw new Abort(`server exited ${child.exitCode}:\n${this.lastOutput}`);
        return (await fetch(`${this.baseUrl}/health/ready`)).ok;
      },
      120_000,
      200,
    );
    authorize(this.baseUrl, await logIn(this.baseUrl, 'bench', this.password));
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.child = null;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  get lastOutput(): string {
    return this.tail.join('\n');
  }

  async api<T>(method: string, path: string, body?: string | object, contentType = 'application/json') {
    const url = `${this.baseUrl}${path}`;
    const auth = defaultAuthorization(url);
    const res = await fetch(url, {
      method,
      headers: {
        ...(auth ? { authorization: auth } : {}),
        ...(body === undefined ? {} : { 'content-type': contentType }),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  }

  metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    return metric(this.baseUrl, name, labels);
  }
}

export interface Provisioned {
  credentials: SimCredential[];
  /** Commune unit id per cluster id. */
  communeOf: Map<string, string>;
  communeIds: string[];
  provinceId: string;
}

/** Province 20's tree, then `n` IP clusters spread evenly over its first `communes` communes (CSV import). */
export async function provision(server: BenchServer, n: number, communes: number): Promise<Provisioned> {
  await server.api('POST', '/api/v1/units/import', { provinceCode: '20' });
  const province = await server.api<{ items: { id: string }[] }>(
    'GET',
    '/api/v1/units?level=province&pageSize=1',
  );
  const list = await server.api<{ items: { id: string; code: string }[]; total: number }>(
    'GET',
    `/api/v1/units?level=commune&pageSize=${Math.min(500, communes)}`,
  );
  if (list.items.length < communes)
    throw new Error(`province 20 has only ${list.total} communes; asked for ${communes}`);
  const picked = list.items.slice(0, communes);
  const codeToCommune = new Map<string, string>();
  const lines = ['code,name,kind,commune_code'];
  for (let i = 0; i < n; i++) {
    const commune = picked[i % communes];
    const code = `BB-${String(i).padStart(5, '0')}`;
    codeToCommune.set(code, commune.id);
    lines.push(`${code},Cụm loa ${i},ip,${commune.code}`);
  }
  const result = await server.api<{ credentials: { code: string; username: string; password: string }[] }>(
    'POST',
    '/api/v1/clusters/import',
    lines.join('\n'),
    'text/csv',
  );
  const credentials = result.credentials.map((c) => ({
    clusterId: c.username,
    secret: c.password,
    code: c.code,
  }));
  const communeOf = new Map(credentials.map((c) => [c.clusterId, codeToCommune.get(c.code) as string]));
  return { credentials, communeOf, communeIds: picked.map((c) => c.id), provinceId: province.items[0].id };
}

/** A loud sine of `seconds`, uploaded and transcoded (waits for `ready`); returns the asset id. */
export async function readyAsset(
  server: BenchServer,
  workDir: string,
  unitId: string,
  seconds: number,
): Promise<string> {
  const file = await ffmpeg(workDir, `notice-${seconds}s.mp3`, loudSine(seconds, ['-c:a', 'libmp3lame']));
  const form = new FormData();
  form.append('title', `Bench notice ${seconds} s`);
  form.append('unitId', unitId);
  form.append('file', new Blob([await readFileAsync(file)]), 'notice.mp3');
  const auth = defaultAuthorization(`${server.baseUrl}/api/v1/media`);
  const res = await fetch(`${server.baseUrl}/api/v1/media`, {
    method: 'POST',
    body: form,
    headers: auth ? { authorization: auth } : {},
  });
  if (res.status !== 202) throw new Error(`upload → ${res.status}: ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  await until(
    'asset ready',
    async () => {
      const asset = await server.api<{ status: string; failureReason: string | null }>(
        'GET',
        `/api/v1/media/${id}`,
      );
      if (asset.status === 'failed') throw new Abort(`transcoding failed: ${asset.failureReason}`);
      return asset.status === 'ready';
    },
    120_000,
    250,
  );
  return id;
}

/** Local wall-clock time (Asia/Ho_Chi_Minh, UTC+7 all year) of an instant, as schedules take it. */
export function localIct(epochMs: number): string {
  return new Date(epochMs + 7 * 3_600_000).toISOString().slice(0, 19);
}
