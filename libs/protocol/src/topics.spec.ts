import {
  allClustersFilter,
  clusterFilter,
  clusterTopic,
  DEVICE_CHANNELS,
  mayDevicePublish,
  mayDeviceSubscribe,
  parseTopic,
  SERVER_CHANNELS,
  TOPIC_SPECS,
  type Channel,
} from './topics';
import { PAYLOAD_SCHEMAS } from './schemas';
import { TOPIC_ROOT } from './version';

const ME = '3f2b8c1e-6d4a-4f7b-9a2e-0c5d7e8f9a1b';
const OTHER = '7a1c9e0d-2b3f-4a5c-8d6e-9f0a1b2c3d4e';

describe('topic builders', () => {
  it('builds cluster topics under loa/v1/c/{clusterId}/{channel}', () => {
    expect(TOPIC_ROOT).toBe('loa/v1');
    expect(clusterTopic(ME, 'telemetry')).toBe(`loa/v1/c/${ME}/telemetry`);
    expect(clusterTopic(ME, 'cmd')).toBe(`loa/v1/c/${ME}/cmd`);
  });

  it('builds the server filters', () => {
    expect(allClustersFilter('status')).toBe('loa/v1/c/+/status');
    expect(clusterFilter(ME)).toBe(`loa/v1/c/${ME}/#`);
  });

  it('describes every channel exactly once, with its own name and a known payload', () => {
    const channels: Channel[] = [...DEVICE_CHANNELS, ...SERVER_CHANNELS];
    expect(Object.keys(TOPIC_SPECS).sort()).toEqual([...channels].sort());
    for (const channel of channels) {
      expect(TOPIC_SPECS[channel].channel).toBe(channel);
      expect(Object.keys(PAYLOAD_SCHEMAS)).toContain(TOPIC_SPECS[channel].payload);
    }
  });

  it('gives devices the device channels and the server the cmd channel', () => {
    for (const channel of DEVICE_CHANNELS) expect(TOPIC_SPECS[channel].direction).toBe('device_to_server');
    for (const channel of SERVER_CHANNELS) expect(TOPIC_SPECS[channel].direction).toBe('server_to_device');
  });

  it('retains only status and manifest, and delivers everything with QoS 1', () => {
    const retained = Object.values(TOPIC_SPECS).filter((spec) => spec.retain);
    expect(retained.map((spec) => spec.channel)).toEqual(['status', 'manifest']);
    for (const spec of Object.values(TOPIC_SPECS)) expect(spec.qos).toBe(1);
  });
});

describe('parseTopic', () => {
  it.each([...DEVICE_CHANNELS, ...SERVER_CHANNELS])('round-trips clusterTopic(id, %s)', (channel) => {
    expect(parseTopic(clusterTopic(ME, channel))).toEqual({ clusterId: ME, channel });
  });

  it.each([
    ['empty cluster id', 'loa/v1/c//status'],
    ['no cluster level', 'loa/v1/c/status'],
    ['prefix only', 'loa/v1/c/'],
    ['empty topic', ''],
    ['wrong root', `loa/v2/c/${ME}/status`],
    ['other application', `home/v1/c/${ME}/status`],
    ['leading slash', `/loa/v1/c/${ME}/status`],
    ['missing c level', `loa/v1/${ME}/status`],
    ['unknown channel', `loa/v1/c/${ME}/config`],
    ['channel in the wrong case', `loa/v1/c/${ME}/Status`],
    ['empty channel', `loa/v1/c/${ME}/`],
    ['no channel', `loa/v1/c/${ME}`],
    ['extra level after the channel', `loa/v1/c/${ME}/status/extra`],
    ['trailing slash', `loa/v1/c/${ME}/status/`],
    ['extra level before the channel', `loa/v1/c/${ME}/x/status`],
    ['single-level wildcard as cluster', 'loa/v1/c/+/cmd'],
    ['multi-level wildcard as cluster', 'loa/v1/c/#/cmd'],
    ['wildcard inside the cluster id', `loa/v1/c/${ME}+/cmd`],
    ['wildcard channel', `loa/v1/c/${ME}/+`],
    ['multi-level wildcard channel', `loa/v1/c/${ME}/#`],
  ])('refuses %s (%s)', (_label, topic) => {
    expect(parseTopic(topic)).toBeNull();
  });
});

describe('mayDevicePublish', () => {
  it.each(DEVICE_CHANNELS)('allows its own %s channel', (channel) => {
    expect(mayDevicePublish(ME, clusterTopic(ME, channel))).toBe(true);
  });

  it.each(DEVICE_CHANNELS)("refuses another cluster's %s channel", (channel) => {
    expect(mayDevicePublish(ME, clusterTopic(OTHER, channel))).toBe(false);
  });

  it('refuses publishing on its own cmd channel (server to device only)', () => {
    expect(mayDevicePublish(ME, clusterTopic(ME, 'cmd'))).toBe(false);
  });

  it.each([
    `loa/v1/c/+/status`,
    `loa/v1/c/${ME}/#`,
    `loa/v1/c/${ME}/+`,
    '#',
    `loa/v2/c/${ME}/status`,
    `loa/v1/c/${ME}/status/extra`,
    `$SYS/broker/clients`,
    '',
  ])('refuses %s', (topic) => {
    expect(mayDevicePublish(ME, topic)).toBe(false);
  });

  it('does not let a device whose id is a wildcard publish for everyone', () => {
    expect(mayDevicePublish('+', 'loa/v1/c/+/status')).toBe(false);
  });
});

describe('mayDeviceSubscribe', () => {
  it('allows its own cmd channel', () => {
    expect(mayDeviceSubscribe(ME, clusterTopic(ME, 'cmd'))).toBe(true);
  });

  it("refuses another cluster's cmd channel", () => {
    expect(mayDeviceSubscribe(ME, clusterTopic(OTHER, 'cmd'))).toBe(false);
  });

  it.each(DEVICE_CHANNELS)('refuses its own %s channel (device to server only)', (channel) => {
    expect(mayDeviceSubscribe(ME, clusterTopic(ME, channel))).toBe(false);
  });

  it.each([
    ['+ for the cluster', 'loa/v1/c/+/cmd'],
    ['# for the cluster', 'loa/v1/c/#'],
    ['+ for the channel', `loa/v1/c/${ME}/+`],
    ['# for the channel', `loa/v1/c/${ME}/#`],
    ['everything', '#'],
    ['every level wildcarded', '+/+/+/+/+'],
    ['wildcard root', `+/v1/c/${ME}/cmd`],
    ['wildcard version', `loa/+/c/${ME}/cmd`],
    ['$SYS', '$SYS/#'],
  ])('refuses wildcards: %s (%s)', (_label, filter) => {
    expect(mayDeviceSubscribe(ME, filter)).toBe(false);
  });

  it('does not let a device whose id is a wildcard subscribe to every cmd channel', () => {
    expect(mayDeviceSubscribe('+', 'loa/v1/c/+/cmd')).toBe(false);
    expect(mayDeviceSubscribe('#', 'loa/v1/c/#/cmd')).toBe(false);
  });
});
