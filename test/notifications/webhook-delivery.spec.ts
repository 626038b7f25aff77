import { eventually, request } from '../support/http';
import { metric } from '../support/metrics';
import { startTestServer, type TestServer } from '../support/test-server';
import type { ClusterItem } from '../registry/fixtures';
import { NOTIFY_BACKOFF } from '../../apps/server/src/notifications/notification-backoff';
import { verifySignature } from '../../apps/server/src/notifications/webhook-signature';
import {
  alertView,
  createWebhook,
  deadUrl,
  deliveries,
  publish,
  retire,
  setUpFleet,
  startReceiver,
  type DeliveryBody,
  type Fleet,
  type Receiver,
  type WebhookBody,
} from './support';

const MAX_ATTEMPTS = 3;

/**
 * Alert changes published on the AlertBus reach webhooks: signed, filtered by unit, event and severity,
 * grouped when a storm hits a unit, retried with backoff, and logged.
 */
describe('webhook notifications', () => {
  let server: TestServer;
  let fleet: Fleet;
  const receivers: Receiver[] = [];
  const receiver = async (answers: number[] = []) => {
    const r = await startReceiver(answers);
    receivers.push(r);
    return r;
  };
  const clustersOf = (communeId: string): ClusterItem[] => fleet.clusters.get(communeId)!;
  const webhook = async (id: string) =>
    (await request<WebhookBody>('GET', server.url(`/api/v1/webhooks/${id}`))).body;

  beforeAll(async () => {
    server = await startTestServer(
      {
        alertGroupWindowS: 1,
        alertGroupMin: 3,
        webhookMaxAttempts: MAX_ATTEMPTS,
        webhookTimeoutMs: 500,
      },
      { providers: [{ provide: NOTIFY_BACKOFF, useValue: { baseMs: 50, capMs: 200, jitter: 0.2 } }] },
    );
    fleet = await setUpFleet(server, { communeA1: 50, communeA2: 4, communeB1: 3 });
  });
  afterAll(async () => {
    await server?.close();
    for (const r of receivers) await r.close();
  });

  it('signs each delivery so that it verifies with the secret', async () => {
    const r = await receiver();
    const hook = await createWebhook(server, { url: r.url, unitId: fleet.communeA2.id });
    const alert = alertView(clustersOf(fleet.communeA2.id)[0], fleet.communeA2, { severity: 'major' });
    publish(server, 'opened', alert);

    const [got] = await eventually(async () => r.received.length > 0 && r.received);
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['user-agent']).toBe('loa-xa');
    expect(got.headers['x-loa-event']).toBe('alert.opened');
    expect(got.headers['x-loa-delivery']).toBe(got.body.deliveryId);
    const signature = String(got.headers['x-loa-signature']);
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature(hook.secret, got.raw, signature)).toBe(true);
    expect(verifySignature('not-the-secret', got.raw, signature)).toBe(false);
    expect(got.body).toMatchObject({ event: 'alert.opened', alert });

    const log = await eventually(async () => {
      const page = await deliveries(server, hook.id);
      return page.items[0]?.status === 'succeeded' && page;
    });
    expect(log.total).toBe(1);
    expect(log.items[0]).toMatchObject({
      id: got.body.deliveryId,
      channel: 'webhook',
      event: 'alert.opened',
      attempts: 1,
      lastStatusCode: 200,
      lastError: null,
    });
    expect((await webhook(hook.id)).lastSuccessAt).not.toBeNull();
    await retire(server, hook.id);
  });

  it('retries a receiver answering 500 twice, then logs 3 attempts and success', async () => {
    const r = await receiver([500, 500]);
    const hook = await createWebhook(server, { url: r.url, unitId: fleet.communeA2.id });
    publish(server, 'opened', alertView(clustersOf(fleet.communeA2.id)[1], fleet.communeA2));

    const done = await eventually(async () => {
      const [item] = (await deliveries(server, hook.id)).items;
      return item?.status === 'succeeded' && item;
    });
    expect(done.attempts).toBe(3);
    expect(done.attemptLog.map((a) => a.statusCode)).toEqual([500, 500, 200]);
    expect(done.attemptLog[0].error).toContain('HTTP 500');
    expect(done.lastStatusCode).toBe(200);
    expect(done.deliveredAt).not.toBeNull();
    expect(new Set(r.received.map((x) => x.headers['x-loa-delivery']))).toEqual(new Set([done.id]));
    expect((await webhook(hook.id)).consecutiveFailures).toBe(0);
    await retire(server, hook.id);
  });

  it('gives up on a dead URL after the maximum attempts', async () => {
    const hook = await createWebhook(server, { url: await deadUrl(), unitId: fleet.communeA2.id });
    publish(server, 'opened', alertView(clustersOf(fleet.communeA2.id)[2], fleet.communeA2));

    const failed = await eventually(async () => {
      const [item] = (await deliveries(server, hook.id, 'status=failed')).items;
      return item;
    });
    expect(failed.attempts).toBe(MAX_ATTEMPTS);
    expect(failed.attemptLog).toHaveLength(MAX_ATTEMPTS);
    expect(failed.lastStatusCode).toBeNull();
    expect(failed.lastError).toMatch(/ECONNREFUSED/);
    const after = await webhook(hook.id);
    expect(after.consecutiveFailures).toBe(MAX_ATTEMPTS);
    expect(after.lastFailureAt).not.toBeNull();
    expect(
      await metric(server.httpUrl, 'loa_notifications_total', { channel: 'webhook', status: 'failed' }),
    ).toBeGreaterThan(0);
    await retire(server, hook.id);
  });

  it('counts a receiver that does not answer in time as a failure', async () => {
    const r = await receiver();
    r.hang = true;
    const hook = await createWebhook(server, { url: r.url, unitId: fleet.communeA2.id });
    publish(server, 'opened', alertView(clustersOf(fleet.communeA2.id)[3], fleet.communeA2));
    const item = await eventually(async () => {
      const [d] = (await deliveries(server, hook.id)).items;
      return d?.attemptLog.length > 0 && d;
    });
    expect(item.attemptLog[0]).toMatchObject({ statusCode: null, error: 'no answer within 500 ms' });
    await retire(server, hook.id);
  });

  it('sends 50 changes of one commune in one window as exactly one alert.group', async () => {
    const r = await receiver();
    const hook = await createWebhook(server, { url: r.url, unitId: fleet.communeA1.id });
    const alerts = clustersOf(fleet.communeA1.id).map((c) => alertView(c, fleet.communeA1));
    for (const alert of alerts) publish(server, 'opened', alert);

    await eventually(async () => r.received.length > 0);
    const log = await eventually(async () => {
      const page = await deliveries(server, hook.id);
      return page.items.every((d) => d.status === 'succeeded') && page;
    });
    expect(log.total).toBe(1);
    expect(r.received).toHaveLength(1);
    const [got] = r.received;
    expect(got.headers['x-loa-event']).toBe('alert.group');
    const group = got.body.group as Record<string, unknown>;
    expect(group).toMatchObject({
      kind: 'opened',
      rule: 'offline',
      ruleName: 'Mất kết nối',
      severity: 'critical',
      count: 50,
      truncated: false,
      unit: { id: fleet.communeA1.id, name: fleet.communeA1.name, level: 'commune' },
      communes: [{ id: fleet.communeA1.id, name: fleet.communeA1.name, count: 50 }],
    });
    const listed = group.alerts as { id: string; clusterCode: string }[];
    expect(listed.map((a) => a.id).sort()).toEqual(alerts.map((a) => a.id).sort());
    expect(new Set(listed.map((a) => a.clusterCode)).size).toBe(50);
    await retire(server, hook.id);
  });

  it('names the lowest common unit of a storm across two districts', async () => {
    const r = await receiver();
    const hook = await createWebhook(server, { url: r.url, unitId: fleet.province.id });
    const a = clustersOf(fleet.communeA2.id)
      .slice(0, 2)
      .map((c) => alertView(c, fleet.communeA2, { rule: 'on_battery' }));
    const b = clustersOf(fleet.communeB1.id)
      .slice(0, 2)
      .map((c) => alertView(c, fleet.communeB1, { rule: 'on_battery' }));
    for (const alert of [...a, ...b]) publish(server, 'opened', alert);

    const [got] = await eventually(async () => r.received.length > 0 && r.received);
    expect(got.body.event).toBe('alert.group');
    const group = got.body.group as {
      unit: { id: string; level: string };
      count: number;
      communes: unknown[];
    };
    expect(group.unit).toMatchObject({ id: fleet.province.id, level: 'province' });
    expect(group.count).toBe(4);
    expect(group.communes).toEqual(
      expect.arrayContaining([
        { id: fleet.communeA2.id, name: fleet.communeA2.name, count: 2 },
        { id: fleet.communeB1.id, name: fleet.communeB1.name, count: 2 },
      ]),
    );
    await retire(server, hook.id);
  });

  it('gives a webhook of commune A nothing of commune B', async () => {
    const ra = await receiver();
    const rb = await receiver();
    const hookA = await createWebhook(server, { url: ra.url, unitId: fleet.communeA2.id });
    const hookB = await createWebhook(server, { url: rb.url, unitId: fleet.communeB1.id });
    const alert = alertView(clustersOf(fleet.communeB1.id)[0], fleet.communeB1, { rule: 'amp_fault' });
    publish(server, 'opened', alert);

    // B's delivery was queued in the same statement as any of A's would have been.
    const [got] = await eventually(async () => rb.received.length > 0 && rb.received);
    expect((got.body.alert as { id: string }).id).toBe(alert.id);
    expect((await deliveries(server, hookA.id)).total).toBe(0);
    expect(ra.received).toHaveLength(0);
    await retire(server, hookA.id, hookB.id);
  });

  it('sends only the events and severities a webhook asked for', async () => {
    const onlyResolved = await receiver();
    const onlyCritical = await receiver();
    const control = await receiver();
    const hooks = [
      await createWebhook(server, {
        url: onlyResolved.url,
        unitId: fleet.communeB1.id,
        events: ['alert.resolved'],
      }),
      await createWebhook(server, {
        url: onlyCritical.url,
        unitId: fleet.communeB1.id,
        minSeverity: 'critical',
      }),
      await createWebhook(server, {
        url: control.url,
        unitId: fleet.communeB1.id,
        events: ['alert.opened', 'alert.resolved'],
      }),
    ];
    const [c0, c1, c2] = clustersOf(fleet.communeB1.id);
    const majorOpened = alertView(c0, fleet.communeB1, { rule: 'weak_signal', severity: 'major' });
    const majorResolved = alertView(c1, fleet.communeB1, {
      rule: 'weak_signal',
      severity: 'major',
      kind: 'resolved',
    });
    const criticalOpened = alertView(c2, fleet.communeB1, { rule: 'amp_fault', severity: 'critical' });
    publish(server, 'opened', majorOpened);
    publish(server, 'resolved', majorResolved);
    publish(server, 'opened', criticalOpened);

    await eventually(async () => control.received.length === 3);
    const alertIds = async (hook: WebhookBody) =>
      (
        await eventually(async () => {
          const page = await deliveries(server, hook.id);
          return page.items.every((d) => d.status === 'succeeded') && page.items;
        })
      )
        .map((d: DeliveryBody) => d.event)
        .sort();
    expect(await alertIds(hooks[0])).toEqual(['alert.resolved']);
    expect(await alertIds(hooks[1])).toEqual(['alert.opened']);
    expect((onlyResolved.received[0].body.alert as { id: string }).id).toBe(majorResolved.id);
    expect((onlyCritical.received[0].body.alert as { id: string }).id).toBe(criticalOpened.id);
    await retire(server, ...hooks.map((h) => h.id));
  });

  it('sends a ping on request, and redelivers a finished delivery with the same id', async () => {
    const r = await receiver();
    const hook = await createWebhook(server, { url: r.url, unitId: fleet.communeB1.id });
    const ping = await request<DeliveryBody>('POST', server.url(`/api/v1/webhooks/${hook.id}/test`));
    expect(ping.status).toBe(202);
    expect(ping.body).toMatchObject({ event: 'ping', status: 'pending' });
    await eventually(async () => r.received.length === 1);
    expect(r.received[0].body).toMatchObject({
      event: 'ping',
      deliveryId: ping.body.id,
      webhook: { id: hook.id },
    });
    expect(
      verifySignature(hook.secret, r.received[0].raw, String(r.received[0].headers['x-loa-signature'])),
    ).toBe(true);
    const first = await eventually(async () => {
      const [d] = (await deliveries(server, hook.id)).items;
      return d?.status === 'succeeded' && d;
    });

    const again = await request<DeliveryBody>(
      'POST',
      server.url(`/api/v1/webhooks/${hook.id}/deliveries/${first.id}/redeliver`),
    );
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ id: first.id, status: 'pending', attempts: 0 });
    await eventually(async () => r.received.length === 2);
    expect(r.received[1].headers['x-loa-delivery']).toBe(first.id);
    expect(r.received[1].raw).toBe(r.received[0].raw);
    const detail = await eventually(async () => {
      const res = await request<DeliveryBody>(
        'GET',
        server.url(`/api/v1/webhooks/${hook.id}/deliveries/${first.id}`),
      );
      return res.body.status === 'succeeded' && res.body;
    });
    expect(detail).toMatchObject({ attempts: 1, payload: { event: 'ping', deliveryId: first.id } });
    expect(detail.attemptLog).toHaveLength(2);

    const missing = await request(
      'POST',
      server.url(`/api/v1/webhooks/${hook.id}/deliveries/00000000-0000-4000-8000-000000000000/redeliver`),
    );
    expect(missing.status).toBe(404);
    await retire(server, hook.id);
  });

  it('sends nothing to a switched-off webhook', async () => {
    const off = await receiver();
    const on = await receiver();
    const hookOff = await createWebhook(server, { url: off.url, unitId: fleet.communeB1.id, active: false });
    const hookOn = await createWebhook(server, { url: on.url, unitId: fleet.communeB1.id });
    publish(
      server,
      'opened',
      alertView(clustersOf(fleet.communeB1.id)[1], fleet.communeB1, { rule: 'storage_low' }),
    );
    await eventually(async () => on.received.length > 0);
    expect((await deliveries(server, hookOff.id)).total).toBe(0);
    await retire(server, hookOn.id);
  });

  it('exposes delivery counters and the queue depth', async () => {
    expect(
      await metric(server.httpUrl, 'loa_notifications_total', { channel: 'webhook', status: 'succeeded' }),
    ).toBeGreaterThan(0);
    expect(await metric(server.httpUrl, 'loa_notifications_total', { status: 'retrying' })).toBeGreaterThan(
      0,
    );
    await eventually(async () => (await metric(server.httpUrl, 'loa_notification_queue_depth')) === 0);
  });
});
