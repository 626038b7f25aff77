import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A stand-in for the server's registry API, speaking the contract the simulator codes against. */
export interface FakeApi {
  url: string;
  requests: Array<{ method: string; url: string; authorization?: string; body?: unknown }>;
  close(): Promise<void>;
}

export async function startFakeApi(
  options: { failAfter?: number; mismatchUsername?: boolean; brokerUrl?: string } = {},
): Promise<FakeApi> {
  const requests: FakeApi['requests'] = [];
  let created = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const body = raw ? (JSON.parse(raw) as unknown) : undefined;
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
        body,
      });
      const reply = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'GET' && url.pathname === '/api/v1/units') {
        const code = url.searchParams.get('code');
        const items =
          code === '00001' ? [{ id: 'unit-1', code: '00001', name: 'Phường Phúc Xá', level: 'commune' }] : [];
        return reply(200, { items, total: items.length, page: 1, pageSize: 20 });
      }
      if (req.method === 'POST' && url.pathname === '/api/v1/clusters') {
        if (options.failAfter !== undefined && created >= options.failAfter) {
          return reply(409, { message: 'code already exists' });
        }
        created++;
        const id = randomUUID();
        const { code } = body as { code: string };
        return reply(201, {
          cluster: { id, code, kind: 'ip', lifecycle: 'planned' },
          credential: {
            username: options.mismatchUsername ? `user-${code}` : id,
            password: `pw-${code}`,
            clientId: id,
            ...(options.brokerUrl ? { brokerUrl: options.brokerUrl } : {}),
          },
        });
      }
      reply(404, { message: 'not found' });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
