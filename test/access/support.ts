import { randomBytes } from 'node:crypto';
import { request } from '../support/http';
import { logIn, type TestServer } from '../support/test-server';
import type { Page, Unit } from '../registry/fixtures';

export interface Account {
  id: string;
  username: string;
  password: string;
  token: string;
  /** Headers that make a request go as this account. */
  auth: { authorization: string };
}

/** Creates an account through the API (as the server's administrator) and logs it in. */
export async function createAccount(
  server: TestServer,
  role: string,
  scopeUnitId: string | undefined,
  name = `${role.replace(/_/g, '-')}-${randomBytes(3).toString('hex')}`,
): Promise<Account> {
  const password = `pw-${randomBytes(9).toString('base64url')}`;
  const res = await request<{ id: string }>('POST', server.url('/api/v1/users'), {
    username: name,
    displayName: `Người dùng ${name}`,
    role,
    ...(scopeUnitId ? { scopeUnitId } : {}),
    password,
  });
  if (res.status !== 201) throw new Error(`user not created: ${res.status} ${JSON.stringify(res.body)}`);
  const token = await logIn(server.httpUrl, name, password);
  return { id: res.body.id, username: name, password, token, auth: { authorization: `Bearer ${token}` } };
}

/** The first `count` children of a unit, in code order. */
export async function childrenOf(server: TestServer, unitId: string, count: number): Promise<Unit[]> {
  const res = await request<Page<Unit>>(
    'GET',
    server.url(`/api/v1/units/${unitId}/children?pageSize=${count}&sort=code`),
  );
  if (res.status !== 200) throw new Error(`children: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.items;
}
