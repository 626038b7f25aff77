/*
 * A private PostgreSQL for the report benchmark, as .ci/run starts one: Debian's server binaries, initdb in a
 * temporary folder, listening on a free loopback port only (socket in that folder), stopped and deleted
 * at the end.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../e2e/server-process';
import { cpuSeconds, cpuWithReapedChildren, treeCpuSeconds } from '../media/common';

export const INSTALL_HINT =
  'PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/postgres). Install them with\n' +
  '  apt-get install -y postgresql\n' +
  'or give a database with --database-url postgres://… (an empty database), or run --pglite.';

/** Settings of the private cluster: durability off (a throw-away benchmark database), room for the bulk load. */
export const PG_SETTINGS: Record<string, string> = {
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  max_wal_size: '4GB',
  shared_buffers: '512MB',
  max_connections: '50',
};

function binDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(a) - Number(b));
  return versions.length ? join(root, versions[versions.length - 1], 'bin') : null;
}

export class PrivatePostgres {
  url = '';
  private constructor(
    private readonly bin: string,
    readonly dir: string,
    private readonly asPostgres: boolean,
  ) {}

  /** initdb + start; null (with the hint printed) when the binaries are missing. */
  static async start(
    settings: Record<string, string> = PG_SETTINGS,
    keepDir?: string,
  ): Promise<PrivatePostgres | null> {
    const bin = binDir();
    if (!bin) {
      console.error(INSTALL_HINT);
      return null;
    }
    // initdb refuses to run as root: then the cluster belongs to the `postgres` account, as in CI.
    const asPostgres = process.getuid?.() === 0;
    const dir = keepDir ?? mkdtempSync(join(tmpdir(), 'loa-report-pg-'));
    mkdirSync(dir, { recursive: true });
    const pg = new PrivatePostgres(bin, dir, asPostgres);
    if (asPostgres) chownSync(dir, ...pg.postgresIds());
    const data = join(dir, 'data');
    if (!existsSync(data))
      pg.run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
    const port = await freePort();
    const options = [
      `-k ${dir}`,
      '-h 127.0.0.1',
      `-p ${port}`,
      ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`),
    ].join(' ');
    pg.run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
    pg.url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    return pg;
  }

  /** Process id of the postmaster (its backends are its children). */
  postmasterPid(): number {
    try {
      return Number(readFileSync(join(this.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    } catch {
      return 0;
    }
  }

  /** CPU seconds the whole cluster used so far: the postmaster, its live children, and those it reaped. */
  cpuSeconds(): number {
    const pid = this.postmasterPid();
    if (!pid) return 0;
    try {
      return treeCpuSeconds(pid) + cpuWithReapedChildren(pid) - cpuSeconds(pid);
    } catch {
      return 0;
    }
  }

  /** Stops the server (fast shutdown); deletes its folder unless told to keep it. */
  stop(keep = false): void {
    try {
      this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-m', 'fast', 'stop']);
    } catch (err) {
      console.error(`stopping PostgreSQL: ${(err as Error).message}`);
    }
    if (!keep) rmSync(this.dir, { recursive: true, force: true });
  }

  private postgresIds(): [number, number] {
    const id = (flag: string) =>
      Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
    const uid = id('-u');
    if (!Number.isInteger(uid) || uid <= 0)
      throw new Error('running as root but there is no postgres account');
    return [uid, id('-g')];
  }

  private run(tool: string, args: string[]): void {
    const [cmd, argv] = this.asPostgres
      ? ['runuser', ['-u', 'postgres', '--', join(this.bin, tool), ...args]]
      : [join(this.bin, tool), args];
    const result = spawnSync(cmd, argv, { encoding: 'utf8', cwd: tmpdir() });
    if (result.status !== 0)
      throw new Error(`${tool} failed (${result.status}): ${result.stderr || result.stdout || result.error}`);
  }
}
