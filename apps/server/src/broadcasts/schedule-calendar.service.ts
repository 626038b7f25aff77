import { Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Schedule, ScheduleOverride } from '@loa-xa/persistence';
import type { Priority } from '@loa-xa/protocol';
import { expand, occurrenceId, type Clash, type Occurrence, type OccurrenceOverride } from '@loa-xa/schedule';
import { hasPermission, mayUsePriority } from '../access/permissions';
import { pathInScope, type Principal } from '../access/scope';
import { validationFailed } from '../common/validation';
import { ManifestService } from './manifest.service';
import {
  MAX_CALENDAR_DAYS,
  type CalendarOccurrenceView,
  type CalendarRelationView,
  type CalendarScheduleView,
  type ScheduleCalendarQuery,
  type ScheduleCalendarView,
} from './schedule-calendar.dto';
import {
  reachedAmong,
  unitClashes,
  unitOutcomes,
  type ClusterPlace,
  type Outcome,
  type UnitSchedule,
} from './schedule-calendar.plan';
import { SchedulePlanner, recurrenceOf } from './schedule-planner.service';
import { BROADCASTABLE_LIFECYCLES } from './target-resolver.service';

interface UnitRow {
  id: string;
  name: string;
  level: string;
  type: string | null;
  path: string;
}

type Played = { started: number; finished: number; failed: number };

/** One schedule of the calendar while it is being put together. */
interface Entry {
  row: Schedule;
  /** Its target clusters inside the unit. */
  clusters: Set<string>;
  overrides: readonly OccurrenceOverride[];
  occurrences: Occurrence[];
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, '\\$&');
const NO_PLAYS: Played = { started: 0, finished: 0, failed: 0 };

/**
 * Everything that will sound in one unit over a range: the schedules reaching its clusters wherever they
 * are owned (above, at or below it), their occurrences with readiness, plays, clashes and preemption
 * outcome on the unit's clusters. Built from the planner's memory and a fixed number of queries, whatever
 * the number of schedules.
 */
@Injectable()
export class ScheduleCalendarService {
  private readonly logger = new Logger('ScheduleCalendar');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly planner: SchedulePlanner,
    private readonly manifests: ManifestService,
  ) {}

  async calendar(principal: Principal, query: ScheduleCalendarQuery): Promise<ScheduleCalendarView> {
    const window = this.range(query.from, query.to);
    const unit = await this.unit(principal, query.unitId);
    const places = await this.clustersIn(unit.path);
    const inUnit = new Set(places.map((c) => c.id));

    // Enabled schedules reaching the unit's clusters, as the planner resolved their targets.
    const reaching = new Set<string>();
    for (const c of places) for (const e of this.planner.forCluster(c.id)) reaching.add(e.id);
    const rows = await this.rowsFor(unit.path, [...reaching]);

    const unplanned = rows.filter((r) => !this.planner.get(r.id));
    const [unitPaths, groupMembers, overrides] = await Promise.all([
      this.unitPaths(unplanned.flatMap((r) => r.target.unitIds ?? [])),
      this.groupMembers(unplanned.flatMap((r) => r.target.groupIds ?? [])),
      this.overrides(unplanned.map((r) => r.id)),
    ]);

    const entries: Entry[] = [];
    for (const row of rows) {
      const planned = this.planner.get(row.id);
      const clusters = planned
        ? new Set([...planned.clusters].filter((c) => inUnit.has(c)))
        : reachedAmong(row.target, places, unitPaths, groupMembers);
      // A schedule owned above the unit belongs here only when it reaches it.
      const ownedHere = pathInScope(scopeOf(unit), row.unitPath);
      if (!ownedHere && clusters.size === 0) continue;
      const rowOverrides = planned?.overrides ?? overrides.get(row.id) ?? [];
      entries.push({
        row,
        clusters,
        overrides: rowOverrides,
        occurrences: planned
          ? this.planner.occurrences(planned, window)
          : this.expand(row, window, rowOverrides),
      });
    }

    const playing: UnitSchedule[] = entries
      .filter((e) => e.row.enabled)
      .map((e) => ({
        id: e.row.id,
        priority: e.row.priority as Priority,
        clusters: e.clusters,
        occurrences: e.occurrences,
      }));
    const clashes = unitClashes(playing);
    const outcomes = unitOutcomes(playing);
    const [owners, names, played] = await Promise.all([
      this.units([...new Set(entries.map((e) => e.row.unitId))]),
      this.contentNames(entries.map((e) => e.row)),
      this.played(entries, unit.path),
    ]);
    const titles = new Map(entries.map((e) => [e.row.id, e.row]));

    const occurrences: CalendarOccurrenceView[] = [];
    for (const e of entries) {
      const relations = this.relations(clashes.get(e.row.id) ?? [], titles);
      for (const o of e.occurrences) {
        const id = occurrenceId(e.row.id, o.key);
        const { acked, ready } = e.row.enabled
          ? this.manifests.readiness(id, e.clusters)
          : { acked: 0, ready: 0 };
        const outcome = outcomes.get(id) ?? {
          plays: e.row.enabled ? e.clusters.size : 0,
          interrupted: 0,
          blocked: 0,
        };
        occurrences.push({
          id,
          scheduleId: e.row.id,
          originalStart: new Date(o.key).toISOString(),
          start: new Date(o.start).toISOString(),
          end: new Date(o.end).toISOString(),
          status: o.moved ? 'moved' : 'scheduled',
          state: e.row.enabled ? stateOf(outcome, e.clusters.size) : 'disabled',
          targets: e.clusters.size,
          acked,
          ready,
          played: played.get(id) ?? { ...NO_PLAYS },
          outcome,
          relations: relations.get(o.key) ?? [],
        });
      }
      for (const s of e.overrides) {
        if (s.start !== null) continue;
        const end = s.originalStart + e.row.durationMs;
        if (!(s.originalStart < window.to && end > window.from)) continue;
        const id = occurrenceId(e.row.id, s.originalStart);
        occurrences.push({
          id,
          scheduleId: e.row.id,
          originalStart: new Date(s.originalStart).toISOString(),
          start: new Date(s.originalStart).toISOString(),
          end: new Date(end).toISOString(),
          status: 'skipped',
          state: 'skipped',
          targets: e.clusters.size,
          acked: 0,
          ready: 0,
          played: played.get(id) ?? { ...NO_PLAYS },
          outcome: { plays: 0, interrupted: 0, blocked: 0 },
          relations: [],
        });
      }
    }
    occurrences.sort((a, b) => a.start.localeCompare(b.start) || a.id.localeCompare(b.id));

    return {
      unit: { id: unit.id, name: unit.name, level: unit.level },
      from: new Date(window.from).toISOString(),
      to: new Date(window.to).toISOString(),
      schedules: entries.map((e) =>
        this.scheduleView(principal, unit, e, owners.get(e.row.unitId), names.get(e.row.id) ?? null),
      ),
      occurrences,
    };
  }

  private range(from: string, to: string): { from: number; to: number } {
    const start = Date.parse(from);
    const end = Date.parse(to);
    if (!(end > start))
      throw validationFailed([{ field: 'to', rule: 'after', message: 'to must be after from' }]);
    if (end - start > MAX_CALENDAR_DAYS * 86_400_000)
      throw validationFailed([
        { field: 'to', rule: 'range', message: `at most ${MAX_CALENDAR_DAYS} days at a time` },
      ]);
    return { from: start, to: end };
  }

  /** The unit asked for; one outside the caller's scope does not exist for them. */
  private async unit(principal: Principal, id: string): Promise<UnitRow> {
    const rows: UnitRow[] = await this.dataSource.query(
      `SELECT id, name, level, type, path FROM admin_unit WHERE id = $1`,
      [id],
    );
    const unit = rows[0];
    if (!unit || !pathInScope(principal.scope, unit.path))
      throw new NotFoundException(`unit ${id} not found`);
    return unit;
  }

  /** IP clusters in the unit: their village's or else their commune's path lies at or below it. */
  private async clustersIn(path: string): Promise<ClusterPlace[]> {
    const rows: { id: string; commune_path: string; village_id: string | null; lifecycle: string }[] =
      await this.dataSource.query(
        `SELECT c.id, cu.path AS commune_path, c.village_id, c.lifecycle
           FROM cluster c
           JOIN admin_unit cu ON cu.id = c.commune_id
           LEFT JOIN admin_unit vu ON vu.id = c.village_id
          WHERE c.kind = 'ip'
            AND (COALESCE(vu.path, cu.path) = $1 OR COALESCE(vu.path, cu.path) LIKE $2)`,
        [path, `${escapeLike(path)}/%`],
      );
    return rows.map((r) => ({
      id: r.id,
      communePath: r.commune_path,
      villageId: r.village_id,
      broadcastable: BROADCASTABLE_LIFECYCLES.includes(r.lifecycle),
    }));
  }

  /**
   * The planned schedules reaching the unit, every schedule owned at or below it (also those reaching
   * nothing yet), and disabled ones owned above it (kept when their target reaches it).
   */
  private rowsFor(path: string, reaching: string[]): Promise<Schedule[]> {
    return this.dataSource
      .getRepository(Schedule)
      .createQueryBuilder('s')
      .where(
        `(s.id = ANY(CAST(:reaching AS uuid[]))
          OR s.unit_path = :path OR s.unit_path LIKE :below
          OR (NOT s.enabled AND :path LIKE (s.unit_path || '/%')))`,
        { reaching, path, below: `${escapeLike(path)}/%` },
      )
      .orderBy('s.created_at', 'ASC')
      .addOrderBy('s.id', 'ASC')
      .getMany();
  }

  private async unitPaths(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows: { id: string; path: string }[] = await this.dataSource.query(
      `SELECT id, path FROM admin_unit WHERE id = ANY($1::uuid[]) AND level <> 'village'`,
      [[...new Set(ids)]],
    );
    return new Map(rows.map((r) => [r.id, r.path]));
  }

  private async groupMembers(ids: string[]): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    if (ids.length === 0) return out;
    const rows: { group_id: string; cluster_id: string }[] = await this.dataSource.query(
      `SELECT group_id, cluster_id FROM cluster_group_member WHERE group_id = ANY($1::uuid[])`,
      [[...new Set(ids)]],
    );
    for (const r of rows) {
      const set = out.get(r.group_id) ?? new Set<string>();
      set.add(r.cluster_id);
      out.set(r.group_id, set);
    }
    return out;
  }

  private async overrides(ids: string[]): Promise<Map<string, OccurrenceOverride[]>> {
    const out = new Map<string, OccurrenceOverride[]>();
    if (ids.length === 0) return out;
    const rows = await this.dataSource
      .getRepository(ScheduleOverride)
      .createQueryBuilder('o')
      .where('o.schedule_id = ANY(CAST(:ids AS uuid[]))', { ids })
      .getMany();
    for (const r of rows) {
      const list = out.get(r.scheduleId) ?? [];
      list.push({ originalStart: r.originalStart.getTime(), start: r.start?.getTime() ?? null });
      out.set(r.scheduleId, list);
    }
    return out;
  }

  private expand(
    row: Schedule,
    window: { from: number; to: number },
    overrides: readonly OccurrenceOverride[],
  ): Occurrence[] {
    try {
      return expand(recurrenceOf(row), row.durationMs, window, overrides);
    } catch (err) {
      this.logger.error({ err, scheduleId: row.id }, 'schedule cannot be expanded; left out');
      return [];
    }
  }

  private async units(ids: string[]): Promise<Map<string, UnitRow>> {
    if (ids.length === 0) return new Map();
    const rows: UnitRow[] = await this.dataSource.query(
      `SELECT id, name, level, type, path FROM admin_unit WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** What each schedule plays, by name: its asset's title or its program's name. */
  private async contentNames(rows: Schedule[]): Promise<Map<string, string>> {
    const assetIds = [...new Set(rows.flatMap((r) => (r.assetId ? [r.assetId] : [])))];
    const programIds = [...new Set(rows.flatMap((r) => (r.programId ? [r.programId] : [])))];
    const [assets, programs] = await Promise.all([
      assetIds.length
        ? (this.dataSource.query(`SELECT id, title AS name FROM media_asset WHERE id = ANY($1::uuid[])`, [
            assetIds,
          ]) as Promise<{ id: string; name: string }[]>)
        : [],
      programIds.length
        ? (this.dataSource.query(`SELECT id, name FROM program WHERE id = ANY($1::uuid[])`, [
            programIds,
          ]) as Promise<{ id: string; name: string }[]>)
        : [],
    ]);
    const byId = new Map([...assets, ...programs].map((r) => [r.id, r.name]));
    const out = new Map<string, string>();
    for (const r of rows) {
      const name = byId.get((r.assetId ?? r.programId) as string);
      if (name) out.set(r.id, name);
    }
    return out;
  }

  /**
   * Play reports of the clusters in the unit, per occurrence id, in one query (the occurrences endpoint
   * asks the same table schedule by schedule).
   */
  private async played(entries: Entry[], path: string): Promise<Map<string, Played>> {
    const out = new Map<string, Played>();
    const keys = new Set<number>();
    for (const e of entries) {
      for (const o of e.occurrences) keys.add(o.key);
      for (const s of e.overrides) if (s.start === null) keys.add(s.originalStart);
    }
    if (keys.size === 0) return out;
    const rows: { schedule_id: string; key: string; started: string; finished: string; failed: string }[] =
      await this.dataSource.query(
        `SELECT p.schedule_id,
                CAST(CAST(EXTRACT(EPOCH FROM p.occurrence_start) * 1000 AS bigint) AS text) AS key,
                COUNT(DISTINCT p.cluster_id) FILTER (WHERE p.event = 'started') AS started,
                COUNT(DISTINCT p.cluster_id) FILTER (WHERE p.event = 'finished') AS finished,
                COUNT(DISTINCT p.cluster_id) FILTER (WHERE p.event = 'failed') AS failed
           FROM play_log p
          WHERE p.schedule_id = ANY($1::uuid[])
            AND p.occurrence_start = ANY($2::timestamptz[])
            AND (p.unit_path = $3 OR p.unit_path LIKE $4)
          GROUP BY p.schedule_id, p.occurrence_start`,
        [
          entries.map((e) => e.row.id),
          [...keys].map((k) => new Date(k).toISOString()),
          path,
          `${escapeLike(path)}/%`,
        ],
      );
    for (const r of rows)
      out.set(occurrenceId(r.schedule_id, Number(r.key)), {
        started: Number(r.started),
        finished: Number(r.finished),
        failed: Number(r.failed),
      });
    return out;
  }

  /** A schedule's clashes, described, by the original start of its occurrence they concern. */
  private relations(clashes: Clash[], rows: Map<string, Schedule>): Map<number, CalendarRelationView[]> {
    const out = new Map<number, CalendarRelationView[]>();
    for (const c of clashes) {
      const other = rows.get(c.scheduleId);
      const list = out.get(c.occurrenceKey) ?? [];
      list.push({
        kind: c.kind,
        scheduleId: c.scheduleId,
        scheduleTitle: other?.title ?? '',
        priority: other?.priority ?? '',
        occurrenceStart: new Date(c.occurrenceKey).toISOString(),
        otherOccurrenceStart: new Date(c.otherOccurrenceKey).toISOString(),
        otherOccurrenceId: occurrenceId(c.scheduleId, c.otherOccurrenceKey),
        from: new Date(c.from).toISOString(),
        to: new Date(c.to).toISOString(),
        clusterCount: c.clusterCount,
        sampleClusterIds: c.sampleClusterIds,
      });
      out.set(c.occurrenceKey, list);
    }
    return out;
  }

  private scheduleView(
    principal: Principal,
    unit: UnitRow,
    e: Entry,
    owner: UnitRow | undefined,
    contentName: string | null,
  ): CalendarScheduleView {
    const row = e.row;
    const inScope = pathInScope(principal.scope, row.unitPath);
    // The same checks as changing it: in scope, allowed to write, allowed its priority.
    const editable =
      inScope &&
      hasPermission(principal.role, 'schedules.write') &&
      mayUsePriority(principal.role, principal.scope, row.priority as Priority);
    return {
      id: row.id,
      title: row.title,
      unitId: row.unitId,
      ownerName: owner?.name ?? '',
      ownerLevel: owner?.level ?? '',
      ownerType: owner?.type ?? null,
      fromAbove: unit.path !== row.unitPath && unit.path.startsWith(`${row.unitPath}/`),
      inScope,
      editable,
      programId: row.programId,
      assetId: row.assetId,
      contentName,
      priority: row.priority,
      volume: row.volume,
      target: inScope ? row.target : null,
      start: row.startLocal,
      timeZone: row.timeZone,
      rrule: row.rrule,
      validFrom: row.validFrom,
      validUntil: row.validUntil,
      exdates: row.exdates,
      durationMs: row.durationMs,
      enabled: row.enabled,
      forced: row.forced,
      clusterCount: e.clusters.size,
      revision: row.revision,
      createdBy: inScope ? row.createdBy : null,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }
}

/** The unit as a scope, to test "at or below it" with the same rule as caller scopes. */
function scopeOf(unit: UnitRow) {
  return { unitId: unit.id, level: unit.level as 'commune', name: unit.name, paths: [unit.path] };
}

function stateOf(outcome: Outcome, targets: number): string {
  if (targets > 0 && outcome.blocked >= targets) return 'blocked';
  if (outcome.interrupted + outcome.blocked > 0) return 'preempted';
  return 'plays';
}
