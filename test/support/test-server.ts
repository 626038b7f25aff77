import { Client } from 'pg';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authorize, logIn } from './http';
import type { InjectionToken } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { startServer, type AppFactory, type RunningServer } from '../../apps/server/src/bootstrap';
import { loadConfig, type AppConfig } from '../../apps/server/src/config/app-config';

/**
 * Starts the real server for a test: HTTP and every broker listener on ephemeral loopback ports, PGlite in
 * memory — or, when DATABASE_URL is set, a fresh PostgreSQL database created for this server and dropped
 * afterwards, so suites running in parallel never share rows.
 */
export interface TestServer extends RunningServer {
  /** Full URL of an API path. */
  url(path: string): string;
  /** Stops the server but keeps its database (to inspect what it wrote); close() afterwards drops it. */
  stop(): Promise<void>;
  /** Access token of the first administrator (requests through test/support/http carry it by default). */
  adminToken: string;
}

export { logIn };

/** The first administrator of every test server. */
export const TEST_ADMIN = { username: 'admin', password: `test-${randomBytes(12).toString('hex')}` };

/**
 * A provider of the app replaced for a test (the Nest testing module's overrideProvider), e.g. a collaborator
 * another module will provide, stood in for by a small real implementation that records its calls.
 */
export type ProviderOverride =
  | { provide: InjectionToken; useValue: unknown }
  | { provide: InjectionToken; useFactory: (...deps: never[]) => unknown; inject?: InjectionToken[] };

export async function startTestServer(
  overrides: Partial<AppConfig> = {},
  options: { providers?: ProviderOverride[] } = {},
): Promise<TestServer> {
  const adminUrl = process.env.DATABASE_URL;
  const database = adminUrl ? await createScratchDatabase(adminUrl) : null;
  const config = loadConfig(
    { LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', LOG_PRETTY: 'false' },
    {
      host: '127.0.0.1',
      port: 0,
      mqttPort: 0,
      mqttWsPort: 0,
      mqttTlsPort: 0,
      mqttWssPort: 0,
      simFleet: 0,
      demoProvince: 'off',
      dataDir: ':memory:',
      telemetryFlushMs: 100,
      // Test receivers listen on loopback; the refusal itself is tested with 'deny'.
      webhookPrivateTargets: 'allow',
      authSecret: randomBytes(32).toString('hex'),
      adminUsername: TEST_ADMIN.username,
      adminPassword: TEST_ADMIN.password,
      ...(database ? { databaseUrl: database.url } : {}),
      // The console jest's global setup built for this run.
      ...(process.env.CONSOLE_DIR ? { consoleDir: process.env.CONSOLE_DIR } : {}),
      ...overrides,
    },
  );
  // loadConfig resolves DATA_DIR to an absolute path; ':memory:' means PGlite in memory.
  if (!overrides.dataDir) config.dataDir = ':memory:';
  // Media files go to a scratch folder of this server, removed when it closes.
  const scratchMedia = overrides.mediaDir ? null : await mkdtemp(join(tmpdir(), 'loa-test-media-'));
  if (scratchMedia) config.mediaDir = scratchMedia;
  const server = await startServer(
    config,
    options.providers?.length ? appWith(options.providers) : undefined,
  );
  // Without a known password (a test of the generated one), the caller logs in by itself.
  const password = 'adminPassword' in overrides ? overrides.adminPassword : TEST_ADMIN.password;
  const adminToken = password ? await logIn(server.httpUrl, TEST_ADMIN.username, password) : '';
  authorize(server.httpUrl, adminToken);
  return {
    adminToken,
    ...server,
    url: (path: string) => `${server.httpUrl}${path}`,
    stop: () => server.close(),
    close: async () => {
      authorize(server.httpUrl, null);
      await server.close();
      await database?.drop();
      if (scratchMedia) await rm(scratchMedia, { recursive: true, force: true });
    },
  };
}

/** Builds the app through a testing module whose providers `overrides` replace. */
function appWith(overrides: ProviderOverride[]): AppFactory {
  return async (root, appOptions) => {
    let builder = Test.createTestingModule({ imports: [root] });
    for (const o of overrides)
      builder =
        'useFactory' in o
          ? builder.overrideProvider(o.provide).useFactory({ factory: o.useFactory, inject: o.inject ?? [] })
          : builder.overrideProvider(o.provide).useValue(o.useValue);
    const moduleRef = await builder.compile();
    return moduleRef.createNestApplication<NestExpressApplication>(appOptions);
  };
}

/** A fresh PostgreSQL database next to the one `adminUrl` names, and a way to drop it. */
export async function createScratchDatabase(
  adminUrl: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `loa_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
