import { MAX_STORED_TS } from '../devices/device-payload';

/** What a report's `ref` names, split into the columns it fills. */
export interface ParsedRef {
  scheduleId: string | null;
  occurrenceStart: Date | null;
  commandId: string | null;
  liveSessionId: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `${scheduleId}@${originalStartEpochMs}` → its parts, or null.
 * Stand-in until `@loa-xa/schedule` exports `parseOccurrenceId`; the lead swaps this for it.
 */
export function parseOccurrenceId(id: string): { scheduleId: string; start: number } | null {
  const at = id.lastIndexOf('@');
  if (at < 0) return null;
  const scheduleId = id.slice(0, at);
  const digits = id.slice(at + 1);
  if (!UUID.test(scheduleId) || !/^\d{1,16}$/.test(digits)) return null;
  const start = Number(digits);
  // Beyond what the database stores as a timestamp, it cannot be an occurrence the server planned.
  return start <= MAX_STORED_TS ? { scheduleId: scheduleId.toLowerCase(), start } : null;
}

/** The ids a ref carries for its source; null when it cannot name anything of that source. */
export function parseRef(source: string, ref: string): ParsedRef | null {
  const none: ParsedRef = { scheduleId: null, occurrenceStart: null, commandId: null, liveSessionId: null };
  switch (source) {
    case 'schedule': {
      const occurrence = parseOccurrenceId(ref);
      return occurrence
        ? { ...none, scheduleId: occurrence.scheduleId, occurrenceStart: new Date(occurrence.start) }
        : null;
    }
    case 'command':
      return UUID.test(ref) ? { ...none, commandId: ref.toLowerCase() } : null;
    case 'live':
      return UUID.test(ref) ? { ...none, liveSessionId: ref.toLowerCase() } : null;
    default:
      return null;
  }
}
