import type { MqttClient } from 'mqtt';
import fc from 'fast-check';
import { DataSource } from 'typeorm';
import {
  ALERT_SEVERITIES,
  DELIVERY_STATUSES,
  FUNDING_PROGRAMMES,
  WEBHOOK_EVENTS,
  WORK_ORDER_KINDS,
  WORK_ORDER_STATUSES,
} from '@loa-xa/persistence';
import { RULE_IDS, SEVERITIES } from '@loa-xa/health';
import { startTestServer, type TestServer } from '../support/test-server';
import { eventually, request, type JsonResponse } from '../support/http';
import { createCluster, createVillage, type Unit } from '../registry/fixtures';
import { startReceiver, type Receiver } from '../notifications/support';
import { fastRules, leaks, raiseAlert, tableHashes, telemetry, type AlertRow } from './health-support';

/*
 * Thousands of generated malformed requests against the fleet-health API (alerts, health rules, webhooks,
 * work orders, availability and the provincial report): bodies of every write route, query strings of every
 * list and query route, and path parameters. Every one must get a 4xx with a JSON error body (400/422 name the
 * field in errors[].field) and no stack trace, and the fleet-health tables must keep every row as it was.
 * FUZZ_SEED=<n> replays a run.
 */

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const PER_BODY_ENDPOINT = 200;
const PER_QUERY_ROUTE = 110;
/** The only answers a refused request may get. */
const ALLOWED_REFUSALS = [400, 403, 404, 409, 415, 422];

type Kind = 'text' | 'enum' | 'enums' | 'uuid' | 'uuids' | 'integer' | 'boolean' | 'date' | 'params' | 'vnd';

/** What a DTO field accepts, enough to produce values it refuses. */
interface FieldSpec {
  kind: Kind;
  required?: boolean;
  /** null is accepted (it clears the field, or it is taken as "not given"): never generated. */
  nullable?: boolean;
  min?: number;
  max?: number;
  trimmed?: boolean;
  chars?: boolean;
  badPatterns?: string[];
  values?: readonly string[];
  /** A fresh UUID (naming nothing) is refused too. */
  ref?: boolean;
  minItems?: number;
  maxItems?: number;
  unique?: boolean;
}

interface Endpoint {
  name: string;
  method: 'POST' | 'PATCH' | 'PUT';
  path: () => string;
  fields: Record<string, FieldSpec>;
  /** A body the endpoint accepts (never sent as is). */
  base: () => Record<string, unknown>;
}

interface Attempt {
  endpoint: string;
  method: string;
  path: string;
  body: string | undefined;
  contentType: string | null;
  what: string;
  /** Well-formed edge cases: any answer but a 5xx (and a malformed error) is fine. */
  mayPass?: boolean;
}

const text = (max: number, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  kind: 'text',
  min: 1,
  max,
  trimmed: true,
  chars: true,
  ...extra,
});

const DATE_BAD = [
  '2024-02-30',
  '2023-02-29',
  '2024-13-01',
  '2024-00-10',
  '0000-01-01',
  'yesterday',
  '2024-1-1',
  '2024/01/01',
  '01/02/2024',
  '275760-01-01',
  '2024-01-01T00:00:00Z',
  ' 2024-01-01',
];
const UUID_BAD = [
  'not-a-uuid',
  '12345',
  '00000000-0000-4000-8000-00000000000',
  '00000000-0000-4000-8000-0000000000000',
  '{3f2504e0-4f89-41d3-9a0c-0305e82c3301}',
  'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz',
  "' OR 1=1 --",
];
const ENUM_BAD = ['', ' ', 'IP', 'unknown', 'null', '0', 'open ', 'CRITICAL', 'toString', '__proto__'];
const URL_BAD = [
  'not a url',
  'ftp://example.com/hook',
  'javascript:alert(1)',
  '//example.com/hook',
  'http://',
  'mailto:ops@example.vn',
  'file:///etc/passwd',
  'http://exa mple.com/',
  'example.com/hook',
  `http://example.com/${'a'.repeat(2001)}`,
];
const VND_BAD: unknown[] = [
  -1,
  1.5,
  '-1',
  '1.5',
  '1e3',
  '12abc',
  '',
  '0x10',
  '9'.repeat(19),
  2 ** 53 + 2,
  1e300,
  true,
  [],
  {},
];
const nthUuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const SOME_UUID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const UNSTORABLE = ['\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\udc00\ud800'];

/** Placeholder for a number literal JSON.stringify cannot write. */
const LITERAL = '\u0001literal\u0001';
const serialise = (value: unknown) =>
  JSON.stringify(value).replace(/"\\u0001literal\\u0001([^"]*)"/g, (_m, literal: string) => literal);

const anyJson = fc.jsonValue({ maxDepth: 3 });
const OF_TYPE: Record<string, fc.Arbitrary<unknown>> = {
  null: fc.constant(null),
  boolean: fc.boolean(),
  number: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
  string: fc.oneof(fc.constantFrom('', '1', 'true', 'NaN', '{}'), fc.string({ maxLength: 20 })),
  array: fc.oneof(fc.constant([]), fc.array(anyJson, { maxLength: 4 })),
  object: fc.oneof(fc.constant({}), fc.constant({ a: { b: [1, { c: null }] } }), fc.object({ maxDepth: 2 })),
};

function accepted(spec: FieldSpec): Set<string> {
  const types = new Set<string>();
  if (['text', 'enum', 'uuid', 'date'].includes(spec.kind)) types.add('string');
  if (spec.kind === 'integer') types.add('number');
  if (spec.kind === 'boolean') types.add('boolean');
  if (spec.kind === 'params') types.add('object');
  if (spec.kind === 'uuids' || spec.kind === 'enums') types.add('array');
  if (spec.kind === 'vnd') types.add('string').add('number');
  if (spec.nullable) types.add('null');
  return types;
}

/** A value computed only when drawn. */
const lazy = <T>(make: () => T): fc.Arbitrary<T> => fc.constant(null).map(make);

/** Values the field refuses, each on its own. */
function badValue(spec: FieldSpec): fc.Arbitrary<unknown> {
  const ok = accepted(spec);
  const options: fc.Arbitrary<unknown>[] = [
    fc.oneof(
      ...Object.keys(OF_TYPE)
        .filter((t) => !ok.has(t))
        .map((t) => OF_TYPE[t]),
    ),
  ];
  switch (spec.kind) {
    case 'text': {
      const max = spec.max as number;
      options.push(fc.integer({ min: max + 1, max: max + 3_000 }).map((n) => 'x'.repeat(n)));
      options.push(fc.integer({ min: max + 1, max: max + 50 }).map((n) => 'ệ'.repeat(n)));
      if ((spec.min ?? 0) > 0) options.push(fc.constant(''));
      if ((spec.min ?? 0) > 0 && spec.trimmed) options.push(fc.constantFrom(' ', '   ', '\t\n'));
      if (spec.chars) options.push(fc.constantFrom('a\uFE0F'.repeat(max), '\u0958'.repeat(max)));
      if (spec.badPatterns) options.push(fc.constantFrom(...spec.badPatterns));
      options.push(fc.constantFrom(...UNSTORABLE));
      break;
    }
    case 'enum':
      options.push(
        fc.constantFrom(...ENUM_BAD, ...(spec.badPatterns ?? [])).filter((v) => !spec.values?.includes(v)),
      );
      options.push(fc.constantFrom(...UNSTORABLE));
      break;
    case 'enums': {
      const values = spec.values as readonly string[];
      options.push(
        fc
          .constantFrom<unknown>(...ENUM_BAD, ...UNSTORABLE, 1, null, {}, [])
          .filter((v) => !values.includes(v as string))
          .map((bad) => [values[0], bad]),
      );
      if ((spec.minItems ?? 0) > 0) options.push(fc.constant([]));
      if (spec.unique) options.push(fc.constant([values[0], values[0]]));
      if (spec.maxItems !== undefined) options.push(fc.constant([...values, values[0]]));
      break;
    }
    case 'uuid':
      options.push(fc.constantFrom(...UUID_BAD, ...UNSTORABLE));
      if (spec.ref) options.push(fc.uuid({ version: 4 }));
      break;
    case 'uuids': {
      options.push(
        fc
          .tuple(fc.constantFrom<unknown>(...UUID_BAD, ...UNSTORABLE, 1, null, {}, []), fc.nat({ max: 2 }))
          .map(([bad, at]) => ([SOME_UUID, nthUuid(1)] as unknown[]).toSpliced(at, 0, bad)),
      );
      if ((spec.minItems ?? 0) > 0) options.push(fc.constant([]));
      if (spec.maxItems !== undefined) {
        const max = spec.maxItems;
        options.push(lazy(() => Array.from({ length: max + 1 }, (_, i) => nthUuid(i))));
      }
      break;
    }
    case 'date':
      options.push(fc.constantFrom(...DATE_BAD, ...UNSTORABLE));
      break;
    case 'integer': {
      const min = spec.min as number;
      const max = spec.max as number;
      options.push(fc.constantFrom(min - 1, -1e300, `${LITERAL}1e309`, `${LITERAL}-1e309`, min + 0.5));
      if (max < 2 ** 53) options.push(fc.constant(max + 1));
      options.push(fc.constantFrom('1', '1.5', 'NaN', 'Infinity', '', '12abc', '0x10'));
      break;
    }
    case 'boolean':
      options.push(fc.constantFrom('true', 'false', 1, 0, 'yes', 'on'));
      break;
    case 'vnd':
      options.push(fc.constantFrom(...VND_BAD, ...UNSTORABLE));
      break;
    case 'params':
      // Thresholds of a rule: unknown names, out of bounds, not numbers, nested, not an object.
      options.push(
        fc.constantFrom<unknown>(
          { nope: 1 },
          { raiseAfterS: -1 },
          { raiseAfterS: 1e12 },
          { raiseAfterS: '0' },
          { raiseAfterS: null },
          { raiseAfterS: true },
          { raiseAfterS: [0] },
          { raiseAfterS: { value: 0 } },
          { rsrpDbm: -100 },
          { clearAfterS: 1, bogus: 2 },
          { '': 1 },
          { 'raiseAfterS ': 0 },
          [],
          [1, 2],
        ),
      );
      options.push(fc.constant(`${LITERAL}{"raiseAfterS":1e309}`));
      options.push(
        fc
          .constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf')
          .map((key) => JSON.parse(`{"${key}":{"polluted":1}}`) as unknown),
      );
      options.push(
        fc.integer({ min: 40, max: 200 }).map((depth) => {
          let v: unknown = 1;
          for (let i = 0; i < depth; i++) v = { raiseAfterS: v };
          return v;
        }),
      );
      break;
  }
  return fc.oneof(...options);
}

const UNKNOWN_KEYS = [
  'extra',
  'id',
  'createdAt',
  'state',
  'unitPath',
  'secret',
  'status',
  'constructor',
  '__proto__',
  'prototype',
  'toString',
  'hasOwnProperty',
  'ví dụ',
];

const jsonAttempt = (endpoint: Endpoint, what: string, body: string): Attempt => ({
  endpoint: endpoint.name,
  method: endpoint.method,
  path: endpoint.path(),
  body,
  contentType: 'application/json',
  what,
});

/** Every field set to null when it may not be, and every required field left out, one at a time. */
function pinnedBodies(endpoint: Endpoint): Attempt[] {
  const out: Attempt[] = [];
  for (const [name, spec] of Object.entries(endpoint.fields)) {
    if (!spec.nullable)
      out.push(jsonAttempt(endpoint, `${name} = null`, serialise({ ...endpoint.base(), [name]: null })));
    if (spec.required) {
      const body = endpoint.base();
      delete body[name];
      out.push(jsonAttempt(endpoint, `${name} left out`, serialise(body)));
    }
  }
  return out;
}

/** A body of `endpoint` with exactly one problem. */
function malformedBody(endpoint: Endpoint): fc.Arbitrary<Attempt> {
  const names = Object.keys(endpoint.fields);
  const json = (what: string, body: string) => jsonAttempt(endpoint, what, body);
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .constantFrom(...names)
        .chain((name) => badValue(endpoint.fields[name]).map((bad) => [name, bad] as const))
        .map(([name, bad]) =>
          json(
            `${name} = ${String(JSON.stringify(bad)).slice(0, 60)}`,
            serialise({ ...endpoint.base(), [name]: bad }),
          ),
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.oneof(
            fc.constantFrom(...UNKNOWN_KEYS),
            fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !names.includes(k)),
          ),
          anyJson,
        )
        .map(([key, value]) =>
          json(
            `unknown field ${key}`,
            // Built as text: an object literal would turn __proto__ into the prototype.
            `{${serialise(endpoint.base()).slice(1, -1)},${JSON.stringify(key)}:${serialise(value)}}`,
          ),
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('[]', '"text"', '42', 'null', 'true', '[[]]', `[${serialise(endpoint.base())}]`)
        .map((body) => json(`body ${body.slice(0, 30)}`, body)),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 300, max: 3000 }).map((depth) => {
        const body = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
        return json(`nested ${depth} deep`, body);
      }),
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          fc.string({ minLength: 1, maxLength: 200 }),
          fc.constantFrom("{'a': 1}", '{a: 1}', '{"a": 1,}', '{"a": NaN}', '{"a":1}{"b":2}', '<xml/>'),
          fc.nat().map((n) => serialise(endpoint.base()).slice(0, 1 + (n % 20))),
        )
        .filter((body) => {
          try {
            JSON.parse(body);
            return false;
          } catch {
            return body.trim() !== '';
          }
        })
        .map((body) => json(`not JSON: ${body.slice(0, 30)}`, body)),
    },
  );
}

/** The right JSON with a content type the endpoint does not take. */
function wrongContentTypes(endpoint: Endpoint): Attempt[] {
  return [
    'text/plain',
    'text/csv',
    'application/xml',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=fuzz',
    'application/octet-stream',
    null,
  ].map((contentType) => ({
    endpoint: endpoint.name,
    method: endpoint.method,
    path: endpoint.path(),
    body: serialise(endpoint.base()),
    contentType,
    what: `content type ${contentType ?? '(none)'}`,
  }));
}

/* Query strings. A value is text to be percent-encoded, or { raw } already encoded. */
type QueryValue = string | { raw: string };

interface QueryParam {
  kind: 'enum' | 'enums' | 'uuid' | 'instant' | 'date' | 'page' | 'pageSize' | 'search';
  values?: readonly string[];
  required?: boolean;
  /** A fresh UUID is refused (404) too. */
  ref?: boolean;
}

interface QueryRoute {
  name: string;
  path: () => string;
  params: Record<string, QueryParam>;
  /** Parameters a valid request carries (required ones at least). */
  base: () => Record<string, string>;
}

const encode = (v: QueryValue) => (typeof v === 'string' ? encodeURIComponent(v) : v.raw);
const queryString = (pairs: [string | { raw: string }, QueryValue][]) =>
  pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');

/** Encoded bytes that are not UTF-8, NUL, and a CESU-8 lone surrogate. */
const RAW_BAD = [
  { raw: '%00' },
  { raw: 'a%00b' },
  { raw: '%ED%A0%80' },
  { raw: '%FF%FE' },
  { raw: '%C3%28' },
];
const INSTANT_BAD = [
  'yesterday',
  '2024-13-01T00:00:00Z',
  '2024-02-30T00:00:00Z',
  '2024-01-01T25:00:00Z',
  '2024-01-01T00:00:00+99:99',
  '275760-09-13T00:00:00.001Z',
  '+275760-09-13T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '2024-01-01 00:00',
  '1704067200000',
];

function badQueryValue(param: QueryParam): fc.Arbitrary<QueryValue> {
  const options: fc.Arbitrary<QueryValue>[] = [
    // Bytes that are not UTF-8 arrive as U+FFFD, which is fine text for a search.
    fc.constantFrom<QueryValue>(...(param.kind === 'search' ? RAW_BAD.slice(0, 2) : RAW_BAD)),
    fc.integer({ min: 2_000, max: 6_000 }).map((n) => 'x'.repeat(n)),
  ];
  switch (param.kind) {
    case 'enum':
      options.push(fc.constantFrom(...ENUM_BAD).filter((v) => !param.values?.includes(v)));
      break;
    case 'enums':
      options.push(
        fc.constantFrom('x', 'OPEN', `${param.values?.[0]},bogus`, ',,x', 'toString', '__proto__', ' , x'),
      );
      break;
    case 'uuid':
      options.push(fc.constantFrom(...UUID_BAD, ''));
      if (param.ref) options.push(fc.uuid({ version: 4 }));
      break;
    case 'instant':
      options.push(fc.constantFrom(...INSTANT_BAD, ''));
      break;
    case 'date':
      options.push(fc.constantFrom(...DATE_BAD, ''));
      break;
    case 'page':
    case 'pageSize':
      options.push(fc.constantFrom('0', '-1', '1.5', 'abc', '', 'NaN', 'Infinity', '-Infinity', '1e309'));
      if (param.kind === 'pageSize') options.push(fc.constantFrom('501', '100000', '1e300'));
      break;
    case 'search':
      options.push(fc.integer({ min: 101, max: 500 }).map((n) => 'ệ'.repeat(n)));
      break;
  }
  return fc.oneof(...options);
}

/** A query string of `route` with exactly one problem (or a well-formed edge case, which may pass). */
function malformedQuery(route: QueryRoute, url: (path: string) => string): fc.Arbitrary<Attempt> {
  const names = Object.keys(route.params);
  const attempt = (what: string, pairs: [string | { raw: string }, QueryValue][], mayPass = false) => ({
    endpoint: `GET ${route.name}`,
    method: 'GET',
    path: url(`${route.path()}${pairs.length ? `?${queryString(pairs)}` : ''}`),
    body: undefined,
    contentType: null,
    what,
    mayPass,
  });
  const baseWithout = (name: string) =>
    Object.entries(route.base()).filter(([k]) => k !== name) as [string, QueryValue][];
  const choices: fc.Arbitrary<Attempt>[] = [
    // One parameter with a value it refuses.
    fc
      .constantFrom(...names)
      .chain((name) => badQueryValue(route.params[name]).map((bad) => [name, bad] as const))
      .map(([name, bad]) =>
        attempt(`${name}=${encode(bad).slice(0, 50)}`, [...baseWithout(name), [name, bad]]),
      ),
    // A scalar given twice: an array where one value goes.
    fc.constantFrom(...names.filter((n) => route.params[n].kind !== 'enums')).map((name) => {
      const good = route.base()[name] ?? goodQueryValue(route.params[name]);
      return attempt(`${name} twice`, [...baseWithout(name), [name, good], [name, good]]);
    }),
    // A parameter the route does not have (prototype names included).
    fc
      .constantFrom<string | { raw: string }>(
        'extra',
        '__proto__',
        'constructor',
        'toString',
        'hasOwnProperty',
        'a[b]',
        'unitId[]',
        'ví dụ',
        { raw: '%00' },
        'limit',
        'offset',
      )
      .filter((key) => typeof key !== 'string' || !names.includes(key))
      .map((key) =>
        attempt(`unknown ${encode(key)}`, [
          ...(Object.entries(route.base()) as [string, string][]),
          [key, '1'],
        ]),
      ),
  ];
  const required = names.filter((n) => route.params[n].required);
  if (required.length)
    choices.push(fc.constantFrom(...required).map((name) => attempt(`${name} left out`, baseWithout(name))));
  const pages = names.filter((n) => route.params[n].kind === 'page');
  if (pages.length)
    // Integers the DTO accepts, far past the last page: an empty page or a 400, never a 500.
    choices.push(
      fc
        .constantFrom('99999999999', '9007199254740993', '1e300', '1e15')
        .map((page) => attempt(`page=${page}`, [...baseWithout('page'), ['page', page]], true)),
    );
  return fc.oneof(...choices);
}

function goodQueryValue(param: QueryParam): string {
  switch (param.kind) {
    case 'enum':
    case 'enums':
      return (param.values as readonly string[])[0];
    case 'uuid':
      return SOME_UUID;
    case 'instant':
      return '2026-01-01T00:00:00Z';
    case 'date':
      return '2026-01-01';
    case 'page':
    case 'pageSize':
      return '1';
    case 'search':
      return 'x';
  }
}

/** What is wrong with the answer to a malformed request, or null. */
function checkResponse(res: JsonResponse<Record<string, unknown>>, mayPass = false): string | null {
  if (res.status >= 500) return `status ${res.status}`;
  if (mayPass && res.status < 400) return null;
  if (res.status < 400) return `status ${res.status}: accepted`;
  if (!ALLOWED_REFUSALS.includes(res.status)) return `status ${res.status} is not a refusal`;
  const body = res.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body is not a JSON object';
  if (body.statusCode !== res.status) return `statusCode ${String(body.statusCode)}`;
  if (typeof body.message !== 'string' || body.message.trim() === '') return 'no message';
  if (!(res.headers.get('content-type') ?? '').startsWith('application/json')) return 'not served as JSON';
  if (leaks(JSON.stringify(body))) return 'leaks a stack trace or a file path';
  if (res.status === 400 || res.status === 422) {
    const errors = body.errors;
    if (!Array.isArray(errors) || errors.length === 0) return 'no errors[]';
    for (const e of errors as Record<string, unknown>[])
      if (typeof e?.field !== 'string' || e.field === '')
        return `an error without a field: ${JSON.stringify(e)}`;
  }
  return null;
}

describe('malformed requests to the fleet-health API', () => {
  let server: TestServer;
  let receiver: Receiver;
  const devices: MqttClient[] = [];
  let province: Unit;
  let commune: Unit;
  let village: Unit;
  let openAlert: AlertRow;
  let ackedAlert: AlertRow;
  let resolvedAlert: AlertRow;
  let webhookId: string;
  let deliveryId: string;
  let orderId: string;
  let cancelledOrderId: string;
  let ipClusterId: string;
  let workingFmId: string;

  beforeAll(async () => {
    server = await startTestServer({ healthTickMs: 50 });
    receiver = await startReceiver();
    const unit = async (body: Record<string, unknown>) => {
      const res = await request<Unit>('POST', server.url('/api/v1/units'), { era: 'post_2025', ...body });
      if (res.status !== 201) throw new Error(`unit: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };
    province = await unit({ level: 'province', code: '98', name: 'Tỉnh Fuzz', type: 'Tỉnh' });
    commune = await unit({
      level: 'commune',
      code: '98001',
      name: 'Xã Fuzz',
      type: 'Xã',
      parentId: province.id,
    });
    village = await createVillage(server, commune.id, 'FZ-01', 'Thôn Fuzz');
    const clusters: { id: string; password: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const { cluster, credential } = await createCluster(server, {
        code: `FZ-IP-${i}`,
        name: `Cụm loa Fuzz ${i}`,
        kind: 'ip',
        communeId: commune.id,
        villageId: village.id,
      });
      clusters.push({ id: cluster.id, password: credential!.password });
    }
    ipClusterId = (
      await createCluster(server, {
        code: 'FZ-IP-PLANNED',
        name: 'Cụm IP dự kiến',
        kind: 'ip',
        lifecycle: 'planned',
        communeId: commune.id,
      })
    ).cluster.id;
    const fm = (lifecycle: string, code: string) =>
      createCluster(server, {
        code,
        name: `Cụm FM ${code}`,
        kind: 'fm_wired',
        lifecycle,
        communeId: commune.id,
      });
    const brokenFmId = (await fm('faulty', 'FZ-FM-1')).cluster.id;
    workingFmId = (await fm('active', 'FZ-FM-2')).cluster.id;

    // Real alerts: one open, one acknowledged, one resolved (the fault cleared).
    await fastRules(server, commune.id, ['amp_fault', 'speaker_line']);
    const open = await raiseAlert(server, clusters[0], 'amp_fault');
    const acked = await raiseAlert(server, clusters[1], 'speaker_line');
    const resolved = await raiseAlert(server, clusters[2], 'amp_fault');
    devices.push(open.device, acked.device, resolved.device);
    openAlert = open.alert;
    const ack = await request<AlertRow>('POST', server.url(`/api/v1/alerts/${acked.alert.id}/acknowledge`), {
      note: 'Đã biết',
    });
    expect(ack.status).toBe(200);
    ackedAlert = ack.body;
    await telemetry(resolved.device, clusters[2].id, 10);
    resolvedAlert = await eventually(async () => {
      const res = await request<AlertRow>('GET', server.url(`/api/v1/alerts/${resolved.alert.id}`));
      return res.body.state === 'resolved' && res.body;
    });

    // A webhook that receives nothing (inactive), with one ping delivered (succeeded).
    const webhook = await request<{ id: string }>('POST', server.url('/api/v1/webhooks'), {
      name: 'Webhook Fuzz',
      url: receiver.url,
      unitId: commune.id,
      active: false,
    });
    expect(webhook.status).toBe(201);
    webhookId = webhook.body.id;
    const ping = await request<{ id: string }>('POST', server.url(`/api/v1/webhooks/${webhookId}/test`));
    expect(ping.status).toBe(202);
    deliveryId = ping.body.id;
    await eventually(async () => {
      const res = await request<{ status: string }>(
        'GET',
        server.url(`/api/v1/webhooks/${webhookId}/deliveries/${deliveryId}`),
      );
      const hook = await request<{ lastSuccessAt: string | null }>(
        'GET',
        server.url(`/api/v1/webhooks/${webhookId}`),
      );
      return res.body.status === 'succeeded' && hook.body.lastSuccessAt !== null;
    });

    // Work orders: a proposed new station, a replacement of the broken FM cluster, a cancelled one.
    const order = async (body: Record<string, unknown>) => {
      const res = await request<{ id: string }>('POST', server.url('/api/v1/work-orders'), {
        title: 'Lệnh Fuzz',
        communeId: commune.id,
        fundingProgramme: 'local_budget',
        ...body,
      });
      if (res.status !== 201) throw new Error(`work order: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.id;
    };
    orderId = await order({ kind: 'new_station', plannedStart: '2026-03-01', plannedEnd: '2026-06-30' });
    await order({ kind: 'replacement', fmClusterId: brokenFmId, villageId: village.id });
    cancelledOrderId = await order({ kind: 'expansion', villageId: village.id });
    const cancel = await request('POST', server.url(`/api/v1/work-orders/${cancelledOrderId}/transition`), {
      to: 'cancelled',
    });
    expect(cancel.status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    for (const device of devices) await device.endAsync().catch(() => undefined);
    await receiver?.close();
    await server?.close();
  });

  const url = (path: string) => server.url(path);

  const noteFields = { note: { kind: 'text', min: 0, max: 500, chars: true } } satisfies Record<
    string,
    FieldSpec
  >;
  const webhookFields = (create: boolean): Record<string, FieldSpec> => ({
    name: text(200, { required: create }),
    url: { kind: 'text', required: create, min: 1, max: 2000, trimmed: true, badPatterns: URL_BAD },
    events: {
      kind: 'enums',
      values: WEBHOOK_EVENTS,
      minItems: 1,
      maxItems: WEBHOOK_EVENTS.length,
      unique: true,
    },
    minSeverity: { kind: 'enum', values: ALERT_SEVERITIES, badPatterns: ['warning', 'info'] },
    unitId: { kind: 'uuid', ref: true, nullable: true },
    active: { kind: 'boolean' },
  });
  /** IsOptional fields of work orders: null is taken as "not given" (create) or clears (update). */
  const absent = true;

  const bodyEndpoints = (): Endpoint[] => [
    {
      name: 'POST /alerts/:id/acknowledge',
      method: 'POST',
      path: () => url(`/api/v1/alerts/${openAlert.id}/acknowledge`),
      fields: noteFields,
      base: () => ({ note: 'Đang xử lý' }),
    },
    {
      name: 'POST /alerts/:id/resolve',
      method: 'POST',
      path: () => url(`/api/v1/alerts/${openAlert.id}/resolve`),
      fields: noteFields,
      base: () => ({ note: 'Đã sửa' }),
    },
    {
      name: 'POST /alerts/acknowledge',
      method: 'POST',
      path: () => url('/api/v1/alerts/acknowledge'),
      fields: { ...noteFields, ids: { kind: 'uuids', required: true, minItems: 1, maxItems: 5000 } },
      base: () => ({ ids: [openAlert.id] }),
    },
    {
      name: 'PUT /health-rules/overrides/:unitId/:rule',
      method: 'PUT',
      path: () => url(`/api/v1/health-rules/overrides/${commune.id}/amp_fault`),
      fields: {
        enabled: { kind: 'boolean', nullable: true },
        severity: { kind: 'enum', nullable: true, values: SEVERITIES, badPatterns: ['warning'] },
        params: { kind: 'params', nullable: true },
        revision: { kind: 'integer', nullable: true, min: 1, max: 2 ** 31 - 1 },
      },
      base: () => ({ enabled: false }),
    },
    {
      name: 'POST /webhooks',
      method: 'POST',
      path: () => url('/api/v1/webhooks'),
      fields: webhookFields(true),
      base: () => ({ name: 'Webhook mới', url: receiver.url, unitId: commune.id, active: false }),
    },
    {
      name: 'PATCH /webhooks/:id',
      method: 'PATCH',
      path: () => url(`/api/v1/webhooks/${webhookId}`),
      fields: webhookFields(false),
      base: () => ({ name: 'Webhook đổi tên' }),
    },
    {
      name: 'POST /work-orders',
      method: 'POST',
      path: () => url('/api/v1/work-orders'),
      fields: {
        kind: {
          kind: 'enum',
          required: true,
          values: WORK_ORDER_KINDS,
          badPatterns: ['repair', 'New_station'],
        },
        title: text(200, { required: true }),
        communeId: { kind: 'uuid', required: true, ref: true },
        villageId: { kind: 'uuid', ref: true, nullable: absent },
        fmClusterId: { kind: 'uuid', ref: true, nullable: absent },
        fundingProgramme: { kind: 'enum', required: true, values: FUNDING_PROGRAMMES, badPatterns: ['ntp'] },
        plannedStart: { kind: 'date', nullable: absent },
        plannedEnd: { kind: 'date', nullable: absent },
        plannedCostVnd: { kind: 'vnd', nullable: absent },
        notes: text(2000, { nullable: absent }),
      },
      base: () => ({
        kind: 'new_station',
        title: 'Lệnh mới',
        communeId: commune.id,
        fundingProgramme: 'ntp_new_rural',
      }),
    },
    {
      name: 'PATCH /work-orders/:id',
      method: 'PATCH',
      path: () => url(`/api/v1/work-orders/${orderId}`),
      fields: {
        title: text(200),
        villageId: { kind: 'uuid', ref: true, nullable: true },
        fmClusterId: { kind: 'uuid', ref: true },
        fundingProgramme: { kind: 'enum', values: FUNDING_PROGRAMMES, badPatterns: ['ntp'] },
        plannedStart: { kind: 'date', nullable: true },
        plannedEnd: { kind: 'date', nullable: true },
        actualStart: { kind: 'date', nullable: true },
        actualEnd: { kind: 'date', nullable: true },
        plannedCostVnd: { kind: 'vnd', nullable: true },
        actualCostVnd: { kind: 'vnd', nullable: true },
        notes: text(2000, { nullable: true }),
        revision: { kind: 'integer', min: 1, max: 2 ** 31 - 1 },
      },
      base: () => ({ title: 'Lệnh đổi tên' }),
    },
    {
      name: 'POST /work-orders/:id/transition',
      method: 'POST',
      path: () => url(`/api/v1/work-orders/${orderId}/transition`),
      fields: {
        to: { kind: 'enum', required: true, values: WORK_ORDER_STATUSES, badPatterns: ['done', 'Cancelled'] },
        note: text(500, { nullable: absent }),
        ipClusterId: { kind: 'uuid', ref: true, nullable: absent },
        actualStart: { kind: 'date', nullable: absent },
        actualEnd: { kind: 'date', nullable: absent },
        actualCostVnd: { kind: 'vnd', nullable: absent },
        revision: { kind: 'integer', min: 1, max: 2 ** 31 - 1, nullable: absent },
      },
      base: () => ({ to: 'cancelled' }),
    },
    {
      name: 'POST /reports/province/jobs',
      method: 'POST',
      path: () => url('/api/v1/reports/province/jobs'),
      fields: {
        from: { kind: 'date', required: true },
        to: { kind: 'date', required: true },
        unit: { kind: 'uuid', ref: true, nullable: absent },
        format: {
          kind: 'enum',
          values: ['xlsx', 'csv', 'json'],
          badPatterns: ['pdf', 'XLSX'],
          nullable: absent,
        },
      },
      base: () => ({ from: '2026-01-01', to: '2026-01-31', unit: province.id, format: 'json' }),
    },
  ];

  const pageParams = {
    page: { kind: 'page' },
    pageSize: { kind: 'pageSize' },
    order: { kind: 'enum', values: ['asc', 'desc'] },
  } satisfies Record<string, QueryParam>;
  const period = {
    from: { kind: 'date', required: true },
    to: { kind: 'date', required: true },
  } satisfies Record<string, QueryParam>;

  const queryRoutes = (): QueryRoute[] => [
    {
      name: '/alerts',
      path: () => '/api/v1/alerts',
      params: {
        ...pageParams,
        state: { kind: 'enum', values: ['active', 'open', 'acknowledged', 'resolved', 'all'] },
        rule: { kind: 'enums', values: RULE_IDS },
        severity: { kind: 'enums', values: ALERT_SEVERITIES },
        unitId: { kind: 'uuid', ref: true },
        clusterId: { kind: 'uuid' },
        from: { kind: 'instant' },
        to: { kind: 'instant' },
        format: { kind: 'enum', values: ['json', 'csv'] },
      },
      base: () => ({ state: 'all', unitId: commune.id }),
    },
    {
      name: '/alerts?format=csv',
      path: () => '/api/v1/alerts',
      params: { rule: { kind: 'enums', values: RULE_IDS }, unitId: { kind: 'uuid', ref: true } },
      base: () => ({ format: 'csv', state: 'all' }),
    },
    {
      name: '/alerts/summary',
      path: () => '/api/v1/alerts/summary',
      params: { unitId: { kind: 'uuid', ref: true } },
      base: () => ({ unitId: province.id }),
    },
    {
      name: '/alerts/stream',
      path: () => '/api/v1/alerts/stream',
      params: {
        unitId: { kind: 'uuid', ref: true },
        minSeverity: { kind: 'enum', values: ALERT_SEVERITIES },
      },
      base: () => ({ unitId: commune.id, minSeverity: 'major' }),
    },
    {
      name: '/health-rules/effective',
      path: () => '/api/v1/health-rules/effective',
      params: { unitId: { kind: 'uuid', required: true, ref: true } },
      base: () => ({ unitId: commune.id }),
    },
    {
      name: '/health-rules/overrides',
      path: () => '/api/v1/health-rules/overrides',
      params: { unitId: { kind: 'uuid', ref: true } },
      base: () => ({ unitId: province.id }),
    },
    {
      name: '/webhooks/:id/deliveries',
      path: () => `/api/v1/webhooks/${webhookId}/deliveries`,
      params: {
        ...pageParams,
        status: { kind: 'enum', values: DELIVERY_STATUSES },
        event: { kind: 'enum', values: [...WEBHOOK_EVENTS, 'ping'] },
      },
      base: () => ({ event: 'ping' }),
    },
    {
      name: '/work-orders',
      path: () => '/api/v1/work-orders',
      params: {
        ...pageParams,
        status: { kind: 'enums', values: WORK_ORDER_STATUSES },
        kind: { kind: 'enums', values: WORK_ORDER_KINDS },
        fundingProgramme: { kind: 'enums', values: FUNDING_PROGRAMMES },
        unitId: { kind: 'uuid', ref: true },
        q: { kind: 'search' },
        sort: { kind: 'enum', values: ['code', 'createdAt', 'plannedStart', 'status'] },
      },
      base: () => ({ unitId: commune.id }),
    },
    {
      name: '/work-orders/fm-inventory',
      path: () => '/api/v1/work-orders/fm-inventory',
      params: { unitId: { kind: 'uuid', ref: true }, format: { kind: 'enum', values: ['json', 'csv'] } },
      base: () => ({ unitId: commune.id }),
    },
    {
      name: '/work-orders/coverage-gaps',
      path: () => '/api/v1/work-orders/coverage-gaps',
      params: { unitId: { kind: 'uuid', ref: true }, format: { kind: 'enum', values: ['json', 'csv'] } },
      base: () => ({ unitId: commune.id, format: 'csv' }),
    },
    {
      name: '/availability',
      path: () => '/api/v1/availability',
      params: {
        ...period,
        unitId: { kind: 'uuid', ref: true },
        level: { kind: 'enum', values: ['cluster', 'village', 'commune'] },
        format: { kind: 'enum', values: ['json', 'csv'] },
      },
      base: () => ({ from: '2026-01-01', to: '2026-01-31', unitId: commune.id, level: 'cluster' }),
    },
    {
      name: '/reports/province',
      path: () => '/api/v1/reports/province',
      params: {
        ...period,
        unit: { kind: 'uuid', ref: true },
        format: { kind: 'enum', values: ['xlsx', 'csv', 'json'] },
      },
      base: () => ({ from: '2026-01-01', to: '2026-01-31', unit: province.id, format: 'json' }),
    },
  ];

  /** Path parameters that are not UUIDs or name nothing, with an otherwise fine request. */
  const badPaths = (): Attempt[] => {
    const ids = [
      'not-a-uuid',
      '123',
      '00000000-0000-4000-8000-00000000000',
      '%00',
      '%ED%A0%80',
      '..%2F..%2Fetc',
      'null',
      '%20',
      SOME_UUID,
    ];
    const routes: [method: string, template: string, body?: unknown][] = [
      ['GET', '/api/v1/alerts/%s'],
      ['POST', '/api/v1/alerts/%s/acknowledge', {}],
      ['POST', '/api/v1/alerts/%s/resolve', {}],
      ['PUT', '/api/v1/health-rules/overrides/%s/amp_fault', { enabled: false }],
      ['DELETE', '/api/v1/health-rules/overrides/%s/amp_fault'],
      ['GET', '/api/v1/webhooks/%s'],
      ['PATCH', '/api/v1/webhooks/%s', { name: 'x' }],
      ['DELETE', '/api/v1/webhooks/%s'],
      ['POST', '/api/v1/webhooks/%s/rotate-secret'],
      ['POST', '/api/v1/webhooks/%s/test'],
      ['GET', '/api/v1/webhooks/%s/deliveries'],
      ['GET', `/api/v1/webhooks/%s/deliveries/${deliveryId}`],
      ['POST', `/api/v1/webhooks/%s/deliveries/${deliveryId}/redeliver`],
      ['GET', `/api/v1/webhooks/${webhookId}/deliveries/%s`],
      ['POST', `/api/v1/webhooks/${webhookId}/deliveries/%s/redeliver`],
      ['GET', '/api/v1/work-orders/%s'],
      ['PATCH', '/api/v1/work-orders/%s', { title: 'x' }],
      ['POST', '/api/v1/work-orders/%s/transition', { to: 'cancelled' }],
      ['GET', '/api/v1/reports/jobs/%s'],
      ['GET', '/api/v1/reports/jobs/%s/download'],
    ];
    const attempt = (
      method: string,
      endpoint: string,
      path: string,
      what: string,
      body?: unknown,
    ): Attempt => ({
      endpoint: `${method} ${endpoint}`,
      method,
      path: url(path),
      body: body === undefined ? undefined : JSON.stringify(body),
      contentType: body === undefined ? null : 'application/json',
      what,
    });
    const out: Attempt[] = [];
    for (const [method, template, body] of routes)
      for (const id of ids)
        out.push(
          attempt(method, template.replace('%s', ':id'), template.replace('%s', id), `id ${id}`, body),
        );
    // Rules that do not exist, and units an override cannot be set on (a village, nothing).
    const rules = [
      'nope',
      'AMP_FAULT',
      'amp_fault%20',
      '%00',
      '__proto__',
      'constructor',
      'toString',
      '%ED%A0%80',
    ];
    for (const rule of rules) {
      const path = `/api/v1/health-rules/overrides/${commune.id}/${rule}`;
      out.push(
        attempt('PUT', '/health-rules/overrides/:unitId/:rule', path, `rule ${rule}`, { enabled: false }),
      );
      out.push(attempt('DELETE', '/health-rules/overrides/:unitId/:rule', path, `rule ${rule}`));
    }
    const overrideOf = (unitId: string, rule: string) => `/api/v1/health-rules/overrides/${unitId}/${rule}`;
    out.push(
      attempt('PUT', '/health-rules/overrides', overrideOf(village.id, 'offline'), 'a village', {
        enabled: false,
      }),
      attempt('DELETE', '/health-rules/overrides', overrideOf(village.id, 'offline'), 'a village'),
      attempt('DELETE', '/health-rules/overrides', overrideOf(commune.id, 'weak_signal'), 'no override'),
      attempt('DELETE', '/health-rules/overrides', overrideOf(SOME_UUID, 'offline'), 'unit of nothing'),
    );
    return out;
  };

  /** Well-formed requests the rules refuse. */
  const semanticAttempts = (): Attempt[] => {
    const json = (method: string, endpoint: string, path: string, what: string, body: unknown): Attempt => ({
      endpoint: `${method} ${endpoint}`,
      method,
      path: url(path),
      body: JSON.stringify(body),
      contentType: 'application/json',
      what,
    });
    const newOrder = { title: 'Lệnh lạ', communeId: commune.id, fundingProgramme: 'other' };
    const transition = `/api/v1/work-orders/${orderId}/transition`;
    return [
      json(
        'POST',
        '/alerts/:id/acknowledge',
        `/api/v1/alerts/${resolvedAlert.id}/acknowledge`,
        'resolved',
        {},
      ),
      json('POST', '/alerts/:id/resolve', `/api/v1/alerts/${resolvedAlert.id}/resolve`, 'resolved', {}),
      json(
        'PUT',
        '/health-rules/overrides',
        `/api/v1/health-rules/overrides/${commune.id}/amp_fault`,
        'stale',
        {
          enabled: false,
          revision: 99,
        },
      ),
      json('POST', '/webhooks', '/api/v1/webhooks', 'a village', {
        name: 'x',
        url: receiver.url,
        unitId: village.id,
      }),
      json('POST', '/work-orders', '/api/v1/work-orders', 'expansion without village', {
        ...newOrder,
        kind: 'expansion',
      }),
      json('POST', '/work-orders', '/api/v1/work-orders', 'replacement without FM cluster', {
        ...newOrder,
        kind: 'replacement',
      }),
      json('POST', '/work-orders', '/api/v1/work-orders', 'replacement of a working FM cluster', {
        ...newOrder,
        kind: 'replacement',
        fmClusterId: workingFmId,
      }),
      json('POST', '/work-orders', '/api/v1/work-orders', 'replacement of an IP cluster', {
        ...newOrder,
        kind: 'replacement',
        fmClusterId: ipClusterId,
      }),
      json('POST', '/work-orders', '/api/v1/work-orders', 'end before start', {
        ...newOrder,
        kind: 'new_station',
        plannedStart: '2026-05-01',
        plannedEnd: '2026-04-30',
      }),
      json('POST', '/work-orders', '/api/v1/work-orders', 'a village as commune', {
        ...newOrder,
        kind: 'new_station',
        communeId: village.id,
      }),
      json('POST', '/work-orders', '/api/v1/work-orders', 'a province as commune', {
        ...newOrder,
        kind: 'new_station',
        communeId: province.id,
      }),
      json('PATCH', '/work-orders/:id', `/api/v1/work-orders/${orderId}`, 'stale revision', {
        title: 'x',
        revision: 99,
      }),
      json('PATCH', '/work-orders/:id', `/api/v1/work-orders/${orderId}`, 'end before start', {
        plannedEnd: '2026-01-01',
      }),
      json('PATCH', '/work-orders/:id', `/api/v1/work-orders/${cancelledOrderId}`, 'cancelled order', {
        title: 'x',
      }),
      json('POST', '/work-orders/:id/transition', transition, 'proposed → installing', { to: 'installing' }),
      json('POST', '/work-orders/:id/transition', transition, 'proposed → commissioned', {
        to: 'commissioned',
        ipClusterId,
      }),
      json('POST', '/work-orders/:id/transition', transition, 'ipClusterId when cancelling', {
        to: 'cancelled',
        ipClusterId,
      }),
      json('POST', '/work-orders/:id/transition', transition, 'stale revision', {
        to: 'cancelled',
        revision: 99,
      }),
      json(
        'POST',
        '/work-orders/:id/transition',
        `/api/v1/work-orders/${cancelledOrderId}/transition`,
        'final',
        {
          to: 'approved',
        },
      ),
      json('POST', '/reports/province/jobs', '/api/v1/reports/province/jobs', 'from after to', {
        from: '2026-02-01',
        to: '2026-01-01',
      }),
      json('POST', '/reports/province/jobs', '/api/v1/reports/province/jobs', 'period too long', {
        from: '2020-01-01',
        to: '2026-01-01',
      }),
      json('POST', '/reports/province/jobs', '/api/v1/reports/province/jobs', 'a village', {
        from: '2026-01-01',
        to: '2026-01-02',
        unit: village.id,
      }),
      ...[
        ['/api/v1/availability?from=2026-02-01&to=2026-01-01', 'from after to'],
        ['/api/v1/availability?from=2020-01-01&to=2026-01-01', 'period too long'],
        ['/api/v1/reports/province?from=2026-02-01&to=2026-01-01&format=json', 'from after to'],
        ['/api/v1/reports/province?from=2020-01-01&to=2026-01-01&format=json', 'period too long'],
        ['/api/v1/alerts?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from after to'],
      ].map(([path, what]) => ({
        endpoint: `GET ${path.split('?')[0].replace('/api/v1', '')}`,
        method: 'GET',
        path: url(path),
        body: undefined,
        contentType: null,
        what,
        // An empty answer for an empty interval is as right as a 400.
        mayPass: path.startsWith('/api/v1/alerts'),
      })),
      // Far dates that exist: an answer or a 400, never a 500.
      ...[
        '/api/v1/availability?from=0100-01-01&to=0100-01-31',
        '/api/v1/availability?from=9999-12-01&to=9999-12-31',
        '/api/v1/reports/province?from=0100-01-01&to=0100-01-02&format=json',
        '/api/v1/reports/province?from=9999-12-30&to=9999-12-31&format=csv',
        '/api/v1/alerts?from=0001-01-01T00:00:00Z&to=9999-12-31T23:59:59Z',
        '/api/v1/alerts?from=9999-12-31T23:59:59.999Z',
      ].map((path) => ({
        endpoint: `GET ${path.split('?')[0].replace('/api/v1', '')}`,
        method: 'GET',
        path: url(path),
        body: undefined,
        contentType: null,
        what: `far dates ${path.split('?')[1]}`,
        mayPass: true,
      })),
    ];
  };

  async function send(attempt: Attempt): Promise<JsonResponse<Record<string, unknown>>> {
    const headers: Record<string, string> = { authorization: `Bearer ${server.adminToken}` };
    if (attempt.contentType !== null) headers['content-type'] = attempt.contentType;
    const abort = new AbortController();
    // A stream that wrongly opened (or a hang) must not stall the run.
    const timer = setTimeout(() => abort.abort(), 20_000);
    try {
      const res = await fetch(attempt.path, {
        method: attempt.method,
        headers,
        body: attempt.body === undefined ? undefined : new Uint8Array(Buffer.from(attempt.body)),
        signal: abort.signal,
      });
      if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
        abort.abort();
        return { status: res.status, body: { stream: true }, headers: res.headers };
      }
      const raw = Buffer.from(await res.arrayBuffer()).toString('utf8');
      let body: unknown = raw.slice(0, 300);
      try {
        body = JSON.parse(raw);
      } catch {
        // kept as text: the check reports it
      }
      return { status: res.status, body: body as Record<string, unknown>, headers: res.headers };
    } catch (err) {
      return { status: 599, body: { error: String(err) }, headers: new Headers() };
    } finally {
      clearTimeout(timer);
    }
  }

  it('answers every one with a precise 4xx (or, for edge cases, an answer), leaks nothing and changes nothing', async () => {
    const attempts: Attempt[] = [];
    const params = { seed: SEED };
    for (const endpoint of bodyEndpoints()) {
      attempts.push(...pinnedBodies(endpoint));
      attempts.push(...fc.sample(malformedBody(endpoint), { ...params, numRuns: PER_BODY_ENDPOINT }));
      attempts.push(...wrongContentTypes(endpoint));
    }
    for (const route of queryRoutes())
      attempts.push(...fc.sample(malformedQuery(route, url), { ...params, numRuns: PER_QUERY_ROUTE }));
    attempts.push(...badPaths(), ...semanticAttempts());
    expect(attempts.length).toBeGreaterThanOrEqual(3_000);

    // Every alert state is there to be changed by mistake.
    expect([openAlert.state, ackedAlert.state, resolvedAlert.state]).toEqual([
      'open',
      'acknowledged',
      'resolved',
    ]);
    const before = await tableHashes(server);
    const ds = server.app.get(DataSource);
    const audits = async () => (await ds.query(`SELECT count(*)::int AS n FROM audit_entry`))[0].n as number;
    const auditsBefore = await audits();
    const live = () => request('GET', url('/health/live'));
    expect((await live().catch(live)).status).toBe(200);

    const started = Date.now();
    const byStatus: Record<number, number> = {};
    const failures: string[] = [];
    for (let i = 0; i < attempts.length; i += 8) {
      await Promise.all(
        attempts.slice(i, i + 8).map(async (attempt) => {
          const res = await send(attempt);
          byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
          const problem = checkResponse(res, attempt.mayPass);
          const key = `${attempt.endpoint} ${attempt.what}: ${problem}`;
          if (problem && !failures.some((f) => f.startsWith(key)))
            failures.push(`${key} — HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
        }),
      );
    }
    const fiveXx = Object.entries(byStatus)
      .filter(([s]) => Number(s) >= 500)
      .reduce((n, [, c]) => n + c, 0);
    console.log(
      `malformed fleet-health requests tried: ${attempts.length} in ${Math.round((Date.now() - started) / 1000)} s, ` +
        `5xx: ${fiveXx}, by status ${JSON.stringify(byStatus)} (seed ${SEED})`,
    );
    // All three at once, so one failure does not hide the others.
    expect({
      failures: failures.sort().slice(0, 40),
      tables: await tableHashes(server),
      audits: await audits(),
    }).toEqual({ failures: [], tables: before, audits: auditsBefore });
  }, 300_000);
});
