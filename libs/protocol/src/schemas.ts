import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { COMMAND_ERROR_CODES, FAULT_CODES, PLAY_FAILURE_REASONS } from './errors';
import { PLAYOUT_SOURCES, PRIORITIES } from './playout';
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
export const PLAYING_KINDS = PLAYOUT_SOURCES;

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

export const COMMAND_TYPES = ['set_volume', 'reboot', 'ping', 'play_now', 'stop'] as const;
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

const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256 of the file, lower-case hex' });
const MediaUrl = Type.String({
  minLength: 1,
  maxLength: 1024,
  pattern: '^https?://',
  description: 'Signed, expiring HTTP(S) URL; supports Range requests',
});
const Volume = Type.Integer({ minimum: 0, maximum: 100, description: 'Output volume for this item, %' });
const PriorityLiteral = literals(PRIORITIES, 'Priority: emergency > province > district > commune > routine');

export const MediaFileSchema = Type.Object(
  {
    id: ShortText('Rendition id; the same file keeps its id in every manifest', 64),
    url: MediaUrl,
    sha256: Sha256,
    size: Type.Integer({ minimum: 1, maximum: 4_294_967_295, description: 'Bytes' }),
    durationMs: Type.Integer({ minimum: 1, maximum: 86_400_000, description: 'Playing time, ms' }),
  },
  { additionalProperties: false },
);
export type MediaFile = Static<typeof MediaFileSchema>;

export const PlayNowParamsSchema = Type.Object(
  {
    priority: PriorityLiteral,
    volume: Type.Optional(Volume),
    media: Type.Optional(
      Type.Array(MediaFileSchema, {
        minItems: 1,
        maxItems: 50,
        description: 'Files to play in order (a program); omit when `stream` is given',
      }),
    ),
    stream: Type.Optional(
      Type.Object(
        {
          id: ShortText('Live session id; play reports carry it as `ref`', 64),
          url: MediaUrl,
          format: Type.Literal('mp3', { description: 'Stream encoding (HTTP MP3, Icecast-style)' }),
        },
        { additionalProperties: false },
      ),
    ),
    broadcastId: Type.Optional(
      Type.String({ format: 'uuid', description: 'The broadcast this command belongs to (one per rollout)' }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'Exactly one of `media` and `stream`. Acks: received, then started (or error/rejected/expired)',
  },
);
export type PlayNowParams = Static<typeof PlayNowParamsSchema>;

export const StopParamsSchema = Type.Object(
  {
    priority: PriorityLiteral,
    ref: Type.Optional(
      ShortText('Stop only this playback (command id, live session id or occurrence id)', 128),
    ),
  },
  {
    additionalProperties: false,
    description:
      'Stops what plays now if its priority is not above `priority` (an emergency stops only by emergency)',
  },
);

/** Parameters per command type: used by the API to validate before anything is sent. */
export const COMMAND_PARAMS_SCHEMAS = {
  set_volume: SetVolumeParamsSchema,
  reboot: RebootParamsSchema,
  ping: PingParamsSchema,
  play_now: PlayNowParamsSchema,
  stop: StopParamsSchema,
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
    Type.Object(
      { ...commandBase, type: Type.Literal('play_now'), params: PlayNowParamsSchema },
      { additionalProperties: false },
    ),
    Type.Object(
      { ...commandBase, type: Type.Literal('stop'), params: StopParamsSchema },
      { additionalProperties: false },
    ),
  ],
  { $id: 'Command', description: 'A remote command, one of the types below' },
);
export type Command = Static<typeof CommandSchema>;

export const ACK_STATUSES = ['received', 'started', 'ok', 'error', 'expired', 'rejected'] as const;
export type AckStatus = (typeof ACK_STATUSES)[number];

export const CommandAckSchema = Type.Object(
  {
    v: Version,
    ts: EpochMs('Device clock when sent'),
    id: Type.String({ format: 'uuid', description: 'Id of the command acknowledged' }),
    status: literals(
      ACK_STATUSES,
      'received: it arrived; started: play_now is playing; ok: done; error: tried and failed; expired: too late; rejected: refused',
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

export const ManifestItemSchema = Type.Object(
  {
    id: ShortText('Occurrence id; play reports carry it as `ref`', 128),
    start: EpochMs(
      'When to start, epoch ms UTC (the device plays by its own clock, corrected by clockOffset)',
    ),
    durationMs: Type.Integer({ minimum: 1, maximum: 86_400_000, description: 'Total playing time, ms' }),
    priority: PriorityLiteral,
    volume: Volume,
    media: Type.Array(ShortText('Id of an entry of `media`', 64), {
      minItems: 1,
      maxItems: 50,
      description: 'Files to play in order',
    }),
    scheduleId: Type.Optional(Type.String({ format: 'uuid', description: 'Schedule it comes from' })),
  },
  { additionalProperties: false },
);
export type ManifestItem = Static<typeof ManifestItemSchema>;

export const ManifestMediaSchema = Type.Object(
  {
    ...MediaFileSchema.properties,
    fetchFrom: EpochMs("Do not start downloading before this instant (spreads a province's downloads)"),
  },
  { additionalProperties: false },
);
export type ManifestMedia = Static<typeof ManifestMediaSchema>;

export const ManifestSchema = Type.Object(
  {
    v: Version,
    ts: EpochMs('Server clock when built'),
    version: Type.Integer({
      minimum: 1,
      maximum: 4294967295,
      description: 'Increases with every change for this cluster; the device acks it on `sync`',
    }),
    from: EpochMs('Start of the window this manifest covers'),
    until: EpochMs('End of the window; nothing after it is listed (the next manifest extends it)'),
    items: Type.Array(ManifestItemSchema, {
      maxItems: 200,
      description: 'Everything to play in the window, sorted by start; overlaps resolve by priority',
    }),
    media: Type.Array(ManifestMediaSchema, {
      maxItems: 200,
      description: 'Every file the items need; keep these, delete files no manifest lists',
    }),
    truncated: Type.Optional(
      Type.Boolean({ description: 'True when the window was cut short to fit the packet limit' }),
    ),
  },
  {
    additionalProperties: false,
    $id: 'Manifest',
    description:
      'What this cluster must play over the coming window (default 48 h); replaces any earlier one',
  },
);
export type Manifest = Static<typeof ManifestSchema>;

export const ManifestSyncSchema = Type.Object(
  {
    v: Version,
    ts: EpochMs('Device clock when sent'),
    version: Type.Union([Type.Integer({ minimum: 1, maximum: 4294967295 }), Type.Null()], {
      description: 'Manifest version the device now holds and follows (null: none yet)',
    }),
    held: Type.Array(Sha256, {
      maxItems: 400,
      uniqueItems: true,
      description: 'SHA-256 of every listed file the device holds, verified',
    }),
    missing: Type.Optional(
      Type.Array(
        Type.Object(
          {
            sha256: Sha256,
            reason: literals(PLAY_FAILURE_REASONS, 'Why it is not held'),
          },
          { additionalProperties: false },
        ),
        { maxItems: 200, description: 'Files it failed to fetch, and why' },
      ),
    ),
    request: Type.Optional(
      Type.Boolean({ description: 'Ask the server to publish the manifest again (e.g. after storage loss)' }),
    ),
    ext: Ext,
  },
  {
    additionalProperties: false,
    $id: 'ManifestSync',
    description:
      'Manifest acknowledgement and media readiness; sent after a manifest arrives and after downloads',
  },
);
export type ManifestSync = Static<typeof ManifestSyncSchema>;

export const PLAY_EVENTS = ['started', 'finished', 'interrupted', 'failed'] as const;
export type PlayEvent = (typeof PLAY_EVENTS)[number];

export const PlayReportSchema = Type.Object(
  {
    id: ShortText('Unique per cluster; a replayed report with the same id is counted once', 64),
    source: literals(PLAYOUT_SOURCES, 'What the playback was'),
    ref: ShortText('Occurrence id (schedule), command id (command) or live session id (live)', 128),
    event: literals(PLAY_EVENTS, 'started; finished at its end; interrupted before its end; failed to start'),
    at: EpochMs('Device clock when it happened'),
    reason: Type.Optional(literals(PLAY_FAILURE_REASONS, 'Why, for interrupted and failed')),
    playedMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 86_400_000,
        description: 'For finished/interrupted: time on air, ms',
      }),
    ),
    detail: Type.Optional(Type.String({ maxLength: 200, description: 'Human-readable detail' })),
  },
  { additionalProperties: false },
);
export type PlayReport = Static<typeof PlayReportSchema>;

export const PlayLogSchema = Type.Object(
  {
    v: Version,
    ts: EpochMs('Device clock when sent'),
    reports: Type.Array(PlayReportSchema, {
      minItems: 1,
      maxItems: 100,
      description: 'Oldest first; a device that was offline sends what it buffered in batches',
    }),
    ext: Ext,
  },
  { additionalProperties: false, $id: 'PlayLog', description: 'What actually played, as the device saw it' },
);
export type PlayLog = Static<typeof PlayLogSchema>;

/** Every payload schema by name, as referenced from TOPIC_SPECS and docs/asyncapi.yaml. */
export const PAYLOAD_SCHEMAS = {
  Hello: HelloSchema,
  Status: StatusSchema,
  Telemetry: TelemetrySchema,
  DeviceEvent: DeviceEventSchema,
  Command: CommandSchema,
  CommandAck: CommandAckSchema,
  Manifest: ManifestSchema,
  ManifestSync: ManifestSyncSchema,
  PlayLog: PlayLogSchema,
} as const;
export type PayloadName = keyof typeof PAYLOAD_SCHEMAS;

export interface PayloadTypes {
  Hello: Hello;
  Status: Status;
  Telemetry: Telemetry;
  DeviceEvent: DeviceEvent;
  Command: Command;
  CommandAck: CommandAck;
  Manifest: Manifest;
  ManifestSync: ManifestSync;
  PlayLog: PlayLog;
}
