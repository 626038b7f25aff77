import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import cron, { type ScheduledTask } from 'node-cron';
import { DataSource } from 'typeorm';
import type { ManifestSync } from '@loa-xa/protocol';
import type { Occurrence } from '@loa-xa/schedule';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { DevicePublisher } from '../devices/device-publisher.service';
import { MediaService } from '../media/media.service';
import { MediaUrlSigner } from '../media/media-url-signer';
import { BroadcastMetrics } from './broadcast-metrics';
import {
  buildManifest,
  encodeManifest,
  type BuiltManifest,
  type ManifestFile,
  type ManifestSource,
} from './manifest-builder';
import { SchedulePlanner, type PlannedEntry } from './schedule-planner.service';

/** What the server knows of one cluster's manifest. */
export interface ManifestState {
  version: number;
  contentHash: string;
  publishedAt: number;
  itemCount: number;
  /** Rendition sha256 per item id of the published manifest (for readiness). */
  itemFiles: Map<string, string[]>;
  ackedVersion: number | null;
  ackedAt: number | null;
  held: Set<string>;
  missing: { sha256: string; reason: string }[];
}

const PUBLISH_CHUNK = 500;
const HOUR = 3_600_000;

/**
 * Builds, versions and publishes each cluster's manifest (retained) when anything affecting it changes
 * (debounced), when its window moves on (refresh), and when the device asks; records the device's
 * acknowledgements and held files. State is in memory, written through to cluster_manifest.
 */
@Injectable()
export class ManifestService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Manifests');
  private readonly states = new Map<string, ManifestState>();
  private readonly dirty = new Set<string>();
  private readonly forced = new Set<string>();
  private readonly syncDirty = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private syncTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private refreshTask: ScheduledTask | null = null;
  private files = new Map<string, ManifestFile>();
  /** Assets asked for when `files` was loaded (ready or not). */
  private filesAsked = new Set<string>();
  private filesStale = true;
  private stopped = false;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly changeListeners = new Set<(clusterId: string) => void>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly planner: SchedulePlanner,
    private readonly publisher: DevicePublisher,
    private readonly media: MediaService,
    private readonly signer: MediaUrlSigner,
    private readonly metrics: BroadcastMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const rows: {
      cluster_id: string;
      version: number;
      content_hash: string;
      published_at: Date;
      item_count: number;
      acked_version: number | null;
      acked_at: Date | null;
      held: string[];
      missing: { sha256: string; reason: string }[];
    }[] = await this.dataSource.query(`SELECT * FROM cluster_manifest`);
    for (const r of rows)
      this.states.set(r.cluster_id, {
        version: r.version,
        contentHash: r.content_hash,
        publishedAt: new Date(r.published_at).getTime(),
        itemCount: r.item_count,
        itemFiles: new Map(),
        ackedVersion: r.acked_version,
        ackedAt: r.acked_at ? new Date(r.acked_at).getTime() : null,
        held: new Set(r.held),
        missing: r.missing,
      });
    this.unsubscribe.push(this.planner.onClustersChanged((ids) => this.markDirty(ids)));
    this.unsubscribe.push(
      this.media.onStatusChange((assetId) => {
        this.filesStale = true;
        this.markDirty(this.clustersPlaying(assetId));
      }),
    );
    // The embedded broker keeps retained messages in memory only: after a restart every cluster's manifest
    // is published again, so a device that lost its storage meanwhile still finds one on subscribe.
    if (!this.config.mqttUrl) for (const id of this.states.keys()) this.forced.add(id);
    // Everything once at start: the window moved while the server was down.
    this.markDirty([...this.planner.clusters(), ...this.states.keys()]);
    const every = this.config.manifestRefreshMin;
    const expression =
      every < 60 ? `0 */${every} * * * *` : `0 0 */${Math.max(1, Math.round(every / 60))} * * *`;
    this.refreshTask = cron.schedule(expression, () => void this.refresh(), { noOverlap: true });
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    for (const off of this.unsubscribe) off();
    await this.refreshTask?.destroy();
    if (this.timer) clearTimeout(this.timer);
    if (this.syncTimer) clearTimeout(this.syncTimer);
    await this.flushing;
    await this.saveSyncs();
  }

  state(clusterId: string): ManifestState | undefined {
    return this.states.get(clusterId);
  }

  /** Rebuild these clusters' manifests soon (debounced); published only if their content changed. */
  markDirty(clusterIds: Iterable<string>): void {
    for (const id of clusterIds) this.dirty.add(id);
    this.schedule(this.config.manifestDebounceMs);
  }

  /** Publish again even if unchanged (the device asked, or the broker may have lost the retained copy). */
  republish(clusterId: string): void {
    this.forced.add(clusterId);
    this.markDirty([clusterId]);
  }

  /** Resolves once everything marked dirty so far is published (tests and benchmarks wait on it). */
  async settle(): Promise<void> {
    while (this.dirty.size > 0 || this.flushing) {
      if (!this.flushing) await this.flush();
      else await this.flushing;
    }
  }

  /** The window moved on: rebuild every manifest; republish those whose URLs will soon expire. */
  async refresh(): Promise<void> {
    this.filesStale = true;
    await this.planner.retargetWhere(() => true);
    const stale = Date.now() - (this.config.mediaUrlTtlS * 1000 - this.config.manifestHorizonH * HOUR);
    for (const [id, state] of this.states) if (state.publishedAt < stale) this.forced.add(id);
    this.markDirty([...this.planner.clusters(), ...this.states.keys()]);
  }

  /** Called after a manifest was published to a cluster or the cluster acknowledged one. */
  onChange(listener: (clusterId: string) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** The version published to a cluster, when, and the version it follows (null: never given one). */
  versionOf(clusterId: string): { version: number; publishedAt: number; ackedVersion: number | null } | null {
    const state = this.states.get(clusterId);
    if (!state || state.version === 0) return null;
    return { version: state.version, publishedAt: state.publishedAt, ackedVersion: state.ackedVersion };
  }

  private changed(clusterId: string): void {
    for (const listener of this.changeListeners) {
      try {
        listener(clusterId);
      } catch (err) {
        this.logger.error({ err }, 'manifest change listener failed');
      }
    }
  }

  /** A device's sync: the version it follows, the files it holds; `request` asks for a republish. */
  applySync(clusterId: string, sync: ManifestSync, at: Date): void {
    let state = this.states.get(clusterId);
    if (!state) {
      state = {
        version: 0,
        contentHash: '',
        publishedAt: 0,
        itemCount: 0,
        itemFiles: new Map(),
        ackedVersion: null,
        ackedAt: null,
        held: new Set(),
        missing: [],
      };
      this.states.set(clusterId, state);
    }
    state.ackedVersion = sync.version;
    state.ackedAt = at.getTime();
    state.held = new Set(sync.held);
    state.missing = sync.missing ?? [];
    this.metrics.manifestSyncs.inc();
    this.syncDirty.add(clusterId);
    if (!this.syncTimer && !this.stopped) {
      this.syncTimer = setTimeout(() => void this.saveSyncs(), 1000);
      this.syncTimer.unref();
    }
    if (sync.request || (sync.version !== null && sync.version > state.version)) this.republish(clusterId);
    this.changed(clusterId);
  }

  /**
   * Readiness of one occurrence over its target clusters: acked = the cluster follows a manifest that lists
   * it; ready = and holds every file it needs.
   */
  readiness(itemId: string, clusterIds: Iterable<string>): { acked: number; ready: number } {
    let acked = 0;
    let ready = 0;
    for (const id of clusterIds) {
      const state = this.states.get(id);
      const files = state?.itemFiles.get(itemId);
      if (!state || !files || state.ackedVersion === null || state.ackedVersion < state.version) continue;
      acked++;
      if (files.every((sha) => state.held.has(sha))) ready++;
    }
    return { acked, ready };
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, delayMs);
  }

  private async flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = this.publishDirty()
      .catch((err: unknown) => this.logger.error({ err }, 'publishing manifests failed'))
      .finally(() => {
        this.flushing = null;
        if (this.dirty.size > 0) this.schedule(0);
      });
    return this.flushing;
  }

  private async publishDirty(): Promise<void> {
    const ids = [...this.dirty];
    this.dirty.clear();
    if (ids.length === 0) return;
    const now = Date.now();
    await this.loadFiles();
    const build = this.builder(now);

    for (let i = 0; i < ids.length; i += PUBLISH_CHUNK) {
      if (this.stopped) return;
      const published: { clusterId: string; state: ManifestState }[] = [];
      const sends: Promise<void>[] = [];
      for (const clusterId of ids.slice(i, i + PUBLISH_CHUNK)) {
        const previous = this.states.get(clusterId);
        const entries = this.planner.forCluster(clusterId);
        // A cluster never given a manifest and reached by nothing needs none.
        if (!previous && entries.length === 0) continue;
        const built = build(clusterId, entries);
        const force = this.forced.delete(clusterId);
        if (previous && previous.contentHash === built.contentHash && !force && previous.version > 0)
          continue;
        const version = (previous?.version ?? 0) + 1;
        const shaOf = new Map(built.body.media.map((m) => [m.id, m.sha256]));
        const state: ManifestState = {
          version,
          contentHash: built.contentHash,
          publishedAt: now,
          itemCount: built.body.items.length,
          itemFiles: new Map(
            built.body.items.map((it) => [it.id, it.media.map((m) => shaOf.get(m) as string)]),
          ),
          ackedVersion: previous?.ackedVersion ?? null,
          ackedAt: previous?.ackedAt ?? null,
          held: previous?.held ?? new Set(),
          missing: previous?.missing ?? [],
        };
        this.states.set(clusterId, state);
        published.push({ clusterId, state });
        sends.push(
          this.publisher
            .publishEncoded(clusterId, 'manifest', encodeManifest(built.body, version, now))
            .catch((err: unknown) => {
              this.logger.warn({ err, clusterId }, 'manifest not published; retrying on the next round');
              state.contentHash = '';
              this.dirty.add(clusterId);
            }),
        );
      }
      await Promise.all(sends);
      for (const p of published) this.changed(p.clusterId);
      await this.saveStates(published);
      this.metrics.manifestsPublished.inc(published.length);
    }
  }

  /** What the cluster's manifest lists now (built afresh; published only if it differs). */
  async preview(clusterId: string): Promise<BuiltManifest> {
    await this.loadFiles();
    return this.builder(Date.now())(clusterId, this.planner.forCluster(clusterId));
  }

  /** Builds manifests for one round: each schedule expanded once, URLs signed once per rendition. */
  private builder(now: number): (clusterId: string, entries: PlannedEntry[]) => BuiltManifest {
    const horizonMs = this.config.manifestHorizonH * HOUR;
    const window = { from: now, to: now + horizonMs };
    const expanded = new Map<string, Occurrence[]>();
    const sourceOf = (entry: PlannedEntry): ManifestSource => {
      let occurrences = expanded.get(entry.id);
      if (!occurrences) expanded.set(entry.id, (occurrences = this.planner.occurrences(entry, window)));
      return {
        scheduleId: entry.id,
        priority: entry.priority,
        volume: entry.volume,
        assetIds: entry.assetIds,
        occurrences,
      };
    };
    // URLs expire on hour boundaries so that manifests built in one round share them.
    const exp = Math.ceil((now + this.config.mediaUrlTtlS * 1000) / HOUR) * HOUR;
    const urls = new Map<string, string>();
    const urlFor = (renditionId: string) => {
      let url = urls.get(renditionId);
      if (!url) urls.set(renditionId, (url = this.signer.url(renditionId, exp)));
      return url;
    };
    return (clusterId, entries) =>
      buildManifest({
        clusterId,
        now,
        horizonMs,
        sources: entries.map(sourceOf),
        files: this.files,
        urlFor,
        spreadS: this.config.downloadSpreadS,
      });
  }

  private async saveStates(rows: { clusterId: string; state: ManifestState }[]): Promise<void> {
    if (rows.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO cluster_manifest (cluster_id, version, content_hash, published_at, item_count)
       SELECT * FROM unnest($1::uuid[], $2::int[], $3::varchar[], $4::timestamptz[], $5::int[])
       ON CONFLICT (cluster_id) DO UPDATE SET version = EXCLUDED.version, content_hash = EXCLUDED.content_hash,
         published_at = EXCLUDED.published_at, item_count = EXCLUDED.item_count`,
      [
        rows.map((r) => r.clusterId),
        rows.map((r) => r.state.version),
        rows.map((r) => r.state.contentHash),
        rows.map((r) => new Date(r.state.publishedAt).toISOString()),
        rows.map((r) => r.state.itemCount),
      ],
    );
  }

  private async saveSyncs(): Promise<void> {
    this.syncTimer = null;
    const ids = [...this.syncDirty].filter((id) => (this.states.get(id)?.version ?? 0) > 0);
    this.syncDirty.clear();
    if (ids.length === 0) return;
    const states = ids.map((id) => this.states.get(id) as ManifestState);
    try {
      await this.dataSource.query(
        `UPDATE cluster_manifest m SET acked_version = s.acked_version, acked_at = s.acked_at,
            held = s.held, missing = s.missing
           FROM unnest($1::uuid[], $2::int[], $3::timestamptz[], $4::jsonb[], $5::jsonb[])
             AS s(cluster_id, acked_version, acked_at, held, missing)
          WHERE m.cluster_id = s.cluster_id`,
        [
          ids,
          states.map((s) => s.ackedVersion),
          states.map((s) => (s.ackedAt ? new Date(s.ackedAt).toISOString() : null)),
          states.map((s) => JSON.stringify([...s.held])),
          states.map((s) => JSON.stringify(s.missing)),
        ],
      );
    } catch (err) {
      this.logger.error({ err }, 'saving manifest acknowledgements failed');
    }
  }

  /** First-profile renditions of every planned asset; reloaded when an asset changed or a new one is planned. */
  private async loadFiles(): Promise<void> {
    const assetIds = new Set<string>();
    for (const entry of this.planner.all()) for (const id of entry.assetIds) assetIds.add(id);
    if (!this.filesStale && [...assetIds].every((id) => this.filesAsked.has(id))) return;
    this.filesStale = false;
    this.filesAsked = assetIds;
    const files = await this.media.deviceFiles([...assetIds]);
    this.files = new Map([...files].map(([id, f]) => [id, f]));
  }

  private clustersPlaying(assetId: string): string[] {
    const out: string[] = [];
    for (const entry of this.planner.all()) if (entry.assetIds.includes(assetId)) out.push(...entry.clusters);
    return out;
  }
}
