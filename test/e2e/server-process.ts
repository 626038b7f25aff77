import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { eventually } from '../support/http';

/** A free TCP port on loopback (bound, then released for the server to take). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface ServerProcessOptions {
  dataDir: string;
  port: number;
  mqttPort: number;
  adminPassword: string;
  authSecret: string;
  env?: Record<string, string>;
}

/**
 * The real server as `npm start` runs it, in a child process that a test can kill (SIGKILL: no clean shutdown)
 * and start again on the same ports and data directory.
 */
export class ServerProcess {
  private child: ChildProcess | null = null;
  output = '';

  constructor(private readonly options: ServerProcessOptions) {}

  static secrets(): { adminPassword: string; authSecret: string } {
    return {
      adminPassword: `adm-${randomBytes(9).toString('hex')}`,
      authSecret: randomBytes(32).toString('hex'),
    };
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  get mqttUrl(): string {
    return `mqtt://127.0.0.1:${this.options.mqttPort}`;
  }

  async start(): Promise<void> {
    this.output = '';
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/server/src/main.ts'], {
      cwd: join(__dirname, '../..'),
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(this.options.port),
        MQTT_PORT: String(this.options.mqttPort),
        MQTT_WS_PORT: 'off',
        DATA_DIR: this.options.dataDir,
        DEMO_PROVINCE: 'off',
        SIM_FLEET: '0',
        LOG_LEVEL: 'warn',
        LOG_PRETTY: 'false',
        ADMIN_PASSWORD: this.options.adminPassword,
        AUTH_SECRET: this.options.authSecret,
        PUBLIC_BASE_URL: this.baseUrl,
        DATABASE_URL: '',
        MQTT_URL: '',
        ...this.options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    await eventually(
      async () => {
        if (child.exitCode !== null)
          throw new Error(`server exited ${child.exitCode}: ${this.output.slice(-2000)}`);
        const res = await fetch(`${this.baseUrl}/health/ready`).catch(() => null);
        return res?.status === 200;
      },
      90_000,
      200,
    );
  }

  /** Kills the process at once, as a power cut or a crash would. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.child = null;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    this.child = null;
  }
}
