import { randomUUID } from 'node:crypto';
import { PROTOCOL_VERSION, type Command, type CommandAck } from '@loa-xa/protocol';
import { SimCluster, createRng, type SimClusterOptions } from '../src';
import { Observer, decodeAs, startBroker, until, type Seen, type TestBroker } from './harness';

// Small intervals keep the suite fast; every assertion waits on messages, never on elapsed time alone.
const FAST = {
  telemetryIntervalMs: 100,
  reconnectPeriodMs: 50,
  rebootDurationMs: 150,
  keepaliveS: 10,
} satisfies Partial<SimClusterOptions>;

describe('SimCluster against a real broker', () => {
  let broker: TestBroker;
  let observer: Observer;
  const clusters: SimCluster[] = [];

  beforeAll(async () => {
    broker = await startBroker();
    observer = await Observer.connect(broker.url);
  });

  afterEach(() => {
    for (const cluster of clusters.splice(0)) cluster.kill();
  });

  afterAll(async () => {
    await observer.close();
    await broker.close();
  });

  function makeCluster(options: Partial<SimClusterOptions> = {}): SimCluster {
    const cluster = new SimCluster({
      brokerUrl: broker.url,
      clusterId: randomUUID(),
      secret: 'not-checked-by-the-test-broker',
      rng: createRng(7),
      ...FAST,
      ...options,
    });
    clusters.push(cluster);
    return cluster;
  }

  const of =
    (cluster: SimCluster, channel: Seen['channel'], extra: (m: Seen) => boolean = () => true) =>
    (m: Seen) =>
      m.clusterId === cluster.clusterId && m.channel === channel && extra(m);

  const ackOf = (cluster: SimCluster, id: string, status: CommandAck['status']) =>
    of(cluster, 'ack', (m) => {
      const ack = decodeAs(m, 'ack');
      return ack.id === id && ack.status === status;
    });

  function command<T extends Command['type']>(
    type: T,
    params: Extract<Command, { type: T }>['params'],
    overrides: Partial<Command> = {},
  ): Command {
    const now = Date.now();
    return {
      v: PROTOCOL_VERSION,
      id: randomUUID(),
      ts: now,
      expiresAt: now + 60_000,
      type,
      params,
      ...overrides,
    } as Command;
  }

  /** The first telemetry published after log index `from`. */
  async function nextTelemetry(cluster: SimCluster, from = observer.messages.length) {
    return decodeAs(
      await observer.waitFor(of(cluster, 'telemetry'), { from, what: 'telemetry' }),
      'telemetry',
    );
  }

  it('announces itself: retained online status, hello, then telemetry with consecutive seq, all valid', async () => {
    const cluster = makeCluster({ vendor: 'Acme', model: 'IPL-1', firmware: '2.3.4' });
    cluster.start();
    const status = await observer.waitFor(of(cluster, 'status'), { what: 'status' });
    const hello = await observer.waitFor(of(cluster, 'hello'), { what: 'hello' });
    await until(() => observer.decoded(cluster.clusterId, 'telemetry').length >= 4, '4 telemetry messages');

    expect(decodeAs(status, 'status').state).toBe('online');
    const helloValue = decodeAs(hello, 'hello');
    expect(helloValue).toMatchObject({
      vendor: 'Acme',
      model: 'IPL-1',
      firmware: '2.3.4',
      bootId: cluster.bootId,
    });
    expect(helloValue.capabilities).toEqual(expect.arrayContaining(['volume', 'reboot']));
    expect(status.index).toBeLessThan(hello.index);

    const telemetry = observer.decoded(cluster.clusterId, 'telemetry');
    expect(telemetry[0].seen.index).toBeGreaterThan(hello.index);
    expect(telemetry.map((t) => t.value.seq).slice(0, 4)).toEqual([0, 1, 2, 3]);
    const first = telemetry[0].value;
    expect(first).toMatchObject({ amp: 'ok', line: 'ok', playing: null, clockOffsetMs: 0, volume: 70 });
    expect(first.net.type).toBe('4g');
    expect(first.net.rsrp).toBeGreaterThan(-125);
    expect(first.net.rsrp).toBeLessThan(-65);
    expect(first.power.source).toBe('mains');
    expect(cluster.counters.telemetrySent).toBeGreaterThanOrEqual(4);

    // Retained: a server that subscribes later still learns the cluster is online.
    const late = await Observer.connect(broker.url, `loa/v1/c/${cluster.clusterId}/status`);
    try {
      const retained = await late.waitFor(() => true, { what: 'retained status' });
      expect(retained.retain).toBe(true);
      expect(decodeAs(retained, 'status').state).toBe('online');
    } finally {
      await late.close();
    }
  });

  it('set_volume: acks received then ok with the volume, and the next telemetry carries it', async () => {
    const cluster = makeCluster({ initialVolume: 70 });
    cluster.start();
    await observer.waitFor(of(cluster, 'telemetry'), { what: 'first telemetry' });

    const cmd = command('set_volume', { volume: 37 });
    await observer.publishCommand(cluster.clusterId, cmd);
    const received = await observer.waitFor(ackOf(cluster, cmd.id, 'received'), { what: 'received ack' });
    const ok = await observer.waitFor(ackOf(cluster, cmd.id, 'ok'), { what: 'ok ack' });

    expect(received.index).toBeLessThan(ok.index);
    expect(decodeAs(ok, 'ack').result).toEqual({ volume: 37 });
    expect((await nextTelemetry(cluster, ok.index + 1)).volume).toBe(37);
    expect(cluster.volume).toBe(37);
    expect(cluster.counters).toMatchObject({ commandsReceived: 1, commandsExecuted: 1 });
  });

  it('ping answers with uptime and the boot id', async () => {
    const cluster = makeCluster();
    cluster.start();
    const hello = decodeAs(await observer.waitFor(of(cluster, 'hello')), 'hello');
    const cmd = command('ping', {});
    await observer.publishCommand(cluster.clusterId, cmd);
    const ok = decodeAs(await observer.waitFor(ackOf(cluster, cmd.id, 'ok'), { what: 'ping ok' }), 'ack');
    expect(ok.result).toEqual({ uptimeS: expect.any(Number), bootId: hello.bootId });
  });

  it('an expired command is acked `expired` and never executed', async () => {
    const cluster = makeCluster({ initialVolume: 70 });
    cluster.start();
    await observer.waitFor(of(cluster, 'telemetry'));
    const now = Date.now();
    const cmd = command('set_volume', { volume: 5 }, { ts: now - 120_000, expiresAt: now - 60_000 });
    await observer.publishCommand(cluster.clusterId, cmd);

    const expired = decodeAs(
      await observer.waitFor(ackOf(cluster, cmd.id, 'expired'), { what: 'expired ack' }),
      'ack',
    );
    expect(expired.code).toBe('expired');
    // A later command's ok proves the first one had every chance to (wrongly) run meanwhile.
    const ping = command('ping', {});
    await observer.publishCommand(cluster.clusterId, ping);
    await observer.waitFor(ackOf(cluster, ping.id, 'ok'));
    const acks = observer.decoded(cluster.clusterId, 'ack').filter((a) => a.value.id === cmd.id);
    expect(acks.map((a) => a.value.status)).toEqual(['expired']);
    expect(cluster.volume).toBe(70);
    expect(cluster.counters.commandsExecuted).toBe(1); // the ping only
  });

  it('reports its skew as clockOffsetMs and judges expiry on the offset-corrected clock', async () => {
    const cluster = makeCluster({ clockSkewMs: 120_000 });
    cluster.start();
    const telemetry = await nextTelemetry(cluster, 0);
    expect(telemetry.clockOffsetMs).toBe(120_000);
    expect(telemetry.ts).toBeGreaterThan(Date.now() + 60_000);

    // Past by the raw device clock but valid by reference time: the device must carry it out.
    const valid = command('ping', {}, { expiresAt: Date.now() + 60_000 });
    await observer.publishCommand(cluster.clusterId, valid);
    await observer.waitFor(ackOf(cluster, valid.id, 'ok'), {
      what: 'ok ack from a fast but synchronised clock',
    });
    // Past by reference time: expired.
    const late = command('ping', {}, { expiresAt: Date.now() - 1_000 });
    await observer.publishCommand(cluster.clusterId, late);
    await observer.waitFor(ackOf(cluster, late.id, 'expired'), { what: 'expired ack' });
  });

  it('a redelivered command id is acked again but not executed twice', async () => {
    const cluster = makeCluster({ initialVolume: 70 });
    cluster.start();
    await observer.waitFor(of(cluster, 'telemetry'));
    const cmd = command('set_volume', { volume: 40 });
    await observer.publishCommand(cluster.clusterId, cmd);
    const firstOk = await observer.waitFor(ackOf(cluster, cmd.id, 'ok'));

    // Same id again, even with other parameters: the device must treat it as the same command.
    await observer.publishCommand(cluster.clusterId, { ...cmd, params: { volume: 90 } } as Command);
    const againOk = await observer.waitFor(ackOf(cluster, cmd.id, 'ok'), {
      from: firstOk.index + 1,
      what: 're-ack',
    });

    expect(decodeAs(againOk, 'ack').result).toEqual({ volume: 40 });
    expect(cluster.volume).toBe(40);
    expect((await nextTelemetry(cluster, againOk.index + 1)).volume).toBe(40);
    expect(cluster.counters).toMatchObject({
      commandsReceived: 2,
      commandsExecuted: 1,
      duplicateCommands: 1,
    });
  });

  it('drops invalid commands without acking them and keeps serving valid ones', async () => {
    const cluster = makeCluster();
    cluster.start();
    await observer.waitFor(of(cluster, 'hello'));
    const outOfRange = { ...command('set_volume', { volume: 50 }), params: { volume: 150 } };
    await observer.publishCommand(cluster.clusterId, 'this is not json');
    await observer.publishCommand(cluster.clusterId, JSON.stringify(outOfRange));
    const ping = command('ping', {});
    await observer.publishCommand(cluster.clusterId, ping);
    await observer.waitFor(ackOf(cluster, ping.id, 'ok'));

    expect(cluster.counters.invalidCommands).toBe(2);
    expect(observer.decoded(cluster.clusterId, 'ack').some((a) => a.value.id === outOfRange.id)).toBe(false);
    expect(cluster.volume).not.toBe(150);
  });

  it('kill(): the broker publishes the retained offline will registered at connect', async () => {
    const cluster = makeCluster();
    cluster.start();
    const hello = decodeAs(await observer.waitFor(of(cluster, 'hello')), 'hello');
    await until(() => observer.decoded(cluster.clusterId, 'telemetry').length >= 2, 'two telemetry messages');
    const from = observer.messages.length;
    cluster.kill();

    const will = await observer.waitFor(of(cluster, 'status'), { from, what: 'will' });
    const value = decodeAs(will, 'status');
    expect(value.state).toBe('offline');
    // Stamped when the will was registered (before hello), so the broker sent it, not the device.
    expect(value.ts).toBeLessThanOrEqual(hello.ts);
    expect(cluster.connected).toBe(false);

    const late = await Observer.connect(broker.url, `loa/v1/c/${cluster.clusterId}/status`);
    try {
      const retained = await late.waitFor(() => true, { what: 'retained offline' });
      expect(retained.retain).toBe(true);
      expect(decodeAs(retained, 'status').state).toBe('offline');
    } finally {
      await late.close();
    }
  });

  it('stop(): publishes offline itself (stamped now), then disconnects cleanly', async () => {
    const cluster = makeCluster();
    cluster.start();
    const hello = decodeAs(await observer.waitFor(of(cluster, 'hello')), 'hello');
    const disconnected = new Promise((resolve) => cluster.once('disconnected', resolve));
    const from = observer.messages.length;
    await cluster.stop();

    const offline = decodeAs(
      await observer.waitFor(of(cluster, 'status'), { from, what: 'offline' }),
      'status',
    );
    expect(offline.state).toBe('offline');
    expect(offline.ts).toBeGreaterThan(hello.ts);
    await expect(disconnected).resolves.toEqual({ reason: 'stopped' });
    expect(cluster.connected).toBe(false);
    // No reconnect after a clean stop.
    const ping = command('ping', {});
    await observer.publishCommand(cluster.clusterId, ping);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(observer.messages.slice(from).filter(of(cluster, 'hello'))).toHaveLength(0);
  });

  it('injectFault / clearFault publish valid events and change the telemetry', async () => {
    const cluster = makeCluster();
    cluster.start();
    await observer.waitFor(of(cluster, 'telemetry'));

    expect(cluster.injectFault('amp_fault', 'over-current')).toBe(true);
    expect(cluster.injectFault('amp_fault')).toBe(false); // already active: no second event
    expect(cluster.injectFault('mains_lost')).toBe(true);
    cluster.setSignal(-120);
    const raised = await observer.waitFor(
      of(cluster, 'event', (m) => decodeAs(m, 'event').code === 'mains_lost'),
      { what: 'mains_lost event' },
    );
    const degraded = await nextTelemetry(cluster, raised.index + 1);
    expect(degraded.amp).toBe('fault');
    expect(degraded.power.source).toBe('battery');
    expect(degraded.power.batteryV).toBeLessThan(13);
    expect(degraded.net.rsrp).toBeLessThan(-108);

    expect(cluster.injectFault('line_short')).toBe(true);
    expect(cluster.clearFault('amp_fault')).toBe(true);
    expect(cluster.clearFault('amp_fault')).toBe(false);
    const cleared = await observer.waitFor(
      of(cluster, 'event', (m) => decodeAs(m, 'event').type === 'fault_cleared'),
      { what: 'fault_cleared' },
    );
    const after = await nextTelemetry(cluster, cleared.index + 1);
    expect(after.amp).toBe('ok');
    expect(after.line).toBe('short');

    const events = observer.decoded(cluster.clusterId, 'event').map((e) => e.value);
    expect(events.map((e) => [e.type, e.code])).toEqual([
      ['fault_raised', 'amp_fault'],
      ['fault_raised', 'mains_lost'],
      ['fault_raised', 'line_short'],
      ['fault_cleared', 'amp_fault'],
    ]);
    expect(events[0].detail).toBe('over-current');
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(cluster.activeFaults().sort()).toEqual(['line_short', 'mains_lost']);
  });

  it('outage: the will fires, events raised meanwhile arrive in order after the reconnect', async () => {
    const cluster = makeCluster();
    cluster.start();
    await observer.waitFor(of(cluster, 'telemetry'));
    const cutAt = Date.now();
    const from = observer.messages.length;
    cluster.startOutage(800);
    const will = await observer.waitFor(of(cluster, 'status'), { from, what: 'will during outage' });
    expect(decodeAs(will, 'status').state).toBe('offline');

    expect(cluster.connected).toBe(false);
    cluster.injectFault('line_open', 'cable cut');
    cluster.injectFault('amp_fault');
    cluster.clearFault('line_open');
    expect(cluster.pendingMessages).toBe(3);

    const online = await observer.waitFor(
      of(cluster, 'status', (m) => decodeAs(m, 'status').state === 'online'),
      { from: will.index + 1, what: 'online after outage' },
    );
    expect(online.at - cutAt).toBeGreaterThanOrEqual(780); // no reconnect before the outage ends
    await until(() => observer.decoded(cluster.clusterId, 'event').length >= 3, 'three queued events');
    const events = observer.decoded(cluster.clusterId, 'event');
    expect(events.map((e) => [e.value.type, e.value.code])).toEqual([
      ['fault_raised', 'line_open'],
      ['fault_raised', 'amp_fault'],
      ['fault_cleared', 'line_open'],
    ]);
    for (const event of events) expect(event.seen.index).toBeGreaterThan(online.index);
    expect(cluster.counters.reconnects).toBe(1);
    await until(() => cluster.pendingMessages === 0, 'outbox drained');
  });

  it('a command sent while the cluster is offline is delivered after the reconnect (persistent session)', async () => {
    const cluster = makeCluster();
    cluster.start();
    await observer.waitFor(of(cluster, 'telemetry'));
    const from = observer.messages.length;
    cluster.startOutage(500);
    await observer.waitFor(of(cluster, 'status'), { from, what: 'will' });

    const cmd = command('set_volume', { volume: 12 });
    await observer.publishCommand(cluster.clusterId, cmd);
    const ok = await observer.waitFor(ackOf(cluster, cmd.id, 'ok'), { what: 'ok after reconnect' });
    const online = await observer.waitFor(
      of(cluster, 'status', (m) => decodeAs(m, 'status').state === 'online'),
      { from },
    );
    expect(ok.index).toBeGreaterThan(online.index);
    expect(cluster.volume).toBe(12);
  });

  it('reboot: ok ack, will, then a new boot id with seq starting again at 0', async () => {
    const cluster = makeCluster();
    cluster.start();
    const firstHello = decodeAs(await observer.waitFor(of(cluster, 'hello')), 'hello');
    await until(
      () => observer.decoded(cluster.clusterId, 'telemetry').length >= 3,
      'three telemetry messages',
    );

    const cmd = command('reboot', { delayS: 0 });
    await observer.publishCommand(cluster.clusterId, cmd);
    const ok = await observer.waitFor(ackOf(cluster, cmd.id, 'ok'), { what: 'reboot ok' });
    const will = await observer.waitFor(of(cluster, 'status'), {
      from: ok.index + 1,
      what: 'will after reboot',
    });
    expect(decodeAs(will, 'status').state).toBe('offline');
    const hello = await observer.waitFor(of(cluster, 'hello'), {
      from: will.index + 1,
      what: 'hello after reboot',
    });
    const secondHello = decodeAs(hello, 'hello');
    expect(secondHello.bootId).not.toBe(firstHello.bootId);
    expect(secondHello.bootId).toBe(cluster.bootId);
    const telemetry = await nextTelemetry(cluster, hello.index + 1);
    expect(telemetry.seq).toBe(0);
    expect(telemetry.uptimeS).toBe(0);
  });

  it('a flaky link loses telemetry but seq keeps counting, so the server sees the gaps', async () => {
    const cluster = makeCluster({ rng: createRng(42), link: { dropProbability: 0.5 } });
    const sent: number[] = [];
    const dropped: number[] = [];
    cluster.on('telemetry', (seq) => sent.push(seq));
    cluster.on('telemetry_dropped', (seq) => dropped.push(seq));
    cluster.start();
    await until(() => sent.length >= 5 && dropped.length >= 2, 'some telemetry sent and some dropped');
    const from = observer.messages.length;
    await cluster.stop();
    // The offline status follows every telemetry on the same connection: once it is here, all of them are.
    await observer.waitFor(
      of(cluster, 'status', (m) => decodeAs(m, 'status').state === 'offline'),
      { from, what: 'offline' },
    );
    const observed = observer.decoded(cluster.clusterId, 'telemetry').map((t) => t.value.seq);
    expect(observed).toEqual(sent);
    expect([...sent, ...dropped].sort((a, b) => a - b)).toEqual([
      ...Array(sent.length + dropped.length).keys(),
    ]);
    expect(cluster.counters.telemetryDropped).toBe(dropped.length);
    expect(cluster.counters.telemetrySent).toBe(sent.length);
  });
});
