import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { CLUSTER_KINDS, CLUSTER_LIFECYCLES, UNIT_ERAS } from '@loa-xa/persistence';
import { COMMAND_TYPES } from '@loa-xa/protocol';
import { startTestServer, type TestServer } from '../support/test-server';
import { request, type JsonResponse } from '../support/http';
import { provisionClusters } from '../support/fleet';
import { INITIAL_LIFECYCLES } from '../../apps/server/src/registry/clusters/cluster-lifecycle';

/*
 * Over a thousand generated malformed requests against every write endpoint, built from the rules of each
 * endpoint's DTO: every one must get a 4xx with a JSON error body that names the problem (400s name the
 * field) and leaks no stack trace, and nothing stored may change.
 */

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const PER_ENDPOINT = 250;
const CSV_BODIES = 300;
const CONTENT_TYPE_CASES = 120;

type Kind = 'text' | 'enum' | 'uuid' | 'number' | 'integer' | 'boolean' | 'date' | 'object';

/** What a DTO field accepts, enough to produce values it refuses. */
interface FieldSpec {
  kind: Kind;
  /** Leaving it out is an error. */
  required?: boolean;
  /** null is accepted (IsOptional); otherwise null is an error. */
  nullable?: boolean;
  /** Text: length (the DTO trims first when `trimmed`); numbers: range. */
  min?: number;
  max?: number;
  trimmed?: boolean;
  /** The field also counts characters as the database does (MaxChars). */
  chars?: boolean;
  /** Strings of the right length the field's pattern refuses. */
  badPatterns?: string[];
  /** Enum: the accepted values. */
  values?: readonly string[];
}

interface Endpoint {
  name: string;
  method: 'POST' | 'PATCH';
  path: () => string;
  fields: Record<string, FieldSpec>;
  /** A body the endpoint accepts (never sent as is). */
  base: () => Record<string, unknown>;
}

interface Attempt {
  endpoint: string;
  method: string;
  path: string;
  /** Raw body text, or bytes. */
  body: string | Buffer | undefined;
  contentType: string | null;
  what: string;
}

const text = (max: number, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  kind: 'text',
  min: 1,
  max,
  trimmed: true,
  chars: true,
  ...extra,
});
const optionalText = (max: number): FieldSpec => text(max, { nullable: true });

const CODE_BAD = ['bad code', '-x', '.x', '_x', 'mã-số', 'a/b', 'x'.repeat(65), 'x;DROP TABLE cluster'];
const UNIT_CODE_BAD = ['bad code', '-x', 'x'.repeat(17), 'mã', 'a/b', '.a'];
const PHONE_BAD = ['call me', '12345', '☎ 0912 345 678', `+${'1'.repeat(32)}`, '0912x345678', '++84912345'];
const MSISDN_BAD = ['call me', '123', '+84 91 234', `+${'9'.repeat(16)}`, '++84912345678', '09123456a8'];
const ICCID_BAD = ['abc', '123', `${'8'.repeat(19)}FF`, `${'8'.repeat(23)}`, '8984-0490-0012-3456-789'];
const DATE_BAD = [
  '2024-02-30',
  '2023-02-29',
  '2024-13-01',
  '2024-00-10',
  'yesterday',
  '2024-1-1',
  '24-01-01',
  '2024/01/01',
  '01/02/2024',
  '275760-01-01',
  '0000-00-00',
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
  '3f2504e0_4f89_41d3_9a0c_0305e82c3301',
  "' OR 1=1 --",
];
const ENUM_BAD = ['', ' ', 'IP', 'Ip', 'unknown', 'null', '0', 'ip '];
/** Characters PostgreSQL cannot store, or that are not Unicode. */
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
  string: fc.oneof(fc.constantFrom('', '1', 'true', 'NaN', 'Infinity', '{}'), fc.string({ maxLength: 20 })),
  array: fc.oneof(fc.constant([]), fc.array(anyJson, { maxLength: 4 })),
  object: fc.oneof(fc.constant({}), fc.constant({ a: { b: [1, { c: null }] } }), fc.object({ maxDepth: 2 })),
};

function accepted(spec: FieldSpec): Set<string> {
  const types = new Set<string>();
  if (['text', 'enum', 'uuid', 'date'].includes(spec.kind)) types.add('string');
  if (spec.kind === 'number' || spec.kind === 'integer') types.add('number');
  if (spec.kind === 'boolean') types.add('boolean');
  if (spec.kind === 'object') types.add('object');
  if (spec.nullable) types.add('null');
  return types;
}

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
      if (spec.chars)
        // Within class-validator's Length, over the column's character count.
        options.push(fc.constantFrom('a\uFE0F'.repeat(max), '\u0958'.repeat(max)));
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
    case 'uuid':
      options.push(fc.constantFrom(...UUID_BAD, ...UNSTORABLE));
      break;
    case 'date':
      options.push(fc.constantFrom(...DATE_BAD, ...UNSTORABLE));
      break;
    case 'number':
    case 'integer': {
      const min = spec.min as number;
      const max = spec.max as number;
      options.push(fc.constantFrom(min - 1, max + 1, -1e300, 1e300, `${LITERAL}1e309`, `${LITERAL}-1e309`));
      if (spec.kind === 'integer') options.push(fc.constantFrom(min + 0.5, max - 0.25));
      options.push(fc.constantFrom('1', '1.5', 'NaN', 'Infinity', '1e309', '', '12abc', '0x10'));
      break;
    }
    case 'boolean':
      options.push(fc.constantFrom('true', 'false', 1, 0, 'yes', 'on'));
      break;
    case 'object':
      break;
  }
  return fc.oneof(...options);
}

const UNKNOWN_KEYS = [
  'extra',
  'id',
  'createdAt',
  'updatedAt',
  'role',
  'isAdmin',
  'password_hash',
  'constructor',
  '__proto__',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'ví dụ',
];

/** A body of `endpoint` with exactly one problem. */
function malformedBody(endpoint: Endpoint): fc.Arbitrary<Attempt> {
  const names = Object.keys(endpoint.fields);
  const required = names.filter((n) => endpoint.fields[n].required);
  const json = (what: string, body: string): Attempt => ({
    endpoint: endpoint.name,
    method: endpoint.method,
    path: endpoint.path(),
    body,
    contentType: 'application/json',
    what,
  });
  const choices: fc.Arbitrary<Attempt>[] = [
    // One field with a value it refuses (wrong type, null, out of range, too long, bad pattern, …).
    fc
      .constantFrom(...names)
      .chain((name) => badValue(endpoint.fields[name]).map((bad) => [name, bad] as const))
      .map(([name, bad]) =>
        json(
          `${name} = ${String(JSON.stringify(bad)).slice(0, 60)}`,
          serialise({ ...endpoint.base(), [name]: bad }),
        ),
      ),
    // A field the DTO does not have.
    fc
      .tuple(
        fc.oneof(
          fc.constantFrom(...UNKNOWN_KEYS),
          fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !names.includes(k)),
        ),
        anyJson,
      )
      .map(([key, value]) => json(`unknown field ${key}`, serialise({ ...endpoint.base(), [key]: value }))),
    // Not an object.
    fc
      .constantFrom('[]', '"text"', '42', 'null', 'true', '[[]]', `[${serialise(endpoint.base())}]`)
      .map((body) => json(`body ${body.slice(0, 30)}`, body)),
    // Not JSON at all, with a JSON content type.
    fc
      .oneof(
        fc.string({ minLength: 1, maxLength: 200 }),
        fc.constantFrom(
          "{'name': 'x'}",
          '{name: "x"}',
          '{"name": "x",}',
          '{"name": NaN}',
          '{"a":1}{"b":2}',
          '<xml/>',
          'name=x&code=y',
        ),
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
  ];
  if (required.length)
    choices.push(
      fc.constantFrom(...required).map((name) => {
        const body = endpoint.base();
        delete body[name];
        return json(`${name} left out`, serialise(body));
      }),
    );
  return fc.oneof(...choices);
}

/** The right JSON with a content type the endpoint does not take (CSV text/plain is only for imports). */
function wrongContentType(endpoint: Endpoint): fc.Arbitrary<Attempt> {
  return fc
    .constantFrom<string | null>(
      'text/plain',
      'application/xml',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=fuzz',
      'application/octet-stream',
      'image/png',
      null,
    )
    .map((contentType) => ({
      endpoint: endpoint.name,
      method: endpoint.method,
      path: endpoint.path(),
      body: serialise(endpoint.base()),
      contentType,
      what: `content type ${contentType ?? '(none)'}`,
    }));
}

const HEADER = 'code,name,kind,commune_code';
const ALL_COLUMNS =
  'code,name,kind,lifecycle,commune_code,village_code,latitude,longitude,address,vendor,model,firmware,serial,msisdn,iccid,installed_on,notes,era';

/** CSV files no row of which can be imported (no commune of these codes exists), or that cannot be read. */
const malformedCsv: fc.Arbitrary<{ body: string | Buffer; what: string; contentType: string }> = fc
  .oneof(
    fc.constantFrom(
      { body: '', what: 'empty' },
      { body: '\n\n\n', what: 'blank lines' },
      { body: `${HEADER}\n`, what: 'header only' },
      { body: 'codes,names,kinds\nA,B,ip\n', what: 'unknown columns' },
      { body: 'code,name\nA,B\n', what: 'missing required columns' },
      { body: 'code,code,name,kind,commune_code\nA,A,B,ip,1\n', what: 'repeated column' },
      { body: `${HEADER}\nA,"Cụm,ip,99999\n`, what: 'unclosed quote' },
      { body: `${HEADER}\nA,Cụm"x"y,ip,99999\n`, what: 'quote inside a field' },
      { body: `${HEADER}\nA,B,ip\n`, what: 'too few fields' },
      { body: `${HEADER}\nA,B,ip,99999,extra,more\n`, what: 'too many fields' },
      { body: `${HEADER}\nA,B,ip,9\u0000\n`, what: 'NUL in a cell' },
      { body: `\uFEFF\uFEFF${HEADER}\nA,B,ip,99999\n`, what: 'two BOMs' },
      { body: `${HEADER}\r\nA,B,xyz,99999\r\n`, what: 'bad kind (CRLF)' },
      {
        body: `${ALL_COLUMNS}\nA,B,ip,decommissioned,99999,,91,181,,,,,,call me,abc,31/02/2024,,post_2026\n`,
        what: 'every cell wrong',
      },
      { body: 'code;name;kind;commune_code\nbad code;;ip;99999\n', what: 'semicolons, bad code, no name' },
    ),
    // Rows that each break at least one rule, and name communes that do not exist.
    fc
      .array(
        fc.record({
          code: fc.oneof(fc.constantFrom(...CODE_BAD, ''), fc.stringMatching(/^[A-Z]{2}-[0-9]{3}$/)),
          name: fc.oneof(
            fc.string({ maxLength: 30 }),
            fc.integer({ min: 201, max: 20_000 }).map((n) => 'ệ'.repeat(n)),
          ),
          kind: fc.constantFrom('ip', 'fm_wired', 'xyz', '', 'IP '),
          commune: fc.constantFrom('99999', '00000', '1', 'abc', '"05971"', ''),
          extra: fc.constantFrom('', ',', ',x,y'),
        }),
        { minLength: 1, maxLength: 30 },
      )
      .map((rows) => ({
        body: `${HEADER}\n${rows
          .map((r) => `${r.code},"${r.name.replace(/"/g, '""')}",${r.kind},${r.commune}${r.extra}`)
          .join('\n')}\n`,
        what: `${rows.length} bad rows`,
      })),
    // Noise, and bytes that are not UTF-8.
    fc.string({ minLength: 1, maxLength: 300 }).map((body) => ({ body, what: 'noise' })),
    fc.uint8Array({ minLength: 1, maxLength: 300 }).map((bytes) => ({
      body: Buffer.concat([
        Buffer.from(`${HEADER}\nA,`),
        Buffer.from([0xc3, 0x28, 0xff]),
        Buffer.from(bytes),
      ]),
      what: 'not UTF-8',
    })),
  )
  .chain((csv) =>
    fc
      .constantFrom('text/csv', 'text/csv; charset=utf-8', 'text/plain')
      .map((contentType) => ({ ...csv, contentType })),
  );

/** A stack frame, or a path of this checkout or of an installed package. */
const leaks = (text: string) =>
  /\n\s+at |\bat \S+ \([^)]*:\d+:\d+\)/.test(text) ||
  text.includes(process.cwd()) ||
  text.includes('node_modules/');

describe('malformed request bodies on every write endpoint', () => {
  let server: TestServer;
  let clusterId: string;
  let communeId: string;
  let freeCommuneId: string;
  let stationId: string;

  const counts = async () => {
    const ds = server.app.get(DataSource);
    const tables = [
      'admin_unit',
      'station',
      'cluster',
      'cluster_credential',
      'device_command',
      'app_user',
      'auth_session',
      'audit_entry',
    ];
    const out: Record<string, number> = {};
    for (const t of tables) out[t] = Number((await ds.query(`SELECT count(*)::int AS n FROM ${t}`))[0].n);
    const hash = async (sql: string, id: string) =>
      createHash('sha256')
        .update(JSON.stringify(await ds.query(sql, [id])))
        .digest('hex');
    return {
      rows: out,
      cluster: await hash('SELECT * FROM cluster WHERE id = $1', clusterId),
      credential: await hash('SELECT * FROM cluster_credential WHERE cluster_id = $1', clusterId),
      station: await hash('SELECT * FROM station WHERE id = $1', stationId),
    };
  };

  beforeAll(async () => {
    server = await startTestServer();
    const ds = server.app.get(DataSource);
    const [known] = await provisionClusters(server, 1);
    const [other] = await provisionClusters(server, 1);
    clusterId = known.id;
    const communeOf = async (id: string) =>
      String((await ds.query('SELECT commune_id FROM cluster WHERE id = $1', [id]))[0].commune_id);
    communeId = await communeOf(known.id);
    freeCommuneId = await communeOf(other.id);
    const station = await request<{ id: string }>('POST', server.url('/api/v1/stations'), {
      communeId,
      name: 'Đài truyền thanh Fuzz',
    });
    expect(station.status).toBe(201);
    stationId = station.body.id;
  });

  afterAll(async () => {
    await server?.close();
  });

  const endpoints = (): Endpoint[] => {
    const clusterFields: Record<string, FieldSpec> = {
      code: text(64, { required: true, badPatterns: CODE_BAD, chars: false }),
      name: text(200, { required: true }),
      kind: { kind: 'enum', required: true, values: CLUSTER_KINDS },
      lifecycle: {
        kind: 'enum',
        nullable: true,
        values: INITIAL_LIFECYCLES,
        badPatterns: ['replaced', 'decommissioned', 'Active'],
      },
      latitude: { kind: 'number', nullable: true, min: -90, max: 90 },
      longitude: { kind: 'number', nullable: true, min: -180, max: 180 },
      address: optionalText(300),
      vendor: optionalText(64),
      model: optionalText(64),
      firmware: optionalText(64),
      serial: optionalText(64),
      msisdn: { kind: 'text', nullable: true, min: 1, max: 20, badPatterns: MSISDN_BAD },
      iccid: { kind: 'text', nullable: true, min: 1, max: 22, badPatterns: ICCID_BAD },
      installedOn: { kind: 'date', nullable: true },
      notes: optionalText(2000),
      communeId: { kind: 'uuid', required: true },
      villageId: { kind: 'uuid', nullable: true },
      stationId: { kind: 'uuid', nullable: true },
    };
    // PATCH: the same fields, none required; code, name, kind, lifecycle and communeId cannot be null.
    const updateFields: Record<string, FieldSpec> = {};
    for (const [name, spec] of Object.entries(clusterFields))
      updateFields[name] = {
        ...spec,
        required: false,
        nullable: !['code', 'name', 'kind', 'lifecycle', 'communeId'].includes(name),
        ...(name === 'lifecycle' ? { values: CLUSTER_LIFECYCLES, badPatterns: ['Active', 'retired'] } : {}),
      };
    return [
      {
        name: 'POST /units',
        method: 'POST',
        path: () => server.url('/api/v1/units'),
        fields: {
          level: {
            kind: 'enum',
            required: true,
            values: ['province', 'commune', 'village'],
            badPatterns: ['district'],
          },
          era: { kind: 'enum', nullable: true, values: UNIT_ERAS, badPatterns: ['post-2025', 'pre_2026'] },
          code: { kind: 'text', required: true, min: 1, max: 16, badPatterns: UNIT_CODE_BAD },
          name: text(200, { required: true }),
          type: optionalText(64),
          parentId: { kind: 'uuid' },
        },
        base: () => ({ level: 'village', code: 'FZ-V1', name: 'Thôn Fuzz', parentId: communeId }),
      },
      {
        name: 'POST /units/import',
        method: 'POST',
        path: () => server.url('/api/v1/units/import'),
        fields: {
          provinceCode: {
            kind: 'text',
            required: true,
            min: 2,
            max: 2,
            badPatterns: ['1', '123', 'ab', '2O', ' 20', '20 ', '２０', '-1', '2.'],
          },
        },
        base: () => ({ provinceCode: '99' }),
      },
      {
        name: 'POST /stations',
        method: 'POST',
        path: () => server.url('/api/v1/stations'),
        fields: {
          communeId: { kind: 'uuid', required: true },
          name: text(200, { required: true }),
          address: optionalText(300),
          phone: { kind: 'text', nullable: true, min: 6, max: 33, badPatterns: PHONE_BAD, trimmed: true },
          isIp: { kind: 'boolean', nullable: true },
          establishedOn: { kind: 'date', nullable: true },
        },
        base: () => ({ communeId: freeCommuneId, name: 'Đài Fuzz mới' }),
      },
      {
        name: 'PATCH /stations/:id',
        method: 'PATCH',
        path: () => server.url(`/api/v1/stations/${stationId}`),
        fields: {
          name: text(200),
          address: optionalText(300),
          phone: { kind: 'text', nullable: true, min: 6, max: 33, badPatterns: PHONE_BAD, trimmed: true },
          isIp: { kind: 'boolean' },
          establishedOn: { kind: 'date', nullable: true },
        },
        base: () => ({ name: 'Đài đổi tên' }),
      },
      {
        name: 'POST /clusters',
        method: 'POST',
        path: () => server.url('/api/v1/clusters'),
        fields: clusterFields,
        base: () => ({ code: 'FZ-NEW-1', name: 'Cụm loa Fuzz', kind: 'fm_wired', communeId }),
      },
      {
        name: 'PATCH /clusters/:id',
        method: 'PATCH',
        path: () => server.url(`/api/v1/clusters/${clusterId}`),
        fields: updateFields,
        base: () => ({ name: 'Cụm loa đổi tên' }),
      },
      {
        name: 'POST /clusters/:id/commands',
        method: 'POST',
        path: () => server.url(`/api/v1/clusters/${clusterId}/commands`),
        fields: {
          type: {
            kind: 'enum',
            required: true,
            values: COMMAND_TYPES,
            badPatterns: ['shutdown', 'SET_VOLUME', 'toString'],
          },
          params: { kind: 'object', nullable: true },
          ttlS: { kind: 'integer', nullable: true, min: 1, max: 2_592_000 },
        },
        base: () => ({ type: 'ping' }),
      },
      {
        name: 'POST /auth/login',
        method: 'POST',
        path: () => server.url('/api/v1/auth/login'),
        fields: {
          username: { kind: 'text', required: true, min: 1, max: 64 },
          password: { kind: 'text', required: true, min: 1, max: 200 },
          cookie: { kind: 'boolean', nullable: true },
        },
        base: () => ({ username: 'fuzz-nobody', password: 'not the password' }),
      },
    ];
  };

  /** Command parameters that break the command type's own schema. */
  const badCommandParams = fc
    .constantFrom<[string, unknown]>(
      ['set_volume', {}],
      ['set_volume', { volume: 101 }],
      ['set_volume', { volume: -1 }],
      ['set_volume', { volume: 50.5 }],
      ['set_volume', { volume: '50' }],
      ['set_volume', { volume: null }],
      ['set_volume', { volume: 50, loud: true }],
      ['set_volume', undefined],
      ['reboot', { delayS: 3601 }],
      ['reboot', { delayS: -1 }],
      ['reboot', { delayS: '5' }],
      ['reboot', { now: true }],
      ['ping', { count: 3 }],
      ['ping', { a: { b: { c: [] } } }],
      ['ping', JSON.parse('{"__proto__":{"polluted":true}}') as unknown],
      ['set_volume', { volume: 50, constructor: { prototype: {} } }],
      ['ping', { toString: 'x' }],
      ['reboot', { delayS: 5, hasOwnProperty: true }],
    )
    .map(([type, params]) => ({
      endpoint: 'POST /clusters/:id/commands',
      method: 'POST',
      path: server.url(`/api/v1/clusters/${clusterId}/commands`),
      body: JSON.stringify(params === undefined ? { type } : { type, params }),
      contentType: 'application/json',
      what: `${type} params ${JSON.stringify(params)}`,
    }));

  /** Path parameters that are not UUIDs, with an otherwise fine body. */
  const badPaths = fc
    .tuple(
      fc.constantFrom('/api/v1/stations/%s', '/api/v1/clusters/%s', '/api/v1/clusters/%s/commands'),
      fc.constantFrom(
        'not-a-uuid',
        '123',
        '00000000-0000-4000-8000-00000000000',
        '%00',
        '..%2F..%2Fetc',
        'null',
      ),
    )
    .map(([template, id]) => ({
      endpoint: template.replace('%s', ':id'),
      method: template.endsWith('commands') ? 'POST' : 'PATCH',
      path: server.url(template.replace('%s', id)),
      body: JSON.stringify(template.endsWith('commands') ? { type: 'ping' } : { name: 'x' }),
      contentType: 'application/json',
      what: `bad id ${id}`,
    }));

  async function send(attempt: Attempt): Promise<JsonResponse<Record<string, unknown>>> {
    const headers: Record<string, string> = {};
    if (attempt.contentType !== null) headers['content-type'] = attempt.contentType;
    if (Buffer.isBuffer(attempt.body) || attempt.contentType === null) {
      // Bytes, or no Content-Type at all: fetch would add text/plain to a string body.
      const res = await fetch(attempt.path, {
        method: attempt.method,
        headers: { ...headers, authorization: `Bearer ${server.adminToken}` },
        body: attempt.body === undefined ? undefined : new Uint8Array(Buffer.from(attempt.body)),
      });
      const raw = await res.text();
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        // kept as text: the assertion below reports it
      }
      return { status: res.status, body: body as Record<string, unknown>, headers: res.headers };
    }
    return request<Record<string, unknown>>(attempt.method, attempt.path, attempt.body, headers);
  }

  it('answers every one with a precise 4xx, leaks nothing and changes nothing', async () => {
    const attempts: Attempt[] = [];
    const params = { seed: SEED };
    for (const endpoint of endpoints()) {
      attempts.push(...fc.sample(malformedBody(endpoint), { ...params, numRuns: PER_ENDPOINT }));
      attempts.push(...fc.sample(wrongContentType(endpoint), { ...params, numRuns: CONTENT_TYPE_CASES / 8 }));
    }
    attempts.push(...fc.sample(badCommandParams, { ...params, numRuns: 40 }));
    attempts.push(...fc.sample(badPaths, { ...params, numRuns: 40 }));
    for (const csv of fc.sample(malformedCsv, { ...params, numRuns: CSV_BODIES }))
      attempts.push({
        endpoint: 'POST /clusters/import',
        method: 'POST',
        path: server.url('/api/v1/clusters/import'),
        ...csv,
      });
    for (const query of ['partial=maybe', 'dryRun=1', 'partial=true&partial=false'])
      attempts.push({
        endpoint: 'POST /clusters/import',
        method: 'POST',
        path: server.url(`/api/v1/clusters/import?${query}`),
        body: `${HEADER}\nA,B,ip,99999\n`,
        contentType: 'text/csv',
        what: `query ${query}`,
      });
    attempts.push(
      ...[
        'application/json',
        'application/xml',
        'multipart/form-data; boundary=x',
        'multipart/form-data',
      ].map((contentType) => ({
        endpoint: 'POST /clusters/import',
        method: 'POST',
        path: server.url('/api/v1/clusters/import'),
        body: contentType.startsWith('multipart')
          ? '--x\r\nContent-Disposition: form-data; name="other"\r\n\r\nv\r\n--x--\r\n'
          : '{"code":"A"}',
        contentType,
        what: `import as ${contentType}`,
      })),
    );
    expect(attempts.length).toBeGreaterThanOrEqual(1_000);

    const before = await counts();
    // The server closes keep-alive connections idle for 5 s (cases were being generated): a GET, retried
    // once, makes sure the requests below do not land on one it is closing.
    const live = () => request('GET', server.url('/health/live'));
    expect((await live().catch(live)).status).toBe(200);
    const byStatus: Record<number, number> = {};
    const failures: string[] = [];
    // A few at a time: the server is one process, and the order does not matter.
    for (let i = 0; i < attempts.length; i += 8) {
      await Promise.all(
        attempts.slice(i, i + 8).map(async (attempt) => {
          const res = await send(attempt);
          byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
          const problem = checkResponse(res);
          if (problem)
            failures.push(
              `${attempt.endpoint} ${attempt.what}: ${problem} — HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`,
            );
        }),
      );
    }
    const fiveXx = Object.entries(byStatus)
      .filter(([s]) => Number(s) >= 500)
      .reduce((n, [, c]) => n + c, 0);
    console.log(
      `malformed HTTP bodies tried: ${attempts.length}, 5xx: ${fiveXx}, by status ${JSON.stringify(byStatus)} (seed ${SEED})`,
    );
    expect(failures.slice(0, 20)).toEqual([]);
    expect(await counts()).toEqual(before);
  }, 120_000);

  // The global pipe checks text/csv bodies; an uploaded file must be checked by the import itself.
  it('refuses U+0000 in a CSV uploaded as multipart/form-data with a 4xx', async () => {
    const form = new FormData();
    form.append('file', new Blob([`${HEADER}\nA,B,ip,9\u00009\n`], { type: 'text/csv' }), 'clusters.csv');
    const res = await fetch(server.url('/api/v1/clusters/import'), {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect(res.status).toBe(400);
  });

  it('names the column of every header error, empty names included', async () => {
    const res = await request<{ errors: { field: string }[] }>(
      'POST',
      server.url('/api/v1/clusters/import'),
      ',,code\nA,B,C\n',
      {
        'content-type': 'text/csv',
      },
    );
    expect(res.status).toBe(400);
    for (const e of res.body.errors) expect(e.field).not.toBe('');
  });
});

/** What is wrong with the answer to a malformed request, or null. */
function checkResponse(res: JsonResponse<Record<string, unknown>>): string | null {
  if (res.status < 400 || res.status >= 500) return `status ${res.status}`;
  const body = res.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body is not a JSON object';
  if (body.statusCode !== res.status) return `statusCode ${String(body.statusCode)}`;
  if (typeof body.message !== 'string' || body.message.trim() === '') return 'no message';
  if (!(res.headers.get('content-type') ?? '').startsWith('application/json')) return 'not served as JSON';
  if (leaks(JSON.stringify(body))) return 'leaks a stack trace or a file path';
  if (res.status === 400 || res.status === 422) {
    const errors = body.errors;
    if (!Array.isArray(errors) || errors.length === 0) return 'no errors[]';
    for (const e of errors as Record<string, unknown>[]) {
      if (typeof e?.field !== 'string' || e.field === '')
        return `an error without a field: ${JSON.stringify(e)}`;
    }
  }
  return null;
}
