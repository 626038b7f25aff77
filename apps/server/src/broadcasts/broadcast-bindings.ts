import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Priority } from '@loa-xa/protocol';
import type { TargetSpec } from '@loa-xa/persistence';
import { resolveTimeline, scheduledMs } from '@loa-xa/schedule';
import type { Principal } from '../access/scope';
import { MediaUsageRegistry } from '../media/media-usage.registry';
import type { ScheduledTimeSource } from '../playlogs/scheduled-time';
import type { ExpectedBroadcasts } from '../health/expected-broadcasts';
import type { LiveRollout } from '../live/live-rollout';
import { BroadcastsService } from './broadcasts.service';
import { SchedulePlanner } from './schedule-planner.service';
import { SchedulesService } from './schedules.service';

/** What the broadcasts module provides to the media library, play logs and live modules. */
@Injectable()
export class BroadcastBindings
  implements OnModuleInit, ScheduledTimeSource, LiveRollout, ExpectedBroadcasts
{
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
    const wanted = clusterIds ? new Set(clusterIds) : null;
    const items = new Map<string, { id: string; start: number; end: number; priority: Priority }[]>();
    for (const entry of this.planner.all()) {
      const occurrences = this.planner
        .occurrences(entry, { from, to: to + entry.durationMs })
        .filter((o) => o.start >= from && o.start < to);
      if (occurrences.length === 0) continue;
      for (const clusterId of entry.clusters) {
        if (wanted && !wanted.has(clusterId)) continue;
        let list = items.get(clusterId);
        if (!list) items.set(clusterId, (list = []));
        for (const o of occurrences)
          list.push({ id: `${entry.id}@${o.key}`, start: o.start, end: o.end, priority: entry.priority });
      }
    }
    const out = new Map<string, { occurrences: number; ms: number }>();
    for (const [clusterId, list] of items) {
      const timeline = resolveTimeline(list.map((i) => ({ ...i, source: 'schedule' as const })));
      out.set(clusterId, {
        occurrences: list.length,
        ms: scheduledMs(
          timeline.segments.map((s) => ({ start: s.from, end: s.to })),
          { from, to: Number.MAX_SAFE_INTEGER },
        ),
      });
    }
    return out;
  }

  /**
   * Occurrences starting in [from, to) that each cluster should start: those the preemption rule does not
   * block (an item already playing that may not be cut). Items that began before `from` are taken into
   * account through the longest schedule duration.
   */
  expectedStarts(from: number, to: number): Map<string, { id: string; start: number }[]> {
    const perCluster = new Map<string, { id: string; start: number; end: number; priority: Priority }[]>();
    for (const entry of this.planner.all()) {
      const occurrences = this.planner.occurrences(entry, { from, to });
      if (occurrences.length === 0) continue;
      for (const clusterId of entry.clusters) {
        let list = perCluster.get(clusterId);
        if (!list) perCluster.set(clusterId, (list = []));
        for (const o of occurrences)
          list.push({ id: `${entry.id}@${o.key}`, start: o.start, end: o.end, priority: entry.priority });
      }
    }
    const out = new Map<string, { id: string; start: number }[]>();
    for (const [clusterId, list] of perCluster) {
      const timeline = resolveTimeline(list.map((i) => ({ ...i, source: 'schedule' as const })));
      const blocked = new Set(timeline.blocked.map((b) => b.id));
      const starts = list
        .filter((i) => i.start >= from && i.start < to && !blocked.has(i.id))
        .map((i) => ({ id: i.id, start: i.start }));
      if (starts.length > 0) out.set(clusterId, starts);
    }
    return out;
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
