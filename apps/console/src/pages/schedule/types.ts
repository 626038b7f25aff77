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

/** A schedule as the calendar endpoint gives it: also those owned above the commune (read only). */
export interface CalendarSchedule extends Omit<ScheduleView, 'target' | 'clashes'> {
  /** null for a schedule owned outside my scope. */
  target: Target | null;
  ownerName: string;
  ownerLevel: string;
  /** "Huyện", "Thành phố", "Tỉnh" … (Vietnamese: names the owner's kind in Vietnamese labels). */
  ownerType: string | null;
  /** Owned by the district or province above the commune shown. */
  fromAbove: boolean;
  inScope: boolean;
  /** The server's verdict: scope, permission and priority allow changing it. */
  editable: boolean;
  contentName: string | null;
}

/** A clash of one occurrence with another on the commune's clusters. */
export interface CalendarRelation extends ClashView {
  otherOccurrenceId: string;
}

export interface CalendarOccurrenceView extends OccurrenceView {
  scheduleId: string;
  /** plays | preempted | blocked | skipped | disabled, by the preemption rule on the commune's clusters. */
  state: string;
  outcome: { plays: number; interrupted: number; blocked: number };
  relations: CalendarRelation[];
}

/** GET /schedules/calendar: everything that sounds in a unit over a range, in one answer. */
export interface CalendarResponse {
  unit: { id: string; name: string; level: string };
  from: string;
  to: string;
  schedules: CalendarSchedule[];
  occurrences: CalendarOccurrenceView[];
}

/** A calendar schedule with the clashes of its occurrences this week (for the list of schedules). */
export type WeekScheduleView = CalendarSchedule & { clashes: CalendarRelation[] };

/** A schedule with what the calendar needs for one week. */
export interface WeekSchedule {
  schedule: WeekScheduleView;
  occurrences: CalendarOccurrenceView[];
  /** Clashes by the original start (epoch ms) of this schedule's occurrence. */
  clashes: Map<number, CalendarRelation[]>;
}

/** One occurrence as the calendar places it. */
export interface CalendarOccurrence {
  key: string;
  group: string;
  start: number;
  end: number;
  occurrence: CalendarOccurrenceView;
  schedule: WeekScheduleView;
  clashes: CalendarRelation[];
}
