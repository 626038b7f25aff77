import { Injectable } from '@nestjs/common';
import type { Scope } from '../access/scope';
import { PlayLogRepository } from './play-log.repository';

export interface OccurrencePlayCounts {
  /** Clusters that reported it started. */
  started: number;
  finished: number;
  failed: number;
}

/** What other modules may ask of the play log (the schedules API shows, per occurrence, who played it). */
@Injectable()
export class PlayLogQueries {
  constructor(private readonly repository: PlayLogRepository) {}

  /**
   * For each occurrence of a schedule (key: its original start, epoch ms), how many clusters reported
   * started / finished / failed; every asked key is in the map (zeros when nobody reported). `scope`
   * limits the count to clusters in the caller's part of the tree (null: all).
   */
  async startedForOccurrences(
    scheduleId: string,
    keys: readonly number[],
    scope: Scope | null = null,
  ): Promise<Map<number, OccurrencePlayCounts>> {
    const out = new Map<number, OccurrencePlayCounts>(
      keys.map((key) => [key, { started: 0, finished: 0, failed: 0 }]),
    );
    for (const row of await this.repository.occurrenceCounts(scheduleId, [...out.keys()], scope))
      out.set(row.key, { started: row.started, finished: row.finished, failed: row.failed });
    return out;
  }
}
