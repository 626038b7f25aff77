/*
 * Generated parts of docs/protocol.md (topic table, field tables, JSON examples), built from libs/protocol
 * so the vendor guide cannot drift from the code. Each sits between `<!-- generated:NAME -->` and
 * `<!-- /generated -->`; write-protocol-doc.ts rewrites them and src/protocol-doc.spec.ts checks them.
 */
import type { TSchema } from '@sinclair/typebox';
import { PAYLOAD_EXAMPLES } from '../src/asyncapi';
import { COMMAND_PARAMS_SCHEMAS, PAYLOAD_SCHEMAS, type CommandType, type PayloadName } from '../src/schemas';
import { clusterTopic, TOPIC_SPECS } from '../src/topics';

/** Plain JSON Schema (TypeBox symbols stripped). */
type Schema = TSchema & Record<string, unknown>;

export interface FieldRow {
  field: string;
  type: string;
  unit: string;
  range: string;
  required: string;
  description: string;
}

const EPOCH_MAX = 8_640_000_000_000_000;
const UNIT_SUFFIX = /(?:^|, )(dBm|dB|V|%|°C|MiB|ms|s)$/;

const code = (value: unknown) => `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
const plain = (schema: TSchema): Schema => JSON.parse(JSON.stringify(schema)) as Schema;
const variantsOf = (schema: Schema): Schema[] => (schema.anyOf as Schema[] | undefined) ?? [];
const isEpoch = (schema: Schema) =>
  schema.type === 'integer' && schema.minimum === 0 && schema.maximum === EPOCH_MAX;
const isLiteralUnion = (schema: Schema) =>
  variantsOf(schema).length > 0 && variantsOf(schema).every((variant) => variant.const !== undefined);
const nullableObject = (schema: Schema): Schema | undefined => {
  const variants = variantsOf(schema);
  const object = variants.find((variant) => variant.type === 'object');
  return variants.length === 2 && variants.some((variant) => variant.type === 'null') ? object : undefined;
};

function unitOf(schema: Schema): string {
  if (isEpoch(schema)) return 'ms since epoch, UTC';
  const description = String(schema.description ?? '');
  const suffix = UNIT_SUFFIX.exec(description);
  if (suffix) return suffix[1];
  if (/^Seconds\b/.test(description)) return 's';
  return '';
}

function typeOf(schema: Schema): string {
  if (isLiteralUnion(schema)) return `${String(variantsOf(schema)[0].type)} (enum)`;
  if (nullableObject(schema)) return 'object or null';
  if (schema.const !== undefined) return String(schema.type);
  if (schema.type === 'string' && schema.format) return `string (${String(schema.format)})`;
  if (schema.type === 'array') {
    const items = schema.items as Schema;
    return `array of ${isLiteralUnion(items) ? `${String(variantsOf(items)[0].type)} (enum)` : String(items.type)}`;
  }
  if (schema.type === 'object' && schema.patternProperties) return 'object (any keys)';
  return String(schema.type);
}

function formatNumber(value: number): string {
  return value === EPOCH_MAX ? '8.64e15' : String(value);
}

function rangeOf(schema: Schema): string {
  const parts: string[] = [];
  if (schema.const !== undefined) parts.push(`always ${code(schema.const)}`);
  if (isLiteralUnion(schema))
    parts.push(
      variantsOf(schema)
        .map((variant) => code(variant.const))
        .join(', '),
    );
  if (typeof schema.minimum === 'number' && typeof schema.maximum === 'number') {
    parts.push(`${formatNumber(schema.minimum)} – ${formatNumber(schema.maximum)}`);
  } else if (typeof schema.minimum === 'number') {
    parts.push(`≥ ${formatNumber(schema.minimum)}`);
  } else if (typeof schema.maximum === 'number') {
    parts.push(`≤ ${formatNumber(schema.maximum)}`);
  }
  if (typeof schema.minLength === 'number' && typeof schema.maxLength === 'number') {
    parts.push(`${schema.minLength}–${schema.maxLength} characters`);
  } else if (typeof schema.maxLength === 'number') {
    parts.push(`≤ ${schema.maxLength} characters`);
  }
  if (typeof schema.pattern === 'string') parts.push(`pattern ${code(schema.pattern)}`);
  if (schema.format === 'uuid') parts.push('UUID');
  if (schema.type === 'array') {
    const items = schema.items as Schema;
    if (typeof schema.maxItems === 'number') parts.push(`≤ ${schema.maxItems} items`);
    if (schema.uniqueItems) parts.push('no duplicates');
    if (isLiteralUnion(items))
      parts.push(
        `each one of ${variantsOf(items)
          .map((v) => code(v.const))
          .join(', ')}`,
      );
  }
  if (typeof schema.maxProperties === 'number') parts.push(`≤ ${schema.maxProperties} properties`);
  if (schema.type === 'object' && schema.additionalProperties === false && !schema.patternProperties) {
    parts.push('no other properties');
  }
  return parts.join('; ');
}

function describe(schema: Schema, variant?: Schema): string {
  return String(schema.description ?? variant?.description ?? '');
}

function objectRows(object: Schema, prefix: string, nest = true): FieldRow[] {
  const properties = (object.properties ?? {}) as Record<string, Schema>;
  const required = new Set((object.required as string[] | undefined) ?? []);
  const rows: FieldRow[] = [];
  for (const [name, schema] of Object.entries(properties)) {
    const field = `${prefix}${name}`;
    const inner = nullableObject(schema);
    rows.push({
      field,
      type: typeOf(schema),
      unit: unitOf(schema),
      range: rangeOf(inner ?? schema),
      required: required.has(name) ? 'yes' : 'no',
      description: describe(schema),
    });
    const nested = inner ?? (schema.type === 'object' && schema.properties ? schema : undefined);
    if (nested && nest) rows.push(...objectRows(nested, `${field}.`));
  }
  return rows;
}

/**
 * Rows of a union of objects told apart by a literal property (`Command`): the fields of the first
 * variant, one level deep; a field that differs between variants is either the discriminator (listed as
 * an enum of its literals) or depends on it (`params`, documented per command type).
 */
function discriminatedRows(union: Schema): FieldRow[] {
  const variants = variantsOf(union);
  const rows = variants.map((variant) => objectRows(variant, '', false));
  const property = (variant: Schema, name: string) =>
    JSON.stringify((variant.properties as Record<string, Schema>)[name]);
  return rows[0].map((row) => {
    const same = variants.every(
      (variant) => property(variant, row.field) === property(variants[0], row.field),
    );
    if (same) return row;
    const all = rows.map((variantRows) => variantRows.find((other) => other.field === row.field));
    const literal = all.every((other) => other?.range.startsWith('always '));
    return {
      field: row.field,
      type: literal ? `${row.type} (enum)` : row.type,
      unit: '',
      range: literal
        ? all.map((other) => other?.range.replace('always ', '')).join(', ')
        : 'depends on `type`',
      required: all.every((other) => other?.required === 'yes') ? 'yes' : 'no',
      description: literal ? 'Command type' : 'Parameters of the command type (tables below)',
    };
  });
}

/** Field rows of a payload schema, parents before their children (`net`, `net.type`, ...). */
export function fieldRows(schema: TSchema): FieldRow[] {
  const json = plain(schema);
  return json.type === 'object' ? objectRows(json, '') : discriminatedRows(json);
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** A markdown table of the fields of a schema. */
export function fieldTable(schema: TSchema): string {
  const header = ['Field', 'Type', 'Unit', 'Range / values', 'Required', 'Description'];
  const rows = fieldRows(schema);
  if (rows.length === 0) return 'No fields: the object must be empty (`{}`).';
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const row of rows) {
    const cells = [code(row.field), row.type, row.unit, row.range, row.required, row.description];
    lines.push(`| ${cells.map((text) => cell(text || '—')).join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The schema a field section names: a payload, or `params:<command type>`. */
export function markerSchema(name: string): TSchema | undefined {
  if (name.startsWith('params:')) {
    return COMMAND_PARAMS_SCHEMAS[name.slice('params:'.length) as CommandType] as TSchema | undefined;
  }
  return PAYLOAD_SCHEMAS[name as PayloadName] as TSchema | undefined;
}

/** The topic table: one row per channel of TOPIC_SPECS. */
export function topicTable(): string {
  const lines = [
    '| Topic | Publisher | QoS | Retain | Payload | Purpose |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const spec of Object.values(TOPIC_SPECS)) {
    const publisher = spec.direction === 'device_to_server' ? 'device' : 'server';
    const cells = [
      code(clusterTopic('{clusterId}', spec.channel)),
      publisher,
      String(spec.qos),
      spec.retain ? 'yes' : 'no',
      spec.payload,
      spec.summary,
    ];
    lines.push(`| ${cells.map(cell).join(' | ')} |`);
  }
  return lines.join('\n');
}

/** JSON code blocks of the examples of a payload (every one passes validatePayload). */
export function exampleBlocks(name: PayloadName): string {
  return PAYLOAD_EXAMPLES[name]
    .map(
      (example) => `${example.summary}:\n\n\`\`\`json\n${JSON.stringify(example.payload, null, 2)}\n\`\`\``,
    )
    .join('\n\n');
}

/**
 * Content of a generated section: `topics`, `fields:<payload>`, `fields:params:<command type>` or
 * `example:<payload>`. Throws on a name it does not know.
 */
export function renderSection(name: string): string {
  if (name === 'topics') return topicTable();
  if (name.startsWith('fields:')) {
    const schema = markerSchema(name.slice('fields:'.length));
    if (schema) return fieldTable(schema);
  }
  if (name.startsWith('example:')) {
    const payload = name.slice('example:'.length);
    if (payload in PAYLOAD_EXAMPLES) return exampleBlocks(payload as PayloadName);
  }
  throw new Error(`docs/protocol.md has an unknown generated section <!-- generated:${name} -->`);
}

// The lazy body stops at the first closing marker, also when a section is empty.
const SECTION = /(<!-- generated:([\w:]+) -->)[\s\S]*?(<!-- \/generated -->)/g;

/** Names of the generated sections present in a markdown text. */
export function generatedSections(markdown: string): string[] {
  return [...markdown.matchAll(SECTION)].map((match) => match[2]);
}

/** The markdown with every generated section rebuilt from libs/protocol. */
export function renderGeneratedSections(markdown: string): string {
  return markdown.replace(
    SECTION,
    (_all, open: string, name: string, close: string) => `${open}\n\n${renderSection(name)}\n\n${close}`,
  );
}

/**
 * The text with formatting that prettier may change taken out: table cells trimmed and separator rows
 * collapsed (column alignment), whitespace removed inside fenced code blocks (JSON line breaks), blank
 * lines dropped. Two texts that normalise equal say the same thing.
 */
export function normaliseMarkdown(markdown: string): string {
  const out: string[] = [];
  let fence: string[] | null = null;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) {
      if (fence === null) {
        fence = [line.trim()];
      } else {
        out.push(`${fence[0]} ${fence.slice(1).join('').replace(/\s+/g, '')}`);
        fence = null;
      }
    } else if (fence !== null) {
      fence.push(line);
    } else if (line.startsWith('|')) {
      const cells = line
        .slice(1, line.endsWith('|') ? -1 : undefined)
        .split(/(?<!\\)\|/)
        .map((text) => text.trim());
      out.push(cells.every((text) => /^:?-+:?$/.test(text)) ? '|---|' : `| ${cells.join(' | ')} |`);
    } else if (line.trim() !== '') {
      out.push(line);
    }
  }
  return out.join('\n');
}
