import type { MqttClient } from 'mqtt';
import { PROTOCOL_VERSION, clusterTopic, encodePayload, type PlayReport } from '@loa-xa/protocol';
import { eventually, request } from '../support/http';
import type { TestServer } from '../support/test-server';

export interface LogView {
  id: string;
  clusterId: string;
  clusterCode: string | null;
  communeId: string;
  reportId: string;
  source: string;
  ref: string;
  event: string;
  reason: string | null;
  detail: string | null;
  playedMs: number | null;
  deviceAt: string;
  correctedAt: string | null;
  occurredAt: string;
  receivedAt: string;
  scheduleId: string | null;
  occurrenceStart: string | null;
  commandId: string | null;
  broadcastId: string | null;
  liveSessionId: string | null;
}

export interface LogPage {
  items: LogView[];
  total: number;
  page: number;
  pageSize: number;
}

/** Publishes one PlayLog message as the device would (QoS 1: resolved on PUBACK). */
export async function publishPlayLog(client: MqttClient, clusterId: string, reports: PlayReport[]) {
  await client.publishAsync(
    clusterTopic(clusterId, 'playlog'),
    encodePayload('PlayLog', { v: PROTOCOL_VERSION, ts: Date.now(), reports }),
    { qos: 1 },
  );
}

export function listLogs(server: TestServer, query: string, headers: Record<string, string> = {}) {
  return request<LogPage>('GET', server.url(`/api/v1/play-logs?${query}`), undefined, headers);
}

/** Waits until the cluster has `count` stored reports, and returns them oldest first. */
export async function logsOf(server: TestServer, clusterId: string, count: number): Promise<LogView[]> {
  return eventually(async () => {
    const res = await listLogs(server, `clusterId=${clusterId}&order=asc&pageSize=500`);
    // Items and total come from two queries: a flush between them can make them disagree for a moment.
    return res.status === 200 && res.body.total === count && res.body.items.length === count
      ? res.body.items
      : null;
  });
}
