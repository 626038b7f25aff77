import type { MqttClient } from 'mqtt';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../support/test-server';
import { eventually } from '../support/http';
import { connectDevice, metric, provisionClusters, type ProvisionedCluster } from '../support/fleet';
import { PlayLogWriter } from '../../apps/server/src/playlogs/play-log.writer';
import { listLogs, logsOf, publishPlayLog } from './support';

/** A writer that never flushes on its own (60 s) and holds 3 reports at most. */
describe('play logs: the batch writer', () => {
  let server: TestServer;
  let cluster: ProvisionedCluster;
  let client: MqttClient;

  beforeAll(async () => {
    server = await startTestServer({ telemetryFlushMs: 60_000, telemetryQueueMax: 3 });
    [cluster] = await provisionClusters(server, 1);
    client = await connectDevice(server.mqttUrl, cluster);
  });
  afterAll(async () => {
    await client?.endAsync();
    await server?.close();
  });

  it('drops what does not fit in its queue (overload) and writes the rest before shutting down', async () => {
    const writer = server.app.get(PlayLogWriter);
    const before = await metric(server.httpUrl, 'loa_mqtt_messages_rejected_total', { reason: 'overload' });
    const ref = `${randomUUID()}@1767220200000`;
    await publishPlayLog(
      client,
      cluster.id,
      [1, 2, 3, 4].map((n) => ({ id: `q-${n}`, source: 'schedule', ref, event: 'started', at: n })),
    );
    await eventually(async () => writer.pending === 3);
    expect(await metric(server.httpUrl, 'loa_mqtt_messages_rejected_total', { reason: 'overload' })).toBe(
      before + 1,
    );
    expect((await listLogs(server, `clusterId=${cluster.id}`)).body.total).toBe(0);

    // What Nest runs on close, before the database goes.
    await writer.beforeApplicationShutdown();
    expect(writer.pending).toBe(0);
    expect((await logsOf(server, cluster.id, 3)).map((l) => l.reportId)).toEqual(['q-1', 'q-2', 'q-3']);
  });
});
