import { DataSource } from 'typeorm';
import { ModulesContainer } from '@nestjs/core';
import { request } from '../support/http';
import { TEST_ADMIN, logIn, startTestServer, type TestServer } from '../support/test-server';
import { importLangSon, unitByCode, type Page } from '../registry/fixtures';
import {
  AUTHENTICATED_KEY,
  PERMISSION_KEY,
  PUBLIC_KEY,
} from '../../apps/server/src/access/access.decorators';
import { createAccount } from './support';

interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: { name: string; role: string; permissions: string[] };
}
const anon = { authorization: '' };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('authentication', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ loginMaxFailures: 3, loginLockoutS: 600 });
    await importLangSon(server);
  }, 60_000);
  afterAll(() => server?.close());

  const login = (username: string, password: string, extra: object = {}) =>
    request<Tokens>('POST', server.url('/api/v1/auth/login'), { username, password, ...extra }, anon);

  it('refuses anonymous callers with 401, a JSON body and a WWW-Authenticate challenge', async () => {
    for (const path of [
      '/api/v1/clusters',
      '/api/v1/units',
      '/api/v1/audit',
      '/metrics',
      '/api/v1/auth/me',
    ]) {
      const res = await request<{ statusCode: number; message: string }>(
        'GET',
        server.url(path),
        undefined,
        anon,
      );
      expect([path, res.status]).toEqual([path, 401]);
      expect(res.body.statusCode).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expect((await request('GET', server.url('/health/ready'), undefined, anon)).status).toBe(200);
    const bad = await request('GET', server.url('/api/v1/clusters'), undefined, bearer('not.a.jwt'));
    expect(bad.status).toBe(401);
    const basic = await request('GET', server.url('/api/v1/clusters'), undefined, {
      authorization: 'Basic eDp5',
    });
    expect(basic.status).toBe(401);
  });

  it('logs in with tokens, tells who I am, refreshes once per refresh token, and logs out', async () => {
    const res = await login(TEST_ADMIN.username.toUpperCase(), TEST_ADMIN.password);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { role: 'admin' } });
    const me = await request<{ role: string; scope: null }>(
      'GET',
      server.url('/api/v1/auth/me'),
      undefined,
      bearer(res.body.accessToken),
    );
    expect(me.body).toMatchObject({ role: 'admin', scope: null });

    const refreshed = await request<Tokens>(
      'POST',
      server.url('/api/v1/auth/refresh'),
      { refreshToken: res.body.refreshToken },
      anon,
    );
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refreshToken).not.toBe(res.body.refreshToken);
    expect(
      (await request('GET', server.url('/api/v1/auth/me'), undefined, bearer(refreshed.body.accessToken)))
        .status,
    ).toBe(200);

    // The used refresh token again: someone copied it. The whole session ends.
    const replay = await request(
      'POST',
      server.url('/api/v1/auth/refresh'),
      { refreshToken: res.body.refreshToken },
      anon,
    );
    expect(replay.status).toBe(401);
    expect(
      (await request('GET', server.url('/api/v1/auth/me'), undefined, bearer(refreshed.body.accessToken)))
        .status,
    ).toBe(401);
    const after = await request(
      'POST',
      server.url('/api/v1/auth/refresh'),
      { refreshToken: refreshed.body.refreshToken },
      anon,
    );
    expect(after.status).toBe(401);

    const second = await login(TEST_ADMIN.username, TEST_ADMIN.password);
    expect(
      (await request('POST', server.url('/api/v1/auth/logout'), {}, bearer(second.body.accessToken))).status,
    ).toBe(204);
    expect(
      (await request('GET', server.url('/api/v1/auth/me'), undefined, bearer(second.body.accessToken)))
        .status,
    ).toBe(401);
    const audit = await request<Page<{ action: string }>>(
      'GET',
      server.url('/api/v1/audit?action=auth.&pageSize=100'),
    );
    expect(audit.body.items.map((e) => e.action)).toEqual(
      expect.arrayContaining(['auth.login', 'auth.refresh_replayed', 'auth.logout']),
    );
  });

  it('opens a console session in an HTTP-only, SameSite=Strict cookie, guarded against cross-site writes', async () => {
    const res = await login(TEST_ADMIN.username, TEST_ADMIN.password, { cookie: true });
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('accessToken');
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^loa_session=[^;]+;/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = { authorization: '', cookie: setCookie.split(';')[0] };
    expect((await request('GET', server.url('/api/v1/clusters'), undefined, cookie)).status).toBe(200);
    // The console asks /auth/session on load: who is signed in, 200 either way.
    const session = await request<{ signedIn: boolean; me: { name: string; role: string } | null }>(
      'GET',
      server.url('/api/v1/auth/session'),
      undefined,
      cookie,
    );
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({ signedIn: true, me: { name: TEST_ADMIN.username, role: 'admin' } });
    const nobody = await request('GET', server.url('/api/v1/auth/session'), undefined, { authorization: '' });
    expect(nobody.status).toBe(200);
    expect(nobody.body).toEqual({ signedIn: false, me: null });
    const body = {
      code: 'X99',
      level: 'village',
      name: 'Thôn Cookie',
      parentId: (await unitByCode(server, '06004')).id,
    };
    const crossSite = await request('POST', server.url('/api/v1/units'), body, {
      ...cookie,
      origin: 'https://evil.example',
    });
    expect(crossSite.status).toBe(403);
    const sameSite = await request('POST', server.url('/api/v1/units'), body, {
      ...cookie,
      origin: server.httpUrl,
    });
    expect(sameSite.status).toBe(201);
    const out = await request('POST', server.url('/api/v1/auth/logout'), {}, cookie);
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/loa_session=;/);
    expect((await request('GET', server.url('/api/v1/clusters'), undefined, cookie)).status).toBe(401);
    const ended = await request('GET', server.url('/api/v1/auth/session'), undefined, cookie);
    expect(ended.body).toEqual({ signedIn: false, me: null });
  });

  it('answers a wrong password and an unknown user alike, then locks the account with 429 and Retry-After', async () => {
    const victim = await createAccount(server, 'viewer', (await unitByCode(server, '20')).id);
    const unknown = await login('nobody-here', 'whatever-password');
    const wrong = await login(victim.username, 'wrong-password-1');
    expect([unknown.status, wrong.status]).toEqual([401, 401]);
    expect((unknown.body as unknown as { message: string }).message).toBe(
      (wrong.body as unknown as { message: string }).message,
    );
    expect((await login(victim.username, 'wrong-password-2')).status).toBe(401);
    const locking = await login(victim.username, 'wrong-password-3');
    expect(locking.status).toBe(429);
    expect(Number(locking.headers.get('retry-after'))).toBeGreaterThan(0);
    const right = await login(victim.username, victim.password);
    expect(right.status).toBe(429);
    const audit = await request<Page<{ action: string }>>(
      'GET',
      server.url(`/api/v1/audit?objectId=${victim.id}&pageSize=50`),
    );
    const actions = audit.body.items.map((e) => e.action);
    expect(actions.filter((a) => a === 'auth.login_failed')).toHaveLength(3);
    expect(actions).toContain('auth.locked');
    expect(actions).toContain('auth.login_refused');
    // An administrator resets the password: the account opens again.
    expect(
      (
        await request('POST', server.url(`/api/v1/users/${victim.id}/password`), {
          password: 'mat-khau-moi-dai',
        })
      ).status,
    ).toBe(204);
    expect((await login(victim.username, 'mat-khau-moi-dai')).status).toBe(200);
    expect((await login(victim.username, victim.password)).status).toBe(401);
  });

  it('changes my password: the current one is checked, weak ones refused, my other sessions end', async () => {
    const me = await createAccount(server, 'commune_operator', (await unitByCode(server, '06004')).id);
    const other = await logIn(server.httpUrl, me.username, me.password);
    const change = (body: object) =>
      request<{ errors?: { field: string }[] }>('POST', server.url('/api/v1/auth/password'), body, me.auth);
    expect(
      (await change({ currentPassword: 'nope', newPassword: 'a-long-new-password' })).body.errors?.[0].field,
    ).toBe('currentPassword');
    expect(
      (await change({ currentPassword: me.password, newPassword: 'short' })).body.errors?.[0].field,
    ).toBe('newPassword');
    expect(
      (await change({ currentPassword: me.password, newPassword: `${me.username}-xyz-123` })).status,
    ).toBe(400);
    expect((await change({ currentPassword: me.password, newPassword: 'a-long-new-password' })).status).toBe(
      204,
    );
    expect((await request('GET', server.url('/api/v1/auth/me'), undefined, me.auth)).status).toBe(200);
    expect((await request('GET', server.url('/api/v1/auth/me'), undefined, bearer(other))).status).toBe(401);
    expect((await login(me.username, 'a-long-new-password')).status).toBe(200);
  });

  it('manages accounts: roles up to one’s own, scopes inside one’s own; disabling ends sessions at once', async () => {
    const province = await unitByCode(server, '20');
    const commune = await unitByCode(server, '06004');
    const padmin = await createAccount(server, 'province_admin', province.id);
    const create = (body: object) =>
      request<{ id: string; errors?: { field: string }[] }>(
        'POST',
        server.url('/api/v1/users'),
        { displayName: 'X', password: 'mat-khau-du-dai', ...body },
        padmin.auth,
      );
    expect((await create({ username: 'root2', role: 'admin' })).status).toBe(403);
    expect((await create({ username: 'op1', role: 'commune_operator' })).body.errors?.[0].field).toBe(
      'scopeUnitId',
    );
    expect(
      (
        await create({
          username: 'op1',
          role: 'commune_operator',
          scopeUnitId: commune.id,
          password: 'x',
        })
      ).status,
    ).toBe(400);
    const op = await create({ username: 'op1', role: 'commune_operator', scopeUnitId: commune.id });
    expect(op.status).toBe(201);
    expect((await create({ username: 'OP1', role: 'viewer', scopeUnitId: commune.id })).status).toBe(409);
    const opToken = await logIn(server.httpUrl, 'op1', 'mat-khau-du-dai');
    expect((await request('GET', server.url('/api/v1/clusters'), undefined, bearer(opToken))).status).toBe(
      200,
    );
    // An operator may not manage people at all.
    expect(
      (
        await request(
          'POST',
          server.url('/api/v1/users'),
          {
            username: 'x',
            displayName: 'x',
            role: 'viewer',
            scopeUnitId: commune.id,
            password: 'mat-khau-du-dai',
          },
          bearer(opToken),
        )
      ).status,
    ).toBe(403);
    const disabled = await request(
      'PATCH',
      server.url(`/api/v1/users/${op.body.id}`),
      { active: false },
      padmin.auth,
    );
    expect(disabled.status).toBe(200);
    expect((await request('GET', server.url('/api/v1/clusters'), undefined, bearer(opToken))).status).toBe(
      401,
    );
    expect((await login('op1', 'mat-khau-du-dai')).status).toBe(401);
    // Nobody disables or demotes themselves (the last administrator could lock everyone out).
    const self = await request(
      'PATCH',
      server.url(`/api/v1/users/${padmin.id}`),
      { role: 'viewer' },
      padmin.auth,
    );
    expect(self.status).toBe(409);
    const audit = await request<
      Page<{ action: string; changes: Record<string, { before: unknown; after: unknown }> }>
    >('GET', server.url(`/api/v1/audit?objectId=${op.body.id}&action=user.disable`));
    expect(audit.body.items[0].changes).toEqual({ active: { before: true, after: false } });
  });

  it('authenticates API keys (bearer or X-API-Key), records their last use, and stops them when revoked', async () => {
    const commune = await unitByCode(server, '06004');
    const created = await request<{ key: string; apiKey: { id: string; lastUsedAt: string | null } }>(
      'POST',
      server.url('/api/v1/api-keys'),
      { name: 'Hệ thống thông tin nguồn', role: 'viewer', scopeUnitId: commune.id },
    );
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^lxk_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    const key = created.body.key;
    const me = await request<{ kind: string; role: string; scope: { unitId: string } }>(
      'GET',
      server.url('/api/v1/auth/me'),
      undefined,
      bearer(key),
    );
    expect(me.body).toMatchObject({ kind: 'api_key', role: 'viewer', scope: { unitId: commune.id } });
    expect(
      (
        await request('GET', server.url('/api/v1/clusters'), undefined, {
          authorization: '',
          'x-api-key': key,
        })
      ).status,
    ).toBe(200);
    expect((await request('POST', server.url('/api/v1/clusters'), {}, bearer(key))).status).toBe(403);
    expect(
      (await request('GET', server.url('/api/v1/clusters'), undefined, bearer(`${key.slice(0, -1)}x`)))
        .status,
    ).toBe(401);
    const listed = await request<{ id: string; lastUsedAt: string | null }[]>(
      'GET',
      server.url('/api/v1/api-keys'),
    );
    expect(listed.body.find((k) => k.id === created.body.apiKey.id)?.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed.body)).not.toContain(key.slice('lxk_'.length + 13));
    expect((await request('DELETE', server.url(`/api/v1/api-keys/${created.body.apiKey.id}`))).status).toBe(
      200,
    );
    expect((await request('GET', server.url('/api/v1/clusters'), undefined, bearer(key))).status).toBe(401);
  });

  it('keeps only digests: no password, refresh token or API key is stored in the clear', async () => {
    const ds = server.app.get(DataSource);
    const [user] = await ds.query(`SELECT password_hash FROM app_user WHERE username = $1`, [
      TEST_ADMIN.username,
    ]);
    expect(user.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const sessions = await ds.query(`SELECT secret_sha256 FROM auth_session`);
    for (const s of sessions) expect(s.secret_sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('declares an access rule on every route', () => {
    const undeclared: string[] = [];
    let routes = 0;
    for (const module of server.app.get(ModulesContainer).values()) {
      for (const { metatype } of module.controllers.values()) {
        if (!metatype) continue;
        const proto = metatype.prototype as Record<string, unknown>;
        for (const name of Object.getOwnPropertyNames(proto)) {
          const handler = proto[name];
          if (name === 'constructor' || typeof handler !== 'function') continue;
          if (Reflect.getMetadata('path', handler) === undefined) continue; // not a route (MQTT handlers, helpers)
          routes++;
          const declared = [PERMISSION_KEY, PUBLIC_KEY, AUTHENTICATED_KEY].some(
            (key) =>
              Reflect.getMetadata(key, handler) !== undefined ||
              Reflect.getMetadata(key, metatype) !== undefined,
          );
          if (!declared) undeclared.push(`${metatype.name}.${name}`);
        }
      }
    }
    expect(routes).toBeGreaterThan(25);
    expect(undeclared).toEqual([]);
  });

  it('shows the security schemes in the OpenAPI document, on every operation but the public ones', async () => {
    const doc = (
      await request<{
        components: { securitySchemes: Record<string, { type: string }> };
        paths: Record<string, Record<string, { security?: unknown[] }>>;
      }>('GET', server.url('/api/docs-json'), undefined, anon)
    ).body;
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['apiKey', 'bearer', 'session']);
    const open = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => !op.security?.length)
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(open.sort()).toEqual(
      [
        'GET /health',
        'GET /health/live',
        'GET /health/ready',
        'POST /api/v1/auth/login',
        'POST /api/v1/auth/refresh',
        // Answers whether the caller is signed in (200 either way): the console asks it on load.
        'GET /api/v1/auth/session',
        // Signed, expiring device URLs: the signature is the authorisation.
        'GET /media/r/{renditionId}',
        'HEAD /media/r/{renditionId}',
        'GET /live/{sessionId}/{clusterId}.mp3',
      ].sort(),
    );
  });
});

describe('login throttling per address', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ loginRatePerMin: 4 });
  });
  afterAll(() => server?.close());

  it('answers 429 with Retry-After past LOGIN_RATE_PER_MIN attempts a minute, whatever the account', async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof request>> | undefined;
    for (let i = 0; i < 6; i++) {
      last = await request(
        'POST',
        server.url('/api/v1/auth/login'),
        { username: `u${i}`, password: 'x' },
        anon,
      );
      statuses.push(last.status);
    }
    // startTestServer's own login used one attempt.
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('the first administrator', () => {
  it('gets a generated password in embedded mode, logged once and written to DATA_DIR; no default exists', async () => {
    const { mkdtempSync, readFileSync, rmSync, statSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dataDir = mkdtempSync(join(tmpdir(), 'loa-admin-'));
    const server = await startTestServer({ adminPassword: undefined, dataDir, databaseUrl: undefined });
    try {
      const file = join(dataDir, 'admin-password.txt');
      const [username, password] = readFileSync(file, 'utf8').trim().split('\n');
      expect(username).toBe(TEST_ADMIN.username);
      expect(password).toMatch(/^[A-Za-z0-9_-]{20}$/);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const res = await request<{ user: { role: string } }>(
        'POST',
        server.url('/api/v1/auth/login'),
        { username, password },
        anon,
      );
      expect(res.status).toBe(200);
      expect(res.body.user.role).toBe('admin');
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
