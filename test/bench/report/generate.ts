/*
 * Report benchmark data: one province (Lạng Sơn from the official unit list, as DEMO_PROVINCE=20 imports it)
 * with villages, stations, IP and FM clusters, schedules, and `days` of presence transitions, play logs,
 * alerts and work orders, written with set-based SQL (generate_series, INSERT … SELECT) into a database whose
 * schema comes from the real migrations.
 *
 *   node -r @swc-node/register test/bench/report/generate.ts --database-url postgres://… [--clusters 10000]
 *        [--days 182] [--to YYYY-MM-DD]      (or --pglite DIR instead of --database-url)
 *
 * The rows match what the server writes: play logs carry the occurrence id `${scheduleId}@${startMs}` as ref
 * with schedule_id / occurrence_start / commune_id / unit_path / village_id filled as PlayLogWriter does;
 * schedules are the rows SchedulesService.create saves for a daily RRULE targeting a commune.
 */
import { parseArgs } from 'node:util';
import type { DataSource, QueryRunner } from 'typeorm';
import { openDatabase } from '@loa-xa/persistence';
import { DvhcvnSource } from '../../../apps/server/src/registry/units/dvhcvn.source';

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';
export const PROVINCE_CODE = '20';
/** Length of each scheduled bulletin (the asset's duration). */
export const BULLETIN_MS = 15 * 60_000;
/** Two daily bulletins per commune, local wall-clock time. */
export const BULLETINS = [
  { at: '05:30:00', title: 'Bản tin sáng' },
  { at: '17:00:00', title: 'Bản tin chiều' },
] as const;
/** The `user:` actor written on generated alerts and work-order history. */
export const BENCH_ACTOR = 'user:00000000-0000-4000-8000-00000000beef';

export interface GenerateOptions {
  /** IP clusters (FM clusters are 15 % of this, work orders 20 %). */
  clusters: number;
  days: number;
  /** Last local day of the period (inclusive), YYYY-MM-DD. */
  to: string;
  log?: (line: string) => void;
}

export interface Period {
  /** Local dates, inclusive, as the report API takes them. */
  from: string;
  to: string;
  fromUtc: Date;
  toUtc: Date;
}

export interface GenerateResult {
  period: Period;
  provinceId: string;
  rows: Record<string, number>;
  phases: { phase: string; ms: number }[];
  totalMs: number;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The local dates of a period of `days` ending on `to` (inclusive), and its UTC bounds (ICT is UTC+7 all year). */
export function periodOf(to: string, days: number): Period {
  if (!DATE.test(to)) throw new Error(`--to must be YYYY-MM-DD, not ${to}`);
  const end = Date.parse(`${to}T00:00:00Z`);
  const start = end - (days - 1) * 86_400_000;
  const from = new Date(start).toISOString().slice(0, 10);
  return {
    from,
    to,
    fromUtc: new Date(start - 7 * 3_600_000),
    toUtc: new Date(end + 86_400_000 - 7 * 3_600_000),
  };
}

/** Yesterday in Asia/Ho_Chi_Minh. */
export function yesterdayLocal(now = Date.now()): string {
  return new Date(now + 7 * 3_600_000 - 86_400_000).toISOString().slice(0, 10);
}

const VILLAGE_NAMES = [
  'Nà Pàn',
  'Khòn Pình',
  'Pác Cáp',
  'Nà Chà',
  'Bản Làng',
  'Khuổi Luông',
  'Nà Làng',
  'Cốc Phường',
  'Pò Mỏ',
  'Bản Chặng',
  'Nà Thang',
  'Còn Quan',
  'Khau Ràng',
  'Tà Lài',
  'Nà Pò',
];

/** Fills an empty database (schema already migrated) with one province and its history. */
export async function generate(dataSource: DataSource, options: GenerateOptions): Promise<GenerateResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const period = periodOf(options.to, options.days);
  const N = options.clusters;
  const FM = Math.round(N * 0.15);
  const EXPANSIONS = Math.round(N * 0.09);
  const NEW_STATIONS = Math.round(N * 0.02);
  const P = {
    from: `'${period.from}'::date`,
    to: `'${period.to}'::date`,
    fromUtc: `'${period.fromUtc.toISOString()}'::timestamptz`,
    toUtc: `'${period.toUtc.toISOString()}'::timestamptz`,
    tz: `'${TIME_ZONE}'`,
  };
  const phases: { phase: string; ms: number }[] = [];
  const t0 = Date.now();
  const qr = dataSource.createQueryRunner();
  await qr.connect();
  const q = (sql: string, params?: unknown[]) => qr.query(sql, params) as Promise<Record<string, unknown>[]>;
  const phase = async (name: string, work: () => Promise<string | void>) => {
    const start = Date.now();
    const detail = await work();
    const ms = Date.now() - start;
    phases.push({ phase: name, ms });
    log(`  ${name.padEnd(28)} ${(ms / 1000).toFixed(1).padStart(7)} s${detail ? `  ${detail}` : ''}`);
  };
  try {
    const [{ n: existing }] = await q(`SELECT count(*)::int AS n FROM admin_unit`);
    if (Number(existing) > 0)
      throw new Error('the database already has administrative units: generate into an empty one');
    await q(`SELECT setseed(0.20260601)`);
    await q(`SET maintenance_work_mem = '256MB'`).catch(() => undefined);
    log(
      `generating ${N} IP + ${FM} FM clusters, ${options.days} days (${period.from} … ${period.to} ${TIME_ZONE})`,
    );

    let provinceId = '';
    await phase('units', async () => {
      provinceId = await insertUnits(qr);
      await q(`
        CREATE TEMP TABLE bench_commune AS
        SELECT u.id, u.code, u.name, u.path, (random() < 0.08) AS fm_only, 5 + floor(random() * 11)::int AS villages
        FROM admin_unit u WHERE u.level = 'commune'`);
      await q(`
        WITH v AS MATERIALIZED (
          SELECT gen_random_uuid() AS id, c.id AS commune_id, c.code, c.path, g AS k
          FROM bench_commune c CROSS JOIN LATERAL generate_series(1, c.villages) g)
        INSERT INTO admin_unit (id, code, level, era, name, type, parent_id, path)
        SELECT v.id, v.code || '-' || lpad(v.k::text, 2, '0'), 'village', 'pre_2025',
          'Thôn ' || (ARRAY[${VILLAGE_NAMES.map((n) => `'${n}'`).join(',')}])[v.k], 'Thôn', v.commune_id,
          v.path || '/' || v.id
        FROM v`);
      await q(`
        CREATE TEMP TABLE bench_village AS
        SELECT v.id, v.parent_id AS commune_id, v.path, v.name, c.fm_only,
          row_number() OVER (PARTITION BY c.fm_only ORDER BY v.code)::int AS n,
          row_number() OVER (PARTITION BY v.parent_id ORDER BY v.code)::int AS k
        FROM admin_unit v JOIN bench_commune c ON c.id = v.parent_id WHERE v.level = 'village'`);
      await q(`CREATE INDEX ON bench_village (fm_only, n)`);
      await q(`CREATE INDEX ON bench_village (commune_id, k)`);
      const [c] = await q(
        `SELECT (SELECT count(*) FROM bench_commune)::int AS communes,
           (SELECT count(*) FROM admin_unit WHERE level = 'district')::int AS districts,
           (SELECT count(*) FROM bench_village)::int AS villages,
           (SELECT count(*) FROM bench_commune WHERE fm_only)::int AS fm_only`,
      );
      return `${c.districts} districts, ${c.communes} communes (${c.fm_only} without an IP station), ${c.villages} villages`;
    });

    await phase('stations, FM clusters', async () => {
      await q(`
        INSERT INTO station (commune_id, name, address, phone, is_ip, established_on)
        SELECT c.id, 'Đài truyền thanh ' || c.name, c.name || ', tỉnh Lạng Sơn',
          '0205' || lpad(floor(random() * 1000000)::text, 6, '0'), NOT c.fm_only,
          DATE '2019-01-01' + floor(random() * 2000)::int
        FROM bench_commune c`);
      // 30 % of FM clusters in the communes without an IP station, the rest anywhere.
      await q(`
        CREATE TEMP TABLE bench_fm AS
        WITH pick AS MATERIALIZED (
          SELECT g AS seq, random() AS r, random() AS s, random() AS w,
            (random() < 0.3 AND EXISTS (SELECT 1 FROM bench_village WHERE fm_only)) AS in_fm_only
          FROM generate_series(1, ${FM}) g),
        placed AS MATERIALIZED (
          SELECT p.*, 1 + floor(random() * (SELECT count(*) FROM bench_village b WHERE b.fm_only = p.in_fm_only))::int AS vn
          FROM pick p)
        SELECT p.seq, 'LS-FM-' || lpad(p.seq::text, 6, '0') AS code,
          CASE WHEN p.w < 0.6 THEN 'fm_wired' ELSE 'fm_wireless' END AS kind,
          CASE WHEN v.fm_only THEN (CASE WHEN p.r < 0.55 THEN 'active' ELSE 'faulty' END)
               WHEN p.r < 0.4 THEN 'active' WHEN p.r < 0.7 THEN 'faulty' ELSE 'replaced' END AS lifecycle,
          p.s, v.id AS village_id, v.commune_id, v.path AS village_path, v.name AS village_name
        FROM placed p JOIN bench_village v ON v.fm_only = p.in_fm_only AND v.n = p.vn`);
      await q(`
        INSERT INTO cluster (code, name, kind, lifecycle, commune_id, village_id, station_id, latitude, longitude,
          address, installed_on, ip_connected, notes)
        SELECT f.code, 'Cụm loa FM ' || f.village_name || ' ' || f.seq, f.kind, f.lifecycle, f.commune_id,
          f.village_id, st.id, 21.4 + random() * 0.9, 106.1 + random() * 1.1, f.village_name,
          DATE '2005-01-01' + floor(random() * 5000)::int, (f.lifecycle = 'active' AND f.s < 0.5), NULL
        FROM bench_fm f JOIN station st ON st.commune_id = f.commune_id`);
      const [c] = await q(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE lifecycle = 'replaced')::int AS replaced FROM bench_fm`,
      );
      return `${c.n} FM clusters (${c.replaced} replaced)`;
    });

    await phase('work orders (plan)', async () => {
      // Each replaced FM cluster has its commissioned/closed replacement; most broken ones an open one,
      // some a cancelled one; expansions to villages of IP communes; a new station per commune at most.
      await q(`
        CREATE TEMP TABLE bench_wo AS
        WITH rep AS (
          SELECT 'replacement' AS kind, CASE WHEN random() < 0.4 THEN 'commissioned' ELSE 'closed' END AS status,
            f.commune_id, f.village_id, f.seq AS fm_seq FROM bench_fm f WHERE f.lifecycle = 'replaced'
          UNION ALL
          SELECT 'replacement', (ARRAY['proposed','approved','installing'])[1 + floor(random() * 3)::int],
            f.commune_id, f.village_id, f.seq FROM bench_fm f WHERE f.lifecycle = 'faulty' AND f.s < 0.8
          UNION ALL
          SELECT 'replacement', 'cancelled', f.commune_id, f.village_id, f.seq
            FROM bench_fm f WHERE f.lifecycle = 'faulty' AND f.s >= 0.8),
        exp_pick AS MATERIALIZED (
          SELECT g, random() AS r, 1 + floor(random() * (SELECT count(*) FROM bench_village WHERE NOT fm_only))::int AS vn
          FROM generate_series(1, ${EXPANSIONS}) g),
        exp AS (
          SELECT 'expansion' AS kind,
            CASE WHEN p.r < 0.15 THEN 'proposed' WHEN p.r < 0.30 THEN 'approved' WHEN p.r < 0.45 THEN 'installing'
                 WHEN p.r < 0.65 THEN 'commissioned' WHEN p.r < 0.90 THEN 'closed' ELSE 'cancelled' END AS status,
            v.commune_id, v.id AS village_id, NULL::int AS fm_seq
          FROM exp_pick p JOIN bench_village v ON NOT v.fm_only AND v.n = p.vn),
        ns_commune AS MATERIALIZED (
          SELECT c.*, random() AS r, 1 + floor(random() * c.villages)::int AS vk
          FROM (SELECT * FROM bench_commune ORDER BY random() LIMIT ${NEW_STATIONS}) c),
        ns AS (
          SELECT 'new_station' AS kind,
            CASE WHEN c.fm_only THEN (ARRAY['proposed','approved','installing'])[1 + floor(c.r * 3)::int]
                 WHEN c.r < 0.25 THEN 'commissioned' WHEN c.r < 0.6 THEN 'closed'
                 WHEN c.r < 0.7 THEN 'proposed' WHEN c.r < 0.8 THEN 'approved' WHEN c.r < 0.9 THEN 'installing'
                 ELSE 'cancelled' END AS status,
            c.id AS commune_id, v.id AS village_id, NULL::int AS fm_seq
          FROM ns_commune c JOIN bench_village v ON v.commune_id = c.id AND v.k = c.vk),
        all_wo AS (SELECT * FROM rep UNION ALL SELECT * FROM exp UNION ALL SELECT * FROM ns),
        timed AS MATERIALIZED (
          SELECT row_number() OVER (ORDER BY random())::int AS seq, a.*, random() AS r1, random() AS r2, random() AS r3,
            random() AS rp,
            CASE WHEN a.status IN ('commissioned', 'closed') THEN
              CASE WHEN random() < 0.9
                THEN ${P.fromUtc} + (${P.toUtc} - ${P.fromUtc} - interval '3 days') * random()
                ELSE ${P.fromUtc} - interval '300 days' * random() - interval '1 day' END
            END AS commissioned_at
          FROM all_wo a)
        SELECT t.*,
          CASE WHEN t.commissioned_at IS NOT NULL THEN t.commissioned_at - interval '1 day' * (30 + 90 * t.r1)
               ELSE ${P.toUtc} - interval '1 day' * (5 + 200 * t.r1) END AS created_at,
          CASE WHEN t.commissioned_at IS NOT NULL THEN t.commissioned_at + interval '1 hour' * (1 + 5 * t.r2) END AS first_connected_at,
          CASE WHEN t.status = 'closed' THEN least(t.commissioned_at + interval '1 day' * (7 + 23 * t.r3), now()) END AS closed_at,
          (CASE t.kind WHEN 'replacement' THEN 35000 + floor(20000 * t.r3) WHEN 'expansion' THEN 40000 + floor(30000 * t.r3)
             ELSE 250000 + floor(200000 * t.r3) END)::bigint * 1000 AS planned_cost,
          CASE WHEN t.rp < 0.35 THEN 'ntp_poverty_reduction' WHEN t.rp < 0.65 THEN 'ntp_new_rural'
               WHEN t.rp < 0.85 THEN 'ntp_ethnic_minority' WHEN t.rp < 0.95 THEN 'local_budget' ELSE 'other' END AS programme
        FROM timed t`);
      const rows = await q(
        `SELECT kind, status, count(*)::int AS n FROM bench_wo GROUP BY 1, 2 ORDER BY 1, 2`,
      );
      const total = rows.reduce((sum, r) => sum + Number(r.n), 0);
      return `${total} orders`;
    });

    await phase('IP clusters', async () => {
      const [{ n: fromOrders }] = await q(
        `SELECT count(*)::int AS n FROM bench_wo WHERE commissioned_at IS NOT NULL`,
      );
      const base = N - Number(fromOrders);
      if (base < 0) throw new Error(`--clusters ${N} is too small for ${fromOrders} commissioned orders`);
      // Base clusters anywhere in IP communes (a Poisson spread leaves a few villages uncovered); the ones
      // the commissioned orders installed, in their village at their commissioning.
      await q(`
        CREATE TEMP TABLE bench_ip_plan AS
        WITH pick AS MATERIALIZED (
          SELECT g AS seq, random() AS r, random() AS f,
            1 + floor(random() * (SELECT count(*) FROM bench_village WHERE NOT fm_only))::int AS vn
          FROM generate_series(1, ${base}) g)
        SELECT p.seq, v.id AS village_id, v.commune_id, v.path AS unit_path, v.name AS village_name,
          (${P.fromUtc} - interval '30 days' - interval '1 day' * floor(random() * 2000)) AS installed_at,
          CASE WHEN p.r < 0.025 THEN 'faulty' WHEN p.r < 0.035 THEN 'decommissioned' ELSE 'active' END AS lifecycle,
          NULL::int AS wo_seq,
          ${P.fromUtc} - interval '2 days' * random() AS live_from,
          CASE WHEN p.r < 0.025 THEN ${P.fromUtc} + (${P.toUtc} - ${P.fromUtc}) * (0.3 + 0.7 * p.f) ELSE ${P.toUtc} END AS live_to
        FROM pick p JOIN bench_village v ON NOT v.fm_only AND v.n = p.vn
        UNION ALL
        SELECT ${base} + row_number() OVER (ORDER BY w.seq), v.id, v.commune_id, v.path, v.name,
          w.commissioned_at, 'active', w.seq, w.first_connected_at, ${P.toUtc}
        FROM bench_wo w JOIN bench_village v ON v.id = w.village_id WHERE w.commissioned_at IS NOT NULL`);
      await q(`
        INSERT INTO cluster (code, name, kind, lifecycle, commune_id, village_id, station_id, latitude, longitude,
          address, vendor, model, firmware, serial, msisdn, iccid, installed_on, created_at, updated_at)
        SELECT 'LS-IP-' || lpad(p.seq::text, 6, '0'), 'Cụm loa ' || p.village_name || ' ' || p.seq, 'ip', p.lifecycle,
          p.commune_id, p.village_id, st.id, 21.4 + random() * 0.9, 106.1 + random() * 1.1, p.village_name,
          (ARRAY['Viettel','VNPT','Hanet'])[1 + p.seq % 3], 'LX-4G-' || (1 + p.seq % 2), '1.' || (p.seq % 4) || '.0',
          'SN' || lpad(p.seq::text, 8, '0'), '098' || lpad(p.seq::text, 7, '0'), '8984' || lpad(p.seq::text, 15, '0'),
          (p.installed_at AT TIME ZONE ${P.tz})::date, p.installed_at, p.installed_at
        FROM bench_ip_plan p JOIN station st ON st.commune_id = p.commune_id`);
      await q(`
        CREATE TEMP TABLE bench_ip AS
        SELECT c.id, p.seq, p.commune_id, p.village_id, p.unit_path, p.lifecycle, p.wo_seq, p.live_from, p.live_to,
          (random() < 0.05) AS flapping
        FROM bench_ip_plan p JOIN cluster c ON c.code = 'LS-IP-' || lpad(p.seq::text, 6, '0')
        WHERE p.lifecycle <> 'decommissioned'`);
      await q(`CREATE INDEX ON bench_ip (commune_id)`);
      await q(`
        INSERT INTO cluster_state (cluster_id, online, last_seen_at)
        SELECT id, false, live_to FROM bench_ip`);
      const [c] = await q(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE flapping)::int AS f FROM bench_ip`,
      );
      return `${N} IP clusters (${fromOrders} from work orders; ${c.n} reporting, ${c.f} flapping)`;
    });

    await phase('work orders', async () => {
      await q(`
        INSERT INTO work_order (code, kind, status, title, commune_id, unit_path, village_id, fm_cluster_id,
          ip_cluster_id, funding_programme, planned_start, planned_end, actual_start, actual_end, planned_cost_vnd,
          actual_cost_vnd, commissioned_at, first_connected_at, notes, revision, created_at, updated_at)
        SELECT 'LS-' || to_char(w.created_at AT TIME ZONE ${P.tz}, 'YYYY') || '-' || lpad(w.seq::text, 5, '0'), w.kind, w.status,
          CASE w.kind WHEN 'replacement' THEN 'Thay cụm loa FM ' || fm.code || ' bằng cụm loa IP — ' || v.name
                      WHEN 'expansion' THEN 'Mở rộng cụm loa IP đến ' || v.name || ', ' || c.name
                      ELSE 'Xây dựng đài truyền thanh ứng dụng CNTT-VT ' || c.name END,
          w.commune_id, v.path, w.village_id, fmc.id, ipc.id, w.programme,
          (w.created_at AT TIME ZONE ${P.tz})::date + 14 + floor(16 * w.r2)::int,
          (w.created_at AT TIME ZONE ${P.tz})::date + 44 + floor(46 * w.r2)::int,
          CASE WHEN w.commissioned_at IS NOT NULL THEN (w.commissioned_at AT TIME ZONE ${P.tz})::date - 10 - floor(30 * w.r3)::int
               WHEN w.status = 'installing' THEN (w.created_at AT TIME ZONE ${P.tz})::date + 20 END,
          (w.commissioned_at AT TIME ZONE ${P.tz})::date,
          w.planned_cost,
          CASE WHEN w.commissioned_at IS NOT NULL THEN round(w.planned_cost * (0.85 + 0.25 * w.r1) / 1000) * 1000 END,
          w.commissioned_at, w.first_connected_at, NULL,
          1, w.created_at, coalesce(w.closed_at, w.commissioned_at, w.created_at)
        FROM bench_wo w
        JOIN bench_commune c ON c.id = w.commune_id
        JOIN bench_village v ON v.id = w.village_id
        LEFT JOIN bench_fm fm ON fm.seq = w.fm_seq
        LEFT JOIN cluster fmc ON fmc.code = fm.code
        LEFT JOIN bench_ip_plan ip ON ip.wo_seq = w.seq
        LEFT JOIN cluster ipc ON ipc.code = 'LS-IP-' || lpad(ip.seq::text, 6, '0')`);
      // History: created, then every status reached in order; commissioning records the first connection.
      await q(`
        WITH w AS (
          SELECT o.id, o.status, o.created_at, o.commissioned_at, o.first_connected_at, b.closed_at,
            CASE o.status WHEN 'proposed' THEN ARRAY['proposed']
              WHEN 'approved' THEN ARRAY['proposed','approved']
              WHEN 'installing' THEN ARRAY['proposed','approved','installing']
              WHEN 'commissioned' THEN ARRAY['proposed','approved','installing','commissioned']
              WHEN 'closed' THEN ARRAY['proposed','approved','installing','commissioned','closed']
              ELSE ARRAY['proposed', 'cancelled'] END AS steps,
            coalesce(o.commissioned_at, least(o.created_at + interval '20 days', now())) AS last_at
          FROM work_order o JOIN bench_wo b ON b.seq = split_part(o.code, '-', 3)::int)
        INSERT INTO work_order_event (work_order_id, at, type, from_status, to_status, actor, note)
        SELECT w.id,
          CASE WHEN w.steps[i] = 'closed' THEN w.closed_at
               WHEN i = 1 THEN w.created_at
               ELSE w.created_at + (w.last_at - w.created_at) * ((i - 1)::float / greatest(1, least(array_length(w.steps, 1), 4) - 1)) END,
          CASE WHEN i = 1 THEN 'created' ELSE 'status' END,
          CASE WHEN i = 1 THEN NULL ELSE w.steps[i - 1] END, w.steps[i], '${BENCH_ACTOR}', NULL
        FROM w CROSS JOIN LATERAL generate_series(1, array_length(w.steps, 1)) i
        UNION ALL
        SELECT w.id, w.first_connected_at, 'first_connection', NULL, NULL, 'system', NULL
        FROM w WHERE w.first_connected_at IS NOT NULL`);
      await q(`
        UPDATE work_order o SET revision = e.n FROM (
          SELECT work_order_id, count(*)::int AS n FROM work_order_event GROUP BY 1) e
        WHERE e.work_order_id = o.id`);
      // A commune whose new station was commissioned has had its IP station since then.
      await q(`
        UPDATE station s SET is_ip = true, established_on = (o.commissioned_at AT TIME ZONE ${P.tz})::date
        FROM work_order o WHERE o.kind = 'new_station' AND o.commissioned_at IS NOT NULL AND o.commune_id = s.commune_id`);
      const [c] = await q(`SELECT count(*)::int AS n FROM work_order_event`);
      return `${c.n} history events`;
    });

    await phase('schedules', async () => {
      await q(`
        INSERT INTO media_asset (id, title, unit_id, origin, status, progress, original_name, source_key,
          source_sha256, source_size, probe, duration_ms, loudness, created_by)
        VALUES (gen_random_uuid(), 'Bản tin thời sự tỉnh (15 phút)', '${provinceId}', 'upload', 'ready', 100,
          'ban-tin.mp3', 'bench/ban-tin.mp3', repeat('0', 64), 7200000,
          '{"format":"mp3","codec":"mp3","channels":1,"sampleRate":44100,"bitRate":64000,"durationMs":${BULLETIN_MS}}',
          ${BULLETIN_MS}, NULL, 'bench')`);
      // What SchedulesService.create saves for { assetId, target: { unitIds: [commune] }, start, rrule: FREQ=DAILY,
      // validFrom, validUntil }: owner unit = the commune, priority commune, volume 80.
      await q(`
        INSERT INTO schedule (title, unit_id, unit_path, program_id, asset_id, priority, volume, target, start_local,
          time_zone, rrule, valid_from, valid_until, exdates, duration_ms, enabled, forced, created_by, revision)
        SELECT b.title || ' — ' || c.name, c.id, c.path, NULL, a.id, 'commune', 80,
          jsonb_build_object('unitIds', jsonb_build_array(c.id)), '${period.from}T' || b.at_local,
          ${P.tz}, 'FREQ=DAILY', ${P.from}, ${P.to}, '[]'::jsonb, a.duration_ms, true, false, 'bench', 1
        FROM bench_commune c
        CROSS JOIN (VALUES ${BULLETINS.map((b) => `('${b.at}', '${b.title}')`).join(', ')}) AS b(at_local, title)
        CROSS JOIN (SELECT id, duration_ms FROM media_asset LIMIT 1) a
        WHERE EXISTS (SELECT 1 FROM bench_ip i WHERE i.commune_id = c.id)`);
      await q(`
        CREATE TEMP TABLE bench_schedule AS
        SELECT s.id, s.unit_id AS commune_id, split_part(s.start_local, 'T', 2)::time AS at_local FROM schedule s`);
      const [c] = await q(`SELECT count(*)::int AS n FROM bench_schedule`);
      return `${c.n} schedules (FREQ=DAILY, ${BULLETINS.map((b) => b.at.slice(0, 5)).join(' and ')})`;
    });

    await phase('presence transitions', async () => {
      // A few outages a week per cluster (5 % flap: three short ones a day), never overlapping: one outage
      // per slot, starting in its first half, lasting at most 40 % of it.
      await q(`
        CREATE TEMP TABLE bench_outage AS
        WITH k AS (
          SELECT b.*, greatest(1, round(extract(epoch FROM b.live_to - b.live_from) / 604800
              * CASE WHEN b.flapping THEN 21 ELSE 1 + random() * 4 END))::int AS n,
            extract(epoch FROM b.live_to - b.live_from) AS span
          FROM bench_ip b),
        o AS (
          SELECT k.id, k.commune_id, k.unit_path, k.flapping, k.live_from, k.span / k.n AS slot, i, random() AS u, random() AS d, random() AS s
          FROM k CROSS JOIN LATERAL generate_series(1, k.n) i)
        SELECT o.id AS cluster_id, o.commune_id,
          o.live_from + make_interval(secs => o.slot * (i - 1 + 0.05 + 0.5 * o.s)) AS start,
          o.live_from + make_interval(secs => o.slot * (i - 1 + 0.05 + 0.5 * o.s) + least(o.slot * 0.4,
            CASE WHEN o.flapping THEN 20 + 280 * o.d
                 WHEN o.u < 0.7 THEN 30 + 450 * o.d
                 WHEN o.u < 0.97 THEN 600 + 6600 * o.d
                 ELSE 7200 + 79200 * o.d END)) AS "end",
          (o.u < 0.6) AS keepalive
        FROM o`);
      const [{ n: outages }] = await q(`SELECT count(*)::int AS n FROM bench_outage`);
      return `${outages} outages planned`;
    });

    await bulkLoad(qr, 'presence_transition', log, phases, async () => {
      await q(`
        INSERT INTO presence_transition (cluster_id, online, at, cause)
        SELECT id, true, live_from, 'connect' FROM bench_ip
        UNION ALL
        SELECT cluster_id, false, start, CASE WHEN keepalive THEN 'keepalive' ELSE 'will' END FROM bench_outage
        UNION ALL
        SELECT cluster_id, true, "end", 'connect' FROM bench_outage
        UNION ALL
        SELECT id, false, live_to, 'keepalive' FROM bench_ip WHERE lifecycle = 'faulty'`);
    });

    await bulkLoad(qr, 'play_log', log, phases, async () => {
      // Per occurrence and cluster in service: started + finished (played_ms ≈ 15 min), or 1 % failed to
      // start, 1 % interrupted, 1 % missed (no report at all). Written in chunks of two weeks.
      const chunkDays = 14;
      for (let day = 0; day < options.days; day += chunkDays) {
        const span = Math.min(chunkDays, options.days - day);
        const start = Date.now();
        await q(`
          WITH occ AS (
            SELECT s.id AS schedule_id, s.commune_id,
              ((d::date + s.at_local) AT TIME ZONE ${P.tz}) AS start
            FROM bench_schedule s
            CROSS JOIN generate_series(${P.from} + ${day}, ${P.from} + ${day + span - 1}, interval '1 day') d),
          pairs AS MATERIALIZED (
            SELECT o.schedule_id, o.start, c.id AS cluster_id, c.commune_id, c.village_id, c.unit_path,
              random() AS u, random() AS v, floor(random() * 3000)::int AS delay_ms,
              floor((random() - 0.5) * 400)::int AS offset_ms,
              CASE WHEN random() < 0.05 THEN 60000 + floor(random() * 7200000)::int ELSE 500 + floor(random() * 4000)::int END AS lag_ms
            FROM occ o JOIN bench_ip c ON c.commune_id = o.commune_id AND o.start >= c.live_from AND o.start < c.live_to)
          INSERT INTO play_log (cluster_id, report_id, source, ref, event, reason, detail, played_ms, device_at,
            corrected_at, occurred_at, received_at, schedule_id, occurrence_start, command_id, broadcast_id,
            live_session_id, commune_id, unit_path, village_id)
          SELECT p.cluster_id, 'g1-p' || (extract(epoch FROM p.start)::bigint / 60) || '-' || e.k, 'schedule',
            p.schedule_id || '@' || (extract(epoch FROM p.start) * 1000)::bigint, e.event, e.reason, NULL, e.played_ms,
            p.start + make_interval(secs => (e.at_ms + p.offset_ms) / 1000.0),
            p.start + make_interval(secs => e.at_ms / 1000.0),
            p.start + make_interval(secs => e.at_ms / 1000.0),
            p.start + make_interval(secs => (e.at_ms + p.lag_ms) / 1000.0),
            p.schedule_id, p.start, NULL, NULL, NULL, p.commune_id, p.unit_path, p.village_id
          FROM pairs p CROSS JOIN LATERAL (VALUES
            (1, CASE WHEN p.u < 0.01 THEN NULL WHEN p.u < 0.02 THEN 'failed' ELSE 'started' END,
                CASE WHEN p.u >= 0.01 AND p.u < 0.02 THEN (ARRAY['media_missing','hardware_fault','decode_error'])[1 + floor(p.v * 3)::int] END,
                NULL::int, p.delay_ms),
            (2, CASE WHEN p.u < 0.02 THEN NULL WHEN p.u < 0.03 THEN 'interrupted' ELSE 'finished' END,
                CASE WHEN p.u >= 0.02 AND p.u < 0.03 THEN (ARRAY['power','preempted','stopped'])[1 + floor(p.v * 3)::int] END,
                CASE WHEN p.u < 0.03 THEN floor(p.v * ${BULLETIN_MS})::int ELSE ${BULLETIN_MS} - 200 + floor(p.v * 400)::int END,
                p.delay_ms + CASE WHEN p.u < 0.03 THEN floor(p.v * ${BULLETIN_MS})::int ELSE ${BULLETIN_MS} END)
          ) AS e(k, event, reason, played_ms, at_ms)
          WHERE e.event IS NOT NULL`);
        log(
          `    days ${String(day + 1).padStart(3)}–${String(day + span).padEnd(3)} ${((Date.now() - start) / 1000).toFixed(1)} s`,
        );
      }
    });

    await phase('alerts', async () => {
      // Offline alerts exactly where an outage outlasted the rule's 10 min (resolved 2 min after it cleared);
      // broken clusters still offline; a sprinkle of the other rules, resolved and open.
      await q(`
        INSERT INTO alert (cluster_id, commune_id, unit_path, rule, severity, state, since, opened_at, detail, flapping,
          acknowledged_at, acknowledged_by, cleared_at, resolved_at, resolution, resolved_by, updated_at)
        SELECT o.cluster_id, o.commune_id, c.path, 'offline', 'critical', 'resolved', o.start,
          o.start + interval '10 minutes', 'Mất kết nối', false,
          CASE WHEN ack THEN least(o.start + interval '10 minutes' + interval '1 minute' * floor(1 + random() * 50), o."end") END,
          CASE WHEN ack THEN '${BENCH_ACTOR}' END,
          o."end", o."end" + interval '2 minutes', 'auto', NULL, o."end" + interval '2 minutes'
        FROM (SELECT b.*, (random() < 0.3) AS ack FROM bench_outage b WHERE b."end" - b.start > interval '10 minutes') o
        JOIN bench_commune c ON c.id = o.commune_id`);
      await q(`
        INSERT INTO alert (cluster_id, commune_id, unit_path, rule, severity, state, since, opened_at, detail, flapping,
          acknowledged_at, acknowledged_by, updated_at)
        SELECT b.id, b.commune_id, c.path, r.rule, 'critical', CASE WHEN r.ack THEN 'acknowledged' ELSE 'open' END,
          b.live_to, b.live_to + interval '10 minutes', r.detail, false,
          CASE WHEN r.ack THEN b.live_to + interval '3 hours' END, CASE WHEN r.ack THEN '${BENCH_ACTOR}' END,
          b.live_to + interval '3 hours'
        FROM bench_ip b JOIN bench_commune c ON c.id = b.commune_id
        CROSS JOIN LATERAL (VALUES ('offline', 'Mất kết nối', random() + 0 * b.seq < 0.4),
          (CASE WHEN random() + 0 * b.seq < 0.3 THEN 'amp_fault' END, 'Lỗi bộ khuếch đại', false)) AS r(rule, detail, ack)
        WHERE b.lifecycle = 'faulty' AND r.rule IS NOT NULL`);
      await q(`
        WITH rules(i, rule, severity, detail) AS (VALUES
          (1, 'weak_signal', 'minor', 'RSRP -121 dBm (ngưỡng -115 dBm)'), (2, 'on_battery', 'major', 'Mất điện lưới'),
          (3, 'battery_low', 'critical', 'Pin 14 % (ngưỡng 20 %)'), (4, 'clock_offset', 'minor', 'Lệch đồng hồ 2400 ms'),
          (5, 'storage_low', 'major', 'Còn 64 MiB'), (6, 'missed_broadcast', 'major', 'Không phát bản tin'),
          (7, 'manifest_unacked', 'minor', 'Chưa xác nhận lịch phát'), (8, 'speaker_line', 'critical', 'Hở mạch đường dây loa')),
        picks AS MATERIALIZED (
          SELECT b.id, b.commune_id, b.live_from, b.live_to, 1 + floor(random() * 8)::int AS ri, random() AS t, random() AS d,
            random() AS m
          FROM bench_ip b CROSS JOIN LATERAL generate_series(1, 1 + floor(random() * 4)::int + 0 * b.seq) g
          WHERE random() < 0.3)
        INSERT INTO alert (cluster_id, commune_id, unit_path, rule, severity, state, since, opened_at, detail, flapping,
          cleared_at, resolved_at, resolution, resolved_by, updated_at)
        SELECT p.id, p.commune_id, c.path, r.rule, r.severity, 'resolved', s.since, s.since + interval '5 minutes',
          r.detail, false, s.since + s.dur, s.since + s.dur + interval '5 minutes',
          CASE WHEN p.m < 0.2 THEN 'manual' ELSE 'auto' END, CASE WHEN p.m < 0.2 THEN '${BENCH_ACTOR}' END,
          s.since + s.dur + interval '5 minutes'
        FROM picks p JOIN rules r ON r.i = p.ri JOIN bench_commune c ON c.id = p.commune_id
        CROSS JOIN LATERAL (SELECT p.live_from + (p.live_to - p.live_from) * p.t * 0.95 AS since,
          interval '10 minutes' + interval '1 hour' * (p.d * p.d * 72) AS dur) s`);
      await q(`
        WITH rules(i, rule, severity, detail) AS (VALUES
          (1, 'weak_signal', 'minor', 'RSRP -119 dBm (ngưỡng -115 dBm)'), (2, 'on_battery', 'major', 'Mất điện lưới'),
          (3, 'storage_low', 'major', 'Còn 80 MiB'), (4, 'clock_offset', 'minor', 'Lệch đồng hồ 1800 ms')),
        picks AS MATERIALIZED (
          SELECT b.*, 1 + floor(random() * 4)::int AS ri, random() AS t FROM bench_ip b
          WHERE b.lifecycle = 'active' AND random() < 0.02)
        INSERT INTO alert (cluster_id, commune_id, unit_path, rule, severity, state, since, opened_at, detail, flapping,
          updated_at)
        SELECT p.id, p.commune_id, c.path, r.rule, r.severity, 'open', ${P.toUtc} - interval '1 hour' * (1 + 200 * p.t),
          ${P.toUtc} - interval '1 hour' * (200 * p.t), r.detail, false, ${P.toUtc} - interval '1 hour' * (200 * p.t)
        FROM picks p JOIN rules r ON r.i = p.ri JOIN bench_commune c ON c.id = p.commune_id`);
      const [c] = await q(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE state <> 'resolved')::int AS open FROM alert`,
      );
      return `${c.n} alerts (${c.open} open or acknowledged)`;
    });

    await phase('first broadcasts, analyze', async () => {
      await q(`
        UPDATE work_order o SET first_broadcast_at = f.at FROM (
          SELECT w.id, (SELECT min(p.occurred_at) FROM play_log p
                        WHERE p.cluster_id = w.ip_cluster_id AND p.event = 'finished') AS at
          FROM work_order w WHERE w.ip_cluster_id IS NOT NULL) f
        WHERE f.id = o.id AND f.at IS NOT NULL`);
      await q(`
        INSERT INTO work_order_event (work_order_id, at, type, actor)
        SELECT id, first_broadcast_at, 'first_broadcast', 'system' FROM work_order WHERE first_broadcast_at IS NOT NULL`);
      await q(`
        UPDATE work_order SET revision = revision + 1 WHERE first_broadcast_at IS NOT NULL`);
      await q(`ANALYZE`);
    });

    const rows: Record<string, number> = {};
    for (const table of [
      'admin_unit',
      'station',
      'cluster',
      'schedule',
      'presence_transition',
      'play_log',
      'alert',
      'work_order',
      'work_order_event',
    ]) {
      const [{ n }] = await q(`SELECT count(*)::bigint AS n FROM ${table}`);
      rows[table] = Number(n);
    }
    const totalMs = Date.now() - t0;
    log(`  ${'total'.padEnd(28)} ${(totalMs / 1000).toFixed(1).padStart(7)} s`);
    log(
      `  rows: ${Object.entries(rows)
        .map(([t, n]) => `${t} ${n.toLocaleString('en')}`)
        .join(', ')}`,
    );
    return { period, provinceId, rows, phases, totalMs };
  } finally {
    await qr.query(`DISCARD TEMP`).catch(() => undefined);
    await qr.release();
  }
}

/** Province 20, its districts and communes, exactly as the province import stores them. */
async function insertUnits(qr: QueryRunner): Promise<string> {
  const province = await new DvhcvnSource().province(PROVINCE_CODE);
  if (!province) throw new Error(`province ${PROVINCE_CODE} missing from the unit list`);
  const { randomUUID } = await import('node:crypto');
  const rows: Record<string, unknown>[] = [];
  const provinceId = randomUUID();
  rows.push({
    id: provinceId,
    code: province.code,
    level: 'province',
    name: province.name,
    type: province.type,
    parent_id: null,
    path: provinceId,
  });
  for (const d of province.districts) {
    const id = randomUUID();
    const path = `${provinceId}/${id}`;
    rows.push({
      id,
      code: d.code,
      level: 'district',
      name: d.name,
      type: d.type,
      parent_id: provinceId,
      path,
    });
    for (const c of d.communes) {
      const cid = randomUUID();
      rows.push({
        id: cid,
        code: c.code,
        level: 'commune',
        name: c.name,
        type: c.type,
        parent_id: id,
        path: `${path}/${cid}`,
      });
    }
  }
  await qr.query(
    `INSERT INTO admin_unit (id, code, level, era, name, type, parent_id, path)
     SELECT x.id, x.code, x.level, 'pre_2025', x.name, x.type, x.parent_id, x.path
     FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, code text, level text, name text, type text, parent_id uuid, path text)`,
    [JSON.stringify(rows)],
  );
  return provinceId;
}

/**
 * Loads a big table the way a restore does: its secondary indexes and foreign keys (as the migrations made
 * them, read back from the catalogue) are dropped, the rows written, then the same definitions recreated.
 */
async function bulkLoad(
  qr: QueryRunner,
  table: string,
  log: (line: string) => void,
  phases: { phase: string; ms: number }[],
  load: () => Promise<void>,
): Promise<void> {
  const indexes = (await qr.query(
    `SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
     WHERE i.schemaname = 'public' AND i.tablename = $1
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    [table],
  )) as { name: string; def: string }[];
  const fks = (await qr.query(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
     WHERE conrelid = $1::regclass AND contype = 'f'`,
    [table],
  )) as { name: string; def: string }[];
  for (const fk of fks) await qr.query(`ALTER TABLE "${table}" DROP CONSTRAINT "${fk.name}"`);
  for (const ix of indexes) await qr.query(`DROP INDEX "public"."${ix.name}"`);
  let start = Date.now();
  await load();
  const [{ n }] = (await qr.query(`SELECT count(*)::bigint AS n FROM "${table}"`)) as { n: string }[];
  let ms = Date.now() - start;
  phases.push({ phase: `${table} rows`, ms });
  log(
    `  ${`${table} rows`.padEnd(28)} ${(ms / 1000).toFixed(1).padStart(7)} s  ${Number(n).toLocaleString('en')} rows`,
  );
  start = Date.now();
  for (const ix of indexes) await qr.query(ix.def);
  for (const fk of fks) await qr.query(`ALTER TABLE "${table}" ADD CONSTRAINT "${fk.name}" ${fk.def}`);
  ms = Date.now() - start;
  phases.push({ phase: `${table} indexes`, ms });
  log(
    `  ${`${table} indexes`.padEnd(28)} ${(ms / 1000).toFixed(1).padStart(7)} s  ${indexes.length} indexes, ${fks.length} foreign keys`,
  );
}

// ---------------------------------------------------------------- command line

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'database-url': { type: 'string' },
      pglite: { type: 'string' },
      clusters: { type: 'string', default: '10000' },
      days: { type: 'string', default: '182' },
      to: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || (!values['database-url'] && !values.pglite)) {
    console.log(
      'usage: node -r @swc-node/register test/bench/report/generate.ts (--database-url URL | --pglite DIR)\n' +
        '         [--clusters 10000] [--days 182] [--to YYYY-MM-DD (default: yesterday, Asia/Ho_Chi_Minh)]',
    );
    process.exit(values.help ? 0 : 2);
  }
  const clusters = Number(values.clusters);
  const days = Number(values.days);
  if (!Number.isInteger(clusters) || clusters < 100 || clusters > 200_000)
    throw new Error('--clusters must be an integer in 100..200000');
  if (!Number.isInteger(days) || days < 1 || days > 1000) throw new Error('--days must be in 1..1000');
  const dataSource = await openDatabase(
    values['database-url'] ? { databaseUrl: values['database-url'] } : { pgliteDir: values.pglite },
  );
  try {
    await generate(dataSource, { clusters, days, to: values.to ?? yesterdayLocal() });
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
