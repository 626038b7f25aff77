/*
 * The console's quality bar on every page of apps/console/src/routes.ts: axe-core (WCAG 2 A/AA, serious and
 * critical fail), no console error, no failed request, keyboard use (skip link, menu, focus on the new
 * page's heading), phone width (drawer menu, no sideways scrolling) and a complete English menu.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Role } from '@loa-xa/persistence';
import { ROLE_PERMISSIONS, type Permission } from '../../apps/server/src/access/permissions';
import { SimFleet } from '@loa-xa/firmware-sim';
import { eventually, request } from '../support/http';
import { runAxe, seriousViolations } from './support/axe';
import { launchBrowser, openPage, signIn, startConsoleServer, type ConsolePage } from './support/browser';
import type { ConsoleServer } from './support/browser';

interface RouteInfo {
  path: string;
  permission?: string;
}

/** The console's routes, read from routes.ts (it imports TSX pages and CSS, which jest does not load). */
function consoleRoutes(): RouteInfo[] {
  const text = readFileSync(join(__dirname, '../../apps/console/src/routes.ts'), 'utf8');
  const table = text.slice(text.indexOf('export const ROUTES'));
  const routes = table
    .split(/\{\s*path:/)
    .slice(1)
    .map((entry) => ({
      path: /^\s*'([^']*)'/.exec(entry)?.[1] ?? '',
      permission: /permission:\s*'([^']+)'/.exec(entry)?.[1],
    }));
  if (routes.length === 0 || routes.some((r) => !r.path.startsWith('/')))
    throw new Error('could not read the routes of apps/console/src/routes.ts');
  return routes;
}

const ROUTES = consoleRoutes();

/** Views of a page behind a query parameter, checked as pages of their own. */
const VIEWS: Record<string, string[]> = { '/fleet': ['/fleet?view=list'] };

function pagesFor(role: Role): string[] {
  return ROUTES.filter(
    (r) => !r.permission || ROLE_PERMISSIONS[role].has(r.permission as Permission),
  ).flatMap((r) => [r.path, ...(VIEWS[r.path] ?? [])]);
}

/** Vietnamese letters that English never uses (the language switch must leave none in the menu). */
const VIETNAMESE = /[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]/i;

/** Requests that failed in the browser, and answers ≥ 400, as `METHOD /path: why`. */
function watchNetwork(page: Page): string[] {
  const failed: string[] = [];
  const where = (url: string) => {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  };
  page.on('requestfailed', (req) => {
    const why = req.failure()?.errorText ?? 'failed';
    // Cancelled by the page itself (a page unmounting aborts its fetches, a navigation ends the SSE stream).
    if (why === 'net::ERR_ABORTED') return;
    failed.push(`${req.method()} ${where(req.url())}: ${why}`);
  });
  page.on('response', (res) => {
    // API refusals above all, but any missing file too (the console error alone would not name it).
    if (res.status() >= 400)
      failed.push(`${res.request().method()} ${where(res.url())}: HTTP ${res.status()}`);
  });
  return failed;
}

/** Waits for the page's heading and for every loading indicator to go. */
async function pageReady(page: Page): Promise<void> {
  await page.locator('main h1').first().waitFor();
  await page.waitForFunction(() => !document.querySelector('.loading, [aria-busy="true"]'));
}

interface Session extends ConsolePage {
  failed: string[];
}

async function signedIn(
  browser: Browser,
  env: ConsoleServer,
  user: { username: string; password: string },
  options: Parameters<typeof openPage>[1] = {},
): Promise<Session> {
  const session = await openPage(browser, options);
  const failed = watchNetwork(session.page);
  await signIn(session.page, env.server.url(''), user.username, user.password);
  return { ...session, failed };
}

describe('console quality (Chromium, axe-core)', () => {
  let env: ConsoleServer;
  let browser: Browser;
  let users: Record<'admin' | 'operator', { username: string; password: string }>;
  /** Values for route parameters: a faulty cluster of the demo commune (the operator's). */
  let params: Record<string, string>;
  let fleet: SimFleet | undefined;

  beforeAll(async () => {
    [env, browser] = await Promise.all([startConsoleServer({ simFleet: 3 }), launchBrowser()]);
    users = { admin: env.admin, operator: await env.createUser('commune_operator', env.commune.id) };
    // Pages with something in them (faults, alerts, a work order) show more of their UI to check.
    const faulty = await seedFaultyCluster();
    await api('POST', '/work-orders', {
      kind: 'new_station',
      title: 'Lắp đặt đài truyền thanh ứng dụng CNTT - viễn thông',
      communeId: env.commune.id,
      fundingProgramme: 'ntp_new_rural',
    });
    await eventually(
      async () => (await api<{ total: number }>('GET', `/alerts?clusterId=${faulty}`)).total > 0,
    );
    params = { id: faulty };
  }, 120_000);
  afterAll(async () => {
    await fleet?.stop(2000);
    await browser?.close();
    await env?.close();
  });

  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await request<T>(method, env.server.url(`/api/v1${path}`), body);
    if (res.status >= 300)
      throw new Error(`${method} ${path}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  /** One more cluster of the demo commune, driven from here with an amplifier fault that opens an alert. */
  async function seedFaultyCluster(): Promise<string> {
    const created = await api<{ cluster: { id: string }; credential: { password: string } }>(
      'POST',
      '/clusters',
      {
        code: 'QA-001',
        name: 'Cụm loa nhà văn hoá',
        kind: 'ip',
        lifecycle: 'active',
        communeId: env.commune.id,
        latitude: 21.86,
        longitude: 106.77,
      },
    );
    await api('PUT', `/health-rules/overrides/${env.commune.id}/amp_fault`, {
      params: { raiseAfterS: 1, clearAfterS: 1 },
    });
    const id = created.cluster.id;
    fleet = new SimFleet([{ clusterId: id, secret: created.credential.password }], {
      brokerUrl: env.server.mqttUrl,
      telemetryIntervalMs: 500,
      reconnectPeriodMs: 300,
      seed: 11,
    });
    await fleet.start();
    await fleet.waitForOnline();
    fleet.get(id)?.injectFault('amp_fault', 'quá dòng');
    return id;
  }

  const url = (pattern: string) =>
    env.server.url(
      pattern.replace(/:(\w+)/g, (_, name: string) => {
        if (!params[name]) throw new Error(`no sample value for the route parameter :${name} of ${pattern}`);
        return encodeURIComponent(params[name]);
      }),
    );

  it.each([
    ['laptop', { viewport: { width: 1366, height: 860 } }],
    ['phone', { viewport: { width: 390, height: 844 }, isMobile: true }],
  ])('the sign-in page (%s): WCAG 2 A/AA, no sideways scrolling, no error', async (_device, options) => {
    const s = await openPage(browser, options);
    const failed = watchNetwork(s.page);
    await s.page.goto(url('/'));
    await s.page.getByLabel('Tên đăng nhập').waitFor();
    const axe = seriousViolations('sign-in', await runAxe(s.page));
    const overflow = await s.page.evaluate(() => document.scrollingElement!.scrollWidth > window.innerWidth);
    await s.context.close();
    expect({ axe, overflow, errors: s.errors, failed }).toEqual({
      axe: [],
      overflow: false,
      errors: [],
      failed: [],
    });
  });

  describe.each([
    ['administrator', 'admin' as const, pagesFor('admin')],
    ['commune operator', 'operator' as const, pagesFor('commune_operator')],
  ])('every page as a %s: WCAG 2 A/AA, no console error, no failed request', (_who, user, paths) => {
    let s: Session;
    beforeAll(async () => {
      s = await signedIn(browser, env, users[user]);
    }, 60_000);
    afterAll(() => s?.context.close());

    it.each(paths)(
      '%s',
      async (path) => {
        s.errors.length = 0;
        s.failed.length = 0;
        await s.page.goto(url(path));
        await pageReady(s.page);
        const axe = seriousViolations(path, await runAxe(s.page));
        const headings = await s.page.locator('h1').count();
        expect({ path, axe, headings, errors: s.errors, failed: s.failed }).toEqual({
          path,
          axe: [],
          headings: 1,
          errors: [],
          failed: [],
        });
      },
      60_000,
    );
  });

  describe('keyboard', () => {
    let s: Session;
    beforeAll(async () => {
      s = await signedIn(browser, env, users.admin);
    }, 60_000);
    afterAll(() => s?.context.close());

    const focused = (page: Page) =>
      page.evaluate(() => {
        const el = document.activeElement;
        return {
          tag: el?.tagName.toLowerCase() ?? '',
          id: el?.id ?? '',
          text: (el?.textContent ?? '').trim(),
          href: el?.getAttribute('href') ?? '',
          inNav: !!el?.closest('nav#nav'),
        };
      });

    it('the skip link is the first Tab stop and moves focus to the main content', async () => {
      s.errors.length = 0;
      s.failed.length = 0;
      await s.page.goto(url('/'));
      await pageReady(s.page);
      await s.page.keyboard.press('Tab');
      await expect(focused(s.page)).resolves.toMatchObject({ tag: 'a', href: '#main' });
      await expect(
        s.page.evaluate(() => (document.activeElement?.getBoundingClientRect().left ?? -1) >= 0),
      ).resolves.toBe(true);
      await s.page.keyboard.press('Enter');
      await s.page.waitForFunction(() => document.activeElement?.id === 'main');
      expect({ errors: s.errors, failed: s.failed }).toEqual({ errors: [], failed: [] });
    });

    it('reaches the menu with Tab; Enter on a menu link opens the page and focuses its heading', async () => {
      s.errors.length = 0;
      s.failed.length = 0;
      await s.page.goto(url('/'));
      await pageReady(s.page);
      let stop = await focused(s.page);
      for (let i = 0; i < 30 && !stop.inNav; i++) {
        await s.page.keyboard.press('Tab');
        stop = await focused(s.page);
      }
      expect(stop).toMatchObject({ tag: 'a', inNav: true });

      // Every menu entry by keyboard: focus lands on the new page's h1 (announced by screen readers).
      const links = await s.page
        .locator('nav#nav a')
        .evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
      expect(links.length).toBeGreaterThan(5);
      const problems: string[] = [];
      for (const href of [...links.slice(1), links[0]]) {
        const link = s.page.locator(`nav#nav a[href="${href}"]`);
        await link.focus();
        await s.page.keyboard.press('Enter');
        await s.page.waitForURL((u) => u.pathname === href);
        const onHeading = await s.page
          .waitForFunction(() => document.activeElement?.id === 'page-title', undefined, { timeout: 5000 })
          .then(() => true)
          .catch(() => false);
        if (!onHeading) {
          const at = await focused(s.page);
          problems.push(`${href}: focus on <${at.tag}${at.id ? `#${at.id}` : ''}> "${at.text.slice(0, 40)}"`);
        }
        await pageReady(s.page);
      }
      expect({ problems, errors: s.errors, failed: s.failed }).toEqual({
        problems: [],
        errors: [],
        failed: [],
      });
    }, 120_000);

    it('switching to English leaves no Vietnamese in the menu', async () => {
      s.errors.length = 0;
      s.failed.length = 0;
      await s.page.goto(url('/'));
      await pageReady(s.page);
      await s.page.getByRole('combobox', { name: 'Ngôn ngữ' }).selectOption('en');
      await s.page.getByRole('navigation', { name: 'Menu' }).waitFor();
      const items = await s.page.locator('nav#nav a').allInnerTexts();
      expect(items.length).toBeGreaterThan(5);
      expect(items.filter((text) => VIETNAMESE.test(text))).toEqual([]);
      await s.page.getByRole('combobox', { name: 'Language' }).selectOption('vi');
      await s.page.getByRole('navigation', { name: 'Danh mục' }).waitFor();
      expect({ errors: s.errors, failed: s.failed }).toEqual({ errors: [], failed: [] });
    });
  });

  describe('on a phone (390×844)', () => {
    let s: Session;
    beforeAll(async () => {
      s = await signedIn(browser, env, users.admin, {
        viewport: { width: 390, height: 844 },
        isMobile: true,
      });
    }, 60_000);
    afterAll(() => s?.context.close());

    /** The drawer's right edge: ≤ 0 when it is off screen, > 0 when open (waits out its slide). */
    const drawerRight = (page: Page, open: boolean) =>
      page.waitForFunction(
        (wantOpen) => {
          const right = document.getElementById('nav')!.getBoundingClientRect().right;
          return wantOpen ? right > 100 : right <= 0;
        },
        open,
        { timeout: 5000 },
      );

    it('the menu button opens the drawer; a link navigates and closes it', async () => {
      s.errors.length = 0;
      s.failed.length = 0;
      await s.page.goto(url('/'));
      await pageReady(s.page);
      const toggle = s.page.getByRole('button', { name: 'Danh mục' });
      await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('false');
      await drawerRight(s.page, false);
      await toggle.click();
      await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('true');
      await drawerRight(s.page, true);
      await s.page
        .getByRole('navigation', { name: 'Danh mục' })
        .getByRole('link', { name: 'Lịch phát' })
        .click();
      await s.page.waitForURL((u) => u.pathname === '/schedule');
      await pageReady(s.page);
      await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('false');
      await drawerRight(s.page, false);
      expect({ errors: s.errors, failed: s.failed }).toEqual({ errors: [], failed: [] });
    });

    it.each(pagesFor('admin'))(
      'no sideways scrolling: %s',
      async (path) => {
        s.errors.length = 0;
        s.failed.length = 0;
        await s.page.goto(url(path));
        await pageReady(s.page);
        const width = await s.page.evaluate(() => ({
          scroll: document.scrollingElement!.scrollWidth,
          viewport: window.innerWidth,
          // Elements sticking out on the right outside any scrolling box (.table-wrap scrolls by design).
          culprits: [...document.querySelectorAll('body *')]
            .filter((el) => {
              if (el.getBoundingClientRect().right <= window.innerWidth + 1) return false;
              for (let p = el.parentElement; p && p !== document.body; p = p.parentElement)
                if (getComputedStyle(p).overflowX !== 'visible') return false;
              return true;
            })
            .slice(0, 3)
            .map((el) => `<${el.tagName.toLowerCase()} class="${el.getAttribute('class') ?? ''}">`),
        }));
        const overflow =
          width.scroll > width.viewport
            ? `${width.scroll}px > ${width.viewport}px: ${width.culprits.join(', ')}`
            : null;
        expect({ path, overflow, errors: s.errors, failed: s.failed }).toEqual({
          path,
          overflow: null,
          errors: [],
          failed: [],
        });
      },
      60_000,
    );
  });
});
