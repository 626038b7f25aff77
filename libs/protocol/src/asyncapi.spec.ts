import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  DiagnosticSeverity,
  Parser,
  type AsyncAPIDocumentInterface,
  type Diagnostic,
} from '@asyncapi/parser';
import { parse as parseYaml } from 'yaml';
import { buildAsyncApiDocument, PAYLOAD_EXAMPLES } from './asyncapi';
import { PAYLOAD_SCHEMAS, type PayloadName } from './schemas';
import { clusterTopic, TOPIC_SPECS, type Channel } from './topics';
import { validatePayload } from './validate';
import { MAX_PACKET_BYTES, PROTOCOL_VERSION } from './version';

const FILE = resolve(__dirname, '../../../docs/asyncapi.yaml');
const WRITE_COMMAND = 'node -r @swc-node/register libs/protocol/scripts/write-asyncapi.ts';
const CHANNELS = Object.keys(TOPIC_SPECS) as Channel[];

/** The parser annotates schemas with `x-parser-*` keys; remove them to compare with our JSON Schema. */
function withoutParserKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutParserKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !key.startsWith('x-parser-'))
      .map(([key, inner]) => [key, withoutParserKeys(inner)]),
  );
}

const describeDiagnostic = (d: Diagnostic) => `${d.code} at ${d.path.join('.') || '(root)'}: ${d.message}`;

describe('docs/asyncapi.yaml', () => {
  let text: string;
  let diagnostics: Diagnostic[];
  let document: AsyncAPIDocumentInterface;

  beforeAll(async () => {
    text = readFileSync(FILE, 'utf8');
    const parsed = await new Parser().parse(text);
    diagnostics = parsed.diagnostics;
    if (!parsed.document) {
      throw new Error(
        `AsyncAPI parser refused docs/asyncapi.yaml:\n${diagnostics.map(describeDiagnostic).join('\n')}`,
      );
    }
    document = parsed.document;
  });

  it('is a valid AsyncAPI 3.0.0 document (no diagnostic of severity error)', () => {
    const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
    expect(errors.map(describeDiagnostic)).toEqual([]);
    expect(document.version()).toBe('3.0.0');
  });

  it('equals what buildAsyncApiDocument() produces from libs/protocol now', () => {
    const committed: unknown = parseYaml(text);
    try {
      expect(committed).toEqual(buildAsyncApiDocument());
    } catch (err) {
      throw new Error(
        `docs/asyncapi.yaml is out of date with libs/protocol. Regenerate it with:\n  ${WRITE_COMMAND}\n\n` +
          (err instanceof Error ? err.message : String(err)),
      );
    }
  });

  it('names the contract version and its size limit', () => {
    expect(document.info().title()).toBe('loa-xa device contract');
    expect(document.info().version()).toBe(`${PROTOCOL_VERSION}.0.0`);
    for (const server of document.servers().all()) {
      expect(server.host()).toMatch(/^broker\.example\.vn:\d+$/);
      expect(server.protocolVersion()).toBe('3.1.1');
      expect(server.bindings().get('mqtt')?.value()).toMatchObject({
        cleanSession: false,
        maximumPacketSize: MAX_PACKET_BYTES,
        lastWill: { topic: clusterTopic('{clusterId}', 'status'), qos: 1, retain: true },
      });
      const schemes = server
        .security()
        .flatMap((requirement) => requirement.all().map((entry) => entry.scheme().type()));
      expect(schemes).toEqual(['userPassword']);
    }
    expect(
      document
        .servers()
        .all()
        .map((s) => s.id())
        .sort(),
    ).toEqual(['mqtt', 'mqtts', 'ws', 'wss']);
  });

  it('has exactly one channel per TOPIC_SPECS entry', () => {
    expect(
      document
        .channels()
        .all()
        .map((c) => c.id())
        .sort(),
    ).toEqual([...CHANNELS].sort());
  });

  describe.each(CHANNELS)('channel %s', (name) => {
    const spec = TOPIC_SPECS[name];

    it('has the contract address and a clusterId parameter', () => {
      const channel = document.channels().get(name);
      expect(channel?.address()).toBe(clusterTopic('{clusterId}', name));
      expect(
        channel
          ?.parameters()
          .all()
          .map((p) => p.id()),
      ).toEqual(['clusterId']);
    });

    it('has one operation from the device point of view with the QoS and retain flag of TOPIC_SPECS', () => {
      const operations = document.channels().get(name)?.operations().all() ?? [];
      expect(operations).toHaveLength(1);
      const [operation] = operations;
      expect(operation.action()).toBe(spec.direction === 'device_to_server' ? 'send' : 'receive');
      expect(operation.bindings().get('mqtt')?.value()).toEqual({ qos: spec.qos, retain: spec.retain });
    });

    it('carries the TypeBox schema of its payload', () => {
      const messages = document.channels().get(name)?.messages().all() ?? [];
      expect(messages.map((m) => m.id())).toEqual([spec.payload]);
      const payload = messages[0].payload()?.json();
      expect(withoutParserKeys(payload)).toEqual(JSON.parse(JSON.stringify(PAYLOAD_SCHEMAS[spec.payload])));
      expect(messages[0].contentType()).toBe('application/json');
    });

    it('has examples that all pass validatePayload', () => {
      const message = document.channels().get(name)?.messages().all()[0];
      const examples = message?.examples().all() ?? [];
      expect(examples.length).toBeGreaterThan(0);
      for (const example of examples) {
        const result = validatePayload(spec.payload, example.payload());
        expect({ example: example.name(), result }).toEqual({
          example: example.name(),
          result: expect.objectContaining({ ok: true }),
        });
      }
    });
  });

  it('publishes every payload schema under components.schemas by its PAYLOAD_SCHEMAS name', () => {
    for (const name of Object.keys(PAYLOAD_SCHEMAS) as PayloadName[]) {
      const schema = document.components().schemas().get(name);
      expect(withoutParserKeys(schema?.json())).toEqual(JSON.parse(JSON.stringify(PAYLOAD_SCHEMAS[name])));
    }
  });
});

describe('PAYLOAD_EXAMPLES', () => {
  it.each(Object.keys(PAYLOAD_EXAMPLES) as PayloadName[])('%s examples are valid', (name) => {
    for (const example of PAYLOAD_EXAMPLES[name]) {
      expect(validatePayload(name, example.payload)).toEqual({ ok: true, value: example.payload });
    }
  });
});
