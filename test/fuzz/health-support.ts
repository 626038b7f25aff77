import { createHash } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { DataSource } from 'typeorm';
import { PROTOCOL_VERSION, clusterTopic, encodePayload, type Telemetry } from '@loa-xa/protocol';
import { connectDevice, sampleTelemetry } from '../support/fleet';
import { eventually, request } from '../support/http';
import type { TestServer } from '../support/test-server';

/*
 * Shared by the fleet-health hardening suites (test/fuzz/health-http.spec.ts, test/access/idor-health.spec.ts):
 * real alerts raised by a connected device, and hashes of the fleet-health tables.
 */

export interface AlertRow {
  id: string;
  state: string;
  rule: string;
  clusterId: string;
}

/** Makes the health rules of `unitId` raise and clear at once (the defaults wait minutes). */
export async function fastRules(server: TestServer, unitId: string, rules: string[]): Promise<void> {
  for (const rule of rules) {
    const res = await request('PUT', server.url(`/api/v1/health-rules/overrides/${unitId}/${rule}`), {
      params: { raiseAfterS: 0, clearAfterS: 1 },
    });
    if (res.status !== 200) throw new Error(`override ${rule}: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

/**
 * Connects a cluster as its device, says it is online and sends telemetry with `fault` until the rule's alert
 * is active; returns the device (still connected: a disconnect would raise `offline`) and the alert.
 */
export async function raiseAlert(
  server: TestServer,
  cluster: { id: string; password: string },
  rule: 'amp_fault' | 'speaker_line',
): Promise<{ device: MqttClient; alert: AlertRow }> {
  const device = await connectDevice(server.mqttUrl, { id: cluster.id, secret: cluster.password });
  await device.publishAsync(
    clusterTopic(cluster.id, 'status'),
    encodePayload('Status', { v: PROTOCOL_VERSION, ts: Date.now(), state: 'online' }),
    { qos: 1, retain: true },
  );
  const fault: Partial<Telemetry> = rule === 'amp_fault' ? { amp: 'fault' } : { line: 'open' };
  await telemetry(device, cluster.id, 1);
  for (let seq = 2; seq < 5; seq++) await telemetry(device, cluster.id, seq, fault);
  const alert = await eventually(async () => {
    const res = await request<{ items: AlertRow[] }>(
      'GET',
      server.url(`/api/v1/alerts?clusterId=${cluster.id}&rule=${rule}`),
    );
    return res.status === 200 && res.body.items[0];
  });
  return { device, alert };
}

/** Sends telemetry of a device; `over` changes the sample (a fault, a cleared fault). */
export async function telemetry(
  device: MqttClient,
  clusterId: string,
  seq: number,
  over: Partial<Telemetry> = {},
): Promise<void> {
  await device.publishAsync(
    clusterTopic(clusterId, 'telemetry'),
    encodePayload('Telemetry', sampleTelemetry(seq, over)),
    { qos: 1 },
  );
}

/** The tables of fleet health, each with the column its rows are ordered by. */
export const HEALTH_TABLES = [
  'alert',
  'health_rule_override',
  'webhook',
  'notification_delivery',
  'work_order',
  'work_order_event',
] as const;

/** Row count and a hash of every row, by table (`where` narrows each table's rows; $1 is `param`). */
export async function tableHashes(
  server: TestServer,
  where: Partial<Record<(typeof HEALTH_TABLES)[number] | string, [sql: string, params: unknown[]]>> = {},
  tables: readonly string[] = HEALTH_TABLES,
): Promise<Record<string, string>> {
  const ds = server.app.get(DataSource);
  const out: Record<string, string> = {};
  for (const table of tables) {
    const [condition, params] = where[table] ?? ['true', []];
    const rows: unknown[] = await ds.query(`SELECT * FROM ${table} WHERE ${condition} ORDER BY id`, params);
    out[table] = `${rows.length} rows ${createHash('sha256').update(JSON.stringify(rows)).digest('hex')}`;
  }
  return out;
}

/** A stack frame, or a path of this checkout or of an installed package. */
export const leaks = (text: string): boolean =>
  /\n\s+at |\bat \S+ \([^)]*:\d+:\d+\)/.test(text) ||
  text.includes(process.cwd()) ||
  text.includes('node_modules/');
