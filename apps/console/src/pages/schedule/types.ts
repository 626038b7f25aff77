/** What the broadcasting, registry and media APIs answer, as far as the schedule page reads them. */

export const PRIORITIES = ['emergency', 'province', 'district', 'commune', 'routine'] as const;
export type Priority = (typeof PRIORITIES)[number];

export interface Target {
  unitIds?: string[];
  villageIds?: string[];
  groupIds?: string[];
  clusterIds?: string[];
}

export interface ClashView {
  kind: 'conflict' | 'preempts' | 'preempted' | string;
  scheduleId: string;
  scheduleTitle: string;
  priority: string;
  occurrenceStart: string;
  otherOccurrenceStart: string;
  from: string;
  to: string;
  clusterCount: number;
  sampleClusterIds: string[];
}

export interface ScheduleView {
  id: string;
  title: string;
  unitId: string;
  programId: string | null;
  assetId: string | null;
  priority: Priority;
  volume: number;
  target: Target;
  start: string;
  timeZone: string;
  rrule: string | null;
  validFrom: string | null;
  validUntil: string | null;
  exdates: string[];
  durationMs: number;
  enabled: boolean;
  forced: boolean;
  clusterCount: number;
  clashes: ClashView[];
  revision: number;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface OccurrenceView {
  id: string;
  originalStart: string;
  start: string;
  end: string;
  status: 'scheduled' | 'moved' | 'skipped' | string;
  targets: number;
  acked: number;
  ready: number;
  played: { started: number; finished: number; failed: number };
}

export interface UnitRef {
  id: string;
  code: string;
  level: 'province' | 'district' | 'commune' | 'village' | string;
  name: string;
  type: string | null;
}

export interface UnitDetail extends UnitRef {
  parentId: string | null;
  ancestors: UnitRef[];
}

export interface ClusterRow {
  id: string;
  code: string;
  name: string;
  kind: string;
  lifecycle: string;
  communeId: string;
  villageId: string | null;
  latitude: number | null;
  longitude: number | null;
  online: boolean;
  lastSeenAt: string | null;
  activeFaults: string[];
}

export interface MediaRow {
  id: string;
  title: string;
  status: 'processing' | 'ready' | 'failed' | string;
  durationMs: number;
}

export interface ProgramRow {
  id: string;
  name: string;
  durationMs: number;
  ready: boolean;
}

/** A schedule with what the calendar needs for one week. */
export interface WeekSchedule {
  schedule: ScheduleView;
  occurrences: OccurrenceView[];
  /** Clashes by the original start (epoch ms) of this schedule's occurrence. */
  clashes: Map<number, ClashView[]>;
}

/** One occurrence as the calendar places it. */
export interface CalendarOccurrence {
  key: string;
  group: string;
  start: number;
  end: number;
  occurrence: OccurrenceView;
  schedule: ScheduleView;
  clashes: ClashView[];
}
