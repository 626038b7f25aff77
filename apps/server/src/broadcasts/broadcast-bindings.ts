import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Priority } from '@loa-xa/protocol';
import type { TargetSpec } from '@loa-xa/persistence';
import { resolveTimeline, scheduledMs, type Occurrence, type TimelineItem } from '@loa-xa/schedule';
import type { Principal } from '../access/scope';
import { MediaUsageRegistry } from '../media/media-usage.registry';
import type { ScheduledTimeSource } from '../playlogs/scheduled-time';
import type { ExpectedBroadcasts } from '../health/expected-broadcasts';
import type { LiveRollout } from '../live/live-rollout';
import { BroadcastsService } from './broadcasts.service';
import { SchedulePlanner, type PlannedEntry } from './schedule-planner.service';
import { SchedulesService } from './schedules.service';

/** What the broadcasts module provides to the media library, play logs and live modules. */
@Injectable()
export class BroadcastBindings implements OnModuleInit, ScheduledTimeSource, LiveRollout, ExpectedBroadcasts {
  constructor(
    private readonly planner: SchedulePlanner,
    private readonly schedules: SchedulesService,
    private readonly broadcasts: BroadcastsService,
    private readonly usage: MediaUsageRegistry,
  ) {}

  onModuleInit(): void {
    this.usage.register((assetId) => this.schedules.usesOfAsset(assetId));
  }

  /** Scheduled occurrences starting in [from, to) per cluster, and the time each cluster would play. */
  async scheduledByCluster(
    clusterIds: readonly string[] | null,
    from: number,
    to: number,
  ): Promise<Map<string, { occurrences: number; ms: number }>> {
    const out = new Map<string, { occurrences: number; ms: number }>();
    const wanted = clusterIds ? new Set(clusterIds) : null;
    for (const group of this.clusterGroups(wanted, (entry) =>
      this.planner
        .occurrences(entry, { from, to: to + entry.durationMs })
        .filter((o) => o.start >= from && o.start < to),
    )) {
      const timeline = resolveTimeline(group.items);
      const result = {
        occurrences: group.items.length,
        ms: scheduledMs(
          timeline.segments.map((s) => ({ start: s.from, end: s.to })),
          { from, to: Number.MAX_SAFE_INTEGER },
        ),
      };
      for (const clusterId of group.clusters) out.set(clusterId, result);
    }
    return out;
  }

  /**
   * Occurrences starting in [from, to) that each cluster should start: those the preemption rule does not
   * block (an item already playing that may not be cut).
   */
  expectedStarts(from: number, to: number): Map<string, { id: string; start: number }[]> {
    const out = new Map<string, { id: string; start: number }[]>();
    for (const group of this.clusterGroups(null, (entry) => this.planner.occurrences(entry, { from, to }))) {
      const blocked = new Set(resolveTimeline(group.items).blocked.map((b) => b.id));
      const starts = group.items
        .filter((i) => i.start >= from && i.start < to && !blocked.has(i.id))
        .map((i) => ({ id: i.id, start: i.start }));
      if (starts.length === 0) continue;
      for (const clusterId of group.clusters) out.set(clusterId, starts);
    }
    return out;
  }

  /**
   * Clusters grouped by the set of schedules reaching them, with those schedules' occurrences as timeline
   * items: every cluster of a commune usually shares one set, so a province's 10,000 clusters need a few
   * hundred timelines, not 10,000. Each schedule is expanded once.
   */
  private clusterGroups(
    wanted: ReadonlySet<string> | null,
    occurrencesOf: (entry: PlannedEntry) => Occurrence[],
  ): { clusters: string[]; items: TimelineItem[] }[] {
    const entries: { entry: PlannedEntry; items: TimelineItem[] }[] = [];
    const reaching = new Map<string, number[]>();
    for (const entry of this.planner.all()) {
      const occurrences = occurrencesOf(entry);
      if (occurrences.length === 0) continue;
      const index = entries.length;
      entries.push({
        entry,
        items: occurrences.map((o) => ({
          id: `${entry.id}@${o.key}`,
          start: o.start,
          end: o.end,
          priority: entry.priority,
          source: 'schedule' as const,
        })),
      });
      for (const clusterId of entry.clusters) {
        if (wanted && !wanted.has(clusterId)) continue;
        const list = reaching.get(clusterId);
        if (list) list.push(index);
        else reaching.set(clusterId, [index]);
      }
    }
    const groups = new Map<string, { clusters: string[]; items: TimelineItem[] }>();
    for (const [clusterId, indexes] of reaching) {
      const key = indexes.join(',');
      let group = groups.get(key);
      if (!group) {
        group = { clusters: [], items: indexes.flatMap((i) => entries[i].items) };
        groups.set(key, group);
      }
      group.clusters.push(clusterId);
    }
    return [...groups.values()];
  }

  check(principal: Principal, target: TargetSpec, priority: Priority): Promise<number> {
    return this.broadcasts.check(principal, target, priority);
  }

  async start(
    principal: Principal,
    live: {
      sessionId: string;
      title: string;
      target: TargetSpec;
      priority: Priority;
      volume?: number;
      streamUrlFor: (clusterId: string) => string;
    },
  ): Promise<{ broadcastId: string; clusters: number }> {
    const view = await this.broadcasts.startLive(principal, live);
    return { broadcastId: view.id, clusters: view.summary.targets };
  }

  async stop(
    principal: Principal,
    live: { sessionId: string; broadcastId: string; priority: Priority },
  ): Promise<void> {
    await this.broadcasts.stopBroadcast(principal, live.broadcastId);
  }
}
