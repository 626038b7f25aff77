/*
 * What sounds in one unit, pure (no I/O): clashes between the schedules reaching it, restricted to its
 * clusters, and what each occurrence's clusters actually play by the protocol's preemption rule.
 */
import type { Priority } from '@loa-xa/protocol';
import type { TargetSpec } from '@loa-xa/persistence';
import {
  findClashes,
  occurrenceId,
  resolveTimeline,
  type Clash,
  type Occurrence,
  type TimelineItem,
} from '@loa-xa/schedule';

/** One enabled schedule as it plays in the unit: only its target clusters inside the unit. */
export interface UnitSchedule {
  id: string;
  priority: Priority;
  clusters: ReadonlySet<string>;
  /** Not skipped, overlapping the range. */
  occurrences: readonly Occurrence[];
}

/** Clashes of every schedule with the others, on the unit's clusters only (by schedule id). */
export function unitClashes(schedules: readonly UnitSchedule[]): Map<string, Clash[]> {
  const out = new Map<string, Clash[]>();
  for (const s of schedules)
    out.set(
      s.id,
      findClashes(
        s,
        schedules.filter((o) => o.id !== s.id),
      ),
    );
  return out;
}

export interface Outcome {
  plays: number;
  interrupted: number;
  blocked: number;
}

/**
 * Per occurrence id, on how many of its clusters it plays, is cut or never starts. Clusters reached by the
 * same schedules share one timeline, so it is resolved once per such set, not once per cluster.
 */
export function unitOutcomes(schedules: readonly UnitSchedule[]): Map<string, Outcome> {
  const byCluster = new Map<string, string[]>();
  for (const s of schedules)
    for (const c of s.clusters) {
      const list = byCluster.get(c);
      if (list) list.push(s.id);
      else byCluster.set(c, [s.id]);
    }
  const sets = new Map<string, { ids: string[]; clusters: number }>();
  for (const ids of byCluster.values()) {
    const key = [...ids].sort().join(',');
    const set = sets.get(key);
    if (set) set.clusters++;
    else sets.set(key, { ids, clusters: 1 });
  }
  const byId = new Map(schedules.map((s) => [s.id, s]));
  const out = new Map<string, Outcome>();
  for (const { ids, clusters } of sets.values()) {
    const items: TimelineItem[] = ids.flatMap((id) => {
      const s = byId.get(id) as UnitSchedule;
      return s.occurrences.map((o) => ({
        id: occurrenceId(s.id, o.key),
        start: o.start,
        end: o.end,
        priority: s.priority,
        source: 'schedule' as const,
      }));
    });
    const result = resolveTimeline(items);
    const interrupted = new Set(result.interrupted.map((i) => i.id));
    const blocked = new Set(result.blocked.map((b) => b.id));
    for (const item of items) {
      const o = out.get(item.id) ?? { plays: 0, interrupted: 0, blocked: 0 };
      if (blocked.has(item.id)) o.blocked += clusters;
      else if (interrupted.has(item.id)) o.interrupted += clusters;
      else o.plays += clusters;
      out.set(item.id, o);
    }
  }
  return out;
}

/** A cluster as a target test sees it. */
export interface ClusterPlace {
  id: string;
  /** Path of its commune. */
  communePath: string;
  villageId: string | null;
  broadcastable: boolean;
}

/**
 * The clusters among `clusters` a saved target reaches, by the target resolver's rules (units by path,
 * villages, groups, clusters; IP clusters that take broadcasts) — for schedules the planner does not hold
 * (disabled ones), without a query per schedule.
 */
export function reachedAmong(
  target: TargetSpec,
  clusters: readonly ClusterPlace[],
  unitPaths: ReadonlyMap<string, string>,
  groupMembers: ReadonlyMap<string, ReadonlySet<string>>,
): Set<string> {
  const paths = (target.unitIds ?? []).flatMap((id) => {
    const p = unitPaths.get(id);
    return p ? [p] : [];
  });
  const villages = new Set(target.villageIds ?? []);
  const ids = new Set(target.clusterIds ?? []);
  const groups = (target.groupIds ?? []).flatMap((g) => {
    const members = groupMembers.get(g);
    return members ? [members] : [];
  });
  const out = new Set<string>();
  for (const c of clusters) {
    if (!c.broadcastable) continue;
    if (
      ids.has(c.id) ||
      (c.villageId !== null && villages.has(c.villageId)) ||
      paths.some((p) => c.communePath === p || c.communePath.startsWith(`${p}/`)) ||
      groups.some((m) => m.has(c.id))
    )
      out.add(c.id);
  }
  return out;
}
