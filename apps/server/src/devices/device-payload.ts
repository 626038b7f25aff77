import { validatePayload, type DecodeResult, type PayloadName, type PayloadTypes } from '@loa-xa/protocol';
import { MAX_NESTING, storageProblems } from '../common/text';

/**
 * Latest device `ts` the server stores: telemetry and events keep it as a timestamp, and PGlite writes a
 * date as ISO text, which has no year after 9999 (the contract allows up to 8.64e15, year 275760). A day
 * is kept spare because an event is placed at `ts` minus the device's clock offset (at most ±1 day).
 */
export const MAX_STORED_TS = Date.UTC(9999, 11, 31) - 1;

/**
 * Validates what the Nest MQTT server handed over: it has already tried JSON.parse, and passes the raw
 * text on when that failed — or the parsed string when the payload was a JSON string.
 *
 * Beyond the contract's schema, a message is refused (reason `schema`) when the server could not store it
 * as sent: a string with U+0000 or an unpaired surrogate, a number JSON.stringify would turn into null
 * (`1e309`), nesting deeper than MAX_NESTING (in `ext` or `result`), or a `ts` after MAX_STORED_TS. Stored,
 * such a message would fail its INSERT, and a telemetry batch that fails is kept and retried, so one bad
 * message would stop every cluster's telemetry from being written.
 */
export function decodeDeviceMessage<N extends PayloadName>(
  name: N,
  data: unknown,
): DecodeResult<PayloadTypes[N]> {
  if (typeof data === 'string') {
    try {
      JSON.parse(data);
    } catch {
      return { ok: false, reason: 'invalid_json', path: '/', message: 'payload is not valid JSON' };
    }
    // Text that parses again was a JSON string literal (for example a payload encoded twice): a string
    // is not the object the contract asks for, whatever it contains.
    return { ok: false, reason: 'schema', path: '/', message: '/: Expected object, got a JSON string' };
  }
  const result = validatePayload(name, data);
  if (!result.ok) return result;
  const [problem] = storageProblems(data, MAX_NESTING, 1);
  if (problem) {
    const path = `/${problem.path.map(pointerSegment).join('/')}`;
    return { ok: false, reason: 'schema', path, message: `${path}: ${problem.problem}` };
  }
  const ts = (data as { ts: number }).ts;
  if (ts > MAX_STORED_TS) {
    return {
      ok: false,
      reason: 'schema',
      path: '/ts',
      message: `/ts: ${ts} is after ${new Date(MAX_STORED_TS).toISOString()}, the latest time the server stores`,
    };
  }
  return result;
}

/** A JSON Pointer segment (RFC 6901). */
function pointerSegment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
