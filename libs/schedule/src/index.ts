// Pure broadcast scheduling logic: recurrence, clashes, preemption, download spreading. No framework, no I/O.
export { localToUtc, utcToLocal, localDate, localDayBounds, isValidTimeZone, offsetAt } from './time';
export {
  checkRecurrence,
  expand,
  occurrenceId,
  parseOccurrenceId,
  RecurrenceError,
  MAX_OCCURRENCES,
  MAX_EXDATES,
  PROBE_YEARS,
  type RecurrenceSpec,
  type OccurrenceOverride,
  type Occurrence,
  type RecurrenceProblem,
} from './recurrence';
export { MAX_COUNT, MAX_INTERVAL, MAX_STARTS_PER_DAY } from './rule';
export { findClashes, CLASH_SAMPLE_SIZE, type PlannedSchedule, type Clash } from './conflicts';
export { resolveTimeline, type TimelineItem, type TimelineResult } from './timeline';
export { fetchFrom, fetchMarginMs, FETCH_MIN_MARGIN_MS, FETCH_ASSUMED_BYTES_PER_S } from './fetch-spread';
export { scheduledMs } from './daily';
