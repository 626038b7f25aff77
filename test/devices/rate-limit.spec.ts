import mqtt, { type MqttClient } from 'mqtt';
import { DataSource } from 'typeorm';
import { clusterTopic, encodePayload } from '@loa-xa/protocol';
import { startTestServer, type TestServer } from '../support/test-server';
import { eventually } from '../support/http';
import { MetricsService } from '../../apps/server/src/ops/metrics.service';
import { connectDevice, provisionClusters, sampleTelemetry, type ProvisionedCluster } from '../support/fleet';

const RATE = 5;
const BURST = 10;
const FLOOD = 500;
const CALM = 8; // fewer than BURST: never limited, however the two clients' timing falls

describe('per-device publish rate limit (real server, MQTT_RATE_PER_S=5, MQTT_BURST=10)', () => {
  let server: TestServer;
  let flooder: ProvisionedCluster;
  let calm: ProvisionedCluster;
  const clients: MqttClient[] = [];
  const track = (c: MqttClient) => (clients.push(c), c);

  const stored = async (clusterId: string): Promise<number> => {
    const [row] = (await server.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM telemetry_sample WHERE cluster_id = $1`, [clusterId])) as {
      n: number;
    }[];
    return row.n;
  };
  // Read in-process: what /metrics would show, without depending on how /metrics is guarded.
  const rejected = (reason: string) =>
    server.app.get(MetricsService).counterValue('loa_mqtt_messages_rejected_total', { reason });
  const rateLimited = () => rejected('rate_limited');

  beforeAll(async () => {
    server = await startTestServer({ mqttRatePerS: RATE, mqttBurst: BURST });
    [flooder, calm] = await provisionClusters(server, 2);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await server?.close();
  });

  it('drops and counts a flood beyond burst + rate × elapsed, and stores every message of a calm neighbour', async () => {
    const [floodClient, calmClient] = await Promise.all([
      connectDevice(server.mqttUrl, flooder).then(track),
      connectDevice(server.mqttUrl, calm).then(track),
    ]);
    let closed = false;
    floodClient.on('close', () => (closed = true));
    const droppedBefore = await rateLimited();

    // Every packet the broker judges comes after `start` and, since the last publish is QoS 1 and a
    // connection's packets are handled in order, before its PUBACK resolves `end`.
    const start = performance.now();
    const flood = Promise.all(
      Array.from({ length: FLOOD }, (_, i) =>
        floodClient.publishAsync(
          clusterTopic(flooder.id, 'telemetry'),
          encodePayload('Telemetry', sampleTelemetry(i + 1)),
          { qos: i % 2 === 0 || i === FLOOD - 1 ? 1 : 0 },
        ),
      ),
    ).then(() => performance.now());
    const steady = (async () => {
      for (let seq = 1; seq <= CALM; seq++) {
        await calmClient.publishAsync(
          clusterTopic(calm.id, 'telemetry'),
          encodePayload('Telemetry', sampleTelemetry(seq)),
          { qos: 1 },
        );
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const [end] = await Promise.all([flood, steady]);
    const elapsedS = (end - start) / 1000;
    const allowed = BURST + RATE * elapsedS;

    // Everything the broker let through is written; everything else was counted as rate_limited.
    const dropped = (await rateLimited()) - droppedBefore;
    await eventually(async () => (await stored(flooder.id)) === FLOOD - dropped);
    await eventually(async () => (await stored(calm.id)) === CALM);

    const kept = await stored(flooder.id);
    expect(kept).toBeGreaterThanOrEqual(BURST);
    expect(kept).toBeLessThanOrEqual(Math.min(FLOOD, Math.floor(allowed)));
    expect(dropped).toBe(FLOOD - kept);
    // The flood was acknowledged, not punished with a disconnect; the calm device lost nothing.
    expect(closed).toBe(false);
    expect(floodClient.connected).toBe(true);
    expect(await stored(calm.id)).toBe(CALM);
    expect(await rejected('topic')).toBe(0);
  });

  it("does not limit the server's own clients", async () => {
    const device = track(await connectDevice(server.mqttUrl, calm));
    const seen: string[] = [];
    device.on('message', (_topic, payload) => seen.push(payload.toString()));
    await device.subscribeAsync(clusterTopic(calm.id, 'cmd'), { qos: 1 });
    const service = track(
      await mqtt.connectAsync(server.mqttUrl, {
        username: server.config.mqttUsername,
        password: server.config.mqttPassword,
        reconnectPeriod: 0,
      }),
    );
    const droppedBefore = await rateLimited();
    const count = 5 * BURST;
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        service.publishAsync(clusterTopic(calm.id, 'cmd'), `not-a-command-${i}`, { qos: 1 }),
      ),
    );
    await eventually(async () => seen.length === count);
    expect((await rateLimited()) - droppedBefore).toBe(0);
  });
});
