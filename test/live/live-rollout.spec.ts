import type { MqttClient } from 'mqtt';
import { DataSource } from 'typeorm';
import { Cluster } from '@loa-xa/persistence';
import { clusterTopic, decodePayload, type Command } from '@loa-xa/protocol';
import { startTestServer, type TestServer } from '../support/test-server';
import { eventually, request } from '../support/http';
import { connectDevice, provisionClusters, type ProvisionedCluster } from '../support/fleet';
import { icecastEncoder, listen, probe } from './support';

/** With the broadcasts module's real rollout: devices get play_now with their stream, then stop. */
describe('live broadcast: rollout to devices over MQTT', () => {
  let server: TestServer;
  let clusters: ProvisionedCluster[];
  let communeId: string;
  const devices: MqttClient[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    clusters = await provisionClusters(server, 2);
    communeId = (
      await server.app.get(DataSource).getRepository(Cluster).findOneByOrFail({ id: clusters[0].id })
    ).communeId;
  });
  afterAll(async () => {
    await Promise.all(devices.map((d) => d.endAsync(true)));
    await server?.close();
  });

  it('sends each cluster play_now with its own stream URL, which plays, and stop with the session as ref', async () => {
    const received = new Map<string, Command[]>();
    for (const cluster of clusters) {
      const device = await connectDevice(server.mqttUrl, cluster);
      devices.push(device);
      received.set(cluster.id, []);
      device.on('message', (_topic, payload) => {
        const decoded = decodePayload('Command', payload);
        if (decoded.ok) received.get(cluster.id)?.push(decoded.value);
      });
      await device.subscribeAsync(clusterTopic(cluster.id, 'cmd'), { qos: 1 });
    }
    const created = await request<{
      session: { id: string; clusterCount: number };
      ingest: { icecast: { password: string; mount: string } };
    }>('POST', server.url('/api/v1/live'), {
      title: 'Tin khẩn',
      target: { unitIds: [communeId] },
      priority: 'district',
      volume: 90,
      unitId: communeId,
    });
    expect(created.status).toBe(201);
    expect(created.body.session.clusterCount).toBe(2);
    const { password, mount } = created.body.ingest.icecast;
    const id = created.body.session.id;
    const encoder = icecastEncoder(
      `icecast://source:${password}@127.0.0.1:${new URL(server.httpUrl).port}${mount}`,
    );
    try {
      const playNow = await eventually(async () => {
        const all = clusters.map((c) => received.get(c.id)?.find((cmd) => cmd.type === 'play_now'));
        return all.every(Boolean) ? (all as Command[]) : null;
      });
      const urls = playNow.map((cmd) => {
        const params = cmd.params as {
          priority: string;
          volume: number;
          stream: { id: string; url: string };
        };
        expect(params).toMatchObject({ priority: 'district', volume: 90, stream: { id, format: 'mp3' } });
        return params.stream.url;
      });
      expect(new Set(urls).size).toBe(2);
      const heard = await listen(urls[0]);
      await eventually(async () => heard.bytes.length > 8000);
      expect(await probe(heard.bytes)).toMatchObject({ codec_name: 'mp3' });
      const session = await request<{ broadcastId: string }>('GET', server.url(`/api/v1/live/${id}`));
      expect(session.body.broadcastId).toEqual(expect.any(String));

      await request('POST', server.url(`/api/v1/live/${id}/stop`));
      await heard.ended;
      const stops = await eventually(async () => {
        const all = clusters.map((c) => received.get(c.id)?.find((cmd) => cmd.type === 'stop'));
        return all.every(Boolean) ? (all as Command[]) : null;
      });
      for (const stop of stops) expect(stop.params).toMatchObject({ ref: id, priority: 'district' });
    } finally {
      encoder.kill('SIGKILL');
    }
  });
});
