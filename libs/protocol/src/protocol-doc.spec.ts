import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  fieldRows,
  generatedSections,
  normaliseMarkdown,
  renderGeneratedSections,
} from '../scripts/protocol-doc';
import { COMMAND_ERROR_CODES, DROP_REASONS, PLAY_FAILURE_REASONS, FAULT_CODES } from './errors';
import {
  CAPABILITIES,
  COMMAND_PARAMS_SCHEMAS,
  COMMAND_TYPES,
  PAYLOAD_SCHEMAS,
  type PayloadName,
} from './schemas';
import { clusterTopic, TOPIC_SPECS } from './topics';
import { validatePayload } from './validate';
import { MAX_PACKET_BYTES } from './version';

const FILE = resolve(__dirname, '../../../docs/protocol.md');
const WRITE_COMMAND = 'node -r @swc-node/register libs/protocol/scripts/write-protocol-doc.ts';
const PAYLOADS = Object.keys(PAYLOAD_SCHEMAS) as PayloadName[];

/** Content between `<!-- KIND:NAME -->` and `<!-- /KIND -->`, by NAME. */
function sections(text: string, kind: string): Map<string, string> {
  const pattern = new RegExp(`<!-- ${kind}:([\\w:-]+) -->([\\s\\S]*?)<!-- /${kind} -->`, 'g');
  return new Map([...text.matchAll(pattern)].map((match) => [match[1], match[2]]));
}

/** Backticked values of the first column of a markdown table (header row excluded). */
function firstColumn(table: string): string[] {
  return table
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2)
    .map((line) => /^\|\s*`([^`]+)`/.exec(line)?.[1] ?? `(no code in: ${line})`);
}

describe('docs/protocol.md', () => {
  const text = readFileSync(FILE, 'utf8');

  it('has a generated section for the topics and for every payload, parameter set and example', () => {
    const expected = [
      'topics',
      ...PAYLOADS.map((name) => `fields:${name}`),
      ...COMMAND_TYPES.map((type) => `fields:params:${type}`),
      ...PAYLOADS.map((name) => `example:${name}`),
    ];
    expect([...generatedSections(text)].sort()).toEqual(expected.sort());
  });

  it('has generated sections that match libs/protocol now', () => {
    try {
      expect(normaliseMarkdown(text)).toBe(normaliseMarkdown(renderGeneratedSections(text)));
    } catch (err) {
      throw new Error(
        `docs/protocol.md is out of date with libs/protocol. Regenerate its tables with:\n  ${WRITE_COMMAND}\n\n` +
          (err instanceof Error ? err.message : String(err)),
      );
    }
  });

  it.each([
    ['capabilities', CAPABILITIES],
    ['faults', FAULT_CODES],
    ['command-errors', COMMAND_ERROR_CODES],
    ['drop-reasons', DROP_REASONS],
    ['play-failures', PLAY_FAILURE_REASONS],
  ] as [string, readonly string[]][])('explains every code of the %s list, and no other', (name, codes) => {
    const table = sections(text, 'codes').get(name);
    expect(table).toBeDefined();
    expect(firstColumn(table ?? '')).toEqual([...codes]);
  });

  it.each(PAYLOADS)('shows %s examples that pass validatePayload', (name) => {
    const section = sections(text, 'generated').get(`example:${name}`) ?? '';
    const blocks = [...section.matchAll(/```json\n([\s\S]*?)\n```/g)].map((match) => match[1]);
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) expect(validatePayload(name, JSON.parse(block))).toMatchObject({ ok: true });
  });

  it('states the packet limit and every topic', () => {
    expect(text).toContain(`${MAX_PACKET_BYTES.toLocaleString('en-US')} bytes`);
    for (const spec of Object.values(TOPIC_SPECS)) {
      expect(text).toContain(clusterTopic('{clusterId}', spec.channel));
    }
  });
});

describe('field tables', () => {
  /** Every property path of a JSON Schema object (through `object | null`), with whether it is required. */
  function properties(schema: Record<string, unknown>, prefix = ''): [string, boolean][] {
    const object =
      (schema.anyOf as Record<string, unknown>[] | undefined)?.find((variant) => variant.type === 'object') ??
      schema;
    const props = (object.properties ?? {}) as Record<string, Record<string, unknown>>;
    const required = new Set((object.required as string[] | undefined) ?? []);
    return Object.entries(props).flatMap(([key, inner]): [string, boolean][] => [
      [`${prefix}${key}`, required.has(key)],
      ...(prefix === '' && key === 'params' ? [] : properties(inner, `${prefix}${key}.`)),
    ]);
  }

  it.each(PAYLOADS)('%s: one row per property, with the schema required flag', (name) => {
    const schema = JSON.parse(JSON.stringify(PAYLOAD_SCHEMAS[name])) as Record<string, unknown>;
    const variant = name === 'Command' ? (schema.anyOf as Record<string, unknown>[])[0] : schema;
    const rows = fieldRows(PAYLOAD_SCHEMAS[name]).map((row): [string, boolean] => [
      row.field,
      row.required === 'yes',
    ]);
    expect(rows).toEqual(properties(variant));
  });

  it.each(COMMAND_TYPES)('params of %s: one row per parameter', (type) => {
    const schema = JSON.parse(JSON.stringify(COMMAND_PARAMS_SCHEMAS[type])) as Record<string, unknown>;
    const rows = fieldRows(COMMAND_PARAMS_SCHEMAS[type]).map((row): [string, boolean] => [
      row.field,
      row.required === 'yes',
    ]);
    expect(rows).toEqual(properties(schema));
  });

  it('renders ranges, units and enums from the schema', () => {
    const telemetry = new Map(fieldRows(PAYLOAD_SCHEMAS.Telemetry).map((row) => [row.field, row]));
    expect(telemetry.get('volume')).toMatchObject({
      type: 'integer',
      unit: '%',
      range: '0 – 100',
      required: 'yes',
    });
    expect(telemetry.get('net.rssi')).toMatchObject({
      type: 'number',
      unit: 'dBm',
      range: '-150 – 0',
      required: 'no',
    });
    expect(telemetry.get('ts')).toMatchObject({ unit: 'ms since epoch, UTC' });
    expect(telemetry.get('uptimeS')).toMatchObject({ unit: 's', range: '≥ 0' });
    expect(telemetry.get('playing')).toMatchObject({ type: 'object or null', required: 'yes' });
    expect(telemetry.get('amp')).toMatchObject({ type: 'string (enum)', range: '`ok`, `off`, `fault`' });
    const command = new Map(fieldRows(PAYLOAD_SCHEMAS.Command).map((row) => [row.field, row]));
    expect(command.get('type')?.range).toBe(COMMAND_TYPES.map((type) => `\`${type}\``).join(', '));
    expect(command.get('params')?.range).toBe('depends on `type`');
  });
});
