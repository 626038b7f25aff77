import { PAYLOAD_EXAMPLES } from './asyncapi';
import {
  COMMAND_PARAMS_SCHEMAS,
  COMMAND_TYPES,
  PAYLOAD_SCHEMAS,
  type Command,
  type PayloadName,
  type Telemetry,
} from './schemas';
import { decodePayload, encodePayload, validateAgainst, validatePayload } from './validate';

const NAMES = Object.keys(PAYLOAD_SCHEMAS) as PayloadName[];
const UUID = '9b1f6a52-3c0e-4d8a-b7e1-2f4c6d8e0a13';

/** A deep copy of the first example of `name`, as a plain record to break on purpose. */
function sample(name: PayloadName, index = 0): Record<string, unknown> {
  return structuredClone(PAYLOAD_EXAMPLES[name][index].payload) as Record<string, unknown>;
}

/** `sample` with the value at a slash path replaced (`undefined` removes it). */
function changed(name: PayloadName, path: string, value: unknown, index = 0): Record<string, unknown> {
  const root = sample(name, index);
  const keys = path.split('/').filter(Boolean);
  let target = root;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  const last = keys[keys.length - 1];
  if (value === undefined) delete target[last];
  else target[last] = value;
  return root;
}

const json = (value: unknown) => JSON.stringify(value);

describe('decodePayload: valid payloads', () => {
  it.each(NAMES)('accepts every %s example, from a Buffer and from a string', (name) => {
    for (const example of PAYLOAD_EXAMPLES[name]) {
      expect(decodePayload(name, Buffer.from(json(example.payload)))).toEqual({
        ok: true,
        value: example.payload,
      });
      expect(decodePayload(name, json(example.payload))).toEqual({ ok: true, value: example.payload });
    }
  });

  it('decodes UTF-8 text (Vietnamese detail)', () => {
    const event = { ...sample('DeviceEvent'), detail: 'Đứt dây loa ở thôn Bản Phố' };
    const result = decodePayload('DeviceEvent', Buffer.from(json(event), 'utf8'));
    expect(result).toEqual({ ok: true, value: event });
  });

  it('accepts the boundaries of a range (volume 0 and 100)', () => {
    expect(validatePayload('Telemetry', changed('Telemetry', '/volume', 0)).ok).toBe(true);
    expect(validatePayload('Telemetry', changed('Telemetry', '/volume', 100)).ok).toBe(true);
    expect(validatePayload('Command', changed('Command', '/params/volume', 100)).ok).toBe(true);
  });

  it('accepts a command acknowledgement for every status', () => {
    for (const status of ['received', 'ok', 'error', 'expired', 'rejected']) {
      expect(validatePayload('CommandAck', { v: 1, ts: 0, id: UUID, status }).ok).toBe(true);
    }
  });
});

describe('decodePayload: not JSON', () => {
  it.each(NAMES)('%s: reason invalid_json', (name) => {
    for (const raw of ['', '{', '{"v":1,', 'online', Buffer.from([0xff, 0xfe, 0x00])]) {
      expect(decodePayload(name, raw)).toEqual({
        ok: false,
        reason: 'invalid_json',
        path: '/',
        message: 'payload is not valid JSON',
      });
    }
  });
});

describe('decodePayload: other protocol versions', () => {
  it.each(NAMES)('%s: v 2 and v 0 give reason version at /v', (name) => {
    for (const v of [2, 0, '1']) {
      const result = decodePayload(name, json({ ...sample(name), v }));
      expect(result).toMatchObject({ ok: false, reason: 'version', path: '/v' });
    }
  });

  it('names the version in the message', () => {
    const result = decodePayload('Status', json({ v: 2, ts: 0, state: 'online' }));
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining('protocol version 2') });
  });

  it('treats a missing v as a schema violation, not a version', () => {
    expect(validatePayload('Status', { ts: 0, state: 'online' })).toMatchObject({
      ok: false,
      reason: 'schema',
      path: '/v',
    });
  });
});

describe('decodePayload: schema violations name the field', () => {
  const cases: [PayloadName, string, unknown, string][] = [
    // [message, field changed, new value (undefined removes it), expected path]
    ['Hello', '/vendor', '', '/vendor'],
    ['Hello', '/model', undefined, '/model'],
    ['Hello', '/firmware', 'x'.repeat(65), '/firmware'],
    ['Hello', '/imei', '35693803564380A', '/imei'],
    ['Hello', '/iccid', '8984', '/iccid'],
    ['Hello', '/capabilities', ['volume', 'volume'], '/capabilities'],
    ['Hello', '/capabilities', ['volume', 'teleport'], '/capabilities/1'],
    ['Hello', '/ts', -1, '/ts'],
    ['Hello', '/ts', 1.5, '/ts'],
    ['Hello', '/ts', '1767220200000', '/ts'],
    ['Status', '/state', 'sleeping', '/state'],
    ['Status', '/state', undefined, '/state'],
    ['Telemetry', '/volume', 101, '/volume'],
    ['Telemetry', '/volume', -1, '/volume'],
    ['Telemetry', '/volume', 50.5, '/volume'],
    ['Telemetry', '/seq', -1, '/seq'],
    ['Telemetry', '/seq', 4294967296, '/seq'],
    ['Telemetry', '/net/type', '6g', '/net/type'],
    ['Telemetry', '/net/rssi', 10, '/net/rssi'],
    ['Telemetry', '/power/source', 'solar', '/power/source'],
    ['Telemetry', '/power/batteryPct', 101, '/power/batteryPct'],
    ['Telemetry', '/amp', 'broken', '/amp'],
    ['Telemetry', '/line', 'cut', '/line'],
    ['Telemetry', '/tempC', 126, '/tempC'],
    ['Telemetry', '/storageFreeMb', -1, '/storageFreeMb'],
    ['Telemetry', '/clockOffsetMs', 86_400_001, '/clockOffsetMs'],
    ['Telemetry', '/playing', undefined, '/playing'],
    ['Telemetry', '/playing', { kind: 'radio' }, '/playing/kind'],
    ['Telemetry', '/playing', 'radio', '/playing'],
    ['DeviceEvent', '/id', '', '/id'],
    ['DeviceEvent', '/type', 'fault_flapping', '/type'],
    ['DeviceEvent', '/code', 'meteor_strike', '/code'],
    ['DeviceEvent', '/detail', 'x'.repeat(501), '/detail'],
    ['Command', '/params/volume', 101, '/params/volume'],
    ['Command', '/params', {}, '/params/volume'],
    ['Command', '/id', 'not-a-uuid', '/id'],
    ['Command', '/expiresAt', undefined, '/expiresAt'],
    ['Command', '/type', 'dance', '/type'],
    ['CommandAck', '/status', 'done', '/status'],
    ['CommandAck', '/code', 'oops', '/code'],
    ['CommandAck', '/id', 'not-a-uuid', '/id'],
    ['CommandAck', '/message', 'x'.repeat(501), '/message'],
  ];

  it.each(cases)('%s %s = %j → schema at %s', (name, field, value, path) => {
    const result = decodePayload(name, json(changed(name, field, value)));
    expect(result).toMatchObject({ ok: false, reason: 'schema', path });
    if (!result.ok) expect(result.message.startsWith(`${path}: `)).toBe(true);
  });

  it('reports the reboot delay of a reboot command at /params/delayS', () => {
    const reboot = sample('Command', 1);
    expect(reboot.type).toBe('reboot');
    (reboot.params as Record<string, unknown>).delayS = 3601;
    expect(validatePayload('Command', reboot)).toMatchObject({ reason: 'schema', path: '/params/delayS' });
  });

  it('refuses parameters of another command type', () => {
    const ping = sample('Command', 2);
    expect(ping.type).toBe('ping');
    ping.params = { volume: 60 };
    expect(validatePayload('Command', ping)).toMatchObject({ ok: false, reason: 'schema' });
  });

  it.each(['null', '[]', '42', '"online"'])('refuses JSON that is not an object: %s', (raw) => {
    expect(decodePayload('Status', raw)).toMatchObject({ ok: false, reason: 'schema' });
  });

  it('refuses a result with more than 32 properties', () => {
    const result = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i]));
    expect(validatePayload('CommandAck', { ...sample('CommandAck', 1), result })).toMatchObject({
      reason: 'schema',
      path: '/result',
    });
  });
});

describe('unknown properties', () => {
  it.each(NAMES)('%s: an unknown top-level property is refused at its path', (name) => {
    expect(validatePayload(name, { ...sample(name), colour: 'red' })).toMatchObject({
      ok: false,
      reason: 'schema',
      path: '/colour',
    });
  });

  it.each([
    ['Telemetry', '/net/band'],
    ['Telemetry', '/power/solarV'],
    ['Telemetry', '/playing/volume'],
    ['Command', '/params/fade'],
  ] as [PayloadName, string][])('%s: an unknown nested property %s is refused', (name, path) => {
    expect(validatePayload(name, changed(name, path, 1))).toMatchObject({
      ok: false,
      reason: 'schema',
      path,
    });
  });
});

describe('ext (vendor fields)', () => {
  const ext = { acmeZone: 2, acmeDsp: { preset: 'speech' }, note: null };

  it.each(['Hello', 'Telemetry', 'DeviceEvent'] as PayloadName[])('%s accepts any ext object', (name) => {
    const payload = { ...sample(name), ext };
    expect(validatePayload(name, payload)).toEqual({ ok: true, value: payload });
  });

  it.each(['Hello', 'Telemetry', 'DeviceEvent'] as PayloadName[])(
    '%s refuses more than 32 ext fields',
    (name) => {
      const big = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`f${i}`, i]));
      expect(validatePayload(name, { ...sample(name), ext: big })).toMatchObject({
        reason: 'schema',
        path: '/ext',
      });
    },
  );

  it('refuses an ext that is not an object', () => {
    expect(validatePayload('Telemetry', { ...sample('Telemetry'), ext: 'acme' })).toMatchObject({
      reason: 'schema',
      path: '/ext',
    });
  });

  it.each(['Status', 'Command', 'CommandAck'] as PayloadName[])('%s has no ext', (name) => {
    expect(validatePayload(name, { ...sample(name), ext })).toMatchObject({ reason: 'schema', path: '/ext' });
  });
});

describe('encodePayload', () => {
  it.each(NAMES)('%s: encodes every example as JSON that decodes back to it', (name) => {
    for (const example of PAYLOAD_EXAMPLES[name]) {
      const bytes = encodePayload(name, example.payload);
      expect(Buffer.isBuffer(bytes)).toBe(true);
      expect(JSON.parse(bytes.toString('utf8'))).toEqual(example.payload);
      expect(decodePayload(name, bytes)).toEqual({ ok: true, value: example.payload });
    }
  });

  it('throws on an out-of-range value, naming the message and the field', () => {
    const command = changed('Command', '/params/volume', 101) as unknown as Command;
    expect(() => encodePayload('Command', command)).toThrow(/invalid Command: \/params\/volume/);
    const telemetry = changed('Telemetry', '/volume', 101) as unknown as Telemetry;
    expect(() => encodePayload('Telemetry', telemetry)).toThrow(/invalid Telemetry: \/volume/);
  });

  it('throws on an unknown property and on another version', () => {
    const extra = { ...sample('Command'), extra: true } as unknown as Command;
    expect(() => encodePayload('Command', extra)).toThrow(/\/extra/);
    const v2 = { ...sample('Command'), v: 2 } as unknown as Command;
    expect(() => encodePayload('Command', v2)).toThrow(/protocol version 2/);
  });
});

describe('validateAgainst', () => {
  it('validates against any contract schema and returns the value', () => {
    expect(validateAgainst(PAYLOAD_SCHEMAS.Status, { v: 1, ts: 5, state: 'offline' })).toEqual({
      ok: true,
      value: { v: 1, ts: 5, state: 'offline' },
    });
    expect(validateAgainst(PAYLOAD_SCHEMAS.Status, { v: 1, ts: 5 })).toMatchObject({
      ok: false,
      path: '/state',
    });
  });
});

describe('COMMAND_PARAMS_SCHEMAS', () => {
  it('has a parameter schema for every command type, matching the params of the Command schema', () => {
    expect(Object.keys(COMMAND_PARAMS_SCHEMAS).sort()).toEqual([...COMMAND_TYPES].sort());
    for (const example of PAYLOAD_EXAMPLES.Command) {
      const { type, params } = example.payload;
      expect(validateAgainst(COMMAND_PARAMS_SCHEMAS[type], params).ok).toBe(true);
    }
  });

  it('refuses out-of-range and unknown parameters before anything is sent', () => {
    expect(validateAgainst(COMMAND_PARAMS_SCHEMAS.set_volume, { volume: 101 })).toMatchObject({
      path: '/volume',
    });
    expect(validateAgainst(COMMAND_PARAMS_SCHEMAS.reboot, { delayS: -1 })).toMatchObject({ path: '/delayS' });
    expect(validateAgainst(COMMAND_PARAMS_SCHEMAS.ping, { now: true })).toMatchObject({ path: '/now' });
  });
});
