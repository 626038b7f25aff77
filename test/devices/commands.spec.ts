import type { MqttClient } from 'mqtt';
import { DataSource } from 'typeorm';
import { Cluster } from '@loa-xa/persistence';
import {
  PROTOCOL_VERSION,
  clusterTopic,
  decodePayload,
  encodePayload,
  type AckStatus,
  type Command,
} from '@loa-xa/protocol';
import { startTestServer, type TestServer } from '../support/test-server';
import { eventually, request } from '../support/http';
import { connectDevice, metric, provisionClusters, type ProvisionedCluster } from '../support/fleet';
import { CommandsService } from '../../apps/server/src/devices/commands.service';

interface CommandBody {
  id: string;
  status: string;
  result: Record<string, unknown> | null;
  error: { code: string } | null;
  deliveredAt: string | null;
}

/** A device that collects the commands it receives. */
async function listeningDevice(server: TestServer, cluster: ProvisionedCluster) {
  const client = await connectDevice(server.mqttUrl, cluster);
  const received: Command[] = [];
  client.on('message', (_topic, payload) => {
    const decoded = decodePayload('Command', payload);
    if (decoded.ok) received.push(decoded.value);
  });
  await client.subscribeAsync(clusterTopic(cluster.id, 'cmd'), { qos: 1 });
  return { client, received };
}

function ack(client: MqttClient, clusterId: string, id: string, status: AckStatus, extra: object = {}) {
  return client.publishAsync(
    clusterTopic(clusterId, 'ack'),
    encodePayload('CommandAck', { v: PROTOCOL_VERSION, ts: Date.now(), id, status, ...extra }),
    { qos: 1 },
  );
}

describe('remote commands', () => {
  let server: TestServer;
  let clusters: ProvisionedCluster[];
  const getCommand = (clusterId: string, id: string) =>
    request<CommandBody>('GET', server.url(`/api/v1/clusters/${clusterId}/commands/${id}`));

  beforeAll(async () => {
    server = await startTestServer();
    clusters = await provisionClusters(server, 4);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('goes pending → delivered → acked as the device acknowledges', async () => {
    const [c] = clusters;
    const { client, received } = await listeningDevice(server, c);
    const created = await request<CommandBody>('POST', server.url(`/api/v1/clusters/${c.id}/commands`), {
      type: 'set_volume',
      params: { volume: 65 },
    });
    expect(created.status).toBe(202);
    expect(created.body.status).toBe('pending');
    const cmd = await eventually(async () => received.find((r) => r.id === created.body.id));
    expect(cmd).toMatchObject({ type: 'set_volume', params: { volume: 65 }, v: PROTOCOL_VERSION });
    expect(cmd.expiresAt).toBeGreaterThan(Date.now());

    await ack(client, c.id, cmd.id, 'received');
    await eventually(async () => (await getCommand(c.id, cmd.id)).body.status === 'delivered');
    await ack(client, c.id, cmd.id, 'ok', { result: { volume: 65 } });
    const done = await eventually(async () => {
      const res = await getCommand(c.id, cmd.id);
      return res.body.status === 'acked' ? res.body : null;
    });
    expect(done.result).toEqual({ volume: 65 });
    expect(done.deliveredAt).not.toBeNull();

    // A late duplicate ack does not move a finished command.
    await ack(client, c.id, cmd.id, 'error', { code: 'internal' });
    const list = await request<{ items: CommandBody[]; total: number }>(
      'GET',
      server.url(`/api/v1/clusters/${c.id}/commands`),
    );
    expect(list.body.total).toBe(1);
    expect(list.body.items[0].status).toBe('acked');
    await client.endAsync();
  });

  it('records a failure with its error code', async () => {
    const [, c] = clusters;
    const { client, received } = await listeningDevice(server, c);
    const created = await request<CommandBody>('POST', server.url(`/api/v1/clusters/${c.id}/commands`), {
      type: 'reboot',
    });
    const cmd = await eventually(async () => received.find((r) => r.id === created.body.id));
    await ack(client, c.id, cmd.id, 'error', { code: 'hardware_fault', message: 'relay stuck' });
    const failed = await eventually(async () => {
      const res = await getCommand(c.id, cmd.id);
      return res.body.status === 'failed' ? res.body : null;
    });
    expect(failed.error).toEqual({ code: 'hardware_fault', message: 'relay stuck' });
    await client.endAsync();
  });

  it('reaches a cluster that was offline when the command was sent', async () => {
    const [, , c] = clusters;
    // First connection creates the persistent session and its subscription, then the link drops.
    const first = await listeningDevice(server, c);
    await first.client.endAsync();
    const created = await request<CommandBody>('POST', server.url(`/api/v1/clusters/${c.id}/commands`), {
      type: 'ping',
    });
    expect((await getCommand(c.id, created.body.id)).body.status).toBe('pending');

    const back = await connectDevice(server.mqttUrl, c); // clean: false, same client id: the session resumes
    const received: Command[] = [];
    back.on('message', (_t, payload) => {
      const decoded = decodePayload('Command', payload);
      if (decoded.ok) received.push(decoded.value);
    });
    const cmd = await eventually(async () => received.find((r) => r.id === created.body.id));
    await ack(back, c.id, cmd.id, 'ok', { result: { uptimeS: 5 } });
    await eventually(async () => (await getCommand(c.id, cmd.id)).body.status === 'acked');
    await back.endAsync();
  });

  it('expires a command nobody acknowledged in time', async () => {
    const [, , , c] = clusters;
    const created = await request<CommandBody>('POST', server.url(`/api/v1/clusters/${c.id}/commands`), {
      type: 'ping',
      ttlS: 1,
    });
    const expiresAt = Date.parse((created.body as unknown as { expiresAt: string }).expiresAt);
    await eventually(async () => Date.now() > expiresAt, 10_000);
    await server.app.get(CommandsService).expireDue();
    const res = await getCommand(c.id, created.body.id);
    expect(res.body.status).toBe('expired');
    expect(res.body.error?.code).toBe('expired');
  });

  it('validates the command and its parameters with field and rule', async () => {
    const [c] = clusters;
    const badType = await request<{ errors: { field: string; rule: string }[] }>(
      'POST',
      server.url(`/api/v1/clusters/${c.id}/commands`),
      { type: 'self_destruct' },
    );
    expect(badType.status).toBe(400);
    expect(badType.body.errors[0]).toMatchObject({ field: 'type', rule: 'isIn' });

    const badVolume = await request<{ errors: { field: string; rule: string }[] }>(
      'POST',
      server.url(`/api/v1/clusters/${c.id}/commands`),
      { type: 'set_volume', params: { volume: 101 } },
    );
    expect(badVolume.status).toBe(400);
    expect(badVolume.body.errors[0]).toMatchObject({ field: 'params.volume', rule: 'schema' });

    const missing = await request('POST', server.url(`/api/v1/clusters/${c.id}/commands`), {
      type: 'set_volume',
    });
    expect(missing.status).toBe(400);

    const unknownField = await request('POST', server.url(`/api/v1/clusters/${c.id}/commands`), {
      type: 'ping',
      urgent: true,
    });
    expect(unknownField.status).toBe(400);

    const notFound = await request(
      'POST',
      server.url('/api/v1/clusters/00000000-0000-4000-8000-000000000000/commands'),
      {
        type: 'ping',
      },
    );
    expect(notFound.status).toBe(404);
  });

  it('refuses commands to FM clusters', async () => {
    const [c] = clusters;
    const ds = server.app.get(DataSource);
    const fm = await ds.getRepository(Cluster).save({
      ...(await ds.getRepository(Cluster).findOneByOrFail({ id: c.id })),
      id: undefined,
      code: `FM-${c.id.slice(0, 8)}`,
      kind: 'fm_wired',
    } as unknown as Cluster);
    const res = await request('POST', server.url(`/api/v1/clusters/${fm.id}/commands`), { type: 'ping' });
    expect(res.status).toBe(409);
  });

  it('counts acks for commands it never sent', async () => {
    const [c] = clusters;
    const client = await connectDevice(server.mqttUrl, c);
    const before = await metric(server.httpUrl, 'loa_mqtt_messages_rejected_total', {
      reason: 'unknown_command',
    });
    await ack(client, c.id, '11111111-1111-4111-8111-111111111111', 'ok');
    await eventually(
      async () =>
        (await metric(server.httpUrl, 'loa_mqtt_messages_rejected_total', { reason: 'unknown_command' })) ===
        before + 1,
    );
    await client.endAsync();
  });
});
