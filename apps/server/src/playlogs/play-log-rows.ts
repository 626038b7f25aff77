import type { DropReason, PlayLog, PlayReport } from '@loa-xa/protocol';
import { MAX_STORED_TS } from '../devices/device-payload';
import { parseRef, type ParsedRef } from './play-log-ref';

/** One report ready for the play_log INSERT (the commune and broadcast are filled in by the statement). */
export interface PlayLogInsert extends ParsedRef {
  clusterId: string;
  reportId: string;
  source: PlayReport['source'];
  ref: string;
  event: PlayReport['event'];
  reason: string | null;
  detail: string | null;
  playedMs: number | null;
  deviceAt: Date;
  correctedAt: Date | null;
  occurredAt: Date;
  receivedAt: Date;
}

export interface RejectedReport {
  reportId: string;
  reason: Extract<DropReason, 'unknown_occurrence' | 'schema'>;
  why: string;
}

/**
 * Splits a PlayLog into rows to store and reports to drop: a ref that cannot name anything of its source
 * (`unknown_occurrence`) or a time the database cannot hold (`schema`). The rest of the batch is kept.
 * `clockOffsetMs` is the cluster's last reported offset (device clock minus reference), null if unknown.
 */
export function toPlayLogRows(
  clusterId: string,
  log: PlayLog,
  receivedAt: Date,
  clockOffsetMs: number | null,
): { rows: PlayLogInsert[]; rejected: RejectedReport[] } {
  const rows: PlayLogInsert[] = [];
  const rejected: RejectedReport[] = [];
  for (const report of log.reports) {
    if (report.at > MAX_STORED_TS) {
      rejected.push({ reportId: report.id, reason: 'schema', why: `at ${report.at} is after year 9999` });
      continue;
    }
    const parsed = parseRef(report.source, report.ref);
    if (!parsed) {
      rejected.push({
        reportId: report.id,
        reason: 'unknown_occurrence',
        why: `${report.source} ref ${JSON.stringify(report.ref)} names no ${report.source === 'schedule' ? 'occurrence' : report.source === 'command' ? 'command' : 'live session'}`,
      });
      continue;
    }
    const correctedAt = clockOffsetMs === null ? null : new Date(report.at - clockOffsetMs);
    rows.push({
      clusterId,
      reportId: report.id,
      source: report.source,
      ref: report.ref,
      event: report.event,
      reason: report.reason ?? null,
      detail: report.detail ?? null,
      playedMs: report.playedMs ?? null,
      deviceAt: new Date(report.at),
      correctedAt,
      occurredAt: correctedAt ?? new Date(report.at),
      receivedAt,
      ...parsed,
    });
  }
  return { rows, rejected };
}
