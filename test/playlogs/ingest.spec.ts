import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { DataSource } from 'typeorm';
import { Cluster, DeviceCommand } from '@loa-xa/persistence';
import { PROTOCOL_VERSION, clusterTopic, encodePayload, type PlayReport } from '@loa-xa/protocol';
import { startTestServer, type TestServer } from '../support/test-server';
import { eventually } from '../support/http';
import {
  connectDevice,
  metric,
  provisionClusters,
  sampleTelemetry,
  type ProvisionedCluster,
} from '../support/fleet';
import { FleetView } from '../../apps/server/src/fleet/fleet-view.service';
import { PlayLogQueries } from '../../apps/server/src/playlogs/play-log-queries.service';
import { logsOf, publishPlayLog } from './support';

const SCHEDULE = randomUUID();
const START = Date.UTC(2026, 0, 30, 22, 30); // 05:30 in Vietnam
const occurrence = (start = START) => `${SCHEDULE}@${start}`;

describe('play logs: ingestion over MQTT', () => {
  let server: TestServer;
  let clusters: ProvisionedCluster[];
  const clients: MqttClient[] = [];
  const device = async (cluster: ProvisionedCluster) => {
    const client = await connectDevice(server.mqttUrl, cluster);
    clients.push(client);
    return client;
  };
  const rejected = (reason: string) => metric(server.httpUrl, 'loa_mqtt_messages_rejected_total', { reason });

  beforeAll(async () => {
    server = await startTestServer();
    clusters = await provisionClusters(server, 6);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync()));
    await server?.close();
  });

  it('stores each report with its fields, the ids its ref names and the cluster’s commune', async () => {
    const [c] = clusters;
    const client = await device(c);
    const command = randomUUID();
    await publishPlayLog(client, c.id, [
      { id: 'p-1', source: 'schedule', ref: occurrence(), event: 'started', at: START + 40 },
      {
        id: 'p-2',
        source: 'schedule',
        ref: occurrence(),
        event: 'interrupted',
        at: START + 300_000,
        reason: 'preempted',
        playedMs: 299_960,
        detail: 'cắt bởi cảnh báo khẩn',
      },
      { id: 'p-3', source: 'command', ref: command, event: 'started', at: START + 300_020 },
    ]);
    const logs = await logsOf(server, c.id, 3);
    const cluster = await server.app.get(DataSource).getRepository(Cluster).findOneByOrFail({ id: c.id });
    expect(logs[0]).toMatchObject({
      clusterId: c.id,
      clusterCode: cluster.code,
      communeId: cluster.communeId,
      reportId: 'p-1',
      source: 'schedule',
      ref: occurrence(),
      event: 'started',
      reason: null,
      playedMs: null,
      deviceAt: new Date(START + 40).toISOString(),
      correctedAt: null, // no telemetry yet: offset unknown
      occurredAt: new Date(START + 40).toISOString(),
      scheduleId: SCHEDULE,
      occurrenceStart: new Date(START).toISOString(),
      commandId: null,
      broadcastId: null,
      liveSessionId: null,
    });
    expect(Date.parse(logs[0].receivedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(logs[1]).toMatchObject({
      reportId: 'p-2',
      event: 'interrupted',
      reason: 'preempted',
      playedMs: 299_960,
      detail: 'cắt bởi cảnh báo khẩn',
    });
    expect(logs[2]).toMatchObject({ source: 'command', commandId: command, scheduleId: null });

    const counts = await server.app.get(PlayLogQueries).startedForOccurrences(SCHEDULE, [START, START + 1]);
    expect(counts).toEqual(
      new Map([
        [START, { started: 1, finished: 0, failed: 0 }],
        [START + 1, { started: 0, finished: 0, failed: 0 }],
      ]),
    );
  });

  it('counts a re-sent batch and overlapping batches once, and the duplicates in a metric', async () => {
    const c = clusters[1];
    const client = await device(c);
    const report = (n: number): PlayReport => ({
      id: `r-${n}`,
      source: 'schedule',
      ref: occurrence(START + n * 86_400_000),
      event: 'finished',
      at: START + n * 86_400_000 + 60_000,
      playedMs: 60_000,
    });
    const before = await metric(server.httpUrl, 'loa_playlog_duplicates_total');
    await publishPlayLog(client, c.id, [report(1), report(2), report(3)]);
    await logsOf(server, c.id, 3);
    // After an outage the device re-sends what it had not seen acknowledged, and more.
    await publishPlayLog(client, c.id, [report(1), report(2), report(3)]);
    await publishPlayLog(client, c.id, [report(3), report(4), report(4)]);
    await eventually(
      async () => (await metric(server.httpUrl, 'loa_playlog_duplicates_total')) - before === 5,
    );
    const logs = await logsOf(server, c.id, 4);
    expect(logs.map((l) => l.reportId)).toEqual(['r-1', 'r-2', 'r-3', 'r-4']);
  });

  it('drops a report whose ref names nothing (unknown_occurrence) and keeps the rest of the batch', async () => {
    const c = clusters[2];
    const client = await device(c);
    const before = await rejected('unknown_occurrence');
    await publishPlayLog(client, c.id, [
      { id: 'ok-1', source: 'schedule', ref: occurrence(), event: 'started', at: START },
      { id: 'bad-1', source: 'schedule', ref: SCHEDULE, event: 'started', at: START },
      { id: 'bad-2', source: 'schedule', ref: `${SCHEDULE}@soon`, event: 'failed', at: START },
      { id: 'bad-3', source: 'command', ref: 'cmd-17', event: 'started', at: START },
      { id: 'bad-4', source: 'live', ref: 'stream', event: 'started', at: START },
      { id: 'ok-2', source: 'live', ref: randomUUID(), event: 'started', at: START + 1 },
    ]);
    const logs = await logsOf(server, c.id, 2);
    expect(logs.map((l) => l.reportId)).toEqual(['ok-1', 'ok-2']);
    expect(await rejected('unknown_occurrence')).toBe(before + 4);
  });

  it('drops a playlog that breaks the schema, and counts it', async () => {
    const c = clusters[3];
    const client = await device(c);
    const before = await rejected('schema');
    const send = (payload: object) =>
      client.publishAsync(clusterTopic(c.id, 'playlog'), JSON.stringify(payload), { qos: 1 });
    await send({
      v: PROTOCOL_VERSION,
      ts: Date.now(),
      reports: [{ id: 'x', source: 'schedule', ref: occurrence(), event: 'exploded', at: START }],
    });
    await send({ v: PROTOCOL_VERSION, ts: Date.now(), reports: [] });
    await send({
      v: PROTOCOL_VERSION,
      ts: Date.now(),
      reports: [{ id: 'y', source: 'radio', ref: occurrence(), event: 'started', at: START }],
    });
    await eventually(async () => (await rejected('schema')) === before + 3);
    // A valid one afterwards is the only thing stored.
    await publishPlayLog(client, c.id, [
      { id: 'z', source: 'schedule', ref: occurrence(), event: 'started', at: START },
    ]);
    expect((await logsOf(server, c.id, 1)).map((l) => l.reportId)).toEqual(['z']);
  });

  it('places reports on the server’s time axis with the cluster’s last clock offset', async () => {
    const c = clusters[4];
    const client = await device(c);
    // The device clock runs 90 s ahead of the reference.
    await client.publishAsync(
      clusterTopic(c.id, 'telemetry'),
      encodePayload('Telemetry', sampleTelemetry(1, { clockOffsetMs: 90_000 })),
      { qos: 1 },
    );
    const fleet = server.app.get(FleetView);
    await eventually(async () => fleet.get(c.id)?.telemetry?.clockOffsetMs === 90_000);
    await publishPlayLog(client, c.id, [
      { id: 'skewed', source: 'schedule', ref: occurrence(), event: 'started', at: START + 90_000 },
    ]);
    const [log] = await logsOf(server, c.id, 1);
    expect(log.deviceAt).toBe(new Date(START + 90_000).toISOString());
    expect(log.correctedAt).toBe(new Date(START).toISOString());
    expect(log.occurredAt).toBe(log.correctedAt);
  });

  it('takes the broadcast of the command a report names', async () => {
    const c = clusters[5];
    const client = await device(c);
    const broadcastId = randomUUID();
    const commandId = randomUUID();
    await server.app
      .get(DataSource)
      .getRepository(DeviceCommand)
      .insert({
        id: commandId,
        clusterId: c.id,
        type: 'play_now',
        params: { priority: 'commune' },
        status: 'delivered',
        expiresAt: new Date(Date.now() + 60_000),
        deliveredAt: new Date(),
        completedAt: null,
        result: null,
        errorCode: null,
        errorMessage: null,
        broadcastId,
      });
    await publishPlayLog(client, c.id, [
      { id: 'b-1', source: 'command', ref: commandId, event: 'started', at: Date.now() },
      // Another cluster's command: the report is kept, but it belongs to no broadcast of this cluster.
      { id: 'b-2', source: 'command', ref: randomUUID(), event: 'failed', at: Date.now(), reason: 'other' },
    ]);
    const logs = await logsOf(server, c.id, 2);
    expect(logs.map((l) => [l.reportId, l.commandId, l.broadcastId])).toEqual([
      ['b-1', commandId, broadcastId],
      ['b-2', logs[1].commandId, null],
    ]);
  });
});
