/*
 * Browser harness for the console's end-to-end tests: Debian's Chromium driven by playwright-core against
 * a real server (in-process, PGlite or DATABASE_URL) with the demo province and simulated clusters.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { AppConfig } from '../../../apps/server/src/config/app-config';
import { startTestServer, TEST_ADMIN, type TestServer } from '../../support/test-server';
import { eventually, request } from '../../support/http';

/** Chromium from CHROMIUM_PATH, else Debian's package (`apt-get install chromium`). */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
    (p): p is string => !!p,
  );
  const found = candidates.find((p) => existsSync(p));
  if (!found)
    throw new Error(
      `no Chromium for the console tests: install Debian's (apt-get install chromium) or set CHROMIUM_PATH (looked at ${candidates.join(', ')})`,
    );
  return found;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--no-sandbox',
      '--disable-dev-shm-usage',
      // A fake microphone (a beeping sine) that needs no permission prompt: going live is testable.
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

/** A page that records every console error, failed request and uncaught exception it sees. */
export interface ConsolePage {
  page: Page;
  context: BrowserContext;
  /** Console errors and page errors, in order; tests end with `expect(errors).toEqual([])`. */
  errors: string[];
}

export async function openPage(
  browser: Browser,
  options: { viewport?: { width: number; height: number }; locale?: string; isMobile?: boolean } = {},
): Promise<ConsolePage> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1366, height: 860 },
    locale: options.locale ?? 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    isMobile: options.isMobile,
    hasTouch: options.isMobile,
    permissions: ['microphone'],
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  return { page, context, errors };
}

/** Signs in through the login form (Vietnamese labels: the default language). */
export async function signIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
}

export interface ConsoleServer {
  server: TestServer;
  /** The demo commune's id and name (its clusters are the simulated fleet). */
  commune: { id: string; name: string };
  admin: { username: string; password: string };
  /** Creates a user with a role and a scope unit, returns its credentials. */
  createUser(
    role: string,
    unitId: string | null,
    username?: string,
  ): Promise<{ username: string; password: string }>;
  close(): Promise<void>;
}

/**
 * The server as `npm start` runs it, shrunk: the demo province (Lạng Sơn) and `simFleet` simulated
 * clusters in its demo commune, online before this returns.
 */
export async function startConsoleServer(
  options: { simFleet?: number; config?: Partial<AppConfig> } = {},
): Promise<ConsoleServer> {
  const simFleet = options.simFleet ?? 6;
  const server = await startTestServer({ demoProvince: '20', simFleet, ...options.config });
  const online = await eventually(
    async () => {
      const res = await request<{ items: { communeId: string; online: boolean }[]; total: number }>(
        'GET',
        server.url('/api/v1/clusters?online=true&pageSize=500'),
      );
      return res.body.total >= simFleet && res.body.items;
    },
    60_000,
    200,
  );
  const communeId = online[0].communeId;
  const unit = await request<{ id: string; name: string }>('GET', server.url(`/api/v1/units/${communeId}`));
  let seq = 0;
  return {
    server,
    commune: { id: unit.body.id, name: unit.body.name },
    admin: { username: TEST_ADMIN.username, password: TEST_ADMIN.password },
    async createUser(role, unitId, username) {
      const credentials = {
        username: username ?? `u${Date.now().toString(36)}${++seq}`,
        password: `Pw-${Date.now()}-${seq}-xyz`,
      };
      const res = await request('POST', server.url('/api/v1/users'), {
        ...credentials,
        displayName: credentials.username,
        role,
        ...(unitId ? { scopeUnitId: unitId } : {}),
      });
      if (res.status !== 201)
        throw new Error(`creating ${role} failed: ${res.status} ${JSON.stringify(res.body)}`);
      return credentials;
    },
    close: () => server.close(),
  };
}
