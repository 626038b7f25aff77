import fc from 'fast-check';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import { PAYLOAD_SCHEMAS, PROTOCOL_VERSION, type DropReason, type PayloadName } from '@loa-xa/protocol';

/*
 * fast-check arbitraries built from the contract's own schemas (libs/protocol/src/schemas.ts): messages
 * that are valid, and messages with exactly one defect, each with the drop reason and the JSON Pointer of
 * the field the validator must blame. Used by the protocol's property test and by the MQTT fuzz test.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The JSON Schema keywords TypeBox emits for the contract. */
interface JsonSchema {
  const?: unknown;
  anyOf?: JsonSchema[];
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  patternProperties?: Record<string, JsonSchema>;
  maxProperties?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
}

const schemaOf = (name: PayloadName) => PAYLOAD_SCHEMAS[name] as unknown as JsonSchema;

/**
 * One UTF-16 code unit per generated unit (so fast-check's lengths are the lengths the schema counts):
 * mostly printable ASCII and Vietnamese letters, sometimes anything at all — controls, NUL, U+FEFF, a
 * variation selector, half of a surrogate pair.
 */
export const anyCodeUnit = fc
  .oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
    { weight: 2, arbitrary: fc.integer({ min: 0xa0, max: 0x1fff }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }) },
  )
  .map((code) => String.fromCharCode(code));

/** Printable ASCII only: for messages a real server must store. */
export const asciiCodeUnit = fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code));

export interface ValidOptions {
  /** Generator of one code unit of free text. */
  unit?: fc.Arbitrary<string>;
  /** Largest depth of the free JSON under `ext` / `result`. */
  extDepth?: number;
  /** Defects may be large (strings and arrays of tens of kilobytes, still within one MQTT packet). */
  large?: boolean;
}

function integerBetween(min: number, max: number): fc.Arbitrary<number> {
  if (min >= -0x80000000 && max <= 0x7fffffff) return fc.integer({ min, max });
  return fc.bigInt({ min: BigInt(min), max: BigInt(max) }).map(Number);
}

/** Arbitrary of values valid against `schema`. */
export function validArbitrary(schema: JsonSchema, options: ValidOptions = {}): fc.Arbitrary<Json> {
  const unit = options.unit ?? anyCodeUnit;
  const extDepth = options.extDepth ?? 3;
  const free = (): fc.Arbitrary<Json> =>
    fc.jsonValue({ maxDepth: extDepth, depthSize: 'small' }) as fc.Arbitrary<Json>;
  const build = (s: JsonSchema): fc.Arbitrary<Json> => {
    if (s.const !== undefined) return fc.constant(s.const as Json);
    if (s.anyOf) return fc.oneof(...s.anyOf.map(build));
    switch (s.type) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer':
        return integerBetween(s.minimum ?? Number.MIN_SAFE_INTEGER, s.maximum ?? Number.MAX_SAFE_INTEGER);
      case 'number':
        return fc.double({
          min: s.minimum ?? -1e300,
          max: s.maximum ?? 1e300,
          noNaN: true,
          noDefaultInfinity: true,
        });
      case 'string':
        if (s.format === 'uuid') return fc.uuid();
        if (s.pattern) {
          const matching = fc.stringMatching(new RegExp(s.pattern));
          return s.maxLength === undefined
            ? matching
            : matching.filter((v) => v.length <= (s.maxLength as number));
        }
        return fc.string({ unit, minLength: s.minLength ?? 0, maxLength: s.maxLength ?? 100 });
      case 'array': {
        const items = build(s.items as JsonSchema);
        return s.uniqueItems
          ? fc.uniqueArray(items, {
              minLength: s.minItems ?? 0,
              maxLength: Math.min(s.maxItems ?? 10, 20),
              selector: (v) => JSON.stringify(v),
            })
          : fc.array(items, { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 10, 20) });
      }
      case 'object': {
        if (s.patternProperties) {
          return fc.dictionary(fc.string({ unit, maxLength: 64 }), free(), {
            maxKeys: s.maxProperties ?? 10,
            noNullPrototype: true,
          }) as fc.Arbitrary<Json>;
        }
        const properties = s.properties ?? {};
        const model: Record<string, fc.Arbitrary<Json>> = {};
        for (const [key, child] of Object.entries(properties)) model[key] = build(child);
        return fc.record(model, {
          requiredKeys: s.required ?? [],
          noNullPrototype: true,
        }) as fc.Arbitrary<Json>;
      }
      default:
        return free(); // Unknown: any JSON value
    }
  };
  return build(schema);
}

/** Valid messages of one payload type. */
export function validMessage(name: PayloadName, options?: ValidOptions): fc.Arbitrary<Json> {
  return validArbitrary(schemaOf(name), options);
}

/** A message with one defect, as raw JSON text, with what the validator must say about it. */
export interface Defect {
  raw: string;
  reason: DropReason;
  /** JSON Pointer of the field at fault. */
  path: string;
  /** What was done, for failure messages. */
  what: string;
}

/** A place in a valid message where a defect can be put. */
interface Site {
  path: string[];
  schema: JsonSchema;
  value: Json | undefined;
  parent: JsonSchema;
}

const checkers = new Map<JsonSchema, ReturnType<typeof TypeCompiler.Compile>>();
function matches(schema: JsonSchema, value: unknown): boolean {
  let check = checkers.get(schema);
  if (!check) {
    check = TypeCompiler.Compile(schema as unknown as TSchema);
    checkers.set(schema, check);
  }
  return check.Check(value);
}

/** Every named property (nested ones included) of a valid value, with its schema. */
function sitesOf(schema: JsonSchema, value: Json, path: string[] = []): Site[] {
  if (schema.anyOf) {
    const variant = schema.anyOf.find((v) => matches(v, value));
    return variant && variant.properties ? sitesOf(variant, value, path) : [];
  }
  if (schema.type !== 'object' || !schema.properties) return [];
  const object = value as Record<string, Json>;
  const out: Site[] = [];
  for (const [key, child] of Object.entries(schema.properties)) {
    const site = { path: [...path, key], schema: child, value: object[key], parent: schema };
    out.push(site);
    if (object[key] !== undefined && object[key] !== null && typeof object[key] === 'object')
      out.push(...sitesOf(child, object[key], site.path));
  }
  return out;
}

/** The variant a union resolves to for `value`, or the schema itself. */
function resolved(schema: JsonSchema, value: Json | undefined): JsonSchema {
  if (!schema.anyOf || value === undefined) return schema;
  return schema.anyOf.find((v) => matches(v, value)) ?? schema;
}

/** JSON types a schema accepts (`integer` counts as number). */
function acceptedTypes(schema: JsonSchema): Set<string> {
  if (schema.anyOf) return new Set(schema.anyOf.flatMap((v) => [...acceptedTypes(v)]));
  if (schema.const !== undefined) return new Set([jsonType(schema.const as Json)]);
  if (!schema.type) return new Set(['null', 'boolean', 'number', 'string', 'array', 'object']);
  return new Set([schema.type === 'integer' ? 'number' : schema.type]);
}

function jsonType(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

const smallJson = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;
const EXTRA_KEYS = fc.constantFrom(
  'extra',
  'V',
  'TS',
  'version',
  'constructor',
  'x-vendor',
  'ext2',
  'ví dụ',
  '__proto__',
);
const OTHER_VERSIONS = fc.oneof(
  fc.constantFrom<Json>(0, 2, -1, 1.5, '1', 'v1', true, null, [1], { v: 1 }, 100),
  fc.integer().filter((n) => n !== PROTOCOL_VERSION),
);

/** Values of every JSON type, some of them odd. */
const OF_TYPE: Record<string, fc.Arbitrary<Json>> = {
  null: fc.constant(null),
  boolean: fc.boolean(),
  number: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
  string: fc.oneof(
    fc.constantFrom('', '1', 'true', 'null', 'NaN', '{}', '\u0000', '\ud800', 'ﾟ･✿ヾ╲(｡◕‿◕｡)╱✿･ﾟ'),
    fc.string({ unit: anyCodeUnit, maxLength: 20 }),
  ),
  array: fc.oneof(fc.constant<Json>([]), fc.array(smallJson, { maxLength: 5 })),
  object: fc.oneof(
    fc.constant<Json>({}),
    fc.constant<Json>({ a: { b: [1, { c: null }] } }),
    fc.dictionary(fc.string({ maxLength: 8 }), smallJson, {
      maxKeys: 4,
      noNullPrototype: true,
    }),
  ),
};

/** Arbitraries depend on the schema only: build each once (a defect is drawn thousands of times). */
function cached<A extends unknown[]>(
  build: (schema: JsonSchema, ...rest: A) => fc.Arbitrary<Json> | null,
): (schema: JsonSchema, ...rest: A) => fc.Arbitrary<Json> | null {
  const cache = new Map<string, Map<JsonSchema, fc.Arbitrary<Json> | null>>();
  return (schema, ...rest) => {
    const key = JSON.stringify(rest);
    let bySchema = cache.get(key);
    if (!bySchema) cache.set(key, (bySchema = new Map()));
    if (!bySchema.has(schema)) bySchema.set(schema, build(schema, ...rest));
    return bySchema.get(schema) ?? null;
  };
}

/** A value of a JSON type the schema does not accept, or null when it accepts all of them. */
const wrongType = cached(wrongTypeOf);
function wrongTypeOf(schema: JsonSchema): fc.Arbitrary<Json> | null {
  const accepted = acceptedTypes(schema);
  const wrong = Object.keys(OF_TYPE).filter((t) => !accepted.has(t));
  return wrong.length ? fc.oneof(...wrong.map((t) => OF_TYPE[t])) : null;
}

/** A value computed only when drawn (most defects of a message are never drawn). */
const lazy = <T>(make: () => T): fc.Arbitrary<T> => fc.constant(null).map(make);

/** Placeholder replaced in the JSON text by a number literal JSON.stringify cannot write (1e309). */
const LITERAL = '\u0001literal\u0001';

/** Values of the right type that break the schema's range, length, pattern, format or enum. */
const outOfRange = cached(outOfRangeOf);
function outOfRangeOf(schema: JsonSchema, large: boolean): fc.Arbitrary<Json> | null {
  const options: fc.Arbitrary<Json>[] = [];
  const literals = (schema.anyOf ?? []).filter((v) => v.const !== undefined).map((v) => v.const);
  if (literals.length && literals.every((l) => typeof l === 'string')) {
    options.push(
      fc
        .constantFrom('', 'unknown', ' ok', 'OK', 'online ', `${String(literals[0])}\u0000`)
        .filter((s) => !literals.includes(s)),
    );
  }
  if (schema.type === 'integer' || schema.type === 'number') {
    if (schema.maximum !== undefined) {
      options.push(
        fc.constantFrom(schema.maximum + 1, schema.maximum + Math.abs(schema.maximum) + 1000, 1e300),
      );
      options.push(fc.constant(`${LITERAL}1e309`));
    }
    if (schema.minimum !== undefined) {
      options.push(
        fc.constantFrom(schema.minimum - 1, schema.minimum - Math.abs(schema.minimum) - 1000, -1e300),
      );
      options.push(fc.constant(`${LITERAL}-1e309`));
    }
    if (schema.type === 'integer') {
      const low = schema.minimum ?? 0;
      options.push(fc.constantFrom(low + 0.5, low + 0.25));
    }
  }
  if (schema.type === 'string') {
    if (schema.maxLength !== undefined) {
      const max = schema.maxLength;
      options.push(fc.string({ unit: anyCodeUnit, minLength: max + 1, maxLength: max + 40 }));
      options.push(fc.integer({ min: max + 1, max: large ? 15_000 : max + 100 }).map((n) => 'ệ'.repeat(n)));
    }
    if ((schema.minLength ?? 0) > 0) options.push(fc.constant(''));
    if (schema.pattern)
      options.push(
        fc.constantFrom('', 'abc', '12345678901234567890123456', '１２３４５６７８９０１２３４５'),
      );
    if (schema.format === 'uuid')
      options.push(
        fc.constantFrom(
          '',
          'not-a-uuid',
          '00000000-0000-0000-0000-00000000000',
          '00000000-0000-0000-0000-0000000000000',
          '{00000000-0000-0000-0000-000000000000}',
          'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz',
        ),
      );
  }
  if (schema.type === 'array') {
    const items = schema.items as JsonSchema;
    const item = validArbitrary(items);
    if (schema.maxItems !== undefined)
      options.push(
        fc.array(item, { minLength: schema.maxItems + 1, maxLength: schema.maxItems + (large ? 3_000 : 10) }),
      );
    if (schema.minItems !== undefined && schema.minItems > 0)
      options.push(fc.array(item, { maxLength: schema.minItems - 1 }));
    if (schema.uniqueItems) options.push(item.map((v) => [v, v]));
    const wrong = wrongType(items);
    if (wrong) options.push(fc.array(wrong, { minLength: 1, maxLength: 3 }));
  }
  if (schema.type === 'object' && schema.patternProperties && schema.maxProperties !== undefined) {
    const n = schema.maxProperties;
    options.push(
      fc.integer({ min: n + 1, max: n + (large ? 2_000 : 10) }).map((count) => {
        const out: Record<string, Json> = {};
        for (let i = 0; i < count; i++) out[`k${i}`] = i;
        return out;
      }),
    );
  }
  return options.length ? fc.oneof(...options) : null;
}

const pointer = (path: string[]) =>
  `/${path.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;

function setAt(value: Json, path: string[], replacement: Json | undefined): Json {
  const copy = structuredClone(value) as Record<string, Json>;
  let node = copy as Record<string, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, Json>;
  const last = path[path.length - 1];
  if (replacement === undefined) delete node[last];
  else node[last] = replacement;
  return copy;
}

function serialise(value: Json): string {
  // JSON.stringify writes the placeholder's U+0001 as the escape \u0001.
  return JSON.stringify(value).replace(/"\\u0001literal\\u0001([^"]*)"/g, (_m, literal: string) => literal);
}

/**
 * Messages of `name` with exactly one defect: a field of the wrong type, out of range, too long, not
 * matching its pattern or enum, an unknown property, a required property left out, or another protocol
 * version.
 */
export function defectiveMessage(name: PayloadName, options: ValidOptions = {}): fc.Arbitrary<Defect> {
  const schema = schemaOf(name);
  return validMessage(name, options).chain((valid) => {
    const sites = sitesOf(schema, valid);
    const choices: fc.Arbitrary<Defect>[] = [];
    for (const site of sites) {
      const { path, value } = site;
      const at = pointer(path);
      if (path.length === 1 && path[0] === 'v') {
        choices.push(
          OTHER_VERSIONS.map((v) => ({
            raw: serialise(setAt(valid, path, v)),
            reason: 'version' as const,
            path: '/v',
            what: `v = ${JSON.stringify(v)}`,
          })),
        );
        // -0 is not 1 either (JSON.stringify cannot write it: edit the text).
        choices.push(
          lazy(() => ({
            raw: serialise(valid).replace(`"v":${PROTOCOL_VERSION}`, '"v":-0'),
            reason: 'version' as const,
            path: '/v',
            what: 'v = -0',
          })),
        );
        choices.push(
          lazy(() => ({
            raw: serialise(setAt(valid, path, undefined)),
            reason: 'schema' as const,
            path: '/v',
            what: '/v left out',
          })),
        );
        continue;
      }
      if (value === undefined) continue; // optional and absent: nothing to break
      const fieldSchema = resolved(site.schema, value);
      const wrong = wrongType(site.schema);
      if (wrong)
        choices.push(
          wrong.map((bad) => ({
            raw: serialise(setAt(valid, path, bad)),
            reason: 'schema' as const,
            path: at,
            what: `${at} = ${JSON.stringify(bad).slice(0, 60)} (wrong type)`,
          })),
        );
      const range = outOfRange(
        site.schema.anyOf && site.schema.anyOf.every((v) => v.const !== undefined)
          ? site.schema
          : fieldSchema,
        options.large ?? false,
      );
      if (range)
        choices.push(
          range.map((bad) => ({
            raw: serialise(setAt(valid, path, bad)),
            reason: 'schema' as const,
            path: at,
            what: `${at} = ${JSON.stringify(bad).slice(0, 60)} (out of range)`,
          })),
        );
      if ((site.parent.required ?? []).includes(path[path.length - 1]))
        choices.push(
          lazy(() => ({
            raw: serialise(setAt(valid, path, undefined)),
            reason: 'schema' as const,
            path: at,
            what: `${at} left out`,
          })),
        );
    }
    // An unknown property on the message or on any nested object that refuses them.
    const closed: string[][] = [
      [],
      ...sites
        .filter((s) => {
          const r = resolved(s.schema, s.value);
          return (
            s.value !== null &&
            s.value !== undefined &&
            r.type === 'object' &&
            r.additionalProperties === false
          );
        })
        .map((s) => s.path),
    ];
    choices.push(
      fc
        .tuple(fc.constantFrom(...closed), EXTRA_KEYS, smallJson)
        .filter(([path, key]) => {
          const target = path.reduce<Json>((node, k) => (node as Record<string, Json>)[k], valid);
          return !Object.hasOwn(target as object, key);
        })
        .map(([path, key, extra]) => {
          const target = path.length ? pointer(path) : '';
          const copy = structuredClone(valid);
          const node = path.reduce<Json>((n, k) => (n as Record<string, Json>)[k], copy) as Record<
            string,
            Json
          >;
          Object.defineProperty(node, key, {
            value: extra,
            enumerable: true,
            writable: true,
            configurable: true,
          });
          return {
            raw: serialise(copy),
            reason: 'schema' as const,
            path: `${target}/${key}`,
            what: `unknown property ${target}/${key}`,
          };
        }),
    );
    return fc.oneof(...choices);
  });
}

export { type Json };
