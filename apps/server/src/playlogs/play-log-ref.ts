import { parseOccurrenceId } from '@loa-xa/schedule';
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
 * An occurrence id the server could have planned: `${scheduleId}@${originalStartEpochMs}` with a uuid schedule
 * and a start the database can store.
 */
function occurrenceOf(id: string): { scheduleId: string; start: number } | null {
  const parsed = parseOccurrenceId(id);
  if (!parsed || !UUID.test(parsed.scheduleId) || parsed.key < 0 || parsed.key > MAX_STORED_TS) return null;
  return { scheduleId: parsed.scheduleId.toLowerCase(), start: parsed.key };
}

/** The ids a ref carries for its source; null when it cannot name anything of that source. */
export function parseRef(source: string, ref: string): ParsedRef | null {
  const none: ParsedRef = { scheduleId: null, occurrenceStart: null, commandId: null, liveSessionId: null };
  switch (source) {
    case 'schedule': {
      const occurrence = occurrenceOf(ref);
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
