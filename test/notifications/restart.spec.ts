import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../support/http';
import { startTestServer, type TestServer } from '../support/test-server';
import { NOTIFY_BACKOFF } from '../../apps/server/src/notifications/notification-backoff';
import {
  alertView,
  createWebhook,
  deadUrl,
  deliveries,
  publish,
  startReceiver,
  tinyFleet,
  type Receiver,
} from './support';

/** Deliveries live in the database: one still pending when the server stops is sent by the next start. */
describe('notification queue across a restart', () => {
  let dir: string;
  let first: TestServer | undefined;
  let second: TestServer | undefined;
  let receiver: Receiver | undefined;
  const backoff = { provide: NOTIFY_BACKOFF, useValue: { baseMs: 100, capMs: 200, jitter: 0 } };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loa-notify-restart-'));
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
    await receiver?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('sends after the restart what could not be sent before it', async () => {
    const url = await deadUrl();
    first = await startTestServer(
      { dataDir: dir, alertGroupWindowS: 0, webhookMaxAttempts: 50 },
      { providers: [backoff] },
    );
    const { commune, cluster } = await tinyFleet(first);
    const hook = await createWebhook(first, { url, unitId: commune.id });
    const alert = alertView(cluster, commune);
    publish(first, 'opened', alert);
    const pending = await eventually(async () => {
      const [d] = (await deliveries(first!, hook.id)).items;
      return d?.status === 'pending' && d.attempts >= 1 && d;
    });
    await first.stop();

    // The endpoint comes up while no server runs; the next server (same database) delivers.
    receiver = await startReceiver([], Number(new URL(url).port));
    second = await startTestServer(
      first.config.databaseUrl ? { databaseUrl: first.config.databaseUrl } : { dataDir: dir },
      { providers: [backoff] },
    );
    const [got] = await eventually(async () => receiver!.received.length > 0 && receiver!.received);
    expect(got.headers['x-loa-delivery']).toBe(pending.id);
    expect((got.body.alert as { id: string }).id).toBe(alert.id);
    const done = await eventually(async () => {
      const [d] = (await deliveries(second!, hook.id)).items;
      return d?.status === 'succeeded' && d;
    });
    expect(done.attempts).toBeGreaterThanOrEqual(2);
    expect(done.attemptLog.at(-1)).toMatchObject({ statusCode: 200, error: null });
  });
});
