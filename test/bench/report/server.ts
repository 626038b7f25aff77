/*
 * The server under test for the report benchmark: `npm start`'s code path in a child process on loopback
 * ports, on the generated database (PostgreSQL URL, or PGlite in DATA_DIR/pglite), signed in as the
 * administrator ADMIN_PASSWORD creates.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { authorize, defaultAuthorization, logIn } from '../../support/http';
import { freePort } from '../../e2e/server-process';
import { cpuSeconds, rssMiB } from '../media/common';

export class ReportBenchServer {
  private child: ChildProcess | null = null;
  private tail: string[] = [];
  baseUrl = '';
  /** Time from spawn to /health/ready answering 200, ms. */
  startupMs = 0;

  /** `password`: the administrator's, fixed by whoever first started a server on this database. */
  constructor(
    private readonly dataDir: string,
    private readonly databaseUrl: string | null,
    readonly password = `pw-${randomBytes(12).toString('hex')}`,
  ) {}

  get pid(): number {
    return this.child?.pid ?? 0;
  }

  rssMiB(): number {
    return this.pid ? rssMiB(this.pid) : 0;
  }

  cpuSeconds(): number {
    return this.pid ? cpuSeconds(this.pid) : 0;
  }

  async start(): Promise<void> {
    const port = await freePort();
    const mqttPort = await freePort();
    this.baseUrl = `http://127.0.0.1:${port}`;
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
      ACCESS_TOKEN_TTL_S: '86400',
      DATABASE_URL: this.databaseUrl ?? '',
      MQTT_URL: '',
    };
    if (!this.databaseUrl) delete env.DATABASE_URL;
    const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const started = Date.now();
    const child = spawn(
      process.execPath,
      [...nodeArgs, '-r', '@swc-node/register', 'apps/server/src/main.ts'],
      { cwd: join(__dirname, '../../..'), env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        this.tail.push(line.length > 800 ? `${line.slice(0, 800)}…` : line);
        if (this.tail.length > 40) this.tail.shift();
        if (process.env.BENCH_SERVER_LOG === '1') console.log(`[server] ${line}`);
      }
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', (code, signal) => {
      if (this.child === child)
        console.error(`server exited unexpectedly (${code ?? signal}); last output:\n${this.lastOutput}`);
    });
    const deadline = Date.now() + 300_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}:\n${this.lastOutput}`);
      const ok = await fetch(`${this.baseUrl}/health/ready`)
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`server not ready after 300 s:\n${this.lastOutput}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    this.startupMs = Date.now() - started;
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

  /** Kills at once (the global time limit). */
  kill(): void {
    this.child?.kill('SIGKILL');
  }

  get lastOutput(): string {
    return this.tail.join('\n');
  }

  /** A request as the administrator. */
  fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const url = `${this.baseUrl}${path}`;
    const auth = defaultAuthorization(url);
    return fetch(url, {
      ...init,
      headers: {
        ...(auth ? { authorization: auth } : {}),
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.headers as Record<string, string> | undefined),
      },
    });
  }

  /** Kept-alive sockets the server closed under a GET (retried; see json). */
  resets = 0;

  async json<T>(method: string, path: string, body?: object): Promise<T> {
    let res: Response;
    for (let attempt = 1; ; attempt++) {
      try {
        res = await this.fetch(path, { method, body: body ? JSON.stringify(body) : undefined });
        break;
      } catch (err) {
        // A server whose event loop was held past its keep-alive timeout closes idle sockets as it resumes;
        // a GET sent on one meanwhile fails with ECONNRESET. Browsers retry such GETs; so does the bench.
        if (method !== 'GET' || attempt === 3) throw err;
        this.resets++;
      }
    }
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  }
}
