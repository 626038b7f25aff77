import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { MqttClient } from 'mqtt';
import { DataSource } from 'typeorm';
import {
  DEVICE_CHANNELS,
  DROP_REASONS,
  PLAYOUT_SOURCES,
  PROTOCOL_VERSION,
  TOPIC_SPECS,
  clusterTopic,
  decodePayload,
  encodePayload,
  type DeviceChannel,
  type DropReason,
  type PayloadName,
  type PlayReport,
} from '@loa-xa/protocol';
import { startTestServer, type TestServer } from '../support/test-server';
import { eventually, request } from '../support/http';
import {
  connectDevice,
  metric,
  provisionClusters,
  sampleTelemetry,
  type ProvisionedCluster,
} from '../support/fleet';
import { PAYLOAD_EXAMPLES } from '../../libs/protocol/src/asyncapi';
import { FleetView } from '../../apps/server/src/fleet/fleet-view.service';
import { DeviceDataWriter } from '../../apps/server/src/devices/device-data.writer';
import { MAX_STORED_TS } from '../../apps/server/src/devices/device-payload';
import { ManifestService } from '../../apps/server/src/broadcasts/manifest.service';
import { PlayLogWriter } from '../../apps/server/src/playlogs/play-log.writer';
import { instantOf, localTime, readyAsset } from '../broadcasts/support';
import { asciiCodeUnit, defectiveMessage, validMessage, type Json } from './payload-arbitraries';

/*
 * Thousands of malformed payloads, generated from the contract's schemas, published by real MQTT clients
 * with real credentials on every device channel (manifest `sync` and `playlog` included). Each one must be
 * dropped and counted under the reason the contract gives, nothing stored may change (manifest
 * acknowledgements and play logs included), and the server must stay up and keep applying valid messages.
 */

/** Same seed, same payloads: FUZZ_SEED=<seed printed by a failing run> reproduces it. */
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const CLUSTERS = 5;
/** Payloads per category; the total is well over 10,000. */
const PER_CHANNEL_DEFECTS = 1_300;
const BROKEN_JSON = 1_000;
const GARBAGE = 1_000;
const WRONG_SHAPE = 1_000;
const DOUBLE_ENCODED = 200;
const DEEP = 200;
const UNSTORABLE = 600;
const REFUSED_REPORTS = 400;
/** Largest payload sent: the whole MQTT packet (topic and header included) must stay under 64 KiB. */
const MAX_PAYLOAD = 60_000;

interface Case {
  channel: DeviceChannel;
  payload: Buffer;
  reason: DropReason;
  kind: string;
}

const payloadOf = (channel: DeviceChannel) => TOPIC_SPECS[channel].payload as PayloadName;
const channelArb = fc.constantFrom(...DEVICE_CHANNELS);
const storableText = { unit: asciiCodeUnit, extDepth: 2 };

/**
 * The reason the contract gives for dropping `payload` on `channel`, worked out from the contract's own
 * validator on the bytes (decoded as UTF-8, as the server's MQTT transport does). Throws when the contract
 * accepts the payload: a generator must only produce malformed ones.
 */
function contractReason(channel: DeviceChannel, payload: Buffer): DropReason {
  const text = payload.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'invalid_json';
  }
  if (typeof parsed === 'string') {
    // Nest's MQTT transport hands a JSON string over already parsed, as it hands over text that is not
    // JSON: the server can tell them apart only when the string's content parses as JSON itself.
    try {
      JSON.parse(parsed);
      return 'schema';
    } catch {
      return 'invalid_json';
    }
  }
  const result = decodePayload(payloadOf(channel), payload);
  if (result.ok) throw new Error(`generator bug: a valid ${channel} payload: ${text.slice(0, 200)}`);
  return result.reason;
}

const asCase =
  (kind: string) =>
  ([channel, payload]: [DeviceChannel, Buffer]): Case => ({
    channel,
    payload,
    kind,
    reason: contractReason(channel, payload),
  });

const text = (s: string) => Buffer.from(s, 'utf8');

/** One defect from the schema (wrong type, out of range, oversized, unknown or missing field, version). */
const defects = (channel: DeviceChannel) =>
  defectiveMessage(payloadOf(channel), { ...storableText, large: true }).map((defect): Case => ({
    channel,
    payload: text(defect.raw),
    reason: defect.reason,
    kind: 'defect',
  }));

/** Valid JSON text of a message, broken: cut short, a stray character, single quotes, NaN, a BOM… */
const brokenJson = fc
  .tuple(channelArb, fc.nat(), fc.constantFrom('{', '}', '[', ']', ',', ':', '"', "'", '\\', 'x'))
  .chain(([channel, position, stray]) =>
    validMessage(payloadOf(channel), storableText).chain((message) => {
      const json = JSON.stringify(message);
      const at = 1 + (position % (json.length - 1));
      return fc
        .constantFrom<string>(
          json.slice(0, at),
          json.slice(0, at) + stray + json.slice(at),
          json.replace(/"/g, "'"),
          json.replace(/}$/, ',}'),
          json.replace(/:(-?[0-9][0-9.e+-]*)/, ':NaN'),
          json.replace(/:(-?[0-9][0-9.e+-]*)/, ':Infinity'),
          json.replace(/"([A-Za-z]+)":/, '$1:'),
          `\uFEFF${json}`,
          `/* comment */${json}`,
          `${json}${json}`,
          `${json}\u0000`,
          '',
          'undefined',
          '{',
        )
        .filter((s) => {
          try {
            JSON.parse(s);
            return false;
          } catch {
            return true;
          }
        })
        .map((s) => [channel, text(s)] as [DeviceChannel, Buffer]);
    }),
  )
  .map(asCase('broken JSON'));

/** Bytes: short noise, noise of tens of kilobytes, JSON with bytes that are not UTF-8 around it. */
const garbage = fc
  .tuple(
    channelArb,
    fc.oneof(
      { weight: 20, arbitrary: fc.uint8Array({ maxLength: 2_000 }) },
      { weight: 1, arbitrary: fc.uint8Array({ minLength: 20_000, maxLength: MAX_PAYLOAD }) },
      {
        weight: 3,
        arbitrary: fc
          .uint8Array({ minLength: 1, maxLength: 8 })
          .map((bytes) => Buffer.concat([Buffer.from([0xff, 0xfe]), bytes, text('{"v":1}')])),
      },
    ),
  )
  .map(([channel, bytes]) => [channel, Buffer.from(bytes)] as [DeviceChannel, Buffer])
  .map(asCase('binary garbage'));

/** Valid JSON that is not a message of the channel: any value, or another channel's message. */
const wrongShape = fc
  .tuple(
    channelArb,
    fc.oneof(
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null'),
      fc.constantFrom('[]', '{}', 'null', 'true', '0', '-0', '1e309', '"status"', '[{"v":1}]'),
      fc
        .integer({ min: 1_000, max: 12_000 })
        .map((n) => JSON.stringify(Array.from({ length: n }, (_, i) => i))),
      fc
        .constantFrom(...DEVICE_CHANNELS)
        .chain((other) => validMessage(payloadOf(other), storableText))
        .map((m) => JSON.stringify(m)),
    ),
  )
  .filter(([channel, json]) => {
    try {
      return !decodePayload(payloadOf(channel), json).ok;
    } catch {
      return false;
    }
  })
  .map(([channel, json]) => [channel, text(json)] as [DeviceChannel, Buffer])
  .map(asCase('wrong shape'));

/** A message encoded twice (a JSON string holding the JSON), or a JSON string of plain text. */
const doubleEncoded = channelArb
  .chain((channel) =>
    fc.tuple(
      fc.constant(channel),
      fc.oneof(
        validMessage(payloadOf(channel), storableText).map((m) => JSON.stringify(JSON.stringify(m))),
        fc.string({ maxLength: 50 }).map((s) => JSON.stringify(s)),
      ),
    ),
  )
  .map(([channel, json]) => [channel, text(json)] as [DeviceChannel, Buffer])
  .map(asCase('JSON string'));

const nested = (depth: number, open: string, close: string, inner = '0') =>
  `${open.repeat(depth)}${inner}${close.repeat(depth)}`;

/** Nesting: the whole payload, an unknown field, `v` itself; arrays and objects, up to 20,000 deep. */
const deep = fc
  .tuple(
    channelArb,
    fc.integer({ min: 40, max: 20_000 }),
    fc.constantFrom<'array' | 'object'>('array', 'object'),
    fc.constantFrom<'whole' | 'unknown field' | 'v'>('whole', 'unknown field', 'v'),
  )
  .chain(([channel, depth, shape, where]) =>
    validMessage(payloadOf(channel), storableText).map((message): Case => {
      const value =
        shape === 'array' ? nested(depth, '[', ']') : nested(Math.min(depth, 9_000), '{"a":', '}');
      const json = JSON.stringify(message);
      const raw =
        where === 'whole'
          ? value
          : where === 'v'
            ? json.replace(`"v":${PROTOCOL_VERSION}`, `"v":${value}`)
            : json.replace(/}$/, `,"deep":${value}}`);
      // A `v` nested thousands deep once made the contract's validator throw; it must count as a version drop.
      const payload = text(raw);
      const reason = where === 'v' ? 'version' : contractReason(channel, payload);
      return { channel, payload, reason, kind: `deep ${shape} (${where})` };
    }),
  );

/**
 * Messages the contract accepts but the server cannot store as sent, each refused as `schema`: U+0000 or
 * half a surrogate pair in any free text (values and vendor keys, a play report's id, ref or detail), a
 * number JSON cannot carry (1e309) or nesting deeper than 32 under `ext` / `result`, a `ts` after year 9999.
 */
const BAD_TEXT = fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\udc00\ud800', 'ok\u0000');
/** Placeholder for the number literal 1e309, which JSON.stringify cannot write. */
const INFINITY = '\u0001inf\u0001';
const unstorable = channelArb
  .chain((channel) =>
    fc.tuple(
      fc.constant(channel),
      validMessage(payloadOf(channel), storableText),
      fc.constantFrom('text', 'key', 'infinity', 'nesting', 'ts'),
      BAD_TEXT,
      fc.integer({ min: 33, max: 200 }),
      fc.oneof(
        fc.constant(MAX_STORED_TS + 1),
        fc.integer({ min: 0, max: 1_000_000 }).map((d) => 8.64e15 - d),
      ),
      fc.constantFrom('id', 'ref', 'detail'),
    ),
  )
  .map(([channel, valid, how, bad, depth, ts, reportField]): Case => {
    const message = structuredClone(valid) as Record<string, Json>;
    const free = channel === 'ack' ? 'result' : channel === 'status' ? null : 'ext';
    const texts: Record<DeviceChannel, string | null> = {
      hello: 'vendor',
      status: null,
      telemetry: null,
      event: 'detail',
      ack: 'message',
      sync: null,
      playlog: null,
    };
    const mode = free === null && how !== 'ts' ? 'ts' : how;
    if (mode === 'ts') message.ts = ts;
    else if (mode === 'text' && channel === 'playlog')
      (message.reports as Record<string, Json>[])[0][reportField] = bad;
    else if (mode === 'text' && texts[channel]) message[texts[channel] as string] = bad;
    else if (mode === 'text' || mode === 'key')
      message[free as string] = mode === 'key' ? { [`k${bad}`]: 1 } : { note: bad };
    else if (mode === 'infinity') message[free as string] = { reading: INFINITY };
    else message[free as string] = { tree: JSON.parse(nested(depth, '[', ']')) as Json };
    const raw = JSON.stringify(message).replace(JSON.stringify(INFINITY), '1e309');
    const payload = text(raw);
    const accepted = decodePayload(payloadOf(channel), payload);
    if (!accepted.ok)
      throw new Error(`generator bug: the contract refuses ${raw.slice(0, 200)}: ${accepted.message}`);
    return { channel, payload, reason: 'schema', kind: `unstorable (${mode})` };
  });

/** A schedule id for play reports: the server stores reports of any occurrence id that is well formed. */
const REPORTED_SCHEDULE = '5a1e0c3d-7b2f-4c1e-9d0a-3f6b8e2c4d1a';

/**
 * Play logs the contract accepts whose one report the server refuses, each counted once: a `ref` that cannot
 * name anything of its source (`unknown_occurrence`), or an `at` after year 9999 (`schema`).
 */
const refusedReports = fc
  .tuple(
    validMessage('PlayLog', storableText),
    fc.oneof(
      fc
        .tuple(
          fc.constantFrom<PlayReport['source']>('schedule'),
          fc.constantFrom(
            'occ-2026-01-01-0530',
            `${REPORTED_SCHEDULE}@`,
            `${REPORTED_SCHEDULE}@abc`,
            `${REPORTED_SCHEDULE}@-1`,
            `${REPORTED_SCHEDULE}@1.5`,
            `${REPORTED_SCHEDULE}@${MAX_STORED_TS + 1}`,
            `${REPORTED_SCHEDULE}@99999999999999999`,
            'not-a-schedule@1767225600000',
            '@1767225600000',
            `${REPORTED_SCHEDULE.slice(0, -1)}z@1767225600000`,
          ),
        )
        .map(([source, ref]) => ({ source, ref, at: null, reason: 'unknown_occurrence' as const })),
      fc
        .tuple(
          fc.constantFrom<PlayReport['source']>('command', 'live'),
          fc.oneof(
            fc.constantFrom('cmd-1', 'x', `${REPORTED_SCHEDULE}@1767225600000`, `{${REPORTED_SCHEDULE}}`),
            fc.string({ unit: asciiCodeUnit, minLength: 1, maxLength: 128 }),
          ),
        )
        .map(([source, ref]) => ({ source, ref, at: null, reason: 'unknown_occurrence' as const })),
      fc
        .tuple(fc.constantFrom(...PLAYOUT_SOURCES), fc.integer({ min: MAX_STORED_TS + 1, max: 8.64e15 }))
        .map(([source, at]) => ({
          source,
          ref: source === 'schedule' ? `${REPORTED_SCHEDULE}@1767225600000` : REPORTED_SCHEDULE,
          at,
          reason: 'schema' as const,
        })),
    ),
  )
  // A random command or live ref that happens to be a UUID would be stored.
  .filter(
    ([, bad]) => bad.reason === 'schema' || !/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i.test(bad.ref),
  )
  .map(([valid, bad]): Case => {
    const message = structuredClone(valid) as { ts: number; reports: Record<string, Json>[] };
    message.ts = Date.now();
    const report: Record<string, Json> = { ...message.reports[0], source: bad.source, ref: bad.ref };
    report.at = bad.at ?? Date.now(); // a sane time, unless the time is the defect
    message.reports = [report];
    const payload = text(JSON.stringify(message));
    const accepted = decodePayload('PlayLog', payload);
    if (!accepted.ok) throw new Error(`generator bug: the contract refuses it: ${accepted.message}`);
    return {
      channel: 'playlog',
      payload,
      reason: bad.reason,
      kind: `refused report (${bad.reason === 'schema' ? 'at' : bad.source})`,
    };
  });

function generateCases(): Case[] {
  const sample = <T>(arbitrary: fc.Arbitrary<T>, numRuns: number) =>
    fc.sample(arbitrary, { seed: SEED, numRuns });
  const cases: Case[] = [];
  for (const channel of DEVICE_CHANNELS) cases.push(...sample(defects(channel), PER_CHANNEL_DEFECTS));
  cases.push(...sample(brokenJson, BROKEN_JSON));
  cases.push(...sample(garbage, GARBAGE));
  cases.push(...sample(wrongShape, WRONG_SHAPE));
  cases.push(...sample(doubleEncoded, DOUBLE_ENCODED));
  cases.push(...sample(deep, DEEP));
  cases.push(...sample(unstorable, UNSTORABLE));
  return cases.filter((c) => c.payload.length <= MAX_PAYLOAD);
}

/**
 * A read retried once on a network error: the server closes keep-alive connections idle for 5 s (while
 * cases are generated or published), and under load the client may pick one up just as it closes.
 */
const retried = <T>(read: () => Promise<T>): Promise<T> => read().catch(() => read());

/** A hash of a value (Maps and Sets included); `unseen` leaves out when each cluster was last seen. */
const sha256 = (value: unknown, unseen = false) =>
  createHash('sha256')
    .update(
      JSON.stringify(value, (key, v: unknown) =>
        unseen && key === 'lastSeenAt'
          ? undefined
          : v instanceof Map
            ? [...v.entries()]
            : v instanceof Set
              ? [...v]
              : v,
      ),
    )
    .digest('hex');

describe('malformed MQTT payloads on every device channel', () => {
  let server: TestServer;
  let clusters: ProvisionedCluster[];
  const clients: MqttClient[] = [];
  /** The schedule every cluster's manifest lists, its only occurrence, and the file that plays. */
  let scheduleId: string;
  let occurrenceStart: number;
  let fileSha: string;
  /** Play reports each cluster sent in valid play logs so far. */
  let reportSeq = 0;

  const publish = (i: number, channel: DeviceChannel, payload: Buffer) =>
    clients[i].publishAsync(clusterTopic(clusters[i].id, channel), payload, { qos: 1 });

  const manifestVersion = (i: number) => server.app.get(ManifestService).state(clusters[i].id)?.version ?? 0;

  /** A valid ManifestSync (the contract's own example, with this cluster's version and file). */
  const validSync = (i: number, missing: boolean) => {
    const example = PAYLOAD_EXAMPLES.ManifestSync.find((e) => e.name === (missing ? 'partial' : 'ready'));
    return encodePayload('ManifestSync', {
      ...structuredClone(example!.payload),
      ts: Date.now(),
      version: manifestVersion(i),
      held: missing ? [] : [fileSha],
      ...(missing ? { missing: [{ sha256: fileSha, reason: 'checksum_mismatch' as const }] } : {}),
    });
  };

  /** A valid PlayLog (the contract's own example) about the schedule's occurrence, with new report ids. */
  const validPlayLog = (i: number) => {
    const example = structuredClone(PAYLOAD_EXAMPLES.PlayLog[0].payload);
    const ref = `${scheduleId}@${occurrenceStart}`;
    return encodePayload('PlayLog', {
      ...example,
      ts: Date.now(),
      reports: example.reports.map((r) => ({ ...r, id: `fuzz-${i}-${++reportSeq}`, ref })),
    });
  };

  /**
   * Everything the device side stores, and the live view the API serves from; `unseen` leaves out when each
   * cluster was last seen (a well-formed message shows its device is alive, whatever the server keeps of it).
   */
  async function snapshot(unseen = false): Promise<Record<string, { rows: number; hash: string }>> {
    const writer = server.app.get(DeviceDataWriter);
    await writer.flush();
    await eventually(async () => writer.pending === 0);
    const playLogs = server.app.get(PlayLogWriter);
    await playLogs.flush();
    await eventually(async () => playLogs.pending === 0);
    const ds = server.app.get(DataSource);
    const out: Record<string, { rows: number; hash: string }> = {};
    const tables: Record<string, string> = {
      telemetry_sample: 'id',
      device_event: 'id',
      cluster_fault: 'id',
      presence_transition: 'id',
      device_command: 'id',
      cluster_state: 'cluster_id',
      cluster_manifest: 'cluster_id',
      play_log: 'id',
    };
    for (const [table, key] of Object.entries(tables)) {
      const rows: unknown[] = await ds.query(`SELECT * FROM ${table} ORDER BY ${key}`);
      out[table] = { rows: rows.length, hash: sha256(rows) };
    }
    const fleet = server.app.get(FleetView);
    const live = clusters.map((c) => fleet.get(c.id));
    out.fleet_view = { rows: live.length, hash: sha256(live, unseen) };
    // What the server holds in memory of each manifest: acknowledged version, files held and missing.
    const manifests = clusters.map((c) => server.app.get(ManifestService).state(c.id));
    out.manifest_state = { rows: manifests.length, hash: sha256(manifests) };
    const api: unknown[] = [];
    const get = <T>(path: string) => retried(() => request<T>('GET', server.url(path)));
    for (const c of clusters) {
      const detail = await get(`/api/v1/clusters/${c.id}`);
      const history = await get<{ items: unknown[] }>(`/api/v1/clusters/${c.id}/telemetry`);
      const commands = await get<{ items: unknown[] }>(`/api/v1/clusters/${c.id}/commands`);
      const logs = await get<{ items: unknown[] }>(`/api/v1/play-logs?clusterId=${c.id}&pageSize=500`);
      expect([detail.status, history.status, commands.status, logs.status]).toEqual([200, 200, 200, 200]);
      api.push(detail.body, history.body.items, commands.body.items, logs.body); // history's from/to follow the clock
    }
    // Readiness (acked, ready) and what was played, per occurrence.
    const window = `from=${new Date(occurrenceStart - 3_600_000).toISOString()}&to=${new Date(occurrenceStart + 3_600_000).toISOString()}`;
    const occurrences = await get(`/api/v1/schedules/${scheduleId}/occurrences?${window}`);
    expect(occurrences.status).toBe(200);
    api.push(occurrences.body);
    out.api = { rows: api.length, hash: sha256(api, unseen) };
    return out;
  }

  async function dropCounts(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const reason of DROP_REASONS)
      counts[reason] = await retried(() =>
        metric(server.httpUrl, 'loa_mqtt_messages_rejected_total', { reason }),
      );
    return counts;
  }

  beforeAll(async () => {
    // Far above what the fuzzing publishes, so the per-client rate limit drops nothing; manifests are not
    // rebuilt on a timer meanwhile.
    server = await startTestServer({
      mqttRatePerS: 100_000,
      mqttBurst: 1_000_000,
      stateFlushMs: 0,
      manifestRefreshMin: 1440,
    });
    clusters = await provisionClusters(server, CLUSTERS);
    for (const cluster of clusters) clients.push(await connectDevice(server.mqttUrl, cluster));
    const ds = server.app.get(DataSource);

    // A one-off schedule for the whole commune tomorrow, so every cluster has a manifest to acknowledge.
    const [{ commune_id: communeId }] = await ds.query(`SELECT commune_id FROM cluster WHERE id = $1`, [
      clusters[0].id,
    ]);
    const asset = await readyAsset(server, communeId, 2, 'Bản tin thử');
    fileSha = asset.renditions[0].sha256;
    const start = localTime(1, '10:00');
    occurrenceStart = instantOf(start);
    const schedule = await request<{ id: string }>('POST', server.url('/api/v1/schedules'), {
      title: 'Bản tin thử',
      assetId: asset.id,
      target: { unitIds: [communeId] },
      start,
    });
    expect(schedule.status).toBe(201);
    scheduleId = schedule.body.id;
    await server.app.get(ManifestService).settle();
    await eventually(async () => clusters.every((_c, i) => manifestVersion(i) > 0));
    // Something stored on every table the device side writes, so "unchanged" means something.
    for (const [i, c] of clusters.entries()) {
      const now = Date.now();
      await publish(i, 'status', encodePayload('Status', { v: PROTOCOL_VERSION, ts: now, state: 'online' }));
      await publish(
        i,
        'hello',
        encodePayload('Hello', {
          v: PROTOCOL_VERSION,
          ts: now,
          vendor: 'Fuzz',
          model: 'F-1',
          firmware: '1.0.0',
          capabilities: ['volume', 'reboot'],
          bootId: 'b00710ad',
        }),
      );
      for (let seq = 1; seq <= 3; seq++)
        await publish(i, 'telemetry', encodePayload('Telemetry', sampleTelemetry(seq)));
      await publish(
        i,
        'event',
        encodePayload('DeviceEvent', {
          v: PROTOCOL_VERSION,
          ts: now,
          id: `fault-${i}`,
          type: 'fault_raised',
          code: 'line_open',
        }),
      );
      const command = await request<{ id: string }>('POST', server.url(`/api/v1/clusters/${c.id}/commands`), {
        type: 'ping',
      });
      expect(command.status).toBe(202);
      await publish(
        i,
        'ack',
        encodePayload('CommandAck', {
          v: PROTOCOL_VERSION,
          ts: now,
          id: command.body.id,
          status: 'received',
        }),
      );
      await publish(i, 'sync', validSync(i, false));
      await publish(i, 'playlog', validPlayLog(i));
    }
    await eventually(async () => {
      const [row] = await ds.query(
        `SELECT (SELECT count(*) FROM telemetry_sample)::int AS t, (SELECT count(*) FROM cluster_fault)::int AS f,
                (SELECT count(*) FROM device_command WHERE status = 'delivered')::int AS d,
                (SELECT count(*) FROM cluster_manifest WHERE acked_version = version)::int AS m,
                (SELECT count(*) FROM play_log)::int AS p`,
      );
      return (
        row.t === 3 * CLUSTERS &&
        row.f === CLUSTERS &&
        row.d === CLUSTERS &&
        row.m === CLUSTERS &&
        row.p === 2 * CLUSTERS
      );
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await server?.close();
  });

  const messagesIn = () => retried(() => metric(server.httpUrl, 'loa_mqtt_messages_in_total'));
  const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

  /**
   * Publishes every case (each client its share, in windows of 100 unacknowledged messages, all clients at
   * once), waits until each one reached its handler, and returns the drops counted meanwhile by reason.
   */
  async function publishAll(cases: Case[]): Promise<Record<string, number>> {
    const dropsBefore = await dropCounts();
    const inBefore = await messagesIn();
    await Promise.all(
      clusters.map(async (_c, i) => {
        const mine = cases.filter((_x, n) => n % CLUSTERS === i);
        for (let n = 0; n < mine.length; n += 100)
          await Promise.all(mine.slice(n, n + 100).map((x) => publish(i, x.channel, x.payload)));
      }),
    );
    // Every message reached a handler (the counter is the handler's first step, and the checks that drop a
    // message, or a report of a play log, run synchronously right after it): the drop counters are final.
    await eventually(async () => (await messagesIn()) - inBefore >= cases.length, 60_000, 100);
    expect((await messagesIn()) - inBefore).toBe(cases.length);
    const now = await dropCounts();
    return Object.fromEntries(DROP_REASONS.map((r) => [r, now[r] - dropsBefore[r]]));
  }

  const expectedDrops = (cases: Case[]) => {
    const expected: Record<string, number> = Object.fromEntries(DROP_REASONS.map((r) => [r, 0]));
    for (const c of cases) expected[c.reason]++;
    return expected;
  };

  it('drops and counts every one, stores nothing, and keeps serving', async () => {
    const cases = generateCases();
    expect(cases.length).toBeGreaterThanOrEqual(10_000);
    const kinds: Record<string, number> = {};
    const channels: Record<string, number> = {};
    for (const { kind, channel } of cases) {
      const family = kind.replace(/ \(.*/, '');
      kinds[family] = (kinds[family] ?? 0) + 1;
      channels[channel] = (channels[channel] ?? 0) + 1;
    }
    for (const channel of DEVICE_CHANNELS)
      expect(channels[channel]).toBeGreaterThanOrEqual(PER_CHANNEL_DEFECTS);

    const before = await snapshot();
    const dropsBefore = await dropCounts();
    const dropped = await publishAll(cases);
    console.log(
      `malformed MQTT payloads sent: ${cases.length}, dropped and counted: ${total(dropped)}, ` +
        `crashes: 0 — by kind ${JSON.stringify(kinds)}, by channel ${JSON.stringify(channels)}, ` +
        `by reason ${JSON.stringify(dropped)} (seed ${SEED})`,
    );
    expect(dropped).toEqual(expectedDrops(cases));
    expect(total(dropped)).toBe(cases.length);

    // Nothing stored changed, and every device is still connected (no drop closed a connection).
    expect(await snapshot()).toEqual(before);
    expect(clients.every((c) => c.connected)).toBe(true);

    // Play logs the contract accepts whose report the server cannot take: the report is dropped and counted,
    // nothing is stored; only the time each device was last seen moves on.
    const reports = fc.sample(refusedReports, { seed: SEED, numRuns: REFUSED_REPORTS });
    const seenBefore = await snapshot(true);
    const refused = await publishAll(reports);
    console.log(
      `play logs with a refused report sent: ${reports.length}, by reason ${JSON.stringify(refused)} (seed ${SEED})`,
    );
    expect(refused).toEqual(expectedDrops(reports));
    expect(await snapshot(true)).toEqual(seenBefore);
    expect(clients.every((c) => c.connected)).toBe(true);
    // Still healthy, and still ingesting: one valid telemetry, sync and play log from each device are applied.
    expect((await retried(() => request('GET', server.url('/health/ready')))).status).toBe(200);
    const ds = server.app.get(DataSource);
    for (const [i] of clusters.entries()) {
      await publish(i, 'telemetry', encodePayload('Telemetry', sampleTelemetry(4, { volume: 42 })));
      await publish(i, 'sync', validSync(i, true));
      await publish(i, 'playlog', validPlayLog(i));
    }
    await eventually(async () => {
      const [row] = await ds.query(
        `SELECT (SELECT count(*) FROM telemetry_sample WHERE volume = 42)::int AS t,
                (SELECT count(*) FROM cluster_manifest WHERE jsonb_array_length(missing) = 1
                   AND jsonb_array_length(held) = 0)::int AS m,
                (SELECT count(*) FROM play_log)::int AS p`,
      );
      return row.t === CLUSTERS && row.m === CLUSTERS && row.p === 4 * CLUSTERS;
    });
    const occurrence = await request<{ acked: number; ready: number; played: { started: number } }[]>(
      'GET',
      server.url(
        `/api/v1/schedules/${scheduleId}/occurrences?from=${new Date(occurrenceStart - 1).toISOString()}&to=${new Date(occurrenceStart + 1).toISOString()}`,
      ),
    );
    expect(occurrence.body).toEqual([
      expect.objectContaining({
        acked: CLUSTERS,
        ready: 0,
        played: { started: CLUSTERS, finished: CLUSTERS, failed: 0 },
      }),
    ]);
    // The valid messages were not counted as drops.
    expect(await dropCounts()).toEqual(
      Object.fromEntries(DROP_REASONS.map((r) => [r, dropsBefore[r] + dropped[r] + refused[r]])),
    );
  }, 180_000);
});
