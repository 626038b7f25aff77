import { TypeCompiler, ValueErrorType, type TypeCheck, type ValueError } from '@sinclair/typebox/compiler';
import { FormatRegistry, type TSchema } from '@sinclair/typebox';
import { PAYLOAD_SCHEMAS, type PayloadName, type PayloadTypes } from './schemas';
import type { DropReason } from './errors';
import { PROTOCOL_VERSION } from './version';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', (value) => UUID.test(value));

export type DecodeResult<T> =
  { ok: true; value: T } | { ok: false; reason: DropReason; path: string; message: string };

const compiled = new Map<TSchema, TypeCheck<TSchema>>();

function checker(schema: TSchema): TypeCheck<TSchema> {
  let check = compiled.get(schema);
  if (!check) {
    check = TypeCompiler.Compile(schema);
    compiled.set(schema, check);
  }
  return check;
}

/** The property whose literal value tells the variants of a union of objects apart (`type` for commands). */
function discriminator(union: TSchema): string | undefined {
  const variants = (union.anyOf ?? []) as TSchema[];
  const first = variants[0]?.properties as Record<string, TSchema> | undefined;
  if (!first) return undefined;
  return Object.keys(first).find((key) => {
    const values = variants.map(
      (variant) => (variant.properties as Record<string, TSchema> | undefined)?.[key]?.const,
    );
    return values.every((value) => value !== undefined) && new Set(values).size === variants.length;
  });
}

/**
 * A union error says only "Expected union value" at the union's own path (for a command: `/`). Point at
 * the field that is actually wrong instead:
 * - a union of objects told apart by a literal (`type` of a command): the error of the variant the value
 *   names (a bad `params.volume` is reported at `/params/volume`), or the discriminator itself when the
 *   value names no variant (an unknown command `type` is reported at `/type`);
 * - otherwise the one variant that got past the union's own level (the object branch of `object | null`),
 *   or the one variant with strictly fewest errors; failing both, the union error as it is.
 */
function mostSpecific(error: ValueError): ValueError {
  if (error.type !== ValueErrorType.Union || error.errors.length === 0) return error;
  const variants = error.errors.map((iterator) => [...iterator]);
  if (variants.some((errors) => errors.length === 0)) return error;

  const key = discriminator(error.schema);
  if (key !== undefined && typeof error.value === 'object' && error.value !== null) {
    const named = (error.value as Record<string, unknown>)[key];
    const index = ((error.schema.anyOf ?? []) as TSchema[]).findIndex(
      (variant) => (variant.properties as Record<string, TSchema>)[key].const === named,
    );
    return index >= 0 ? mostSpecific(variants[index][0]) : { ...error, path: `${error.path}/${key}` };
  }

  const deeper = variants.filter((errors) => errors[0].path !== error.path);
  if (deeper.length === 1) return mostSpecific(deeper[0][0]);
  const fewest = Math.min(...variants.map((errors) => errors.length));
  const closest = variants.filter((errors) => errors.length === fewest);
  return closest.length === 1 ? mostSpecific(closest[0][0]) : error;
}

/** Validates an already-parsed value against any contract schema. */
export function validateAgainst<T>(schema: TSchema, value: unknown): DecodeResult<T> {
  const check = checker(schema);
  if (check.Check(value)) return { ok: true, value: value as T };
  const isObject = typeof value === 'object' && value !== null;
  if (isObject && 'v' in value && (value as { v: unknown }).v !== PROTOCOL_VERSION) {
    return {
      ok: false,
      reason: 'version',
      path: '/v',
      message: `protocol version ${describeVersion((value as { v: unknown }).v)} is not supported (expected ${PROTOCOL_VERSION})`,
    };
  }
  const found = check.Errors(value).First();
  const first = found && mostSpecific(found);
  return {
    ok: false,
    reason: 'schema',
    path: first?.path || '/',
    message: first ? `${first.path || '/'}: ${first.message}` : 'does not match the schema',
  };
}

/** Validates a parsed payload for a named message. */
export function validatePayload<N extends PayloadName>(
  name: N,
  value: unknown,
): DecodeResult<PayloadTypes[N]> {
  return validateAgainst<PayloadTypes[N]>(PAYLOAD_SCHEMAS[name], value);
}

/** Parses raw MQTT payload bytes (or text) as JSON and validates it. */
export function decodePayload<N extends PayloadName>(
  name: N,
  raw: Buffer | string,
): DecodeResult<PayloadTypes[N]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    return { ok: false, reason: 'invalid_json', path: '/', message: 'payload is not valid JSON' };
  }
  return validatePayload(name, parsed);
}

/** Serialises a payload for publishing. Throws on a payload that breaks the contract (a bug on our side). */
export function encodePayload<N extends PayloadName>(name: N, value: PayloadTypes[N]): Buffer {
  const result = validatePayload(name, value);
  if (!result.ok) throw new Error(`refusing to publish an invalid ${name}: ${result.message}`);
  return Buffer.from(JSON.stringify(value));
}

/**
 * How a wrong `v` reads in a message. Only primitives are printed: String() of an array nested thousands of
 * levels deep overflows the stack, and a device must never be able to make validation throw.
 */
function describeVersion(v: unknown): string {
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return JSON.stringify(v) ?? String(v);
  return Array.isArray(v) ? '(an array)' : '(an object)';
}
