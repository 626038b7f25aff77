import mqtt, { type MqttClient } from 'mqtt';
import { PROTOCOL_VERSION, clusterTopic, encodePayload } from '@loa-xa/protocol';
import type { TestServer } from '../support/test-server';
import { request } from '../support/http';

/** Shapes of the registry API, as the tests read them. */
export interface Unit {
  id: string;
  code: string;
  level: string;
  era: string;
  name: string;
  type: string | null;
  parentId: string | null;
  path: string;
}
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}
export interface FieldError {
  field: string;
  rule: string;
  message: string;
}
export interface ErrorBody {
  statusCode: number;
  message: string;
  errors?: FieldError[];
}
export interface Credential {
  username: string;
  clientId: string;
  password: string;
  brokerUrl?: string;
}
export interface ClusterItem {
  id: string;
  code: string;
  name: string;
  kind: string;
  lifecycle: string;
  communeId: string;
  villageId: string | null;
  stationId: string | null;
  online: boolean;
  lastSeenAt: string | null;
  activeFaults: string[];
  [key: string]: unknown;
}

/** Imports Lạng Sơn (GSO 20) and returns a lookup of its units by code. */
export async function importLangSon(
  server: TestServer,
): Promise<{ byCode: (code: string) => Promise<Unit> }> {
  const res = await request('POST', server.url('/api/v1/units/import'), { provinceCode: '20' });
  if (res.status !== 201) throw new Error(`import failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { byCode: (code: string) => unitByCode(server, code) };
}

export async function unitByCode(server: TestServer, code: string, era = 'pre_2025'): Promise<Unit> {
  const level = code.length === 2 ? 'province' : code.length === 3 ? 'district' : 'commune';
  const res = await request<Page<Unit>>(
    'GET',
    server.url(`/api/v1/units?level=${level}&era=${era}&code=${encodeURIComponent(code)}`),
  );
  if (res.body.items.length !== 1) throw new Error(`no single ${level} with code ${code}`);
  return res.body.items[0];
}

export async function createVillage(
  server: TestServer,
  communeId: string,
  code: string,
  name: string,
): Promise<Unit> {
  const res = await request<Unit>('POST', server.url('/api/v1/units'), {
    level: 'village',
    code,
    name,
    type: 'Thôn',
    parentId: communeId,
  });
  if (res.status !== 201) throw new Error(`village not created: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function createCluster(
  server: TestServer,
  body: Record<string, unknown>,
): Promise<{ cluster: ClusterItem; credential: Credential | null }> {
  const res = await request<{ cluster: ClusterItem; credential: Credential | null }>(
    'POST',
    server.url('/api/v1/clusters'),
    body,
  );
  if (res.status !== 201) throw new Error(`cluster not created: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Connects as the device with its issued credential (no reconnects, so a refusal rejects). */
export function connectAs(server: TestServer, id: string, password: string): Promise<MqttClient> {
  return mqtt.connectAsync(server.mqttUrl, {
    clientId: id,
    username: id,
    password,
    clean: false,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5000,
  });
}

export function statusOnline(): Buffer {
  return encodePayload('Status', { v: PROTOCOL_VERSION, ts: Date.now(), state: 'online' });
}

export async function goOnline(server: TestServer, id: string, password: string): Promise<MqttClient> {
  const client = await connectAs(server, id, password);
  await client.publishAsync(clusterTopic(id, 'status'), statusOnline(), { qos: 1, retain: true });
  return client;
}

/** Codes of a page of clusters, in order. */
export async function clusterCodes(server: TestServer, query: string): Promise<string[]> {
  const res = await request<Page<ClusterItem>>('GET', server.url(`/api/v1/clusters?${query}`));
  if (res.status !== 200) throw new Error(`list failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.items.map((c) => c.code);
}
