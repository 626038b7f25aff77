import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { COMMAND_ERROR_CODES, FAULT_CODES } from './errors';
import { PROTOCOL_VERSION } from './version';

/*
 * Payload schemas of the device contract. TypeBox schemas are plain JSON Schema, so the same objects
 * validate at run time (validate.ts) and are published in docs/asyncapi.yaml.
 * Every payload is a JSON object with `v` (protocol version) and `ts` (device clock, epoch ms).
 * Unknown properties are refused; vendors put their own fields under `ext`.
 */

const literals = <T extends readonly string[]>(values: T, description: string) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    { description },
  );

const EpochMs = (description: string) =>
  Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000, description });
const ShortText = (description: string, maxLength = 64) =>
  Type.String({ minLength: 1, maxLength, description });
const Version = Type.Literal(PROTOCOL_VERSION, { description: 'Protocol version' });
const Ext = Type.Optional(
  Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), {
    description: 'Vendor-specific fields; ignored by the server but stored with the message',
    maxProperties: 32,
  }),
);

export const CAPABILITIES = [
  'volume', // software volume control
  'reboot',
  'schedule', // holds and plays a manifest of scheduled media
  'live_stream', // plays an HTTP MP3 stream
  'battery', // has a battery and reports it
  'gps', // reports its own position
  'fm_relay', // feeds an FM transmitter or wired line (TT39 Điều 6)
] as const;

export const HelloSchema = Type.Object(
  {
    v: Version,
    ts: EpochMs('Device clock when sent'),
    vendor: ShortText('Hardware vendor'),
    model: ShortText('Hardware model'),
    firmware: ShortText('Firmware version'),
    serial: Type.Optional(ShortText('Hardware serial number')),
    imei: Type.Optional(Type.String({ pattern: '^[0-9]{14,16}$', description: 'Modem IMEI' })),
    iccid: Type.Optional(Type.String({ pattern: '^[0-9]{18,22}F?$', description: 'SIM ICCID' })),
    capabilities: Type.Array(literals(CAPABILITIES, 'Capability'), {
      maxItems: CAPABILITIES.length,
      uniqueItems: true,
      description: 'What this firmware can do',
    }),
    bootId: Type.Optional(ShortText('Changes at every boot; tells a reboot from a reconnect')),
    ext: Ext,
  },
  { additionalProperties: false, $id: 'Hello', description: 'Birth message after every connect' },
);
export type Hello = Static<typeof HelloSchema>;

export const STATUS_STATES = ['online', 'offline'] as const;
export const StatusSchema = Type.Object(
  {
    v: Version,
    ts: EpochMs('Device clock when sent (for the last will: when the will was registered)'),
    state: literals(STATUS_STATES, 'online after connect; offline as last will or before a clean disconnect'),
  },
  { additionalProperties: false, $id: 'Status', description: 'Retained presence of a cluster' },
);
export type Status = Static<typeof StatusSchema>;

export const NETWORK_TYPES = ['2g', '3g', '4g', '5g', 'ethernet', 'wifi'] as const;
export const POWER_SOURCES = ['mains', 'battery'] as const;
export const AMP_STATES = ['ok', 'off', 'fault'] as const;
export const LINE_STATES = ['ok', 'open', 'short'] as const;
export const PLAYING_KINDS = ['schedule', 'live', 'command'] as const;

export const TelemetrySchema = Type.Object(
  {
    v: Version,
    ts: EpochMs('Device clock when measured'),
    seq: Type.Integer({
      minimum: 0,
      maximum: 4294967295,
      description: 'Increments by one per telemetry message since boot; gaps show lost messages',
    }),
    net: Type.Object(
      {
        type: literals(NETWORK_TYPES, 'Link in use'),
        rssi: Type.Optional(Type.Number({ minimum: -150, maximum: 0, description: 'dBm' })),
        rsrp: Type.Optional(Type.Number({ minimum: -156, maximum: -31, description: 'LTE RSRP, dBm' })),
        rsrq: Type.Optional(Type.Number({ minimum: -43, maximum: 20, description: 'LTE RSRQ, dB' })),
        sinr: Type.Optional(Type.Number({ minimum: -23, maximum: 40, description: 'LTE SINR, dB' })),
        operator: Type.Optional(ShortText('Mobile operator (PLMN or name)', 32)),
      },
      { additionalProperties: false },
    ),
    power: Type.Object(
      {
        source: literals(POWER_SOURCES, 'What powers the cluster now'),
        batteryV: Type.Optional(Type.Number({ minimum: 0, maximum: 60, description: 'Battery voltage, V' })),
        batteryPct: Type.Optional(
          Type.Integer({ minimum: 0, maximum: 100, description: 'Battery charge, %' }),
        ),
      },
      { additionalProperties: false },
    ),
    amp: literals(AMP_STATES, 'Amplifier state'),
    line: literals(LINE_STATES, 'Speaker line state'),
    tempC: Type.Optional(
      Type.Number({ minimum: -40, maximum: 125, description: 'Enclosure temperature, °C' }),
    ),
    volume: Type.Integer({ minimum: 0, maximum: 100, description: 'Output volume, %' }),
    storageFreeMb: Type.Number({ minimum: 0, maximum: 1_048_576, description: 'Free media storage, MiB' }),
    clockOffsetMs: Type.Integer({
      minimum: -86_400_000,
      maximum: 86_400_000,
      description: 'Device clock minus reference time (NTP/NITZ), ms',
    }),
    uptimeS: Type.Optional(Type.Integer({ minimum: 0, description: 'Seconds since boot' })),
    playing: Type.Union(
      [
        Type.Null(),
        Type.Object(
          {
            kind: literals(PLAYING_KINDS, 'What started the playback'),
            ref: Type.Optional(ShortText('Occurrence, command or stream id', 128)),
            since: Type.Optional(EpochMs('When playback started')),
          },
          { additionalProperties: false },
        ),
      ],
      { description: 'What is playing now, or null when silent' },
    ),
    ext: Ext,
  },
  { additionalProperties: false, $id: 'Telemetry', description: 'Periodic health report' },
);
export type Telemetry = Static<typeof TelemetrySchema>;

export const EVENT_TYPES = ['fault_raised', 'fault_cleared'] as const;
export const DeviceEventSchema = Type.Object(
  {
    v: Version,
    ts: EpochMs('Device clock when it happened'),
    id: ShortText('Unique per cluster; a replayed event with the same id is ignored', 64),
    type: literals(EVENT_TYPES, 'What happened'),
    code: literals(FAULT_CODES, 'Which fault'),
    detail: Type.Optional(Type.String({ maxLength: 500, description: 'Human-readable detail' })),
    ext: Ext,
  },
  { additionalProperties: false, $id: 'DeviceEvent', description: 'A fault raised or cleared' },
);
export type DeviceEvent = Static<typeof DeviceEventSchema>;

const commandBase = {
  v: Version,
  id: Type.String({ format: 'uuid', description: 'Command id; acks carry it back' }),
  ts: EpochMs('Server clock when issued'),
  expiresAt: EpochMs('Server clock after which the device must not carry it out (ack `expired`)'),
};

export const COMMAND_TYPES = ['set_volume', 'reboot', 'ping'] as const;
export type CommandType = (typeof COMMAND_TYPES)[number];

export const SetVolumeParamsSchema = Type.Object(
  { volume: Type.Integer({ minimum: 0, maximum: 100, description: 'Output volume, %' }) },
  { additionalProperties: false },
);
export const RebootParamsSchema = Type.Object(
  {
    delayS: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 3600, description: 'Wait before rebooting, s' }),
    ),
  },
  { additionalProperties: false },
);
export const PingParamsSchema = Type.Object({}, { additionalProperties: false });

/** Parameters per command type: used by the API to validate before anything is sent. */
export const COMMAND_PARAMS_SCHEMAS = {
  set_volume: SetVolumeParamsSchema,
  reboot: RebootParamsSchema,
  ping: PingParamsSchema,
} as const satisfies Record<CommandType, TSchema>;

export const CommandSchema = Type.Union(
  [
    Type.Object(
      { ...commandBase, type: Type.Literal('set_volume'), params: SetVolumeParamsSchema },
      { additionalProperties: false },
    ),
    Type.Object(
      { ...commandBase, type: Type.Literal('reboot'), params: RebootParamsSchema },
      { additionalProperties: false },
    ),
    Type.Object(
      { ...commandBase, type: Type.Literal('ping'), params: PingParamsSchema },
      { additionalProperties: false },
    ),
  ],
  { $id: 'Command', description: 'A remote command, one of the types below' },
);
export type Command = Static<typeof CommandSchema>;

export const ACK_STATUSES = ['received', 'ok', 'error', 'expired', 'rejected'] as const;
export type AckStatus = (typeof ACK_STATUSES)[number];

export const CommandAckSchema = Type.Object(
  {
    v: Version,
    ts: EpochMs('Device clock when sent'),
    id: Type.String({ format: 'uuid', description: 'Id of the command acknowledged' }),
    status: literals(
      ACK_STATUSES,
      'received: it arrived; ok: done; error: tried and failed; expired: too late; rejected: refused',
    ),
    code: Type.Optional(literals(COMMAND_ERROR_CODES, 'Why, when status is error, expired or rejected')),
    message: Type.Optional(Type.String({ maxLength: 500, description: 'Human-readable detail' })),
    result: Type.Optional(
      Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), {
        maxProperties: 32,
        description: 'Result of the command (e.g. ping: {rttMs}, set_volume: {volume})',
      }),
    ),
  },
  { additionalProperties: false, $id: 'CommandAck', description: 'Progress or result of a command' },
);
export type CommandAck = Static<typeof CommandAckSchema>;

/** Every payload schema by name, as referenced from TOPIC_SPECS and docs/asyncapi.yaml. */
export const PAYLOAD_SCHEMAS = {
  Hello: HelloSchema,
  Status: StatusSchema,
  Telemetry: TelemetrySchema,
  DeviceEvent: DeviceEventSchema,
  Command: CommandSchema,
  CommandAck: CommandAckSchema,
} as const;
export type PayloadName = keyof typeof PAYLOAD_SCHEMAS;

export interface PayloadTypes {
  Hello: Hello;
  Status: Status;
  Telemetry: Telemetry;
  DeviceEvent: DeviceEvent;
  Command: Command;
  CommandAck: CommandAck;
}
