import { EventEmitter } from 'node:events';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import {
  CAPABILITIES,
  MQTT_PROTOCOL_LEVEL,
  PROTOCOL_VERSION,
  TOPIC_SPECS,
  clusterTopic,
  decodePayload,
  encodePayload,
  type AckStatus,
  type Command,
  type CommandAck,
  type CommandErrorCode,
  type Channel,
  type DeviceChannel,
  type DeviceEvent,
  type FaultCode,
  type Manifest,
  type ManifestSync,
  type PlayFailureReason,
  type PlayReport,
  type Telemetry,
} from '@loa-xa/protocol';
import { Broadcaster } from './broadcaster';
import { DeviceClock } from './device-clock';
import { DEFAULT_DOWNLOAD_POLICY } from './download';
import { SimHardware } from './hardware';
import type { DownloadLimiter } from './limiter';
import type { DownloadInfo } from './media-fetcher';
import { Outbox, type OutboxItem } from './outbox';
import type { OnAir, ReportDraft } from './player';
import { PlayLogQueue } from './playlog-queue';
import { clamp, exponential, randomHex, uniform, type Rng } from './rng';
import { TimerBag, timerScheduler, type SimScheduler } from './scheduler';

/** An unreliable mobile link. */
export interface FlakyLinkOptions {
  /** Probability that one telemetry message is lost on the way (its seq is used up, so the server sees a gap). */
  dropProbability?: number;
  /** Probability that an outage starts within any one minute. */
  outageProbabilityPerMinute?: number;
  outageMinMs?: number;
  outageMaxMs?: number;
}

/** Random hardware faults, raised and cleared over time. */
export interface FaultOptions {
  ampFaultRatePerHour?: number;
  /** Speaker-line faults: 70 % open circuit, 30 % short circuit. */
  lineFaultRatePerHour?: number;
  mainsLossRatePerHour?: number;
  /** Mean time until a random fault clears by itself. Default 10 minutes. */
  meanFaultDurationMs?: number;
}

export interface SimClusterOptions {
  brokerUrl: string;
  /** Registry id of the cluster: MQTT client id, username and topic id. */
  clusterId: string;
  /** MQTT password issued by the server. */
  secret: string;
  vendor?: string;
  model?: string;
  firmware?: string;
  /** Default 60,000 ms. */
  telemetryIntervalMs?: number;
  /**
   * Offset of the telemetry grid: ticks happen when (Date.now() - phase) is a multiple of the interval.
   * A fleet staggers it so that clusters do not all report in the same instant. Default: start time.
   */
  telemetryPhaseMs?: number;
  /** MQTT keepalive, seconds. Default 60. */
  keepaliveS?: number;
  /** Device clock = Date.now() + skew: every `ts` and play report `at` it sends uses it. Default 0. */
  clockSkewMs?: number;
  /**
   * true (default): the device knows its skew (NTP/NITZ), reports it as `clockOffsetMs` and corrects for it,
   * so it plays on time and judges expiry right. false: it reports 0 and plays early/late by the skew.
   */
  clockCorrected?: boolean;
  /**
   * false: trust the manifest and play_now, and mark every listed file held at once without any HTTP
   * (benchmarks of 10,000 clusters). Default true: download and verify size and SHA-256.
   */
  download?: boolean;
  /** Keep downloaded bytes in `<mediaDir>/<sha256>` (one directory per cluster!). Default: hash only, keep nothing. */
  mediaDir?: string;
  /** Attempts per file, the first included. Default 5. */
  downloadMaxAttempts?: number;
  /** First retry back-off, doubling up to 60 s, jittered ±50 %. Default 2,000 ms. */
  downloadRetryMs?: number;
  /** A download silent for this long is cut and resumed with Range. Default 30,000 ms. */
  downloadIdleTimeoutMs?: number;
  /** Shared cap on concurrent downloads (a fleet passes one). Each cluster downloads one file at a time anyway. */
  downloadLimiter?: DownloadLimiter;
  /** A sync after downloads changed what is held waits this long to cover several changes. Default 1,000 ms. */
  syncDebounceMs?: number;
  /** play_now stream: no audio byte for this long means unavailable (before) or lost (after). Default 10,000 ms. */
  streamTimeoutMs?: number;
  /** Play reports kept while offline before the oldest are dropped. Default 10,000. */
  playLogCapacity?: number;
  link?: FlakyLinkOptions;
  faults?: FaultOptions;
  /** Seedable randomness; default Math.random. */
  rng?: Rng;
  initialVolume?: number;
  /** Mean LTE RSRP of the site, dBm. Default around -95 (random per cluster). */
  rsrpDbm?: number;
  /** MQTT connect timeout. Default 30,000 ms. */
  connectTimeoutMs?: number;
  /** Mean wait before a reconnect attempt, jittered ±50 % and backed off up to 8× on repeated failures. Default 5,000 ms. */
  reconnectPeriodMs?: number;
  /** How long a power cycle keeps the cluster off the network. Default 3,000 ms. */
  rebootDurationMs?: number;
  /** Multiplies a reboot command's `delayS` (tests and benches shrink it). Default 1. */
  rebootDelayScale?: number;
  /** Time between the `received` ack and the command's effect. Default 0. */
  commandExecMs?: number;
  /** Timer source; a fleet passes its shared ticker. Default: one Node timer per callback. */
  scheduler?: SimScheduler;
  /** Passed to MQTT.js last (tests, TLS options). */
  mqttOptions?: Partial<IClientOptions>;
}

export type DisconnectReason = 'link_lost' | 'outage' | 'reboot' | 'stopped' | 'killed';

export interface SimCounters {
  telemetrySent: number;
  /** Telemetry messages the flaky link lost (seq advanced, nothing published). */
  telemetryDropped: number;
  /** Valid commands delivered, duplicates included. */
  commandsReceived: number;
  commandsExecuted: number;
  duplicateCommands: number;
  invalidCommands: number;
  acksSent: number;
  eventsRaised: number;
  /** Successful connects after the first one. */
  reconnects: number;
  /** Manifests applied (version greater than the one held). */
  manifestsApplied: number;
  /** Manifests ignored because their version was not greater (e.g. the retained one after a reconnect). */
  manifestsIgnored: number;
  invalidManifests: number;
  syncsSent: number;
  /** Files downloaded and verified (manifest and play_now). */
  downloadsCompleted: number;
  /** Files given up after every attempt (or an expired URL). */
  downloadsFailed: number;
  /** Bytes received by media downloads, retries included. */
  downloadBytes: number;
  /** Bytes of live streams consumed. */
  streamBytes: number;
  /** Play reports produced. */
  playReports: number;
  /** Play reports the broker acknowledged (a batch re-sent after a cut link counts again). */
  playReportsSent: number;
}

/** Events a `SimCluster` emits for observers and benchmarks. */
export interface SimClusterEvents {
  connected: [info: { reconnect: boolean }];
  disconnected: [info: { reason: DisconnectReason }];
  command: [command: Command, info: { duplicate: boolean }];
  invalid_command: [message: string];
  ack: [ack: CommandAck];
  telemetry: [seq: number, telemetry: Telemetry];
  telemetry_dropped: [seq: number];
  event: [event: DeviceEvent];
  /** A play report, the instant it happens (before it is queued for the broker). */
  play: [report: PlayReport];
  /** A manifest applied. */
  manifest: [manifest: Manifest];
  /** A sync handed to MQTT. */
  sync: [sync: ManifestSync];
  /** A file downloaded and verified, or given up. */
  download: [info: DownloadInfo];
  reboot: [info: { bootId: string }];
  error: [error: Error];
}

type Phase = 'idle' | 'running' | 'stopping' | 'stopped';

// Device capabilities the simulator implements (volume, reboot, schedule, live_stream) or pretends to have (battery).
const SIM_CAPABILITIES: (typeof CAPABILITIES)[number][] = [
  'volume',
  'reboot',
  'schedule',
  'live_stream',
  'battery',
];
const MAX_SEQ = 4294967295;
/** Command ids remembered for de-duplication ("flash" survives reboots, so a redelivery never re-runs). */
const REMEMBERED_COMMANDS = 256;

/**
 * One simulated IP loudspeaker cluster speaking the device contract of `@loa-xa/protocol` over MQTT.
 * It owns one MQTT.js client per connection (a fresh client per attempt keeps state simple); the
 * broker keeps the persistent session (clean: false) between them.
 */
export class SimCluster extends EventEmitter<SimClusterEvents> {
  readonly clusterId: string;
  private readonly opts: SimClusterOptions;
  private readonly rng: Rng;
  private readonly hw: SimHardware;
  private readonly timers: TimerBag;
  private readonly outbox = new Outbox();
  private readonly counts: SimCounters = {
    telemetrySent: 0,
    telemetryDropped: 0,
    commandsReceived: 0,
    commandsExecuted: 0,
    duplicateCommands: 0,
    invalidCommands: 0,
    acksSent: 0,
    eventsRaised: 0,
    reconnects: 0,
    manifestsApplied: 0,
    manifestsIgnored: 0,
    invalidManifests: 0,
    syncsSent: 0,
    downloadsCompleted: 0,
    downloadsFailed: 0,
    downloadBytes: 0,
    streamBytes: 0,
    playReports: 0,
    playReportsSent: 0,
  };
  private readonly clock: DeviceClock;
  private readonly broadcaster: Broadcaster;
  private readonly reports: PlayLogQueue;
  private reportCounter = 0;
  private readonly topics: Record<Channel, string>;
  private readonly identity: { serial: string; imei: string; iccid: string };
  /** Last ack (without ts) per command id, in insertion order for FIFO eviction. */
  private readonly handled = new Map<string, Omit<CommandAck, 'ts'>>();

  private phase: Phase = 'idle';
  private client: MqttClient | undefined;
  /** Bumped whenever a client is abandoned, so its late callbacks are ignored. */
  private linkGen = 0;
  private online = false;
  private everConnected = false;
  private failedAttempts = 0;
  /** Off during a simulated power cycle: no link, no telemetry. */
  private powered = true;
  private outageUntil = 0;
  private telemetryAnchor = 0;
  private autoBatteryLowRaised = false;
  private stopping: Promise<void> | undefined;

  private currentBootId = '';
  private bootAt = 0;
  private nextSeq = 0;
  private eventCounter = 0;

  constructor(options: SimClusterOptions) {
    super();
    this.opts = options;
    this.clusterId = options.clusterId;
    this.rng = options.rng ?? Math.random;
    this.timers = new TimerBag(options.scheduler ?? timerScheduler);
    this.clock = new DeviceClock(options.clockSkewMs ?? 0, options.clockCorrected ?? true);
    this.reports = new PlayLogQueue(options.playLogCapacity);
    this.hw = new SimHardware({
      rng: this.rng,
      initialVolume: options.initialVolume,
      rsrpDbm: options.rsrpDbm,
    });
    this.topics = {
      hello: clusterTopic(this.clusterId, 'hello'),
      status: clusterTopic(this.clusterId, 'status'),
      telemetry: clusterTopic(this.clusterId, 'telemetry'),
      event: clusterTopic(this.clusterId, 'event'),
      ack: clusterTopic(this.clusterId, 'ack'),
      sync: clusterTopic(this.clusterId, 'sync'),
      playlog: clusterTopic(this.clusterId, 'playlog'),
      cmd: clusterTopic(this.clusterId, 'cmd'),
      manifest: clusterTopic(this.clusterId, 'manifest'),
    };
    this.identity = {
      serial: `SIM${randomHex(this.rng, 10).toUpperCase()}`,
      imei: digits(this.rng, 15),
      iccid: `8984${digits(this.rng, 15)}`, // 89 = telecom, 84 = Vietnam
    };
    this.broadcaster = new Broadcaster({
      clock: this.clock,
      scheduler: options.scheduler ?? timerScheduler,
      rng: this.rng,
      download: options.download ?? true,
      mediaDir: options.mediaDir,
      policy: {
        maxAttempts: Math.max(1, options.downloadMaxAttempts ?? DEFAULT_DOWNLOAD_POLICY.maxAttempts),
        retryBaseMs: options.downloadRetryMs ?? DEFAULT_DOWNLOAD_POLICY.retryBaseMs,
        idleTimeoutMs: options.downloadIdleTimeoutMs ?? DEFAULT_DOWNLOAD_POLICY.idleTimeoutMs,
      },
      limiter: options.downloadLimiter,
      syncDebounceMs: options.syncDebounceMs ?? 1000,
      streamTimeoutMs: options.streamTimeoutMs ?? 10_000,
      host: {
        ack: (id, status, extra) => this.ack(id, status, extra),
        report: (draft) => this.playReport(draft),
        publishSync: (sync, done) => this.publishSync(sync, done),
        manifestApplied: (manifest) => {
          this.counts.manifestsApplied++;
          this.emit('manifest', manifest);
        },
        manifestIgnored: () => void this.counts.manifestsIgnored++,
        invalidManifest: () => void this.counts.invalidManifests++,
        downloaded: (info) => {
          if (info.ok) this.counts.downloadsCompleted++;
          else this.counts.downloadsFailed++;
          this.emit('download', info);
        },
        downloadBytes: (count) => void (this.counts.downloadBytes += count),
        streamBytes: (count) => void (this.counts.streamBytes += count),
      },
    });
    this.boot();
  }

  // ---- public state -------------------------------------------------------------------------

  get counters(): Readonly<SimCounters> {
    return this.counts;
  }

  /** True between a successful connect and the loss of that link. */
  get connected(): boolean {
    return this.online;
  }

  get bootId(): string {
    return this.currentBootId;
  }

  get volume(): number {
    return this.hw.volume;
  }

  /** Seq the next telemetry message will carry. */
  get seq(): number {
    return this.nextSeq;
  }

  /** Events and acks waiting for the broker's PUBACK. */
  get pendingMessages(): number {
    return this.outbox.length;
  }

  get running(): boolean {
    return this.phase === 'running';
  }

  /** The device's own clock (skewed), epoch ms. */
  deviceNow(): number {
    return this.clock.now();
  }

  /** Reference time as the device believes it: its clock corrected by the offset it knows. */
  referenceNow(): number {
    return this.clock.reference();
  }

  /** Version of the manifest it follows, or null before the first one. */
  get manifestVersion(): number | null {
    return this.broadcaster.manifestVersion;
  }

  /** The manifest it follows. */
  get manifest(): Readonly<Manifest> | null {
    return this.broadcaster.manifest;
  }

  /** SHA-256 of every media file it holds, verified (a live view). */
  get heldMedia(): ReadonlySet<string> {
    return this.broadcaster.held;
  }

  /** Listed files whose download failed, and why (a live view). */
  get missingMedia(): ReadonlyMap<string, PlayFailureReason> {
    return this.broadcaster.missing;
  }

  /** What is on air now, or null when silent. */
  get onAir(): Readonly<OnAir> | null {
    return this.broadcaster.onAir;
  }

  /** Play reports waiting for the broker's PUBACK, oldest first (a live view). */
  get pendingPlayReports(): readonly PlayReport[] {
    return this.reports.pending;
  }

  activeFaults(): FaultCode[] {
    return this.hw.activeFaults();
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  /** Powers the cluster on: connects and starts its random processes. Idempotent. */
  start(): void {
    if (this.phase !== 'idle') return;
    this.phase = 'running';
    this.telemetryAnchor = this.opts.telemetryPhaseMs ?? Date.now();
    this.scheduleNextOutage();
    this.scheduleRandomFaults();
    this.connect();
  }

  /** Clean shutdown: publishes retained `offline`, then disconnects so the broker drops the will. */
  stop(timeoutMs = 5000): Promise<void> {
    if (this.phase === 'idle' || this.phase === 'stopped') {
      this.phase = 'stopped';
      return Promise.resolve();
    }
    this.stopping ??= this.shutdown(timeoutMs);
    return this.stopping;
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    this.phase = 'stopping';
    this.timers.clearAll();
    this.broadcaster.shutdown();
    const client = this.client;
    const wasOnline = this.online;
    this.abandonClient(); // from here on, this client's 'close' is ours, not a link loss
    if (client && wasOnline) {
      const offline = encodePayload('Status', {
        v: PROTOCOL_VERSION,
        ts: this.deviceNow(),
        state: 'offline',
      });
      await withTimeout(
        new Promise<void>((resolve) => this.send(client, 'status', offline, () => resolve())),
        timeoutMs,
      );
      const ended = await withTimeout(
        new Promise<void>((resolve) => client.end(false, {}, () => resolve())),
        timeoutMs,
      );
      if (!ended) client.stream?.destroy(); // graceful end hung: the link is dead anyway
    } else {
      client?.end(true);
    }
    this.phase = 'stopped';
    if (wasOnline) this.emit('disconnected', { reason: 'stopped' });
  }

  /** Abrupt death (crash, power theft): the link drops without DISCONNECT, so the broker publishes the will. */
  kill(): void {
    if (this.phase === 'stopped') return;
    this.phase = 'stopped';
    this.timers.clearAll();
    this.broadcaster.shutdown();
    this.dropLink('killed');
  }

  /** Simulates a network outage of `durationMs`: the link is cut now and comes back when it ends. */
  startOutage(durationMs: number): void {
    if (this.phase !== 'running') return;
    this.outageUntil = Math.max(this.outageUntil, Date.now() + durationMs);
    if (this.client) this.dropLink('outage');
    else this.scheduleReconnect();
  }

  /** Power cycle after `delayMs`: link dropped without DISCONNECT, new boot id, seq from 0. */
  reboot(delayMs = 0): void {
    if (this.phase !== 'running') return;
    this.timers.set('reboot', delayMs, () => this.powerCycle());
  }

  // ---- faults and signal --------------------------------------------------------------------

  /** Raises a fault: publishes `fault_raised` (queued while offline) and degrades telemetry. */
  injectFault(code: FaultCode, detail?: string): boolean {
    if (!this.hw.raise(code, detail, Date.now())) return false;
    this.raiseEvent('fault_raised', code, detail);
    return true;
  }

  /** Clears a fault: publishes `fault_cleared` and restores telemetry. */
  clearFault(code: FaultCode, detail?: string): boolean {
    if (!this.hw.clear(code)) return false;
    this.raiseEvent('fault_cleared', code, detail);
    if (code === 'battery_low') this.autoBatteryLowRaised = false;
    // Mains back: the charger lifts a battery that sagged on its own (an injected battery_low stays).
    if (code === 'mains_lost' && this.autoBatteryLowRaised) this.clearFault('battery_low', 'mains restored');
    return true;
  }

  /** Weak or strong signal is not a fault, only degraded telemetry (e.g. -118 dBm in a valley). */
  setSignal(rsrpDbm: number): void {
    this.hw.setSignal(rsrpDbm);
  }

  // ---- connection ---------------------------------------------------------------------------

  private connect(): void {
    if (this.phase !== 'running' || !this.powered || this.client) return;
    if (Date.now() < this.outageUntil) return this.scheduleReconnect();
    const gen = ++this.linkGen;
    const will = encodePayload('Status', { v: PROTOCOL_VERSION, ts: this.deviceNow(), state: 'offline' });
    const client = connect(this.opts.brokerUrl, {
      clientId: this.clusterId,
      username: this.clusterId,
      password: this.opts.secret,
      clean: false, // persistent session: commands sent while we are offline wait at the broker
      protocolVersion: MQTT_PROTOCOL_LEVEL,
      keepalive: this.opts.keepaliveS ?? 60,
      connectTimeout: this.opts.connectTimeoutMs ?? 30_000,
      reconnectPeriod: 0, // reconnection is ours: jittered, and held back during outages and reboots
      will: {
        topic: this.topics.status,
        payload: will,
        qos: TOPIC_SPECS.status.qos,
        retain: TOPIC_SPECS.status.retain,
      },
      ...this.opts.mqttOptions,
    });
    this.client = client;
    client.on('connect', () => {
      if (gen === this.linkGen) this.onConnect(client);
    });
    client.on('message', (topic, payload) => {
      if (gen === this.linkGen) this.onMessage(topic, payload);
    });
    client.on('close', () => {
      if (gen === this.linkGen) this.dropLink('link_lost');
    });
    // Kept even on abandoned clients: an unhandled 'error' would crash the whole fleet.
    client.on('error', (error) => this.reportError(error));
  }

  private onConnect(client: MqttClient): void {
    const reconnect = this.everConnected;
    this.everConnected = true;
    this.online = true;
    this.failedAttempts = 0;
    if (reconnect) this.counts.reconnects++;

    // Both at once: the broker hands over the retained manifest as soon as the subscription exists.
    client.subscribe(
      {
        [this.topics.cmd]: { qos: TOPIC_SPECS.cmd.qos },
        [this.topics.manifest]: { qos: TOPIC_SPECS.manifest.qos },
      },
      (error) => {
        if (error) this.reportError(error);
      },
    );
    this.send(
      client,
      'status',
      encodePayload('Status', { v: PROTOCOL_VERSION, ts: this.deviceNow(), state: 'online' }),
    );
    this.send(
      client,
      'hello',
      encodePayload('Hello', {
        v: PROTOCOL_VERSION,
        ts: this.deviceNow(),
        vendor: this.opts.vendor ?? 'LoaXa Sim',
        model: this.opts.model ?? 'SIM-4G-100',
        firmware: this.opts.firmware ?? '1.0.0-sim',
        serial: this.identity.serial,
        imei: this.identity.imei,
        iccid: this.identity.iccid,
        capabilities: SIM_CAPABILITIES,
        bootId: this.currentBootId,
      }),
    );
    this.flushOutbox();
    this.flushReports();
    this.broadcaster.linkUp();
    // A fresh health snapshot right after hello, then on the cluster's own grid.
    this.sendTelemetry();
    this.scheduleTelemetry(true);
    this.emit('connected', { reconnect });
  }

  /**
   * Abandons the current client. `killed`, `outage` and `reboot` cut the TCP stream without DISCONNECT,
   * exactly like a dead modem, so the broker publishes the retained `offline` will.
   */
  private dropLink(reason: DisconnectReason): void {
    const client = this.client;
    const wasOnline = this.online;
    this.abandonClient();
    client?.end(true);
    if (wasOnline) this.emit('disconnected', { reason });
    else if (reason === 'link_lost') this.failedAttempts++;
    this.scheduleReconnect();
  }

  private abandonClient(): void {
    this.client = undefined;
    this.linkGen++;
    this.online = false;
    this.timers.clear('telemetry');
    this.outbox.linkLost();
    this.reports.linkLost();
  }

  private scheduleReconnect(): void {
    if (this.phase !== 'running' || !this.powered || this.client) return;
    const base = this.opts.reconnectPeriodMs ?? 5000;
    const backoff = Math.min(2 ** Math.max(0, this.failedAttempts - 1), 8);
    const jittered = base * backoff * uniform(this.rng, 0.5, 1.5);
    const outageLeft = Math.max(0, this.outageUntil - Date.now());
    this.timers.set('reconnect', outageLeft + jittered, () => this.connect());
  }

  private powerCycle(): void {
    if (this.phase !== 'running') return;
    this.powered = false;
    this.broadcaster.powerOff();
    this.timers.clear('reconnect');
    this.dropLink('reboot');
    this.timers.set('boot', this.opts.rebootDurationMs ?? 3000, () => {
      this.boot();
      this.powered = true;
      this.broadcaster.powerOn();
      this.emit('reboot', { bootId: this.currentBootId });
      this.connect();
    });
  }

  private boot(): void {
    this.currentBootId = randomHex(this.rng, 12);
    this.bootAt = Date.now();
    this.nextSeq = 0;
    this.eventCounter = 0;
  }

  // ---- publishing ---------------------------------------------------------------------------

  /** Publishes with the channel's QoS and retain flag from the contract. */
  private send(
    client: MqttClient,
    channel: DeviceChannel,
    payload: Buffer,
    done?: (error?: Error) => void,
  ): void {
    const spec = TOPIC_SPECS[channel];
    client.publish(this.topics[channel], payload, { qos: spec.qos, retain: spec.retain }, (error) => {
      if (error && !client.disconnecting) this.reportError(error);
      done?.(error ?? undefined);
    });
  }

  private flushOutbox(): void {
    const client = this.client;
    if (!client || !this.online) return;
    const gen = this.linkGen;
    this.outbox.flush((item: OutboxItem, done) => {
      client.publish(item.topic, item.payload, { qos: item.qos, retain: item.retain }, (error) => {
        // A callback from an abandoned client says nothing about the current link: ignore it.
        if (gen === this.linkGen) done(error ?? undefined);
      });
    });
  }

  private enqueue(channel: DeviceChannel, payload: Buffer): void {
    const spec = TOPIC_SPECS[channel];
    this.outbox.push({ topic: this.topics[channel], payload, qos: spec.qos, retain: spec.retain });
    this.flushOutbox();
  }

  // ---- broadcasting -------------------------------------------------------------------------

  private playReport(draft: ReportDraft): void {
    const report: PlayReport = {
      id: `${this.currentBootId}-p${++this.reportCounter}`,
      source: draft.source,
      ref: draft.ref,
      event: draft.event,
      at: draft.at ?? this.clock.now(),
      ...(draft.reason !== undefined ? { reason: draft.reason } : {}),
      ...(draft.playedMs !== undefined ? { playedMs: draft.playedMs } : {}),
      ...(draft.detail !== undefined ? { detail: draft.detail } : {}),
    };
    this.counts.playReports++;
    this.reports.push(report);
    this.emit('play', report);
    this.flushReports();
  }

  /** Publishes the next batch of play reports (≤ 100, oldest first) unless one is still in flight. */
  private flushReports(): void {
    const client = this.client;
    if (!client || !this.online) return;
    const batch = this.reports.takeBatch();
    if (!batch) return;
    const gen = this.linkGen;
    const payload = encodePayload('PlayLog', { v: PROTOCOL_VERSION, ts: this.deviceNow(), reports: batch });
    this.send(client, 'playlog', payload, (error) => {
      if (gen !== this.linkGen) return; // an abandoned client: the batch is re-sent on the next link
      if (error) return this.reports.linkLost();
      this.counts.playReportsSent += this.reports.acknowledged();
      this.flushReports();
    });
  }

  private publishSync(sync: Omit<ManifestSync, 'v' | 'ts'>, done: (ok: boolean) => void): boolean {
    const client = this.client;
    if (!client || !this.online) return false;
    const full: ManifestSync = { v: PROTOCOL_VERSION, ts: this.deviceNow(), ...sync };
    const gen = this.linkGen;
    this.send(client, 'sync', encodePayload('ManifestSync', full), (error) => {
      if (gen === this.linkGen) done(!error);
      else if (error) done(false);
    });
    this.counts.syncsSent++;
    this.emit('sync', full);
    return true;
  }

  // ---- telemetry ----------------------------------------------------------------------------

  private scheduleTelemetry(afterConnect = false, firedTick?: number): void {
    const interval = Math.max(1, this.opts.telemetryIntervalMs ?? 60_000);
    const now = Date.now();
    const anchor = this.telemetryAnchor;
    let next = anchor + (Math.floor((now - anchor) / interval) + 1) * interval;
    // The shared ticker may fire a few ms early; never schedule the tick that just fired a second time.
    if (firedTick !== undefined && next <= firedTick) next = firedTick + interval;
    // Right after the post-connect report, skip a grid tick that would follow it almost at once.
    if (afterConnect && next - now < interval / 4) next += interval;
    this.timers.set('telemetry', next - now, () => {
      this.sendTelemetry();
      this.scheduleTelemetry(false, next);
    });
  }

  private sendTelemetry(): void {
    const client = this.client;
    if (!client || !this.online) return;
    const now = Date.now();
    this.autoBatteryLow(now);
    const seq = this.nextSeq;
    this.nextSeq = seq >= MAX_SEQ ? 0 : seq + 1;
    const dropP = this.opts.link?.dropProbability ?? 0;
    if (dropP > 0 && this.rng() < dropP) {
      this.counts.telemetryDropped++;
      this.emit('telemetry_dropped', seq);
      return;
    }
    const telemetry = this.hw.telemetry({
      ts: this.deviceNow(),
      seq,
      uptimeS: Math.floor((now - this.bootAt) / 1000),
      clockOffsetMs: this.clock.knownOffsetMs,
      realNow: now,
      playing: this.broadcaster.playing,
    });
    this.send(client, 'telemetry', encodePayload('Telemetry', telemetry));
    this.counts.telemetrySent++;
    this.emit('telemetry', seq, telemetry);
  }

  /** Firmware raises battery_low by itself when the battery sags during a long mains outage. */
  private autoBatteryLow(now: number): void {
    if (this.autoBatteryLowRaised || !this.hw.batteryDrained(now)) return;
    if (this.injectFault('battery_low', 'battery below threshold')) this.autoBatteryLowRaised = true;
  }

  // ---- events -------------------------------------------------------------------------------

  private raiseEvent(type: DeviceEvent['type'], code: FaultCode, detail?: string): void {
    const event: DeviceEvent = {
      v: PROTOCOL_VERSION,
      ts: this.deviceNow(),
      id: `${this.currentBootId}-${++this.eventCounter}`,
      type,
      code,
      ...(detail !== undefined ? { detail } : {}),
    };
    this.counts.eventsRaised++;
    this.enqueue('event', encodePayload('DeviceEvent', event));
    this.emit('event', event);
  }

  // ---- commands -----------------------------------------------------------------------------

  private onMessage(topic: string, payload: Buffer): void {
    if (topic === this.topics.manifest) return this.broadcaster.onManifest(payload);
    if (topic !== this.topics.cmd) return;
    const decoded = decodePayload('Command', payload);
    if (!decoded.ok) {
      // No valid id to ack against: a real device can only drop it.
      this.counts.invalidCommands++;
      this.emit('invalid_command', decoded.message);
      return;
    }
    const command = decoded.value;
    this.counts.commandsReceived++;
    const previous = this.handled.get(command.id);
    if (previous) {
      // QoS 1 redelivery: tell the server again where it stands, never run it twice.
      this.counts.duplicateCommands++;
      this.emit('command', command, { duplicate: true });
      this.publishAck({ ...previous, ts: this.deviceNow() });
      return;
    }
    this.emit('command', command, { duplicate: false });
    // The contract compares expiresAt with the device clock corrected by its known offset (what it reports
    // as clockOffsetMs), so a skewed but synchronised device still honours the server's deadline.
    if (this.clock.reference() > command.expiresAt) {
      this.ack(command.id, 'expired', { code: 'expired', message: 'received after expiresAt' });
      return;
    }
    this.ack(command.id, 'received');
    this.timers.once(this.opts.commandExecMs ?? 0, () => this.execute(command));
  }

  private execute(command: Command): void {
    if (this.phase !== 'running') return;
    this.counts.commandsExecuted++;
    switch (command.type) {
      case 'set_volume':
        this.hw.volume = command.params.volume;
        this.ack(command.id, 'ok', { result: { volume: this.hw.volume } });
        break;
      case 'ping':
        this.ack(command.id, 'ok', {
          result: { uptimeS: Math.floor((Date.now() - this.bootAt) / 1000), bootId: this.currentBootId },
        });
        break;
      case 'reboot': {
        const delayS = command.params.delayS ?? 0;
        this.ack(command.id, 'ok', { result: { delayS } });
        const delayMs = delayS * 1000 * (this.opts.rebootDelayScale ?? 1);
        // The `ok` must reach the broker before the power goes, or the server never learns it.
        this.timers.set('reboot', delayMs, () => {
          let done = false;
          const go = () => {
            if (done) return;
            done = true;
            this.timers.clear('reboot');
            this.powerCycle();
          };
          this.outbox.onDrained(go);
          this.timers.set('reboot', 2000, go);
        });
        break;
      }
      case 'play_now':
        this.broadcaster.playNow(command.id, command.params);
        break;
      case 'stop':
        this.broadcaster.stop(command.id, command.params.priority, command.params.ref);
        break;
    }
  }

  private ack(
    id: string,
    status: AckStatus,
    extra: { code?: CommandErrorCode; message?: string; result?: Record<string, unknown> } = {},
  ): void {
    const ack: Omit<CommandAck, 'ts'> = { v: PROTOCOL_VERSION, id, status, ...extra };
    this.handled.delete(id);
    this.handled.set(id, ack);
    if (this.handled.size > REMEMBERED_COMMANDS) {
      const oldest = this.handled.keys().next();
      if (!oldest.done) this.handled.delete(oldest.value);
    }
    this.publishAck({ ...ack, ts: this.deviceNow() });
  }

  private publishAck(ack: CommandAck): void {
    this.counts.acksSent++;
    this.enqueue('ack', encodePayload('CommandAck', ack));
    this.emit('ack', ack);
  }

  // ---- random processes ---------------------------------------------------------------------

  private scheduleNextOutage(): void {
    const link = this.opts.link;
    const p = clamp(link?.outageProbabilityPerMinute ?? 0, 0, 0.999);
    if (p <= 0) return;
    // "p per minute" as a Poisson rate, so the outage count does not depend on any tick length.
    const meanGapMs = 60_000 / -Math.log(1 - p);
    this.timers.set('outage', exponential(this.rng, meanGapMs), () => {
      const min = link?.outageMinMs ?? 30_000;
      const max = Math.max(min, link?.outageMaxMs ?? 300_000);
      const duration = uniform(this.rng, min, max);
      this.startOutage(duration);
      this.timers.set('outage', duration, () => this.scheduleNextOutage());
    });
  }

  private scheduleRandomFaults(): void {
    const faults = this.opts.faults;
    if (!faults) return;
    this.scheduleFaultProcess('amp', faults.ampFaultRatePerHour, () => 'amp_fault');
    this.scheduleFaultProcess('line', faults.lineFaultRatePerHour, () =>
      this.rng() < 0.7 ? 'line_open' : 'line_short',
    );
    this.scheduleFaultProcess('mains', faults.mainsLossRatePerHour, () => 'mains_lost');
  }

  private scheduleFaultProcess(name: string, ratePerHour: number | undefined, pick: () => FaultCode): void {
    if (!ratePerHour || ratePerHour <= 0) return;
    const meanDuration = this.opts.faults?.meanFaultDurationMs ?? 600_000;
    this.timers.set(`fault:${name}`, exponential(this.rng, 3_600_000 / ratePerHour), () => {
      const code = pick();
      if (this.injectFault(code, 'simulated')) {
        this.timers.set(`clear:${name}`, exponential(this.rng, meanDuration), () => {
          this.clearFault(code, 'simulated');
        });
      }
      this.scheduleFaultProcess(name, ratePerHour, pick);
    });
  }

  private reportError(error: Error): void {
    // EventEmitter throws on an 'error' nobody listens to; a fleet of 10,000 must not die of one ECONNREFUSED.
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }
}

function digits(rng: Rng, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += Math.floor(rng() * 10).toString();
  return out;
}

/** Resolves true when `promise` settles in time, false on timeout (the timer never keeps the process alive). */
function withTimeout(promise: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    timer.unref();
    promise.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(false);
      },
    );
  });
}
