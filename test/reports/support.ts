import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DataSource } from 'typeorm';
import type { TestServer } from '../support/test-server';
import { request } from '../support/http';
import { createCluster } from '../registry/fixtures';
import { ffmpeg, loudSine, settled, tempDir, upload } from '../media/support';

/*
 * Long histories (months of presence transitions, play reports, alerts, work orders) are written straight
 * into the test server's database through its DataSource: devices could only produce them in real time.
 * Units, stations, clusters and schedules go through the API.
 */

export const db = (server: TestServer) => server.app.get(DataSource);

/** The UTC instant of a Vietnamese wall-clock time 'YYYY-MM-DDTHH:mm' (UTC+7, no DST). */
export const vn = (local: string) => new Date(`${local.length === 16 ? `${local}:00` : local}+07:00`);

export async function insertTransitions(
  server: TestServer,
  rows: { clusterId: string; at: Date; online: boolean }[],
): Promise<void> {
  if (rows.length === 0) return;
  await db(server).query(
    `INSERT INTO presence_transition (cluster_id, online, at, cause)
     SELECT * FROM UNNEST($1::uuid[], $2::boolean[], $3::timestamptz[], $4::text[])`,
    [
      rows.map((r) => r.clusterId),
      rows.map((r) => r.online),
      rows.map((r) => r.at.toISOString()),
      rows.map((r) => (r.online ? 'connect' : 'will')),
    ],
  );
}

export interface PlayRow {
  clusterId: string;
  source: 'schedule' | 'command' | 'live';
  event: 'started' | 'finished' | 'interrupted' | 'failed';
  occurredAt: Date;
  playedMs?: number | null;
  scheduleId?: string | null;
  occurrenceStart?: Date | null;
  broadcastId?: string | null;
}

/** Play reports as the writer would store them (commune, village and unit path of the cluster now). */
export async function insertPlayLogs(server: TestServer, rows: PlayRow[]): Promise<void> {
  for (const r of rows) {
    const ref = r.source === 'schedule' ? `${r.scheduleId}@${r.occurrenceStart!.getTime()}` : randomUUID();
    await db(server).query(
      `INSERT INTO play_log (cluster_id, report_id, source, ref, event, played_ms, device_at, occurred_at,
         received_at, schedule_id, occurrence_start, command_id, broadcast_id, commune_id, unit_path, village_id)
       SELECT c.id, $2, $3, $4, $5, $6, $7, $7, $7, $8, $9, $10, $11, c.commune_id, COALESCE(v.path, u.path), c.village_id
       FROM cluster c JOIN admin_unit u ON u.id = c.commune_id LEFT JOIN admin_unit v ON v.id = c.village_id
       WHERE c.id = $1`,
      [
        r.clusterId,
        randomUUID(),
        r.source,
        ref,
        r.event,
        r.playedMs ?? null,
        r.occurredAt.toISOString(),
        r.scheduleId ?? null,
        r.occurrenceStart?.toISOString() ?? null,
        r.source === 'command' ? randomUUID() : null,
        r.broadcastId ?? null,
      ],
    );
  }
}

export interface AlertRow {
  clusterId: string;
  rule: string;
  since: Date;
  openedAt: Date;
  resolvedAt: Date | null;
}

export async function insertAlerts(server: TestServer, rows: AlertRow[]): Promise<void> {
  for (const a of rows) {
    await db(server).query(
      `INSERT INTO alert (cluster_id, commune_id, unit_path, rule, severity, state, since, opened_at,
         resolved_at, resolution, updated_at)
       SELECT c.id, c.commune_id, u.path, $2, 'major', $3, $4, $5, $6, $7, now()
       FROM cluster c JOIN admin_unit u ON u.id = c.commune_id WHERE c.id = $1`,
      [
        a.clusterId,
        a.rule,
        a.resolvedAt ? 'resolved' : 'open',
        a.since.toISOString(),
        a.openedAt.toISOString(),
        a.resolvedAt?.toISOString() ?? null,
        a.resolvedAt ? 'auto' : null,
      ],
    );
  }
}

export interface OrderRow {
  communeId: string;
  kind: 'new_station' | 'replacement' | 'expansion';
  status: string;
  programme: string;
  commissionedAt: Date | null;
  plannedCost: number | null;
  actualCost: number | null;
}

let orderSeq = 0;

export async function insertWorkOrders(server: TestServer, rows: OrderRow[]): Promise<void> {
  for (const o of rows) {
    await db(server).query(
      `INSERT INTO work_order (code, kind, status, title, commune_id, unit_path, funding_programme,
         planned_cost_vnd, actual_cost_vnd, commissioned_at)
       SELECT $2, $3, $4, 'Công trình thử', u.id, u.path, $5, $6, $7, $8 FROM admin_unit u WHERE u.id = $1`,
      [
        o.communeId,
        `T-${++orderSeq}-${randomUUID().slice(0, 6)}`,
        o.kind,
        o.status,
        o.programme,
        o.plannedCost,
        o.actualCost,
        o.commissionedAt?.toISOString() ?? null,
      ],
    );
  }
}

let clusterSeq = 0;

/** An IP (or FM) cluster registered through the API. */
export async function cluster(
  server: TestServer,
  communeId: string,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; password: string | null }> {
  const { cluster: c, credential } = await createCluster(server, {
    code: `RP-${++clusterSeq}-${randomUUID().slice(0, 6)}`,
    name: `Cụm loa ${clusterSeq}`,
    kind: 'ip',
    communeId,
    ...extra,
  });
  return { id: c.id, password: credential?.password ?? null };
}

export async function setLifecycle(server: TestServer, id: string, lifecycle: string): Promise<void> {
  const res = await request('PATCH', server.url(`/api/v1/clusters/${id}`), { lifecycle });
  if (res.status !== 200) throw new Error(`lifecycle: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Days between two local dates, both inclusive. */
export function localDays(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** A short tone uploaded to `unitId` and a daily programme of it at `start` (local) for the given units. */
export async function dailySchedule(
  server: TestServer,
  unitId: string,
  targetUnitIds: string[],
  start: string,
): Promise<{ id: string; durationMs: number; clusterCount: number }> {
  const dir = await tempDir('report');
  const path = await ffmpeg(dir, 'tone.mp3', loudSine(2, ['-c:a', 'libmp3lame']));
  const up = await upload(server, await readFile(path), {
    filename: 'tone.mp3',
    fields: { title: 'Bản tin', unitId },
  });
  if (up.status !== 202) throw new Error(`upload: ${up.status} ${JSON.stringify(up.body)}`);
  const asset = await settled(server, up.body.id);
  if (asset.status !== 'ready') throw new Error(`asset ${asset.status}`);
  const res = await request<{ id: string; durationMs: number; clusterCount: number }>(
    'POST',
    server.url('/api/v1/schedules'),
    {
      title: 'Bản tin sáng',
      assetId: asset.id,
      target: { unitIds: targetUnitIds },
      start,
      rrule: 'FREQ=DAILY',
    },
  );
  if (res.status !== 201) throw new Error(`schedule: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
