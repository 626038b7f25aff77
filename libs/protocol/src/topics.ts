import type { PayloadName } from './schemas';
import { TOPIC_ROOT } from './version';

/**
 * Channels of one cluster. Topic shape: `loa/v1/c/{clusterId}/{channel}`.
 * The cluster id is the registry's UUID; it is also the MQTT username and client id.
 */
export const DEVICE_CHANNELS = ['hello', 'status', 'telemetry', 'event', 'ack', 'sync', 'playlog'] as const;
export const SERVER_CHANNELS = ['cmd', 'manifest'] as const;
export type DeviceChannel = (typeof DEVICE_CHANNELS)[number];
export type ServerChannel = (typeof SERVER_CHANNELS)[number];
export type Channel = DeviceChannel | ServerChannel;

export interface TopicSpec {
  channel: Channel;
  /** Who publishes on it. */
  direction: 'device_to_server' | 'server_to_device';
  qos: 0 | 1;
  retain: boolean;
  /** Name of the payload schema in `PAYLOAD_SCHEMAS`. */
  payload: PayloadName;
  summary: string;
}

/** QoS, retain flag and payload of every channel: the single source for server, simulator and docs. */
export const TOPIC_SPECS: Readonly<Record<Channel, TopicSpec>> = {
  hello: {
    channel: 'hello',
    direction: 'device_to_server',
    qos: 1,
    retain: false,
    payload: 'Hello',
    summary: 'Birth message, sent after every connect: firmware, model, capabilities, device clock.',
  },
  status: {
    channel: 'status',
    direction: 'device_to_server',
    qos: 1,
    retain: true,
    payload: 'Status',
    summary:
      'Presence. `online` is published (retained) after connect; the same topic carries the last will `offline`.',
  },
  telemetry: {
    channel: 'telemetry',
    direction: 'device_to_server',
    qos: 1,
    retain: false,
    payload: 'Telemetry',
    summary: 'Periodic health report (default every 60 s): link, power, amplifier, speaker line, playback.',
  },
  event: {
    channel: 'event',
    direction: 'device_to_server',
    qos: 1,
    retain: false,
    payload: 'DeviceEvent',
    summary: 'A fault raised or cleared, at the moment it happens.',
  },
  ack: {
    channel: 'ack',
    direction: 'device_to_server',
    qos: 1,
    retain: false,
    payload: 'CommandAck',
    summary:
      'Progress of a command: `received` when it arrives, then `ok`, `error`, `expired` or `rejected`.',
  },
  sync: {
    channel: 'sync',
    direction: 'device_to_server',
    qos: 1,
    retain: false,
    payload: 'ManifestSync',
    summary:
      'Manifest acknowledgement: the version the device follows and the files it holds (after a manifest arrives and after downloads).',
  },
  playlog: {
    channel: 'playlog',
    direction: 'device_to_server',
    qos: 1,
    retain: false,
    payload: 'PlayLog',
    summary:
      'What actually played: started, finished, interrupted, failed per occurrence, command or stream, by the device clock; buffered while offline.',
  },
  manifest: {
    channel: 'manifest',
    direction: 'server_to_device',
    qos: 1,
    retain: true,
    payload: 'Manifest',
    summary:
      'What to play over the next 48 h, retained: a device that connects gets the latest at once, and plays it from its own clock while offline.',
  },
  cmd: {
    channel: 'cmd',
    direction: 'server_to_device',
    qos: 1,
    retain: false,
    payload: 'Command',
    summary: 'Remote command with an id and an expiry, delivered to the persistent session.',
  },
};

const CLUSTER_PREFIX = `${TOPIC_ROOT}/c/`;

/** Topic of one cluster's channel. */
export function clusterTopic(clusterId: string, channel: Channel): string {
  return `${CLUSTER_PREFIX}${clusterId}/${channel}`;
}

/** Subscription filter matching one channel of every cluster (for the server). */
export function allClustersFilter(channel: Channel): string {
  return `${CLUSTER_PREFIX}+/${channel}`;
}

/** Subscription filter matching every topic of one cluster. */
export function clusterFilter(clusterId: string): string {
  return `${CLUSTER_PREFIX}${clusterId}/#`;
}

export interface ParsedTopic {
  clusterId: string;
  channel: Channel;
}

const CHANNELS: ReadonlySet<string> = new Set<string>([...DEVICE_CHANNELS, ...SERVER_CHANNELS]);

/** Splits a contract topic into cluster id and channel, or returns null for any other topic. */
export function parseTopic(topic: string): ParsedTopic | null {
  if (!topic.startsWith(CLUSTER_PREFIX)) return null;
  const rest = topic.slice(CLUSTER_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return null;
  const clusterId = rest.slice(0, slash);
  const channel = rest.slice(slash + 1);
  // A wildcard is never a cluster id: without this, a filter such as `loa/v1/c/+/cmd` would parse, and
  // the ACL would rest on the registry never issuing `+` or `#` as an id.
  if (clusterId.includes('+') || clusterId.includes('#')) return null;
  if (!CHANNELS.has(channel)) return null;
  return { clusterId, channel: channel as Channel };
}

/** True when the device `clusterId` may publish on `topic`: only its own device channels. */
export function mayDevicePublish(clusterId: string, topic: string): boolean {
  const parsed = parseTopic(topic);
  return (
    parsed !== null &&
    parsed.clusterId === clusterId &&
    TOPIC_SPECS[parsed.channel].direction === 'device_to_server'
  );
}

/** True when a device may subscribe to `filter`: only its own server-to-device channels, no wildcards. */
export function mayDeviceSubscribe(clusterId: string, filter: string): boolean {
  const parsed = parseTopic(filter);
  return (
    parsed !== null &&
    parsed.clusterId === clusterId &&
    TOPIC_SPECS[parsed.channel].direction === 'server_to_device'
  );
}
