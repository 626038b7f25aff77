/*
 * What one cluster actually plays when items overlap, by the protocol's preemption rule (docs/protocol.md
 * §11.2, `preempts` in libs/protocol/src/playout.ts). The server uses it to predict and explain outcomes; the
 * device applies the same rule live.
 */
import { PRIORITY_RANK, preempts, type PlayoutSource, type Priority } from '@loa-xa/protocol';

export interface TimelineItem {
  id: string;
  start: number;
  end: number;
  priority: Priority;
  source: PlayoutSource;
}

export interface TimelineResult {
  /** On air, in time order. */
  segments: { id: string; from: number; to: number }[];
  /** Cut before their end by a preempting item. */
  interrupted: { id: string; at: number; by: string }[];
  /** Never started: something that may not be cut was playing (reported failed / preempted). */
  blocked: { id: string; by: string }[];
}

/**
 * Items are taken by start (ties: higher priority first, then id). One starting while another plays takes
 * over if it preempts it, which is then interrupted at that instant; otherwise it is blocked and does not
 * start late. Every item stops at its own end. Items with end ≤ start play nothing and are left out.
 */
export function resolveTimeline(items: readonly TimelineItem[]): TimelineResult {
  const result: TimelineResult = { segments: [], interrupted: [], blocked: [] };
  const queue = items
    .filter((i) => i.end > i.start)
    .sort(
      (a, b) =>
        a.start - b.start ||
        PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
  let current: TimelineItem | null = null;
  let since = 0;
  const close = (to: number) => {
    if (current && to > since) result.segments.push({ id: current.id, from: since, to });
  };
  for (const item of queue) {
    if (current && current.end <= item.start) {
      close(current.end);
      current = null;
    }
    if (current && !preempts(item, current)) {
      result.blocked.push({ id: item.id, by: current.id });
      continue;
    }
    if (current) {
      close(item.start);
      result.interrupted.push({ id: current.id, at: item.start, by: item.id });
    }
    current = item;
    since = item.start;
  }
  if (current) close(current.end);
  return result;
}
