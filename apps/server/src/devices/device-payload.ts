import { validatePayload, type DecodeResult, type PayloadName, type PayloadTypes } from '@loa-xa/protocol';

/**
 * Validates what the Nest MQTT server handed over: it has already tried JSON.parse, and passes the raw
 * text on when that failed (or when the payload was a JSON string).
 */
export function decodeDeviceMessage<N extends PayloadName>(
  name: N,
  data: unknown,
): DecodeResult<PayloadTypes[N]> {
  if (typeof data === 'string') {
    let reparsed: unknown;
    try {
      reparsed = JSON.parse(data);
    } catch {
      return { ok: false, reason: 'invalid_json', path: '/', message: 'payload is not valid JSON' };
    }
    return validatePayload(name, reparsed);
  }
  return validatePayload(name, data);
}
