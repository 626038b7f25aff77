import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { DataSource } from 'typeorm';
import { AdminUnit, Cluster } from '@loa-xa/persistence';
import { PROTOCOL_VERSION, clusterTopic, encodePayload, type Telemetry } from '@loa-xa/protocol';
import type { RunningServer } from '../../apps/server/src/bootstrap';
import { CredentialsService } from '../../apps/server/src/registry/credentials.service';
import { FleetView } from '../../apps/server/src/fleet/fleet-view.service';

export interface ProvisionedCluster {
  id: string;
  secret: string;
}

/**
 * Registers IP clusters straight through the server's own services (the registry API has its own tests),
 * so device-side tests do not depend on HTTP payload shapes.
 */
export async function provisionClusters(server: RunningServer, count: number): Promise<ProvisionedCluster[]> {
  const ds = server.app.get(DataSource);
  const credentials = server.app.get(CredentialsService);
  const fleet = server.app.get(FleetView);
  const suffix = randomUUID().slice(0, 8);
  const commune = await ds.getRepository(AdminUnit).save({
    code: `T${suffix}`.slice(0, 16),
    level: 'commune',
    era: 'post_2025',
    name: `Xã Thử ${suffix}`,
    type: 'Xã',
    parentId: null,
    path: '',
    successorId: null,
    validTo: null,
  });
  await ds.getRepository(AdminUnit).update(commune.id, { path: commune.id });
  const out: ProvisionedCluster[] = [];
  for (let i = 0; i < count; i++) {
    const cluster = await ds.getRepository(Cluster).save({
      code: `T-${suffix}-${i}`,
      name: `Cụm loa ${i}`,
      kind: 'ip',
      lifecycle: 'active',
      communeId: commune.id,
    });
    const { secret } = await credentials.issue(cluster.id);
    fleet.register(cluster.id);
    out.push({ id: cluster.id, secret });
  }
  return out;
}

/** A bare device connection with the cluster's credential and the contract's will; no behaviour. */
export async function connectDevice(
  url: string,
  cluster: ProvisionedCluster,
  options: mqtt.IClientOptions = {},
): Promise<MqttClient> {
  return mqtt.connectAsync(url, {
    clientId: cluster.id,
    username: cluster.id,
    password: cluster.secret,
    clean: false,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    will: {
      topic: clusterTopic(cluster.id, 'status'),
      payload: encodePayload('Status', { v: PROTOCOL_VERSION, ts: Date.now(), state: 'offline' }),
      qos: 1,
      retain: true,
    },
    ...options,
  });
}

export function sampleTelemetry(seq: number, overrides: Partial<Telemetry> = {}): Telemetry {
  return {
    v: PROTOCOL_VERSION,
    ts: Date.now(),
    seq,
    net: { type: '4g', rsrp: -95, sinr: 12, rssi: -70 },
    power: { source: 'mains' },
    amp: 'ok',
    line: 'ok',
    tempC: 38,
    volume: 80,
    storageFreeMb: 900,
    clockOffsetMs: 0,
    uptimeS: 100,
    playing: null,
    ...overrides,
  };
}

export { metric } from './metrics';
