import {
  ConflictException,
  ForbiddenException,
  Inject,
  Injectable,
  NotFoundException,
  Optional,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Schedule, ScheduleOverride } from '@loa-xa/persistence';
import type { Priority } from '@loa-xa/protocol';
import {
  checkRecurrence,
  expand,
  localToUtc,
  occurrenceId,
  type Clash,
  type Occurrence,
  type RecurrenceSpec,
} from '@loa-xa/schedule';
import { AuditService, diff } from '../audit/audit.service';
import { mayUsePriority } from '../access/permissions';
import { scopeCondition, whereInScope, type Principal } from '../access/scope';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import type { Page } from '../common/pagination';
import { validationFailed } from '../common/validation';
import { MediaService } from '../media/media.service';
import { PlayLogQueries } from '../playlogs/play-log-queries.service';
import { ManifestService } from './manifest.service';
import { ProgramsService } from './programs.service';
import { SchedulePlanner, recurrenceOf } from './schedule-planner.service';
import type {
  ClashView,
  CreateScheduleDto,
  OccurrenceView,
  OverrideOccurrenceDto,
  ScheduleQuery,
  ScheduleView,
  UpdateScheduleDto,
} from './schedule.dto';
import { TargetResolver } from './target-resolver.service';
import { References } from './references.service';

const AUDITED: (keyof Schedule)[] = [
  'title',
  'programId',
  'assetId',
  'priority',
  'volume',
  'target',
  'startLocal',
  'timeZone',
  'rrule',
  'validFrom',
  'validUntil',
  'exdates',
  'enabled',
];
const MAX_OCCURRENCE_RANGE_MS = 62 * 86_400_000;

/** Schedules: saved with their clashes checked, planned in memory, expanded on demand. */
@Injectable()
export class SchedulesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly planner: SchedulePlanner,
    private readonly targets: TargetResolver,
    private readonly programs: ProgramsService,
    private readonly media: MediaService,
    private readonly manifests: ManifestService,
    private readonly audit: AuditService,
    private readonly references: References,
    @Optional() private readonly playLogs?: PlayLogQueries,
  ) {}

  async list(principal: Principal, query: ScheduleQuery): Promise<Page<ScheduleView>> {
    const qb = this.dataSource.getRepository(Schedule).createQueryBuilder('s');
    whereInScope(qb, principal.scope, 's.unit_path');
    if (query.unitId) {
      const unit: { path: string }[] = await this.dataSource.query(
        `SELECT path FROM admin_unit WHERE id = $1`,
        [query.unitId],
      );
      const cond = scopeCondition(
        { unitId: query.unitId, level: 'commune', name: '', paths: [unit[0]?.path ?? '-'] },
        's.unit_path',
        'unit',
      );
      if (cond) qb.andWhere(cond.sql, cond.params);
    }
    if (query.enabled !== undefined) qb.andWhere('s.enabled = :enabled', { enabled: query.enabled });
    qb.orderBy('s.created_at', query.order === 'desc' ? 'DESC' : 'ASC')
      .skip((query.page - 1) * query.pageSize)
      .take(query.pageSize);
    const [rows, total] = await qb.getManyAndCount();
    return { items: rows.map((r) => this.view(r, [])), total, page: query.page, pageSize: query.pageSize };
  }

  async get(principal: Principal, id: string): Promise<ScheduleView> {
    const row = await this.find(principal, id);
    return this.view(row, this.clashesOf(row));
  }

  async create(principal: Principal, dto: CreateScheduleDto): Promise<ScheduleView> {
    const draft = Object.assign(new Schedule(), {
      title: dto.title,
      programId: dto.programId ?? null,
      assetId: dto.assetId ?? null,
      priority: dto.priority ?? 'commune',
      volume: dto.volume ?? 80,
      target: dto.target,
      startLocal: normaliseLocal(dto.start),
      timeZone: dto.timeZone ?? this.config.timeZone,
      rrule: dto.rrule ?? null,
      validFrom: dto.validFrom ?? null,
      validUntil: dto.validUntil ?? null,
      exdates: (dto.exdates ?? []).map(normaliseLocal),
      enabled: dto.enabled ?? true,
      forced: false,
      createdBy: principal.name,
    });
    const { clusters, unitId, unitPath } = await this.check(principal, draft);
    draft.unitId = unitId;
    draft.unitPath = unitPath;
    const clashes = draft.enabled ? this.candidateClashes(draft, null, clusters) : [];
    this.refuseConflicts(clashes, dto.force);
    draft.forced = clashes.some((c) => c.kind === 'conflict');
    const saved = await this.dataSource.transaction(async (manager) => {
      const row = await manager.getRepository(Schedule).save(draft);
      await this.audit.record(manager, principal, {
        action: 'schedule.create',
        objectType: 'schedule',
        objectId: row.id,
        unitPath,
        changes: diff(null, row, AUDITED),
        detail: { clusters: clusters.length, clashes: clashes.length, forced: row.forced },
      });
      return row;
    });
    await this.planner.upsert(saved, { clusters });
    return this.view(saved, this.describe(clashes));
  }

  async update(principal: Principal, id: string, dto: UpdateScheduleDto): Promise<ScheduleView> {
    const row = await this.find(principal, id);
    if (dto.revision !== undefined && dto.revision !== row.revision)
      throw new ConflictException(
        `schedule ${id} was changed by someone else (revision ${row.revision}, you edited ${dto.revision}); reload it`,
      );
    const before = { ...row };
    const next = Object.assign(new Schedule(), row);
    if (dto.title !== undefined) next.title = dto.title;
    if (dto.programId !== undefined || dto.assetId !== undefined) {
      next.programId = dto.programId ?? null;
      next.assetId = dto.assetId ?? null;
    }
    if (dto.priority !== undefined) next.priority = dto.priority;
    if (dto.volume !== undefined) next.volume = dto.volume;
    if (dto.target !== undefined) next.target = dto.target;
    if (dto.start !== undefined) next.startLocal = normaliseLocal(dto.start);
    if (dto.timeZone !== undefined) next.timeZone = dto.timeZone;
    if (dto.rrule !== undefined) next.rrule = dto.rrule;
    if (dto.validFrom !== undefined) next.validFrom = dto.validFrom;
    if (dto.validUntil !== undefined) next.validUntil = dto.validUntil;
    if (dto.exdates !== undefined) next.exdates = dto.exdates.map(normaliseLocal);
    if (dto.enabled !== undefined) next.enabled = dto.enabled;
    // Someone who may not use the schedule's current priority may not change it either.
    if (!mayUsePriority(principal.role, principal.scope, before.priority as Priority))
      throw new ForbiddenException(
        `only someone allowed ${before.priority} priority may change this schedule`,
      );
    const { clusters, unitId, unitPath } = await this.check(principal, next);
    next.unitId = unitId;
    next.unitPath = unitPath;
    const clashes = next.enabled ? this.candidateClashes(next, id, clusters) : [];
    this.refuseConflicts(clashes, dto.force);
    next.forced = clashes.some((c) => c.kind === 'conflict');
    const saved = await this.dataSource.transaction(async (manager) => {
      const row2 = await manager.getRepository(Schedule).save(next);
      await this.audit.record(manager, principal, {
        action: 'schedule.update',
        objectType: 'schedule',
        objectId: id,
        unitPath,
        changes: diff(before, row2, AUDITED),
        detail: { clusters: clusters.length, clashes: clashes.length, forced: row2.forced },
      });
      return row2;
    });
    await this.planner.upsert(saved, { clusters });
    return this.view(saved, this.describe(clashes));
  }

  async remove(principal: Principal, id: string): Promise<void> {
    const row = await this.find(principal, id);
    if (!mayUsePriority(principal.role, principal.scope, row.priority as Priority))
      throw new ForbiddenException(`only someone allowed ${row.priority} priority may delete this schedule`);
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(Schedule).delete({ id });
      await this.audit.record(manager, principal, {
        action: 'schedule.delete',
        objectType: 'schedule',
        objectId: id,
        unitPath: row.unitPath,
        changes: diff(row, null, AUDITED),
      });
    });
    this.planner.remove(id);
  }

  async occurrences(principal: Principal, id: string, from?: string, to?: string): Promise<OccurrenceView[]> {
    const row = await this.find(principal, id);
    const window = this.range(from, to);
    const entry = this.planner.get(id);
    const overrides = await this.overrides(id);
    const occurrences = expand(recurrenceOf(row), row.durationMs, window, overrides);
    const skipped = overrides.filter(
      (o) =>
        o.start === null && o.originalStart < window.to && o.originalStart + row.durationMs > window.from,
    );
    const clusters = entry?.clusters ?? new Set<string>();
    const played = this.playLogs
      ? await this.playLogs.startedForOccurrences(
          id,
          occurrences.map((o) => o.key),
        )
      : new Map<number, { started: number; finished: number; failed: number }>();
    const views: OccurrenceView[] = occurrences.map((o) => {
      const itemId = occurrenceId(id, o.key);
      const { acked, ready } = this.manifests.readiness(itemId, clusters);
      return {
        id: itemId,
        originalStart: new Date(o.key).toISOString(),
        start: new Date(o.start).toISOString(),
        end: new Date(o.end).toISOString(),
        status: o.moved ? 'moved' : 'scheduled',
        targets: clusters.size,
        acked,
        ready,
        played: played.get(o.key) ?? { started: 0, finished: 0, failed: 0 },
      };
    });
    for (const s of skipped)
      views.push({
        id: occurrenceId(id, s.originalStart),
        originalStart: new Date(s.originalStart).toISOString(),
        start: new Date(s.originalStart).toISOString(),
        end: new Date(s.originalStart + row.durationMs).toISOString(),
        status: 'skipped',
        targets: clusters.size,
        acked: 0,
        ready: 0,
        played: { started: 0, finished: 0, failed: 0 },
      });
    return views.sort((a, b) => a.start.localeCompare(b.start));
  }

  /** Skip or move one occurrence (identified by its original start), leaving the others alone. */
  async override(
    principal: Principal,
    id: string,
    key: string,
    dto: OverrideOccurrenceDto,
  ): Promise<OccurrenceView> {
    const row = await this.find(principal, id);
    const original = this.occurrenceKey(row, key);
    if ((dto.skip === true) === (dto.start !== undefined))
      throw validationFailed([
        {
          field: 'skip',
          rule: 'oneOf',
          message: 'give either skip: true or a new start, not both or neither',
        },
      ]);
    const start = dto.start !== undefined ? localToUtc(normaliseLocal(dto.start), row.timeZone) : null;
    if (start !== null && !Number.isFinite(start))
      throw validationFailed([
        { field: 'start', rule: 'isDate', message: `start ${dto.start} is not a valid time` },
      ]);
    if (start !== null) {
      const entry = this.planner.get(id);
      const moved: Occurrence = { key: original, start, end: start + row.durationMs, moved: true };
      const clashes = entry
        ? this.planner.clashes(
            { id, priority: row.priority as Priority, clusters: entry.clusters, occurrences: [moved] },
            { from: moved.start - 86_400_000, to: moved.end + 86_400_000 },
          )
        : [];
      this.refuseConflicts(clashes, dto.force);
    }
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(ScheduleOverride).upsert(
        {
          scheduleId: id,
          originalStart: new Date(original),
          start: start === null ? null : new Date(start),
        },
        ['scheduleId', 'originalStart'],
      );
      await this.audit.record(manager, principal, {
        action: start === null ? 'schedule.occurrence.skip' : 'schedule.occurrence.move',
        objectType: 'schedule',
        objectId: id,
        unitPath: row.unitPath,
        detail: {
          occurrence: occurrenceId(id, original),
          originalStart: new Date(original).toISOString(),
          start: start === null ? null : new Date(start).toISOString(),
        },
      });
    });
    await this.planner.upsert(row);
    return this.occurrenceView(principal, id, original, start);
  }

  async restore(principal: Principal, id: string, key: string): Promise<OccurrenceView> {
    const row = await this.find(principal, id);
    const original = this.occurrenceKey(row, key);
    await this.dataSource.transaction(async (manager) => {
      const result = await manager
        .getRepository(ScheduleOverride)
        .delete({ scheduleId: id, originalStart: new Date(original) });
      if (!result.affected)
        throw new NotFoundException(`occurrence ${key} of schedule ${id} is not overridden`);
      await this.audit.record(manager, principal, {
        action: 'schedule.occurrence.restore',
        objectType: 'schedule',
        objectId: id,
        unitPath: row.unitPath,
        detail: { occurrence: occurrenceId(id, original) },
      });
    });
    await this.planner.upsert(row);
    return this.occurrenceView(principal, id, original, original);
  }

  /** Unused-asset check for the media library: schedules still to play an asset. */
  async usesOfAsset(assetId: string): Promise<string[]> {
    const rows: { id: string; title: string }[] = await this.dataSource.query(
      `SELECT s.id, s.title FROM schedule s
        WHERE s.enabled AND (s.asset_id = $1 OR s.program_id IN (SELECT program_id FROM program_item WHERE asset_id = $1))`,
      [assetId],
    );
    const now = Date.now();
    const out: string[] = [];
    for (const row of rows) {
      const entry = this.planner.get(row.id);
      const next = entry
        ? this.planner.occurrences(entry, { from: now, to: now + 366 * 86_400_000 })[0]
        : undefined;
      if (next) out.push(`schedule "${row.title}" (next ${new Date(next.start).toISOString()})`);
    }
    const programs: { name: string }[] = await this.dataSource.query(
      `SELECT DISTINCT p.name FROM program p JOIN program_item i ON i.program_id = p.id WHERE i.asset_id = $1`,
      [assetId],
    );
    if (out.length > 0) out.push(...programs.map((p) => `program "${p.name}"`));
    return out;
  }

  private async occurrenceView(
    principal: Principal,
    id: string,
    original: number,
    start: number | null,
  ): Promise<OccurrenceView> {
    const around = start ?? original;
    const views = await this.occurrences(
      principal,
      id,
      new Date(around - 1).toISOString(),
      new Date(around + 1).toISOString(),
    );
    return views.find((v) => v.originalStart === new Date(original).toISOString()) as OccurrenceView;
  }

  /** Validates what the schedule plays, when and where; returns the clusters and owner unit. */
  private async check(
    principal: Principal,
    draft: Schedule,
  ): Promise<{ clusters: string[]; unitId: string; unitPath: string }> {
    if (Boolean(draft.programId) === Boolean(draft.assetId))
      throw validationFailed([
        { field: 'programId', rule: 'oneOf', message: 'give exactly one of programId and assetId' },
      ]);
    if (!mayUsePriority(principal.role, principal.scope, draft.priority as Priority))
      throw new ForbiddenException(`you may not schedule at ${draft.priority} priority`);
    const problems = checkRecurrence(recurrenceOf(draft));
    if (problems.length > 0)
      throw validationFailed(
        problems.map((p) => ({
          field: p.field === 'exdates' ? 'exdates' : p.field === 'start' ? 'start' : p.field,
          rule: 'recurrence',
          message: `${p.field}: ${p.message}`,
        })),
      );
    const field = draft.programId ? 'programId' : 'assetId';
    let assetIds: string[];
    if (draft.programId) {
      const programId = draft.programId;
      await this.references.program(() => this.programs.find(principal, programId), programId, 'programId');
      assetIds = await this.programs.assetIds(programId);
    } else assetIds = [draft.assetId as string];
    const assets = await this.references.assets(principal, [...new Set(assetIds)], field);
    const failed = [...assets.values()].find((a) => a.status === 'failed');
    if (failed)
      throw validationFailed([
        {
          field,
          rule: 'usable',
          message: `"${failed.title}" failed processing and cannot be played`,
        },
      ]);
    const durationMs = assetIds.reduce((sum, id) => sum + (assets.get(id)?.durationMs ?? 0), 0);
    if (durationMs <= 0)
      throw validationFailed([
        {
          field: draft.programId ? 'programId' : 'assetId',
          rule: 'duration',
          message: 'its media has no known duration yet',
        },
      ]);
    draft.durationMs = durationMs;
    const resolved = await this.targets.resolve(principal, draft.target);
    return { clusters: resolved.clusterIds, unitId: resolved.unitId, unitPath: resolved.unitPath };
  }

  private candidateClashes(draft: Schedule, id: string | null, clusters: string[]): Clash[] {
    const now = Date.now();
    const window = { from: now, to: now + this.planner.windowMs };
    const occurrences = expand(
      recurrenceOf(draft),
      draft.durationMs,
      window,
      this.planner.get(id ?? '')?.overrides,
    );
    return this.planner.clashes(
      { id: id ?? '(new)', priority: draft.priority as Priority, clusters: new Set(clusters), occurrences },
      window,
    );
  }

  private clashesOf(row: Schedule): ClashView[] {
    const entry = this.planner.get(row.id);
    if (!entry) return [];
    const now = Date.now();
    const window = { from: now, to: now + this.planner.windowMs };
    return this.describe(
      this.planner.clashes(
        {
          id: row.id,
          priority: entry.priority,
          clusters: entry.clusters,
          occurrences: this.planner.occurrences(entry, window),
        },
        window,
      ),
    );
  }

  private refuseConflicts(clashes: Clash[], force: boolean | undefined): void {
    const conflicts = clashes.filter((c) => c.kind === 'conflict');
    if (conflicts.length === 0 || force) return;
    const described = this.describe(conflicts);
    const titles = [...new Set(described.map((c) => `"${c.scheduleTitle}"`))].join(', ');
    throw new ConflictException({
      statusCode: 409,
      error: 'Conflict',
      message: `${conflicts.length} occurrence(s) clash with schedules of the same priority (${titles}) on shared clusters; change the time or target, or send force: true`,
      clashes: described,
    });
  }

  private describe(clashes: Clash[]): ClashView[] {
    return clashes.slice(0, 200).map((c) => {
      const other = this.planner.get(c.scheduleId);
      return {
        kind: c.kind,
        scheduleId: c.scheduleId,
        scheduleTitle: other?.title ?? '',
        priority: other?.priority ?? '',
        occurrenceStart: new Date(c.occurrenceKey).toISOString(),
        otherOccurrenceStart: new Date(c.otherOccurrenceKey).toISOString(),
        from: new Date(c.from).toISOString(),
        to: new Date(c.to).toISOString(),
        clusterCount: c.clusterCount,
        sampleClusterIds: c.sampleClusterIds,
      };
    });
  }

  private async find(principal: Principal, id: string): Promise<Schedule> {
    const qb = this.dataSource.getRepository(Schedule).createQueryBuilder('s').where('s.id = :id', { id });
    const row = await whereInScope(qb, principal.scope, 's.unit_path').getOne();
    if (!row) throw new NotFoundException(`schedule ${id} not found`);
    return row;
  }

  private async overrides(id: string) {
    const rows = await this.dataSource.getRepository(ScheduleOverride).findBy({ scheduleId: id });
    return rows.map((r) => ({ originalStart: r.originalStart.getTime(), start: r.start?.getTime() ?? null }));
  }

  /** An occurrence key from the path: epoch ms or an ISO instant; it must be one of the rule's occurrences. */
  private occurrenceKey(row: Schedule, key: string): number {
    const ms = /^\d{1,16}$/.test(key) ? Number(key) : Date.parse(key);
    if (!Number.isFinite(ms))
      throw new NotFoundException(`occurrence ${key} of schedule ${row.id} not found`);
    const exists = expand(recurrenceOf(row), row.durationMs, { from: ms, to: ms + 1 }).some(
      (o) => o.key === ms,
    );
    if (!exists) throw new NotFoundException(`schedule ${row.id} has no occurrence starting at ${key}`);
    return ms;
  }

  private range(from?: string, to?: string): { from: number; to: number } {
    const start = from ? Date.parse(from) : Date.now();
    const end = to ? Date.parse(to) : start + this.planner.windowMs;
    if (end <= start)
      throw validationFailed([{ field: 'to', rule: 'after', message: 'to must be after from' }]);
    if (end - start > MAX_OCCURRENCE_RANGE_MS)
      throw validationFailed([{ field: 'to', rule: 'range', message: 'at most 62 days at a time' }]);
    return { from: start, to: end };
  }

  private view(row: Schedule, clashes: ClashView[]): ScheduleView {
    const entry = this.planner.get(row.id);
    const now = Date.now();
    const next = entry
      ? this.planner.occurrences(entry, { from: now, to: now + this.planner.windowMs }).slice(0, 5)
      : [];
    return {
      id: row.id,
      title: row.title,
      unitId: row.unitId,
      programId: row.programId,
      assetId: row.assetId,
      priority: row.priority,
      volume: row.volume,
      target: row.target,
      start: row.startLocal,
      timeZone: row.timeZone,
      rrule: row.rrule,
      validFrom: row.validFrom,
      validUntil: row.validUntil,
      exdates: row.exdates,
      durationMs: row.durationMs,
      enabled: row.enabled,
      forced: row.forced,
      clusterCount: entry?.clusters.size ?? 0,
      next: next.map((o) => ({
        id: occurrenceId(row.id, o.key),
        originalStart: new Date(o.key).toISOString(),
        start: new Date(o.start).toISOString(),
        end: new Date(o.end).toISOString(),
        status: o.moved ? 'moved' : 'scheduled',
      })),
      clashes,
      revision: row.revision,
      createdBy: row.createdBy,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }
}

/** `YYYY-MM-DDTHH:mm` → `YYYY-MM-DDTHH:mm:00`, so equal times compare equal. */
function normaliseLocal(local: string): string {
  return local.length === 16 ? `${local}:00` : local;
}

export type { RecurrenceSpec };
