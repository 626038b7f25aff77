import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import { AdminUnit, PlayLogRow, type PlayLogEvent, type PlayLogSource } from '@loa-xa/persistence';
import type { Priority } from '@loa-xa/protocol';
import { whereInScope, type Scope } from '../access/scope';
import { RETIRED_LIFECYCLES } from '../registry/clusters/cluster-lifecycle';
import type { CommuneInfo, CommuneLogCounts } from './play-log-summary';

/** What a playback was, for people: its schedule's, broadcast's or live session's title and priority. */
export interface PlaybackName {
  title: string | null;
  priority: Priority | null;
}

/** A unit filter, resolved: everything whose unit path is this path or lies below it. */
export type UnitArea = Pick<AdminUnit, 'id' | 'level' | 'name' | 'path'>;

export interface PlayLogFilter {
  scope: Scope | null;
  unit?: UnitArea;
  clusterId?: string;
  scheduleId?: string;
  broadcastId?: string;
  source?: PlayLogSource;
  event?: PlayLogEvent;
  from?: Date;
  to?: Date;
  order: 'asc' | 'desc';
}

const ON_AIR = `p.event IN ('finished', 'interrupted')`;
/**
 * Time on air of a finished / interrupted report: what the device said, else the time since the latest
 * `started` of the same playback (same device clock, so no offset is needed), else nothing.
 */
const PLAYED_MS = `COALESCE(p.played_ms, (
  SELECT GREATEST(0, EXTRACT(EPOCH FROM (p.device_at - s.device_at)) * 1000)
  FROM play_log s
  WHERE s.cluster_id = p.cluster_id AND s.source = p.source AND s.ref = p.ref AND s.event = 'started'
    AND s.device_at <= p.device_at
  ORDER BY s.device_at DESC LIMIT 1), 0)`;

/** Reading the play log (writing is PlayLogWriter's). Scope and unit are conditions on unit_path. */
@Injectable()
export class PlayLogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findUnit(id: string): Promise<UnitArea | null> {
    return this.dataSource
      .getRepository(AdminUnit)
      .findOne({ where: { id }, select: { id: true, level: true, name: true, path: true } });
  }

  /** The cluster's current unit path (village, else commune), or null when there is no such cluster. */
  async clusterPath(id: string): Promise<string | null> {
    const row = await this.dataSource
      .createQueryBuilder()
      .select('COALESCE(vu.path, cu.path)', 'path')
      .from('cluster', 'c')
      .innerJoin('admin_unit', 'cu', 'cu.id = c.commune_id')
      .leftJoin('admin_unit', 'vu', 'vu.id = c.village_id')
      .where('c.id = :id', { id })
      .getRawOne<{ path: string }>();
    return row?.path ?? null;
  }

  page(filter: PlayLogFilter, page: number, pageSize: number): Promise<[PlayLogRow[], number]> {
    return this.filtered(filter)
      .offset((page - 1) * pageSize)
      .limit(pageSize)
      .getManyAndCount();
  }

  /**
   * The name of what each row played (key: row id): a schedule's title for an occurrence, a live session's
   * for live, the broadcast's for a command (else, for a live relay, its session's). Rows without any are absent.
   */
  async playbackNames(rows: readonly PlayLogRow[]): Promise<Map<string, PlaybackName>> {
    const lookup = async (table: string, ids: (string | null)[]) => {
      const wanted = [...new Set(ids.filter((id): id is string => !!id))];
      if (wanted.length === 0) return new Map<string, PlaybackName & { liveSessionId?: string | null }>();
      const liveColumn = table === 'broadcast' ? ', t.live_session_id AS "liveSessionId"' : '';
      const found = await this.dataSource
        .createQueryBuilder()
        .select(`t.id AS id, t.title AS title, t.priority AS priority${liveColumn}`)
        .from(table, 't')
        .where('t.id = ANY(CAST(:ids AS uuid[]))', { ids: wanted })
        .getRawMany<PlaybackName & { id: string; liveSessionId?: string | null }>();
      return new Map(found.map((f) => [f.id, f]));
    };
    const [schedules, broadcasts] = await Promise.all([
      lookup(
        'schedule',
        rows.map((r) => r.scheduleId),
      ),
      lookup(
        'broadcast',
        rows.map((r) => r.broadcastId),
      ),
    ]);
    const sessions = await lookup('live_session', [
      ...rows.map((r) => r.liveSessionId),
      ...[...broadcasts.values()].map((b) => b.liveSessionId ?? null),
    ]);
    const out = new Map<string, PlaybackName>();
    for (const row of rows) {
      const broadcast = row.broadcastId ? broadcasts.get(row.broadcastId) : undefined;
      const found =
        (row.scheduleId && schedules.get(row.scheduleId)) ||
        (row.liveSessionId && sessions.get(row.liveSessionId)) ||
        (broadcast?.title ? broadcast : undefined) ||
        (broadcast?.liveSessionId && sessions.get(broadcast.liveSessionId)) ||
        broadcast;
      if (found) out.set(row.id, { title: found.title ?? null, priority: found.priority ?? null });
    }
    return out;
  }

  /** Every match in the filter's order, in chunks (keyset on time and id), for exports. */
  async *all(filter: PlayLogFilter, chunk = 2000): AsyncGenerator<PlayLogRow[]> {
    let after: PlayLogRow | null = null;
    const op = filter.order === 'asc' ? '>' : '<';
    for (;;) {
      const q = this.filtered(filter);
      if (after) {
        q.andWhere(`(p.occurred_at, p.id) ${op} (CAST(:afterAt AS timestamptz), CAST(:afterId AS bigint))`, {
          afterAt: after.occurredAt.toISOString(),
          afterId: after.id,
        });
      }
      const rows = await q.limit(chunk).getMany();
      if (rows.length === 0) return;
      yield rows;
      if (rows.length < chunk) return;
      after = rows[rows.length - 1];
    }
  }

  private filtered(filter: PlayLogFilter): SelectQueryBuilder<PlayLogRow> {
    const q = this.dataSource
      .getRepository(PlayLogRow)
      .createQueryBuilder('p')
      .leftJoin('p.cluster', 'c')
      .addSelect(['c.id', 'c.code', 'c.name']);
    this.whereArea(q, filter.scope, filter.unit, 'p.unit_path');
    if (filter.clusterId) q.andWhere('p.cluster_id = :clusterId', { clusterId: filter.clusterId });
    if (filter.scheduleId) q.andWhere('p.schedule_id = :scheduleId', { scheduleId: filter.scheduleId });
    if (filter.broadcastId) q.andWhere('p.broadcast_id = :broadcastId', { broadcastId: filter.broadcastId });
    if (filter.source) q.andWhere('p.source = :source', { source: filter.source });
    if (filter.event) q.andWhere('p.event = :event', { event: filter.event });
    if (filter.from) q.andWhere('p.occurred_at >= :from', { from: filter.from });
    if (filter.to) q.andWhere('p.occurred_at < :to', { to: filter.to });
    const direction = filter.order === 'asc' ? 'ASC' : 'DESC';
    return q.orderBy('p.occurredAt', direction).addOrderBy('p.id', direction);
  }

  /**
   * IP clusters in service under the scope and unit, each with its commune, and the communes they or the
   * day's reports belong to (a commune whose clusters moved away still shows what they played there).
   */
  async summaryCommunes(
    scope: Scope | null,
    unit: UnitArea | undefined,
    counts: ReadonlyMap<string, unknown>,
  ): Promise<{ communes: CommuneInfo[]; clusterCommune: Map<string, string> }> {
    const clusters = this.dataSource
      .createQueryBuilder()
      .select(['c.id AS "clusterId"', 'c.commune_id AS "communeId"'])
      .from('cluster', 'c')
      .innerJoin('admin_unit', 'cu', 'cu.id = c.commune_id')
      .leftJoin('admin_unit', 'vu', 'vu.id = c.village_id')
      .where(`c.kind = 'ip'`)
      .andWhere('c.lifecycle <> ALL(CAST(:retired AS text[]))', { retired: [...RETIRED_LIFECYCLES] });
    this.whereArea(clusters, scope, unit, 'COALESCE(vu.path, cu.path)');
    const rows = await clusters.getRawMany<{ clusterId: string; communeId: string }>();
    const clusterCommune = new Map(rows.map((r) => [r.clusterId, r.communeId]));
    const perCommune = new Map<string, number>();
    for (const communeId of clusterCommune.values())
      perCommune.set(communeId, (perCommune.get(communeId) ?? 0) + 1);
    const ids = [...new Set([...perCommune.keys(), ...counts.keys()])];
    if (ids.length === 0) return { communes: [], clusterCommune };
    const units = await this.dataSource
      .createQueryBuilder()
      .select(['u.id AS "communeId"', 'u.code AS code', 'u.name AS name', 'u.path AS path'])
      .from('admin_unit', 'u')
      .where('u.id = ANY(CAST(:ids AS uuid[]))', { ids })
      .orderBy('u.path')
      .getRawMany<Omit<CommuneInfo, 'clusters'>>();
    return {
      communes: units.map((u) => ({ ...u, clusters: perCommune.get(u.communeId) ?? 0 })),
      clusterCommune,
    };
  }

  /**
   * What was reported per commune (of the cluster at ingestion) for [from, to): a scheduled occurrence
   * counts on the day it was planned to start, anything else on the day it happened.
   */
  async summaryCounts(
    scope: Scope | null,
    unit: UnitArea | undefined,
    from: Date,
    to: Date,
  ): Promise<Map<string, CommuneLogCounts>> {
    const q = this.dataSource
      .createQueryBuilder()
      .select('p.commune_id', 'communeId')
      .addSelect(`COUNT(*) FILTER (WHERE p.event = 'started')`, 'started')
      .addSelect(`COUNT(*) FILTER (WHERE p.event = 'finished')`, 'finished')
      .addSelect(`COUNT(*) FILTER (WHERE p.event = 'interrupted')`, 'interrupted')
      .addSelect(`COUNT(*) FILTER (WHERE p.event = 'failed')`, 'failed')
      .addSelect(`COALESCE(SUM(CASE WHEN ${ON_AIR} THEN ${PLAYED_MS} END), 0)`, 'playedMs')
      .addSelect(
        `COALESCE(SUM(CASE WHEN p.source = 'schedule' AND ${ON_AIR} THEN ${PLAYED_MS} END), 0)`,
        'scheduledPlayedMs',
      )
      .from('play_log', 'p')
      .where(
        `((p.occurrence_start >= :from AND p.occurrence_start < :to)
          OR (p.occurrence_start IS NULL AND p.occurred_at >= :from AND p.occurred_at < :to))`,
        { from, to },
      )
      .groupBy('p.commune_id');
    this.whereArea(q, scope, unit, 'p.unit_path');
    const rows = await q.getRawMany<Record<keyof CommuneLogCounts | 'communeId', string>>();
    return new Map(
      rows.map((r) => [
        r.communeId,
        {
          started: Number(r.started),
          finished: Number(r.finished),
          interrupted: Number(r.interrupted),
          failed: Number(r.failed),
          playedMs: Math.round(Number(r.playedMs)),
          scheduledPlayedMs: Math.round(Number(r.scheduledPlayedMs)),
        },
      ]),
    );
  }

  /** Per occurrence start (epoch ms) of a schedule: how many clusters reported each event. */
  async occurrenceCounts(
    scheduleId: string,
    starts: readonly number[],
    scope: Scope | null,
  ): Promise<{ key: number; started: number; finished: number; failed: number }[]> {
    if (starts.length === 0) return [];
    const q = this.dataSource
      .createQueryBuilder()
      .select('CAST(CAST(EXTRACT(EPOCH FROM p.occurrence_start) * 1000 AS bigint) AS text)', 'key')
      .addSelect(`COUNT(DISTINCT p.cluster_id) FILTER (WHERE p.event = 'started')`, 'started')
      .addSelect(`COUNT(DISTINCT p.cluster_id) FILTER (WHERE p.event = 'finished')`, 'finished')
      .addSelect(`COUNT(DISTINCT p.cluster_id) FILTER (WHERE p.event = 'failed')`, 'failed')
      .from('play_log', 'p')
      .where('p.schedule_id = :scheduleId', { scheduleId })
      .andWhere('p.occurrence_start = ANY(CAST(:starts AS timestamptz[]))', {
        starts: starts.map((s) => new Date(s).toISOString()),
      })
      .groupBy('p.occurrence_start');
    whereInScope(q, scope, 'p.unit_path', 'scope');
    const rows = await q.getRawMany<Record<'key' | 'started' | 'finished' | 'failed', string>>();
    return rows.map((r) => ({
      key: Number(r.key),
      started: Number(r.started),
      finished: Number(r.finished),
      failed: Number(r.failed),
    }));
  }

  private whereArea<Q extends { andWhere(sql: string, params?: object): Q }>(
    q: Q,
    scope: Scope | null,
    unit: UnitArea | undefined,
    pathColumn: string,
  ): void {
    whereInScope(q, scope, pathColumn, 'scope');
    if (unit)
      whereInScope(
        q,
        { unitId: unit.id, level: unit.level, name: unit.name, paths: [unit.path] },
        pathColumn,
        'unit',
      );
  }
}
