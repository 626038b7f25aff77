import { DataSource } from 'typeorm';
import { startTestServer, type TestServer } from '../support/test-server';
import { eventually, request } from '../support/http';
import { createWebhook, deliveries, startReceiver, type Receiver } from './support';

/** WEBHOOK_PRIVATE_TARGETS=deny (the default): webhooks may not reach into the server's own networks. */
describe('webhooks to private networks (SSRF guard)', () => {
  let server: TestServer;
  let receiver: Receiver;

  beforeAll(async () => {
    server = await startTestServer({ webhookPrivateTargets: 'deny' });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await server?.close();
  });

  it.each([
    'http://127.0.0.1:8080/hook',
    'http://localhost/hook',
    'http://[::1]:9000/x',
    'http://169.254.169.254/latest/meta-data',
    'https://10.20.30.40/hook',
    'http://192.168.1.10/hook',
  ])('refuses %s at creation, naming the url', async (url) => {
    const res = await request<{ errors: { field: string; message: string }[] }>(
      'POST',
      server.url('/api/v1/webhooks'),
      { name: 'Nội bộ', url, unitId: null },
    );
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({
      field: 'url',
      message: expect.stringContaining('WEBHOOK_PRIVATE_TARGETS'),
    });
  });

  it('refuses a private URL on update, and keeps the webhook as it was', async () => {
    const hook = await createWebhook(server, {
      url: 'https://ops.example.vn/hooks/loa',
      unitId: null,
      active: false,
    });
    const res = await request('PATCH', server.url(`/api/v1/webhooks/${hook.id}`), {
      url: 'http://127.0.0.1:1/x',
    });
    expect(res.status).toBe(400);
    const after = await request<{ url: string }>('GET', server.url(`/api/v1/webhooks/${hook.id}`));
    expect(after.body.url).toBe('https://ops.example.vn/hooks/loa');
  });

  it('checks again before each delivery: a stored loopback URL is not called', async () => {
    const hook = await createWebhook(server, { url: 'https://ops.example.vn/hooks/loa', unitId: null });
    // As if it had been saved while private targets were allowed (or its name now resolves inside).
    await server.app
      .get(DataSource)
      .query(`UPDATE webhook SET url = $1 WHERE id = $2`, [receiver.url, hook.id]);
    const ping = await request('POST', server.url(`/api/v1/webhooks/${hook.id}/test`));
    expect(ping.status).toBe(202);
    const item = await eventually(async () =>
      (await deliveries(server, hook.id)).items.find((d) => d.attempts > 0),
    );
    expect(item.lastError).toContain('refused: 127.0.0.1 is a private or loopback address');
    expect(item.lastStatusCode).toBeNull();
    expect(receiver.received).toEqual([]);
  });
});
