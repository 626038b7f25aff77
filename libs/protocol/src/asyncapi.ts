import { DEVICE_CHANNELS, SERVER_CHANNELS, TOPIC_SPECS, type Channel, type TopicSpec } from './topics';
import { PAYLOAD_SCHEMAS, type PayloadName, type PayloadTypes } from './schemas';
import { MAX_PACKET_BYTES, PROTOCOL_VERSION, TOPIC_ROOT } from './version';

/*
 * The AsyncAPI 3.0.0 description of the device contract, built from this library alone so that
 * docs/asyncapi.yaml cannot say anything the code does not. Regenerate the file with
 * `node -r @swc-node/register libs/protocol/scripts/write-asyncapi.ts`; asyncapi.spec.ts fails when it drifts.
 */

export interface PayloadExample<N extends PayloadName> {
  name: string;
  summary: string;
  payload: PayloadTypes[N];
}

/** Example cluster id (the registry issues UUIDs). */
export const EXAMPLE_CLUSTER_ID = '3f2b8c1e-6d4a-4f7b-9a2e-0c5d7e8f9a1b';

// 2025-12-31T22:30:00Z = 05:30 on 1 January 2026 in Asia/Ho_Chi_Minh, the start of a morning programme.
const T0 = 1_767_220_200_000;
const COMMAND_ID = '9b1f6a52-3c0e-4d8a-b7e1-2f4c6d8e0a13';
const REBOOT_ID = 'c4d2e0f1-7a8b-4c9d-8e1f-3a5b7c9d1e2f';
const PING_ID = '0e7d5c3b-1a29-4f8e-9d6c-5b4a3f2e1d0c';
const PLAY_NOW_ID = '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d';
const BROADCAST_ID = '7f3e2d1c-0b9a-4887-a665-544332211000';
const SCHEDULE_ID = '2c4e6a8b-0d1f-4e3a-9b5c-7d9e1f3a5b7c';
const SHA_NEWS = 'a3f1c9e2b7d4058f6a1e3c5b7d9f0e2a4c6b8d0f1e3a5c7b9d1f3e5a7c9b1d3f';
const SHA_ANTHEM = '0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c';
const SHA_WARNING = 'f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f';
const MEDIA_URL = 'https://loa.example.vn/media/r';

/** Valid example payloads, published as AsyncAPI message examples (every one is checked by the tests). */
export const PAYLOAD_EXAMPLES: { readonly [N in PayloadName]: readonly PayloadExample<N>[] } = {
  Hello: [
    {
      name: 'hello',
      summary: 'A 4G cluster with a battery, after boot',
      payload: {
        v: PROTOCOL_VERSION,
        ts: T0 - 600_000,
        vendor: 'Acme Audio',
        model: 'IPS-40',
        firmware: '2.4.1',
        serial: 'AC40-000123',
        imei: '356938035643809',
        iccid: '89840480000012345678',
        capabilities: ['volume', 'reboot', 'schedule', 'live_stream', 'battery'],
        bootId: '5f0c2a9e',
      },
    },
  ],
  Status: [
    {
      name: 'online',
      summary: 'Published (retained) right after CONNACK',
      payload: { v: PROTOCOL_VERSION, ts: T0 - 600_000, state: 'online' },
    },
    {
      name: 'offline',
      summary: 'The last will, or published (retained) before a clean disconnect',
      payload: { v: PROTOCOL_VERSION, ts: T0 - 600_000, state: 'offline' },
    },
  ],
  Telemetry: [
    {
      name: 'playing',
      summary: 'On mains, playing the morning programme',
      payload: {
        v: PROTOCOL_VERSION,
        ts: T0 + 60_000,
        seq: 1442,
        net: { type: '4g', rssi: -71, rsrp: -98, rsrq: -11, sinr: 7.5, operator: '45204' },
        power: { source: 'mains', batteryV: 13.1, batteryPct: 100 },
        amp: 'ok',
        line: 'ok',
        tempC: 41.5,
        volume: 80,
        storageFreeMb: 2934.5,
        clockOffsetMs: 120,
        uptimeS: 86_520,
        playing: { kind: 'schedule', ref: 'occ-2026-01-01-0530', since: T0 },
      },
    },
    {
      name: 'silent',
      summary: 'Ethernet, no battery, nothing playing (optional fields left out)',
      payload: {
        v: PROTOCOL_VERSION,
        ts: T0 + 3_600_000,
        seq: 7,
        net: { type: 'ethernet' },
        power: { source: 'mains' },
        amp: 'off',
        line: 'ok',
        volume: 70,
        storageFreeMb: 512,
        clockOffsetMs: -35,
        playing: null,
      },
    },
  ],
  DeviceEvent: [
    {
      name: 'fault_raised',
      summary: 'Speaker line cut',
      payload: {
        v: PROTOCOL_VERSION,
        ts: T0 + 125_000,
        id: 'evt-5f0c2a9e-0012',
        type: 'fault_raised',
        code: 'line_open',
        detail: 'Line impedance above 2 kOhm on output 2',
      },
    },
    {
      name: 'fault_cleared',
      summary: 'Speaker line repaired',
      payload: {
        v: PROTOCOL_VERSION,
        ts: T0 + 7_200_000,
        id: 'evt-5f0c2a9e-0013',
        type: 'fault_cleared',
        code: 'line_open',
      },
    },
  ],
  Command: [
    {
      name: 'set_volume',
      summary: 'Set the output volume to 60 %, valid for 10 minutes',
      payload: {
        v: PROTOCOL_VERSION,
        id: COMMAND_ID,
        ts: T0 + 300_000,
        expiresAt: T0 + 900_000,
        type: 'set_volume',
        params: { volume: 60 },
      },
    },
    {
      name: 'reboot',
      summary: 'Reboot after 10 s',
      payload: {
        v: PROTOCOL_VERSION,
        id: REBOOT_ID,
        ts: T0 + 400_000,
        expiresAt: T0 + 1_000_000,
        type: 'reboot',
        params: { delayS: 10 },
      },
    },
    {
      name: 'ping',
      summary: 'Liveness check',
      payload: {
        v: PROTOCOL_VERSION,
        id: PING_ID,
        ts: T0 + 500_000,
        expiresAt: T0 + 560_000,
        type: 'ping',
        params: {},
      },
    },
    {
      name: 'play_now',
      summary: 'Emergency flood warning, to be played at once over anything lower',
      payload: {
        v: PROTOCOL_VERSION,
        id: PLAY_NOW_ID,
        ts: T0 + 300_000,
        expiresAt: T0 + 360_000,
        type: 'play_now',
        params: {
          priority: 'emergency',
          volume: 100,
          broadcastId: BROADCAST_ID,
          media: [
            {
              id: 'r-warning',
              url: `${MEDIA_URL}/r-warning?exp=1767225000&sig=V2FybmluZy1zaWc`,
              sha256: SHA_WARNING,
              size: 480_000,
              durationMs: 60_000,
            },
          ],
        },
      },
    },
    {
      name: 'play_now_live',
      summary: 'Join a live broadcast (HTTP MP3 stream relayed by the server)',
      payload: {
        v: PROTOCOL_VERSION,
        id: PING_ID,
        ts: T0 + 600_000,
        expiresAt: T0 + 660_000,
        type: 'play_now',
        params: {
          priority: 'commune',
          stream: {
            id: 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e',
            url: 'https://loa.example.vn/live/b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e.mp3?exp=1767230000&sig=TGl2ZS1zaWc',
            format: 'mp3',
          },
        },
      },
    },
    {
      name: 'stop',
      summary: 'Stop the live broadcast on this cluster',
      payload: {
        v: PROTOCOL_VERSION,
        id: REBOOT_ID,
        ts: T0 + 900_000,
        expiresAt: T0 + 960_000,
        type: 'stop',
        params: { priority: 'commune', ref: 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e' },
      },
    },
  ],
  Manifest: [
    {
      name: 'morning',
      summary: 'The morning programme (anthem then news) every day at 05:30 local time, for the next 48 h',
      payload: {
        v: PROTOCOL_VERSION,
        ts: T0 - 3_600_000,
        version: 42,
        from: T0 - 3_600_000,
        until: T0 + 169_200_000,
        items: [
          {
            id: `${SCHEDULE_ID}@${T0}`,
            start: T0,
            durationMs: 1_020_000,
            priority: 'commune',
            volume: 80,
            media: ['r-anthem', 'r-news'],
            scheduleId: SCHEDULE_ID,
          },
          {
            id: `${SCHEDULE_ID}@${T0 + 86_400_000}`,
            start: T0 + 86_400_000,
            durationMs: 1_020_000,
            priority: 'commune',
            volume: 80,
            media: ['r-anthem', 'r-news'],
            scheduleId: SCHEDULE_ID,
          },
        ],
        media: [
          {
            id: 'r-anthem',
            url: `${MEDIA_URL}/r-anthem?exp=1767400000&sig=Qm9ndXMtZXhhbXBsZQ`,
            sha256: SHA_ANTHEM,
            size: 960_000,
            durationMs: 120_000,
            fetchFrom: T0 - 3_000_000,
          },
          {
            id: 'r-news',
            url: `${MEDIA_URL}/r-news?exp=1767400000&sig=RXhhbXBsZS1zaWc`,
            sha256: SHA_NEWS,
            size: 7_200_000,
            durationMs: 900_000,
            fetchFrom: T0 - 2_400_000,
          },
        ],
      },
    },
  ],
  ManifestSync: [
    {
      name: 'ready',
      summary: 'Manifest 42 accepted and both files downloaded and verified',
      payload: { v: PROTOCOL_VERSION, ts: T0 - 1_800_000, version: 42, held: [SHA_ANTHEM, SHA_NEWS] },
    },
    {
      name: 'partial',
      summary: 'Manifest 42 accepted; the news file failed its checksum and will be fetched again',
      payload: {
        v: PROTOCOL_VERSION,
        ts: T0 - 2_000_000,
        version: 42,
        held: [SHA_ANTHEM],
        missing: [{ sha256: SHA_NEWS, reason: 'checksum_mismatch' }],
      },
    },
  ],
  PlayLog: [
    {
      name: 'played',
      summary: 'The morning programme started on time and played to its end',
      payload: {
        v: PROTOCOL_VERSION,
        ts: T0 + 1_021_000,
        reports: [
          { id: 'p-000311', source: 'schedule', ref: `${SCHEDULE_ID}@${T0}`, event: 'started', at: T0 + 40 },
          {
            id: 'p-000312',
            source: 'schedule',
            ref: `${SCHEDULE_ID}@${T0}`,
            event: 'finished',
            at: T0 + 1_020_050,
            playedMs: 1_020_000,
          },
        ],
      },
    },
    {
      name: 'preempted',
      summary: 'An emergency warning cut the programme; sent after the link came back',
      payload: {
        v: PROTOCOL_VERSION,
        ts: T0 + 7_200_000,
        reports: [
          {
            id: 'p-000313',
            source: 'schedule',
            ref: `${SCHEDULE_ID}@${T0}`,
            event: 'interrupted',
            at: T0 + 300_000,
            reason: 'preempted',
            playedMs: 300_000,
          },
          { id: 'p-000314', source: 'command', ref: PLAY_NOW_ID, event: 'started', at: T0 + 300_020 },
        ],
      },
    },
  ],
  CommandAck: [
    {
      name: 'started',
      summary: 'The emergency play_now is on air',
      payload: { v: PROTOCOL_VERSION, ts: T0 + 300_020, id: PLAY_NOW_ID, status: 'started' },
    },
    {
      name: 'received',
      summary: 'The set_volume command arrived',
      payload: { v: PROTOCOL_VERSION, ts: T0 + 300_400, id: COMMAND_ID, status: 'received' },
    },
    {
      name: 'ok',
      summary: 'The set_volume command was carried out',
      payload: {
        v: PROTOCOL_VERSION,
        ts: T0 + 300_450,
        id: COMMAND_ID,
        status: 'ok',
        result: { volume: 60 },
      },
    },
    {
      name: 'error',
      summary: 'The reboot could not be done',
      payload: {
        v: PROTOCOL_VERSION,
        ts: T0 + 400_500,
        id: REBOOT_ID,
        status: 'error',
        code: 'hardware_fault',
        message: 'watchdog refused the reset',
      },
    },
    {
      name: 'expired',
      summary: 'The ping arrived after its expiresAt (the cluster was offline)',
      payload: { v: PROTOCOL_VERSION, ts: T0 + 900_000, id: PING_ID, status: 'expired', code: 'expired' },
    },
    {
      name: 'rejected',
      summary: 'A command type this firmware does not implement',
      payload: {
        v: PROTOCOL_VERSION,
        ts: T0 + 300_400,
        id: COMMAND_ID,
        status: 'rejected',
        code: 'unsupported_command',
      },
    },
  ],
};

const MESSAGE_TITLES: Record<PayloadName, string> = {
  Hello: 'Hello (birth message)',
  Status: 'Status (presence)',
  Telemetry: 'Telemetry (health report)',
  DeviceEvent: 'Device event (fault raised or cleared)',
  Command: 'Command',
  CommandAck: 'Command acknowledgement',
  Manifest: 'Manifest (what to play)',
  ManifestSync: 'Manifest sync (ack and media held)',
  PlayLog: 'Play log (what played)',
};

const HOST = 'broker.example.vn';
const MQTT_BINDING_VERSION = '0.2.0';
const KEEPALIVE_S = 60;

/** Plain JSON (strips TypeBox's symbol-keyed metadata). */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Operation id of a channel: `sendTelemetry`, `receiveCmd`. */
export function operationId(spec: TopicSpec): string {
  return `${operationAction(spec)}${capitalise(spec.channel)}`;
}

/** The device's action on a channel: it sends what goes to the server and receives what comes from it. */
export function operationAction(spec: TopicSpec): 'send' | 'receive' {
  return spec.direction === 'device_to_server' ? 'send' : 'receive';
}

/** Channel address with the `{clusterId}` parameter. */
export function channelAddress(channel: Channel): string {
  return `${TOPIC_ROOT}/c/{clusterId}/${channel}`;
}

const INFO_DESCRIPTION = `MQTT 3.1.1 contract between the loa-xa control server and IP loudspeaker clusters
(cụm loa ứng dụng CNTT-VT) of commune radio stations.

**Operations are written from the device's point of view**: a cluster *sends* on its \`hello\`, \`status\`,
\`telemetry\`, \`event\` and \`ack\` channels and *receives* on its \`cmd\` channel. The server does the opposite.

- Every payload is a UTF-8 JSON object carrying \`v\` (protocol version, ${PROTOCOL_VERSION}) and \`ts\` (epoch milliseconds, UTC).
- Unknown properties are refused; vendor-specific fields go under \`ext\` where a message allows it.
- A device may publish only on its own device channels and subscribe only to its own \`cmd\` channel.
- Largest packet: ${MAX_PACKET_BYTES} bytes; larger packets close the connection.

The full vendor guide (connect sequence, command expiry and idempotency, fault codes, checklist) is
\`docs/protocol.md\`. This document is generated from \`libs/protocol\`; do not edit it by hand.`;

const SECURITY_DESCRIPTION = `MQTT username and password. The username is the cluster id (a UUID issued by the registry) and
must also be the MQTT client id. The password is the secret the registry issues once when the credential is
created or rotated; after a rotation the device must be reconfigured. A wrong password is refused with
CONNACK 4 (bad username or password); an unknown, revoked or mismatched client is refused with
CONNACK 5 (not authorized).`;

function servers(): Record<string, object> {
  const security = [{ $ref: '#/components/securitySchemes/clusterCredentials' }];
  const bindings = {
    mqtt: {
      cleanSession: false,
      keepAlive: KEEPALIVE_S,
      lastWill: {
        topic: `${TOPIC_ROOT}/c/{clusterId}/status`,
        qos: TOPIC_SPECS.status.qos,
        message: JSON.stringify(PAYLOAD_EXAMPLES.Status[1].payload),
        retain: TOPIC_SPECS.status.retain,
      },
      maximumPacketSize: MAX_PACKET_BYTES,
      bindingVersion: MQTT_BINDING_VERSION,
    },
  };
  const server = (port: number, protocol: string, title: string, description: string, pathname?: string) => ({
    host: `${HOST}:${port}`,
    ...(pathname ? { pathname } : {}),
    protocol,
    protocolVersion: '3.1.1',
    title,
    description: `${description} Host and port are examples; ports are configurable per deployment.`,
    security,
    bindings,
  });
  return {
    mqtt: server(
      1883,
      'mqtt',
      'MQTT over TCP',
      'MQTT 3.1.1 over plain TCP. Use only on a private APN or VPN.',
    ),
    mqtts: server(8883, 'secure-mqtt', 'MQTT over TLS', 'MQTT 3.1.1 over TLS (recommended for devices).'),
    ws: server(
      8083,
      'mqtt',
      'MQTT over WebSocket',
      'MQTT 3.1.1 over WebSocket (`ws://broker.example.vn:8083/mqtt`, subprotocol `mqtt`).',
      '/mqtt',
    ),
    wss: server(
      8084,
      'secure-mqtt',
      'MQTT over secure WebSocket',
      'MQTT 3.1.1 over WebSocket with TLS (`wss://broker.example.vn:8084/mqtt`, subprotocol `mqtt`).',
      '/mqtt',
    ),
  };
}

const ALL_CHANNELS: readonly Channel[] = [...DEVICE_CHANNELS, ...SERVER_CHANNELS];

/** Builds the AsyncAPI 3.0.0 document of the device contract (plain JSON, deterministic). */
export function buildAsyncApiDocument(): object {
  const channels: Record<string, object> = {};
  const operations: Record<string, object> = {};
  for (const channel of ALL_CHANNELS) {
    const spec = TOPIC_SPECS[channel];
    channels[channel] = {
      address: channelAddress(channel),
      title: capitalise(channel),
      summary: spec.summary,
      parameters: { clusterId: { $ref: '#/components/parameters/clusterId' } },
      messages: { [spec.payload]: { $ref: `#/components/messages/${spec.payload}` } },
    };
    const action = operationAction(spec);
    operations[operationId(spec)] = {
      action,
      channel: { $ref: `#/channels/${channel}` },
      title: `${capitalise(action)} ${channel}`,
      summary: spec.summary,
      description:
        action === 'send'
          ? `The device publishes on this channel of its own cluster with QoS ${spec.qos}` +
            `${spec.retain ? ' and the retain flag set' : ', not retained'}; the server subscribes.`
          : `The device subscribes to this channel of its own cluster with QoS ${spec.qos} and receives what ` +
            'the server publishes; with a persistent session (clean session = false) messages published while ' +
            'it was offline are delivered when it reconnects.',
      bindings: { mqtt: { qos: spec.qos, retain: spec.retain, bindingVersion: MQTT_BINDING_VERSION } },
      messages: [{ $ref: `#/channels/${channel}/messages/${spec.payload}` }],
    };
  }

  const messages: Record<string, object> = {};
  const schemas: Record<string, object> = {};
  for (const name of Object.keys(PAYLOAD_SCHEMAS) as PayloadName[]) {
    const schema = plain(PAYLOAD_SCHEMAS[name]) as { description?: string };
    schemas[name] = schema;
    messages[name] = {
      name,
      title: MESSAGE_TITLES[name],
      ...(schema.description ? { summary: schema.description } : {}),
      contentType: 'application/json',
      payload: { $ref: `#/components/schemas/${name}` },
      examples: PAYLOAD_EXAMPLES[name].map((example) => plain(example)),
    };
  }

  // plain(): no object is shared between two places, so the YAML has no anchors.
  return plain({
    asyncapi: '3.0.0',
    info: {
      title: 'loa-xa device contract',
      version: `${PROTOCOL_VERSION}.0.0`,
      description: INFO_DESCRIPTION,
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    defaultContentType: 'application/json',
    servers: servers(),
    channels,
    operations,
    components: {
      schemas,
      messages,
      parameters: {
        clusterId: {
          description:
            'Cluster id: the UUID the registry issued for this cluster. It is also the MQTT username and ' +
            'client id, and a device may only use topics carrying its own id.',
          examples: [EXAMPLE_CLUSTER_ID],
        },
      },
      securitySchemes: {
        clusterCredentials: { type: 'userPassword', description: SECURITY_DESCRIPTION },
      },
    },
  });
}
