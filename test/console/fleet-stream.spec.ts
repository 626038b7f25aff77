/*
 * GET /api/v1/clusters/:id/stream: one cluster's live state as server-sent events (the console's cluster
 * page), fed by the fleet view, scoped like GET /api/v1/clusters/:id.
 */
import { get } from 'node:http';
import type { SimFleet } from '@loa-xa/firmware-sim';
import { DemoFleetService } from '../../apps/server/src/demo/demo-fleet.service';
import { defaultAuthorization, logIn, request } from '../support/http';
import { startConsoleServer, type ConsoleServer } from './support/browser';

interface LiveEvent {
  live: {
    online: boolean;
    telemetry: { volume: number } | null;
    faults: { code: string; detail: string | null }[];
  } | null;
}

interface Stream {
  status: number;
  contentType: string;
  /** Reads `event:` / `data:` blocks until `until` accepts one (or the time is up). */
  readUntil(
    until: (event: string, data: unknown) => boolean,
    timeoutMs?: number,
  ): Promise<{ event: string; data: unknown }[]>;
  close(): void;
}

/** An SSE request over node:http (no pooled keep-alive socket: close() really ends it). */
function openStream(url: string, authorization: string | undefined): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = get(
      url,
      { agent: false, headers: { accept: 'text/event-stream', ...(authorization ? { authorization } : {}) } },
      (res) => {
        res.setEncoding('utf8');
        let buffer = '';
        const seen: { event: string; data: unknown }[] = [];
        let waiter: ((block: string) => void) | null = null;
        res.on('data', (text: string) => {
          buffer += text;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            waiter?.(block);
          }
        });
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          close: () => req.destroy(),
          readUntil: (until, timeoutMs = 15_000) =>
            new Promise((done, fail) => {
              const timer = setTimeout(() => {
                waiter = null;
                fail(new Error(`no matching event in ${JSON.stringify(seen).slice(0, 400)}`));
              }, timeoutMs);
              waiter = (block) => {
                const event = /^event: ?(.*)$/m.exec(block)?.[1] ?? 'message';
                const raw = block
                  .split('\n')
                  .filter((l) => l.startsWith('data:'))
                  .map((l) => l.replace(/^data: ?/, ''))
                  .join('\n');
                seen.push({ event, data: raw ? (JSON.parse(raw) as unknown) : null });
                if (until(event, seen[seen.length - 1].data)) {
                  clearTimeout(timer);
                  waiter = null;
                  done(seen);
                }
              };
            }),
        });
      },
    );
    req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
  });
}

describe('GET /api/v1/clusters/:id/stream', () => {
  let env: ConsoleServer;
  let sims: SimFleet;
  let id: string;
  beforeAll(async () => {
    env = await startConsoleServer({ simFleet: 1, config: { simTelemetryMs: 500 } });
    sims = (env.server.app.get(DemoFleetService) as unknown as { fleet: SimFleet }).fleet;
    const list = await request<{ items: { id: string }[] }>('GET', env.server.url('/api/v1/clusters'));
    id = list.body.items[0].id;
  }, 120_000);
  afterAll(() => env?.close());

  // Every stream is closed after its test, so no socket outlives the suite.
  const streams: Stream[] = [];
  afterEach(() => streams.splice(0).forEach((s) => s.close()));
  const open = async (clusterId: string, authorization = defaultAuthorization(env.server.url('/'))) => {
    const stream = await openStream(env.server.url(`/api/v1/clusters/${clusterId}/stream`), authorization);
    streams.push(stream);
    return stream;
  };

  it('sends the live state at once, then each telemetry message and fault change', async () => {
    const res = await open(id);
    expect(res.status).toBe(200);
    expect(res.contentType).toContain('text/event-stream');
    let injected = false;
    const events = await res.readUntil((event, data) => {
      const live = (data as LiveEvent).live;
      if (event !== 'live' || !live) return false;
      if (!injected && live.online && live.telemetry) {
        injected = true;
        sims.get(id)!.injectFault('overheat', 'stream test');
        return false;
      }
      return live.faults.some((f) => f.code === 'overheat' && f.detail === 'stream test');
    });
    expect(events[0].event).toBe('live');
    expect((events[0].data as LiveEvent).live?.online).toBe(true);
    expect(events.filter((e) => e.event === 'live').length).toBeGreaterThanOrEqual(2);
    sims.get(id)!.clearFault('overheat');
  });

  it('refuses anonymous callers and clusters outside the caller’s scope', async () => {
    expect((await open(id, '')).status).toBe(401);
    const missing = await open('00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    // An operator of another commune of the province does not see this cluster.
    const communes = await request<{ items: { id: string }[] }>(
      'GET',
      env.server.url('/api/v1/units?level=commune&pageSize=5'),
    );
    const other = communes.body.items.find((u) => u.id !== env.commune.id)!;
    const stranger = await env.createUser('commune_operator', other.id);
    const token = await logIn(env.server.url(''), stranger.username, stranger.password);
    const refused = await open(id, `Bearer ${token}`);
    expect(refused.status).toBe(404);
  });
});
