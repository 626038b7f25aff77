import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { eventually, request } from '../support/http';

/**
 * Runs the real server as `npm start` would (a child process, JSON logs at debug level), does everything that
 * handles a secret — logins with right and wrong passwords, refresh, cookie sessions, API keys, user creation,
 * cluster credentials, a device connecting with a wrong password — and then greps everything it logged.
 */
describe('no secret or token in the logs', () => {
  let child: ChildProcess;
  let output = '';
  let dataDir: string;
  let baseUrl: string;
  let mqttUrl: string;
  const adminPassword = `adm-${randomBytes(12).toString('hex')}`;
  const authSecret = randomBytes(32).toString('hex');

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'loa-logs-'));
    child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/server/src/main.ts'], {
      cwd: join(__dirname, '../..'),
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: '0',
        MQTT_PORT: '0',
        MQTT_WS_PORT: 'off',
        DATA_DIR: dataDir,
        DEMO_PROVINCE: 'off',
        SIM_FLEET: '0',
        LOG_LEVEL: 'debug',
        LOG_PRETTY: 'false',
        ADMIN_PASSWORD: adminPassword,
        AUTH_SECRET: authSecret,
        DATABASE_URL: '',
        MQTT_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const started = await eventually(
      async () =>
        /loa-xa listening: (?:console \S+, )?API (http:\/\/[^/]+)\/api\/v1, .* MQTT (mqtt:\/\/\S+)/.exec(
          output,
        ),
      60_000,
      100,
    );
    baseUrl = started[1];
    mqttUrl = started[2];
  }, 90_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('logs none of the passwords, tokens, keys and device secrets it handled', async () => {
    const secrets: string[] = [adminPassword, authSecret];
    const anon = { authorization: '' };
    const wrong = await request(
      'POST',
      `${baseUrl}/api/v1/auth/login`,
      { username: 'admin', password: 'wrong-guess-123' },
      anon,
    );
    expect(wrong.status).toBe(401);
    secrets.push('wrong-guess-123');
    const login = await request<{ accessToken: string; refreshToken: string }>(
      'POST',
      `${baseUrl}/api/v1/auth/login`,
      { username: 'admin', password: adminPassword },
      anon,
    );
    expect(login.status).toBe(200);
    const auth = { authorization: `Bearer ${login.body.accessToken}` };
    secrets.push(login.body.accessToken, login.body.refreshToken);
    const refreshed = await request<{ accessToken: string; refreshToken: string }>(
      'POST',
      `${baseUrl}/api/v1/auth/refresh`,
      { refreshToken: login.body.refreshToken },
      anon,
    );
    secrets.push(refreshed.body.accessToken, refreshed.body.refreshToken);
    const cookie = await request(
      'POST',
      `${baseUrl}/api/v1/auth/login`,
      { username: 'admin', password: adminPassword, cookie: true },
      anon,
    );
    const cookieValue = (cookie.headers.get('set-cookie') ?? '').split(';')[0];
    secrets.push(cookieValue.split('=')[1]);
    await request('GET', `${baseUrl}/api/v1/units`, undefined, { authorization: '', cookie: cookieValue });

    const userPassword = `user-${randomBytes(8).toString('hex')}`;
    const province = await request<{ id: string }>(
      'POST',
      `${baseUrl}/api/v1/units`,
      { level: 'province', era: 'post_2025', code: '99', name: 'Tỉnh Thử' },
      auth,
    );
    const commune = await request<{ id: string; code: string }>(
      'POST',
      `${baseUrl}/api/v1/units`,
      { level: 'commune', era: 'post_2025', code: '99001', name: 'Xã Thử', parentId: province.body.id },
      auth,
    );
    expect(commune.status).toBe(201);
    await request(
      'POST',
      `${baseUrl}/api/v1/users`,
      {
        username: 'op-log',
        displayName: 'Op',
        role: 'commune_operator',
        scopeUnitId: commune.body.id,
        password: userPassword,
      },
      auth,
    );
    secrets.push(userPassword);
    await request(
      'POST',
      `${baseUrl}/api/v1/auth/password`,
      { currentPassword: adminPassword, newPassword: `${adminPassword}-2` },
      auth,
    );
    secrets.push(`${adminPassword}-2`);
    const key = await request<{ key: string }>(
      'POST',
      `${baseUrl}/api/v1/api-keys`,
      { name: 'log test', role: 'viewer', scopeUnitId: commune.body.id },
      auth,
    );
    secrets.push(key.body.key, key.body.key.slice('lxk_'.length + 13));
    await request('GET', `${baseUrl}/api/v1/clusters`, undefined, {
      authorization: `Bearer ${key.body.key}`,
    });
    await request('GET', `${baseUrl}/api/v1/clusters`, undefined, {
      authorization: '',
      'x-api-key': key.body.key,
    });

    const cluster = await request<{ cluster: { id: string }; credential: { password: string } }>(
      'POST',
      `${baseUrl}/api/v1/clusters`,
      { code: 'LOG-1', name: 'Cụm log', kind: 'ip', communeId: commune.body.id },
      auth,
    );
    secrets.push(cluster.body.credential.password);
    const rotated = await request<{ credential: { password: string } }>(
      'POST',
      `${baseUrl}/api/v1/clusters/${cluster.body.cluster.id}/credential/rotate`,
      undefined,
      auth,
    );
    secrets.push(rotated.body.credential.password);
    const deviceWrong = `dev-${randomBytes(8).toString('hex')}`;
    await expect(
      mqtt.connectAsync(mqttUrl, {
        clientId: cluster.body.cluster.id,
        username: cluster.body.cluster.id,
        password: deviceWrong,
        reconnectPeriod: 0,
      }),
    ).rejects.toThrow();
    secrets.push(deviceWrong);
    const device = await mqtt.connectAsync(mqttUrl, {
      clientId: cluster.body.cluster.id,
      username: cluster.body.cluster.id,
      password: rotated.body.credential.password,
      reconnectPeriod: 0,
    });
    await device.endAsync();

    // Let the last request logs flush, then stop the server so everything it would write is written.
    await eventually(async () => output.includes('"url":"/api/v1/clusters/'), 10_000);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;

    expect(output.length).toBeGreaterThan(1000); // it did log (debug level), so the check means something
    expect(output).toContain('"msg":"request completed"');
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThanOrEqual(8);
      expect({ secret: `${secret.slice(0, 4)}…`, found: output.includes(secret) }).toEqual({
        secret: `${secret.slice(0, 4)}…`,
        found: false,
      });
    }
    // The generated-password file exists only when the password was generated.
    expect(() => readFileSync(join(dataDir, 'admin-password.txt'))).toThrow();
  }, 60_000);
});
