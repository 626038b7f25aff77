/*
 * The report's figures recomputed straight from the generated tables, written independently of the server's
 * queries (presence from consecutive transitions over all time, scheduled time from the schedule rows), so
 * the benchmark can print where the report disagrees with the data.
 */
import type { DataSource } from 'typeorm';
import { BULLETIN_MS, type Period } from './generate';

/** Province totals, keyed like the report's `totals` (ReportFigures). */
export type Truth = Record<string, number>;

/** IP clusters a schedule reaches (TargetResolver's BROADCASTABLE_LIFECYCLES). */
const BROADCASTABLE = `('planned', 'active', 'faulty')`;

export async function computeTruth(dataSource: DataSource, period: Period): Promise<Truth> {
  const start = `'${period.fromUtc.toISOString()}'::timestamptz`;
  const end = `'${period.toUtc.toISOString()}'::timestamptz`;
  const one = async (sql: string) =>
    ((await dataSource.query(sql)) as Record<string, string | number | null>[])[0];
  const num = (v: string | number | null | undefined) => Number(v ?? 0);

  const inventory = await one(`
    SELECT
      (SELECT count(*) FROM station WHERE is_ip) AS "stationsIp",
      (SELECT count(*) FROM station WHERE NOT is_ip) AS "stationsOther",
      count(*) FILTER (WHERE kind = 'ip' AND lifecycle = 'active') AS "ipWorking",
      count(*) FILTER (WHERE kind = 'ip' AND lifecycle = 'faulty') AS "ipBroken",
      count(*) FILTER (WHERE kind = 'fm_wired' AND lifecycle = 'active') AS "fmWiredWorking",
      count(*) FILTER (WHERE kind = 'fm_wired' AND lifecycle = 'faulty') AS "fmWiredBroken",
      count(*) FILTER (WHERE kind = 'fm_wireless' AND lifecycle = 'active') AS "fmWirelessWorking",
      count(*) FILTER (WHERE kind = 'fm_wireless' AND lifecycle = 'faulty') AS "fmWirelessBroken",
      count(*) FILTER (WHERE kind <> 'ip' AND lifecycle = 'active' AND ip_connected) AS "fmConnectedToIp",
      count(*) FILTER (WHERE kind = 'ip' AND lifecycle <> 'decommissioned') AS "ipInService",
      count(*) FILTER (WHERE kind = 'ip' AND lifecycle IN ${BROADCASTABLE}) AS "ipBroadcastable"
    FROM cluster`);
  const villages = await one(`
    SELECT count(*) AS villages,
      count(*) FILTER (WHERE EXISTS (SELECT 1 FROM cluster c WHERE c.village_id = v.id AND c.lifecycle = 'active'))
        AS "villagesCovered"
    FROM admin_unit v WHERE v.level = 'village'`);
  const work = await one(`
    SELECT count(*) FILTER (WHERE kind = 'new_station') AS "newStations",
      count(*) FILTER (WHERE kind = 'replacement') AS replacements,
      count(*) FILTER (WHERE kind = 'expansion') AS expansions,
      count(*) AS "spendingOrders",
      coalesce(sum(coalesce(actual_cost_vnd, planned_cost_vnd)), 0) AS "spendingVnd"
    FROM work_order WHERE status <> 'cancelled' AND commissioned_at >= ${start} AND commissioned_at < ${end}`);
  const played = await one(`
    SELECT coalesce(sum(played_ms), 0) AS "playedMs",
      count(*) FILTER (WHERE event = 'finished') AS finished
    FROM play_log
    WHERE event IN ('finished', 'interrupted') AND occurred_at >= ${start} AND occurred_at < ${end}`);
  const started = await one(`
    SELECT count(DISTINCT (cluster_id, schedule_id, occurrence_start)) AS "startedOccurrences"
    FROM play_log
    WHERE event = 'started' AND source = 'schedule' AND occurrence_start >= ${start} AND occurrence_start < ${end}`);
  // Daily schedules (one occurrence a day inside their validity) × the IP clusters of their commune now.
  const scheduled = await one(`
    SELECT coalesce(sum(occ.n * cl.n), 0) AS "scheduledOccurrences",
      coalesce(sum(occ.n * cl.n * s.duration_ms), 0) AS "scheduledMs"
    FROM schedule s
    CROSS JOIN LATERAL (
      SELECT count(*) AS n FROM generate_series(greatest(s.valid_from, '${period.from}'::date),
        least(s.valid_until, '${period.to}'::date), interval '1 day') d) occ
    CROSS JOIN LATERAL (
      SELECT count(*) AS n FROM cluster c
      WHERE c.commune_id = s.unit_id AND c.kind = 'ip' AND c.lifecycle IN ${BROADCASTABLE}) cl
    WHERE s.enabled AND s.rrule = 'FREQ=DAILY'`);
  const presence = await one(`
    WITH t AS (
      SELECT p.online, p.at,
        lead(p.at) OVER (PARTITION BY p.cluster_id ORDER BY p.at, p.id) AS next_at
      FROM presence_transition p JOIN cluster c ON c.id = p.cluster_id
      WHERE c.kind = 'ip' AND c.lifecycle <> 'decommissioned'),
    clipped AS (
      SELECT online, greatest(0, extract(epoch FROM least(coalesce(next_at, ${end}), ${end}) - greatest(at, ${start})))
        * 1000 AS ms
      FROM t WHERE at < ${end})
    SELECT coalesce(sum(ms), 0) AS "observedMs", coalesce(sum(ms) FILTER (WHERE online), 0) AS "onlineMs" FROM clipped`);
  const alerts = await one(`
    SELECT count(*) AS "openAlerts" FROM alert
    WHERE opened_at <= ${end} AND (resolved_at IS NULL OR resolved_at > ${end})`);

  const truth: Truth = {};
  for (const part of [inventory, villages, work, played, started, scheduled, presence, alerts])
    for (const [k, v] of Object.entries(part)) truth[k] = num(v);
  truth.playedHours = Math.round((truth.playedMs / 3_600_000) * 100) / 100;
  truth.scheduledHours = Math.round((truth.scheduledMs / 3_600_000) * 100) / 100;
  truth.uptimePercent =
    truth.observedMs > 0 ? Math.round((truth.onlineMs / truth.observedMs) * 10_000) / 100 : 0;
  truth.bulletinMs = BULLETIN_MS;
  return truth;
}

/** Keys of the report's totals checked against the truth, and how close they must be. */
export const REPORT_CHECKS: { key: string; tolerance: number }[] = [
  { key: 'stationsIp', tolerance: 0 },
  { key: 'stationsOther', tolerance: 0 },
  { key: 'ipWorking', tolerance: 0 },
  { key: 'ipBroken', tolerance: 0 },
  { key: 'fmWiredWorking', tolerance: 0 },
  { key: 'fmWiredBroken', tolerance: 0 },
  { key: 'fmWirelessWorking', tolerance: 0 },
  { key: 'fmWirelessBroken', tolerance: 0 },
  { key: 'fmConnectedToIp', tolerance: 0 },
  { key: 'newStations', tolerance: 0 },
  { key: 'replacements', tolerance: 0 },
  { key: 'expansions', tolerance: 0 },
  { key: 'villages', tolerance: 0 },
  { key: 'villagesCovered', tolerance: 0 },
  { key: 'playedMs', tolerance: 0 },
  { key: 'playedHours', tolerance: 0.01 },
  { key: 'scheduledMs', tolerance: 0 },
  { key: 'scheduledHours', tolerance: 0.01 },
  // Per-cluster rounding to whole ms in the server.
  { key: 'onlineMs', tolerance: 20_000 },
  { key: 'observedMs', tolerance: 20_000 },
  { key: 'uptimePercent', tolerance: 0.01 },
  { key: 'openAlerts', tolerance: 0 },
];

/** Lines describing every mismatch between `got` and the truth (empty: all agree). */
export function mismatches(
  what: string,
  got: Record<string, unknown>,
  truth: Truth,
  checks: { key: string; tolerance: number; truthKey?: string }[],
): string[] {
  const out: string[] = [];
  for (const { key, tolerance, truthKey } of checks) {
    const expected = truth[truthKey ?? key];
    const value = got[key];
    if (
      typeof value !== 'number' &&
      !(typeof value === 'string' && value !== '' && Number.isFinite(Number(value)))
    ) {
      out.push(`${what}.${key}: missing (${JSON.stringify(value)}), expected ${expected}`);
      continue;
    }
    if (Math.abs(Number(value) - expected) > tolerance)
      out.push(`${what}.${key}: ${Number(value)} ≠ ${expected} (data)`);
  }
  return out;
}
