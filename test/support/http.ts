/** Small JSON helpers over global fetch for integration tests. */
export interface JsonResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** Bearer token per server base URL: requests to a test server go as its administrator unless told otherwise. */
const tokens = new Map<string, string>();

/** Makes `token` the default credential of requests to URLs under `baseUrl` (null forgets it). */
export function authorize(baseUrl: string, token: string | null): void {
  if (token === null) tokens.delete(baseUrl);
  else tokens.set(baseUrl, token);
}

/** The Authorization header value requests to `url` carry by default (see authorize), if any. */
export function defaultAuthorization(url: string): string | undefined {
  for (const [base, token] of tokens) if (url.startsWith(`${base}/`)) return `Bearer ${token}`;
  return undefined;
}

/**
 * One HTTP request. Unless `headers` has an `authorization` key, a request to a test server carries its
 * administrator's token; `authorization: ''` sends none (an anonymous request).
 */
export async function request<T = unknown>(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  const given = { ...headers };
  if (!('authorization' in given)) {
    const auth = defaultAuthorization(url);
    if (auth) given.authorization = auth;
  } else if (given.authorization === '') {
    delete given.authorization;
  }
  const init: RequestInit = { method, headers: given };
  if (body !== undefined) {
    if (typeof body === 'string') {
      init.body = body;
    } else {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
  }
  const res = await fetch(url, init);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

/** Polls `probe` until it returns a truthy value (no fixed sleeps: tests must not depend on speed). */
export async function eventually<T>(
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
  stepMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** Logs in through the API and returns the access token. */
export async function logIn(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = (await res.json()) as { accessToken?: string };
  if (res.status !== 200 || !body.accessToken)
    throw new Error(`login as ${username} failed: HTTP ${res.status} ${JSON.stringify(body)}`);
  return body.accessToken;
}
