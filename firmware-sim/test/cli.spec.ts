import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readCredentialsFile } from '../src';
import { startFakeApi, type FakeApi } from './fake-api';
import { Observer, decodeAs, startBroker, until, type TestBroker } from './harness';

// The CLI exactly as `npm run sim` runs it: a child process through @swc-node/register.
const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'firmware-sim/src/cli.ts');

interface Run {
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
  kill: (signal: NodeJS.Signals) => void;
}

function runCli(args: string[]): Run {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', CLI, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { exit, output: () => output, kill: (signal) => child.kill(signal) };
}

describe('simulator CLI', () => {
  let broker: TestBroker;
  let observer: Observer;
  let api: FakeApi;
  let dir: string;

  beforeAll(async () => {
    broker = await startBroker();
    observer = await Observer.connect(broker.url);
    api = await startFakeApi();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'loa-sim-cli-'));
  });

  afterAll(async () => {
    await observer.close();
    await broker.close();
    await api.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  function lastState(clusterId: string): string | undefined {
    const statuses = observer.messages.filter((m) => m.clusterId === clusterId && m.channel === 'status');
    const last = statuses.at(-1);
    return last ? decodeAs(last, 'status').state : undefined;
  }

  it('--help prints the usage and exits 0', async () => {
    const run = runCli(['--help']);
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(run.output()).toContain('Usage:');
    expect(run.output()).toContain('--outage-prob');
  });

  it('exits 2 with a hint on a bad flag', async () => {
    const run = runCli(['--credentials', 'x.json', '--drop-prob', '7']);
    expect((await run.exit).code).toBe(2);
    expect(run.output()).toMatch(/--drop-prob must be/);
  });

  it('provisions through the API, runs for --duration and stops every cluster cleanly', async () => {
    const file = path.join(dir, 'provisioned.json');
    const run = runCli([
      ...['--provision', '--api', api.url, '--commune', '00001', '--clusters', '3', '--auth', 'Bearer abc'],
      ...['--credentials', file, '--broker', broker.url, '--duration', '2', '--telemetry-interval', '200'],
      ...['--stats-interval', '1', '--seed', '5'],
    ]);
    const result = await run.exit;
    expect({ ...result, output: run.output() }).toMatchObject({ code: 0, signal: null });

    const saved = await readCredentialsFile(file);
    expect(saved.clusters).toHaveLength(3);
    expect(
      api.requests.filter((r) => r.method === 'POST').every((r) => r.authorization === 'Bearer abc'),
    ).toBe(true);
    for (const { clusterId } of saved.clusters) {
      expect(observer.messages.some((m) => m.clusterId === clusterId && m.channel === 'telemetry')).toBe(
        true,
      );
      await until(() => lastState(clusterId) === 'offline', `offline status of ${clusterId}`);
    }
    expect(run.output()).toMatch(/seed 5/);
    expect(run.output()).toMatch(/t=\d+s online=\d+\/3 telemetry=/);
    expect(run.output()).toMatch(/final: .*online=0\/3/);

    // A second provisioning run adds to the file instead of overwriting the first clusters' secrets.
    const again = runCli(
      [
        '--provision',
        '--api',
        api.url,
        '--commune',
        '00001',
        '--clusters',
        '1',
        '--api-key',
        'lxk_k_s',
      ].concat(['--credentials', file, '--broker', broker.url, '--duration', '1', '--stats-interval', '0']),
    );
    expect((await again.exit).code).toBe(0);
    const merged = await readCredentialsFile(file);
    expect(merged.clusters.slice(0, 3)).toEqual(saved.clusters);
    expect(merged.clusters[3].code).toBe('SIM-00001-0004');
  });

  it('stops cleanly on SIGINT', async () => {
    const file = path.join(dir, 'sigint.json');
    const clusterId = '3f0b8a2e-4a51-4c1e-9d0e-6f3c2b1a0d99';
    await fs.writeFile(file, JSON.stringify({ clusters: [{ clusterId, code: 'X', secret: 'pw' }] }));
    const run = runCli(['--credentials', file, '--broker', broker.url, '--stats-interval', '0']);
    await observer.waitFor((m) => m.clusterId === clusterId && m.channel === 'hello', { timeoutMs: 30_000 });
    run.kill('SIGINT');
    expect(await run.exit).toEqual({ code: 0, signal: null });
    await until(() => lastState(clusterId) === 'offline', 'offline status after SIGINT');
    expect(run.output()).toMatch(/SIGINT: stopping 1 cluster/);
  });
});
