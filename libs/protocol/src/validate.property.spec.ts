import fc from 'fast-check';
import { DROP_REASONS } from './errors';
import { PAYLOAD_SCHEMAS, type PayloadName } from './schemas';
import { TOPIC_SPECS } from './topics';
import { decodePayload, validatePayload } from './validate';
import { defectiveMessage, validMessage } from '../../../test/fuzz/payload-arbitraries';

/*
 * Property tests of the contract's validator against messages generated from the schemas themselves:
 * whatever bytes or JSON arrive on a channel, decoding never throws; every message with one defect is
 * refused with a reason and the field at fault; every message the schema allows is accepted.
 */

const RUNS = 10_000;
/** Every payload of the contract: the five device channels and the server's command. */
const PAYLOADS = [...new Set(Object.values(TOPIC_SPECS).map((spec) => spec.payload))] as PayloadName[];

describe('contract validator, property-based', () => {
  it('covers every payload schema', () => {
    expect(new Set(PAYLOADS)).toEqual(new Set(Object.keys(PAYLOAD_SCHEMAS)));
  });

  describe.each(PAYLOADS)('%s', (name) => {
    it(`never throws on arbitrary bytes, and refuses them with a drop reason (${RUNS} runs)`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
          const result = decodePayload(name, Buffer.from(bytes));
          if (!result.ok) {
            expect(DROP_REASONS).toContain(result.reason);
            expect(result.message).not.toBe('');
          }
        }),
        { numRuns: RUNS },
      );
    });

    it(`never throws on arbitrary JSON, and refuses any that is not a message (${RUNS} runs)`, () => {
      fc.assert(
        fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
          const result = validatePayload(name, value);
          expect(result.ok).toBe(false);
          if (!result.ok) {
            expect(['schema', 'version']).toContain(result.reason);
            expect(result.path.startsWith('/')).toBe(true);
          }
          expect(() => decodePayload(name, JSON.stringify(value))).not.toThrow();
        }),
        { numRuns: RUNS },
      );
    });

    it(`accepts every message the schema allows (${RUNS} runs)`, () => {
      fc.assert(
        fc.property(validMessage(name), (message) => {
          // Through JSON text, as on the wire.
          const result = decodePayload(name, JSON.stringify(message));
          if (!result.ok) throw new Error(`refused a valid ${name}: ${result.message}`);
        }),
        { numRuns: RUNS },
      );
    });

    it(`refuses every message with one defect, naming the field (${RUNS} runs)`, () => {
      fc.assert(
        fc.property(defectiveMessage(name), (defect) => {
          const result = decodePayload(name, defect.raw);
          if (result.ok) throw new Error(`accepted a defective ${name}: ${defect.what}`);
          if (result.reason !== defect.reason)
            throw new Error(`${defect.what}: reason ${result.reason}, expected ${defect.reason}`);
          const named = result.path === defect.path || result.path.startsWith(`${defect.path}/`);
          if (!named)
            throw new Error(`${defect.what}: blamed ${result.path} (${result.message}), not ${defect.path}`);
        }),
        { numRuns: RUNS },
      );
    });
  });

  // String() of a deeply nested array overflows the stack: the version message must not use it.
  it('does not throw on a `v` nested thousands of levels deep', () => {
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const result = decodePayload('Status', `{"v":${deep},"ts":0,"state":"online"}`);
    expect(result).toMatchObject({ ok: false, reason: 'version', path: '/v' });
  });
});
