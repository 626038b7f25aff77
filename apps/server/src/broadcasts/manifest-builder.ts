import { createHash } from 'node:crypto';
import {
  MAX_PACKET_BYTES,
  PROTOCOL_VERSION,
  encodePayload,
  type Manifest,
  type ManifestItem,
  type ManifestMedia,
  type Priority,
} from '@loa-xa/protocol';
import { fetchFrom, occurrenceId, type Occurrence } from '@loa-xa/schedule';

/** What a manifest needs of one file (the first-profile rendition of an asset). */
export interface ManifestFile {
  renditionId: string;
  sha256: string;
  size: number;
  durationMs: number;
}

export interface ManifestSource {
  scheduleId: string;
  priority: Priority;
  volume: number;
  assetIds: readonly string[];
  occurrences: readonly Occurrence[];
}

export interface BuildInput {
  clusterId: string;
  now: number;
  horizonMs: number;
  sources: readonly ManifestSource[];
  files: ReadonlyMap<string, ManifestFile>;
  urlFor: (renditionId: string) => string;
  spreadS: number;
}

export interface BuiltManifest {
  /** The manifest without `version` and `ts` (set when published). */
  body: Omit<Manifest, 'v' | 'ts' | 'version'>;
  /** Hash of what the device must do (items and files, not URLs or fetch times): equal hash, no republish. */
  contentHash: string;
  /** Occurrences left out because a file is not transcoded yet. */
  notReady: number;
}

const MAX_ITEMS = 200;
const MAX_MEDIA = 200;
/** Room left in the packet for the topic, MQTT header and `version`/`ts`. */
const PACKET_BUDGET = MAX_PACKET_BYTES - 2048;

/**
 * One cluster's manifest: every occurrence of the schedules reaching it that overlaps [now, now + horizon),
 * sorted by start, with the files they need once each. Cut short (`truncated`, `until` moved back) when it
 * would not fit the contract's limits; the next manifest continues it.
 */
export function buildManifest(input: BuildInput): BuiltManifest {
  const until = input.now + input.horizonMs;
  let notReady = 0;
  const items: ManifestItem[] = [];
  for (const source of input.sources) {
    const files = source.assetIds.map((id) => input.files.get(id));
    const ready = files.every((f) => f !== undefined) && files.length > 0;
    for (const occ of source.occurrences) {
      if (occ.end <= input.now || occ.start >= until) continue;
      if (!ready) {
        notReady++;
        continue;
      }
      items.push({
        id: occurrenceId(source.scheduleId, occ.key),
        start: occ.start,
        durationMs: occ.end - occ.start,
        priority: source.priority,
        volume: source.volume,
        media: (files as ManifestFile[]).map((f) => f.renditionId),
        scheduleId: source.scheduleId,
      });
    }
  }
  items.sort((a, b) => a.start - b.start || a.id.localeCompare(b.id));

  let cut = Math.min(items.length, MAX_ITEMS);
  for (;;) {
    const body = assemble(input, items.slice(0, cut), cut < items.length ? items[cut].start : until);
    if (body.media.length <= MAX_MEDIA && size(body) <= PACKET_BUDGET) {
      if (cut < items.length) body.truncated = true;
      return { body, contentHash: hashOf(body), notReady };
    }
    cut = Math.max(0, Math.floor(cut * 0.8));
  }
}

function assemble(
  input: BuildInput,
  items: ManifestItem[],
  until: number,
): Omit<Manifest, 'v' | 'ts' | 'version'> {
  const firstUse = new Map<string, number>();
  for (const item of items) for (const id of item.media) if (!firstUse.has(id)) firstUse.set(id, item.start);
  const byRendition = new Map<string, ManifestFile>();
  for (const file of input.files.values()) byRendition.set(file.renditionId, file);
  const media: ManifestMedia[] = [...firstUse].map(([id, first]) => {
    const file = byRendition.get(id) as ManifestFile;
    return {
      id,
      url: input.urlFor(id),
      sha256: file.sha256,
      size: file.size,
      durationMs: file.durationMs,
      fetchFrom: fetchFrom({
        clusterId: input.clusterId,
        sha256: file.sha256,
        firstUse: first,
        now: input.now,
        spreadS: input.spreadS,
        sizeBytes: file.size,
      }),
    };
  });
  return { from: input.now, until, items, media };
}

function size(body: Omit<Manifest, 'v' | 'ts' | 'version'>): number {
  return Buffer.byteLength(JSON.stringify(body));
}

function hashOf(body: Omit<Manifest, 'v' | 'ts' | 'version'>): string {
  const essence = {
    items: body.items,
    media: body.media.map((m) => [m.id, m.sha256, m.size, m.durationMs]),
    truncated: body.truncated ?? false,
  };
  return createHash('sha256').update(JSON.stringify(essence)).digest('hex');
}

/** The full message for publishing (validated against the contract by encodePayload). */
export function encodeManifest(
  body: Omit<Manifest, 'v' | 'ts' | 'version'>,
  version: number,
  now: number,
): Buffer {
  return encodePayload('Manifest', { v: PROTOCOL_VERSION, ts: now, version, ...body });
}
