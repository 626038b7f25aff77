import { startTestServer, type TestServer } from '../support/test-server';

/*
 * HTTP hardening: helmet's headers on every answer (errors included), CORS limited to the configured
 * console origin, body size limits, and error bodies that are JSON and never leak a stack trace.
 */

const CONSOLE = 'https://console.example.vn';
const BODY_LIMIT = 1_024;
const CSV_LIMIT = 4_096;

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: Record<string, unknown> | null;
}

/** A stack frame, or a path of this checkout or of an installed package. */
const leaks = (text: string) =>
  /\n\s+at |\bat \S+ \([^)]*:\d+:\d+\)/.test(text) ||
  text.includes(process.cwd()) ||
  text.includes('node_modules/');

describe('HTTP hardening', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      corsOrigins: [CONSOLE],
      bodyLimitBytes: BODY_LIMIT,
      csvLimitBytes: CSV_LIMIT,
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  async function call(
    method: string,
    path: string,
    options: { body?: string; headers?: Record<string, string>; anonymous?: boolean } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    if (!options.anonymous && server.adminToken) headers.authorization = `Bearer ${server.adminToken}`;
    const res = await fetch(server.url(path), { method, headers, body: options.body });
    const text = await res.text();
    let body: Record<string, unknown> | null = null;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON
    }
    return { status: res.status, headers: res.headers, text, body };
  }

  /** The error body every failure gets: JSON, its status, a message, and nothing from the inside. */
  function expectJsonError(answer: Answer, status: number): void {
    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.body).toMatchObject({ statusCode: status, message: expect.stringMatching(/\S/) });
    expect(leaks(answer.text)).toBe(false);
  }

  it('sets helmet 8 security headers on answers and errors alike, and no x-powered-by', async () => {
    const answers = [
      await call('GET', '/api/v1/clusters'),
      await call('GET', '/api/v1/clusters', { anonymous: true }),
      await call('GET', '/api/v1/does-not-exist'),
      await call('POST', '/api/v1/stations', {
        body: '{"name":',
        headers: { 'content-type': 'application/json' },
      }),
      await call('GET', '/health/ready'),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 401, 404, 400, 200]);
    for (const { headers } of answers) {
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      // Framing refused: X-Frame-Options, or a CSP frame-ancestors if CSP is ever turned on.
      const csp = headers.get('content-security-policy') ?? '';
      expect(headers.get('x-frame-options') === 'SAMEORIGIN' || /frame-ancestors/.test(csp)).toBe(true);
      // helmet 8 sends HSTS whatever the scheme (browsers ignore it over plain HTTP).
      expect(headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
      expect(headers.get('referrer-policy')).toBe('no-referrer');
      expect(headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(headers.get('cross-origin-resource-policy')).toBe('same-origin');
      expect(headers.get('x-permitted-cross-domain-policies')).toBe('none');
      expect(headers.get('x-dns-prefetch-control')).toBe('off');
      expect(headers.get('x-xss-protection')).toBe('0');
      expect(headers.get('x-powered-by')).toBeNull();
    }
  });

  it('answers a CORS preflight from the configured console origin, and not from another', async () => {
    const preflight = (origin: string) =>
      call('OPTIONS', '/api/v1/clusters', {
        anonymous: true,
        headers: {
          origin,
          'access-control-request-method': 'PATCH',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
    const allowed = await preflight(CONSOLE);
    expect(allowed.status).toBeLessThan(300);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    expect(allowed.headers.get('access-control-allow-methods')).toMatch(/PATCH/);
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    expect(allowed.headers.get('vary')).toMatch(/Origin/);

    for (const origin of ['https://evil.example.com', 'https://console.example.vn.evil.com', 'null']) {
      const refused = await preflight(origin);
      // Without Access-Control-Allow-Origin the browser refuses the request, whatever else is echoed.
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    }

    // The actual request: readable by the console, not by another site.
    const fromConsole = await call('GET', '/api/v1/clusters', { headers: { origin: CONSOLE } });
    expect(fromConsole.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    const fromElsewhere = await call('GET', '/api/v1/clusters', {
      headers: { origin: 'https://evil.example.com' },
    });
    expect(fromElsewhere.status).toBe(200);
    expect(fromElsewhere.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a JSON body over BODY_LIMIT_BYTES with 413 and a JSON error, before anything reads it', async () => {
    const body = JSON.stringify({ name: 'x'.repeat(BODY_LIMIT), communeId: 'not read' });
    for (const path of ['/api/v1/stations', '/api/v1/auth/login']) {
      const answer = await call('POST', path, { body, headers: { 'content-type': 'application/json' } });
      expectJsonError(answer, 413);
      expect(answer.body?.message).toMatch(new RegExp(`larger than the limit of ${BODY_LIMIT} bytes`));
    }
    // Just under the limit, the same route validates the body as usual.
    const small = await call('POST', '/api/v1/stations', {
      body: JSON.stringify({ name: 'x'.repeat(BODY_LIMIT - 100) }),
      headers: { 'content-type': 'application/json' },
    });
    expectJsonError(small, 400);
  });

  it('refuses a CSV import over CSV_LIMIT_BYTES with 413 and a JSON error', async () => {
    const csv = `code,name,kind,commune_code\n${'A,B,ip,1\n'.repeat(CSV_LIMIT / 8)}`;
    const answer = await call('POST', '/api/v1/clusters/import', {
      body: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expectJsonError(answer, 413);
  });

  it('refuses malformed JSON with 400 naming the body, as JSON', async () => {
    for (const body of ['{"name":', "{'name': 'x'}", '{"a":1}{"b":2}', '"just a string"', 'null']) {
      const answer = await call('POST', '/api/v1/stations', {
        body,
        headers: { 'content-type': 'application/json' },
      });
      expectJsonError(answer, 400);
      expect(answer.body?.errors).toEqual([expect.objectContaining({ field: 'body', rule: 'json' })]);
    }
  });

  it('refuses a body of a type it does not read with 415, as JSON', async () => {
    for (const type of [
      'application/xml',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=b',
    ]) {
      const answer = await call('PATCH', `/api/v1/clusters/00000000-0000-4000-8000-000000000000`, {
        body: '<cluster name="x"/>',
        headers: { 'content-type': type },
      });
      expectJsonError(answer, 415);
    }
  });

  it('answers an unknown route with a 404 JSON error, for any method', async () => {
    for (const method of ['GET', 'POST', 'PATCH', 'DELETE']) {
      const answer = await call(method, '/api/v1/no/such/route');
      expectJsonError(answer, 404);
    }
    expectJsonError(await call('GET', '/definitely-not-here', { anonymous: true }), 404);
  });

  it('leaks no stack trace in any error it gives', async () => {
    const answers = [
      await call('GET', '/api/v1/clusters', { anonymous: true }),
      await call('GET', '/api/v1/clusters', { anonymous: true, headers: { authorization: 'Bearer x.y.z' } }),
      await call('GET', '/api/v1/clusters/not-a-uuid'),
      await call('GET', '/api/v1/clusters?page=-1&pageSize=NaN'),
      await call('GET', '/api/v1/clusters?q=%00'),
      await call('POST', '/api/v1/stations', {
        body: '{"communeId":"00000000-0000-4000-8000-000000000000","name":"x"}',
        headers: { 'content-type': 'application/json' },
      }),
    ];
    expect(answers.map((a) => a.status)).toEqual([401, 401, 400, 400, 400, 400]);
    for (const answer of answers) expectJsonError(answer, answer.status);
  });
});
