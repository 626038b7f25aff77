import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Schedule, ScheduleOverride, type TargetSpec } from '@loa-xa/persistence';
import type { Priority } from '@loa-xa/protocol';
import {
  expand,
  findClashes,
  type Clash,
  type Occurrence,
  type OccurrenceOverride,
  type PlannedSchedule,
  type RecurrenceSpec,
} from '@loa-xa/schedule';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { TargetResolver } from './target-resolver.service';

/** A schedule as the planner holds it: its rule, what it plays, and the clusters it reaches now. */
export interface PlannedEntry {
  id: string;
  title: string;
  unitPath: string;
  priority: Priority;
  volume: number;
  programId: string | null;
  /** Assets in playing order. */
  assetIds: string[];
  durationMs: number;
  spec: RecurrenceSpec;
  overrides: OccurrenceOverride[];
  target: TargetSpec;
  clusters: ReadonlySet<string>;
}

export function recurrenceOf(row: Schedule): RecurrenceSpec {
  return {
    start: row.startLocal,
    timeZone: row.timeZone,
    rrule: row.rrule,
    validFrom: row.validFrom,
    validUntil: row.validUntil,
    exdates: row.exdates,
  };
}

type ClustersListener = (clusterIds: Iterable<string>) => void;

/**
 * Every enabled schedule in memory, indexed by cluster: manifests, clash checks, readiness and daily
 * summaries read from here, never by scanning tables per cluster. Targets are re-resolved when a schedule
 * or group changes and on every refresh (clusters added to a commune join its schedules).
 */
@Injectable()
export class SchedulePlanner implements OnModuleInit {
  private readonly logger = new Logger('SchedulePlanner');
  private readonly entries = new Map<string, PlannedEntry>();
  private readonly byCluster = new Map<string, Set<string>>();
  private readonly listeners = new Set<ClustersListener>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly targets: TargetResolver,
  ) {}

  async onModuleInit(): Promise<void> {
    const rows = await this.dataSource.getRepository(Schedule).findBy({ enabled: true });
    for (const row of rows) await this.upsert(row, { notify: false });
    this.logger.log(`${rows.length} enabled schedules planned`);
  }

  /** Called with the clusters whose manifests may have changed. */
  onClustersChanged(listener: ClustersListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(id: string): PlannedEntry | undefined {
    return this.entries.get(id);
  }

  all(): IterableIterator<PlannedEntry> {
    return this.entries.values();
  }

  /** Schedules reaching one cluster. */
  forCluster(clusterId: string): PlannedEntry[] {
    const ids = this.byCluster.get(clusterId);
    return ids ? [...ids].map((id) => this.entries.get(id) as PlannedEntry) : [];
  }

  /** Every cluster some enabled schedule reaches. */
  clusters(): IterableIterator<string> {
    return this.byCluster.keys();
  }

  /** (Re)plans one schedule from its row; a disabled schedule is removed from the plan. */
  async upsert(
    row: Schedule,
    options: { notify?: boolean; clusters?: string[] } = {},
  ): Promise<PlannedEntry | null> {
    if (!row.enabled) {
      this.remove(row.id);
      return null;
    }
    const [assetIds, overrides, clusters] = await Promise.all([
      this.assetsOf(row),
      this.overridesOf(row.id),
      options.clusters ? Promise.resolve(options.clusters) : this.targets.clustersOf(row.target),
    ]);
    const entry: PlannedEntry = {
      id: row.id,
      title: row.title,
      unitPath: row.unitPath,
      priority: row.priority as Priority,
      volume: row.volume,
      programId: row.programId,
      assetIds,
      durationMs: row.durationMs,
      spec: recurrenceOf(row),
      overrides,
      target: row.target,
      clusters: new Set(clusters),
    };
    const before = this.entries.get(row.id);
    this.index(before, entry);
    if (options.notify !== false) this.notify(before?.clusters, entry.clusters);
    return entry;
  }

  remove(id: string): void {
    const before = this.entries.get(id);
    if (!before) return;
    this.index(before, null);
    this.notify(before.clusters, undefined);
  }

  /** Re-resolves the targets of the schedules matching `pred` (a group or the registry changed). */
  async retargetWhere(pred: (entry: PlannedEntry) => boolean): Promise<number> {
    let changed = 0;
    for (const entry of [...this.entries.values()].filter(pred)) {
      const clusters = new Set(await this.targets.clustersOf(entry.target));
      if (clusters.size === entry.clusters.size && [...clusters].every((c) => entry.clusters.has(c)))
        continue;
      const next = { ...entry, clusters };
      this.index(entry, next);
      this.notify(entry.clusters, clusters);
      changed++;
    }
    return changed;
  }

  /** A program's items changed: its schedules play new assets for a new duration. */
  async programChanged(programId: string): Promise<void> {
    const rows = await this.dataSource.getRepository(Schedule).findBy({ programId, enabled: true });
    for (const row of rows) {
      const assetIds = await this.assetsOf(row);
      const durationMs = await this.durationOf(assetIds);
      if (durationMs > 0 && durationMs !== row.durationMs) {
        await this.dataSource.getRepository(Schedule).update({ id: row.id }, { durationMs });
        row.durationMs = durationMs;
      }
      await this.upsert(row);
    }
  }

  /** Occurrences of one schedule overlapping a window. */
  occurrences(entry: PlannedEntry, window: { from: number; to: number }): Occurrence[] {
    try {
      return expand(entry.spec, entry.durationMs, window, entry.overrides);
    } catch (err) {
      // Saved rules were checked; one the library now refuses must not stop every other manifest.
      this.logger.error({ err, scheduleId: entry.id }, 'schedule cannot be expanded; skipped');
      return [];
    }
  }

  /** Clashes of a candidate (not yet saved, or saved under `candidate.id`) with every other schedule. */
  clashes(
    candidate: {
      id: string;
      priority: Priority;
      clusters: ReadonlySet<string>;
      occurrences: readonly Occurrence[];
    },
    window: { from: number; to: number },
  ): Clash[] {
    const others: PlannedSchedule[] = [];
    for (const entry of this.entries.values()) {
      if (entry.id === candidate.id) continue;
      if (!sharesCluster(entry.clusters, candidate.clusters)) continue;
      others.push({
        id: entry.id,
        priority: entry.priority,
        clusters: entry.clusters,
        occurrences: this.occurrences(entry, window),
      });
    }
    return findClashes(candidate, others);
  }

  /** Sum of the durations of the assets, ms (0 when one is not probed yet). */
  async durationOf(assetIds: string[]): Promise<number> {
    if (assetIds.length === 0) return 0;
    const rows: { id: string; duration_ms: number | null }[] = await this.dataSource.query(
      `SELECT id, duration_ms FROM media_asset WHERE id = ANY($1::uuid[])`,
      [[...new Set(assetIds)]],
    );
    const byId = new Map(rows.map((r) => [r.id, r.duration_ms]));
    let total = 0;
    for (const id of assetIds) {
      const ms = byId.get(id);
      if (!ms) return 0;
      total += Number(ms);
    }
    return total;
  }

  get windowMs(): number {
    return this.config.scheduleWindowDays * 86_400_000;
  }

  async assetsOf(row: Pick<Schedule, 'programId' | 'assetId'>): Promise<string[]> {
    if (row.assetId) return [row.assetId];
    if (!row.programId) return [];
    const items: { asset_id: string }[] = await this.dataSource.query(
      `SELECT asset_id FROM program_item WHERE program_id = $1 ORDER BY position`,
      [row.programId],
    );
    return items.map((i) => i.asset_id);
  }

  private async overridesOf(scheduleId: string): Promise<OccurrenceOverride[]> {
    const rows = await this.dataSource.getRepository(ScheduleOverride).findBy({ scheduleId });
    return rows.map((r) => ({ originalStart: r.originalStart.getTime(), start: r.start?.getTime() ?? null }));
  }

  private index(before: PlannedEntry | undefined, after: PlannedEntry | null): void {
    if (before)
      for (const clusterId of before.clusters) {
        const set = this.byCluster.get(clusterId);
        set?.delete(before.id);
        if (set?.size === 0) this.byCluster.delete(clusterId);
      }
    if (after) {
      this.entries.set(after.id, after);
      for (const clusterId of after.clusters) {
        let set = this.byCluster.get(clusterId);
        if (!set) this.byCluster.set(clusterId, (set = new Set()));
        set.add(after.id);
      }
    } else if (before) this.entries.delete(before.id);
  }

  private notify(before: ReadonlySet<string> | undefined, after: ReadonlySet<string> | undefined): void {
    const touched = new Set<string>([...(before ?? []), ...(after ?? [])]);
    if (touched.size === 0) return;
    for (const listener of this.listeners) listener(touched);
  }
}

function sharesCluster(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const id of small) if (large.has(id)) return true;
  return false;
}
