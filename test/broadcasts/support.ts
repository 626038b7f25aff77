import { DataSource } from 'typeorm';
import type { MqttClient } from 'mqtt';
import {
  PROTOCOL_VERSION,
  clusterTopic,
  decodePayload,
  encodePayload,
  type Command,
  type Manifest,
} from '@loa-xa/protocol';
import type { TestServer } from '../support/test-server';
import { connectDevice, provisionClusters, type ProvisionedCluster } from '../support/fleet';
import { ffmpeg, loudSine, settled, tempDir, upload, type Asset } from '../media/support';
import { readFile } from 'node:fs/promises';

/** Vietnam is UTC+7 all year: a local wall-clock time `days` from today. */
export function localTime(days: number, hhmm: string): string {
  const date = new Date(Date.now() + 7 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
  return `${date}T${hhmm}`;
}

/** The Vietnamese wall-clock time (to the minute, rounded up) of an instant. */
export function localAt(ms: number): string {
  const minute = Math.ceil(ms / 60_000) * 60_000;
  return new Date(minute + 7 * 3_600_000).toISOString().slice(0, 16);
}

/** The UTC instant of a Vietnamese wall-clock time. */
export function instantOf(local: string): number {
  return Date.parse(`${local.length === 16 ? `${local}:00` : local}+07:00`);
}

/** A commune of `count` provisioned IP clusters, and its id. */
export async function communeWithClusters(
  server: TestServer,
  count: number,
): Promise<{ communeId: string; clusters: ProvisionedCluster[] }> {
  const clusters = await provisionClusters(server, count);
  const rows: { commune_id: string }[] = await server.app
    .get(DataSource)
    .query(`SELECT commune_id FROM cluster WHERE id = $1`, [clusters[0].id]);
  return { communeId: rows[0].commune_id, clusters };
}

/** Uploads a loud tone of `seconds` to a unit and waits until it is transcoded. */
export async function readyAsset(
  server: TestServer,
  unitId: string,
  seconds = 3,
  title = 'Thông báo',
): Promise<Asset> {
  const dir = await tempDir('bc');
  const path = await ffmpeg(dir, 'tone.mp3', loudSine(seconds, ['-c:a', 'libmp3lame']));
  const res = await upload(server, await readFile(path), { filename: 'tone.mp3', fields: { title, unitId } });
  if (res.status !== 202) throw new Error(`upload: ${res.status} ${JSON.stringify(res.body)}`);
  const asset = await settled(server, res.body.id);
  if (asset.status !== 'ready') throw new Error(`asset ${asset.status}`);
  return asset;
}

/** A bare device that records the manifests and commands it receives. */
export async function recordingDevice(server: TestServer, cluster: ProvisionedCluster) {
  const client: MqttClient = await connectDevice(server.mqttUrl, cluster);
  const manifests: Manifest[] = [];
  const commands: Command[] = [];
  client.on('message', (topic, payload) => {
    if (topic.endsWith('/manifest')) {
      const m = decodePayload('Manifest', payload);
      if (m.ok) manifests.push(m.value);
      else throw new Error(`invalid manifest: ${m.message}`);
    } else if (topic.endsWith('/cmd')) {
      const c = decodePayload('Command', payload);
      if (c.ok) commands.push(c.value);
    }
  });
  await client.subscribeAsync([clusterTopic(cluster.id, 'manifest'), clusterTopic(cluster.id, 'cmd')], {
    qos: 1,
  });
  return {
    client,
    manifests,
    commands,
    latest: () => manifests[manifests.length - 1],
    sync: (version: number | null, held: string[], extra: object = {}) =>
      client.publishAsync(
        clusterTopic(cluster.id, 'sync'),
        encodePayload('ManifestSync', { v: PROTOCOL_VERSION, ts: Date.now(), version, held, ...extra }),
        { qos: 1 },
      ),
    ack: (id: string, status: 'received' | 'started' | 'ok' | 'error' | 'rejected', extra: object = {}) =>
      client.publishAsync(
        clusterTopic(cluster.id, 'ack'),
        encodePayload('CommandAck', { v: PROTOCOL_VERSION, ts: Date.now(), id, status, ...extra }),
        { qos: 1 },
      ),
  };
}
