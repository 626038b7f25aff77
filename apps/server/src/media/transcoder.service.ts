import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { MediaLoudness, MediaRendition } from '@loa-xa/persistence';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { probeRendition } from './audio-probe';
import type { FfmpegBinaries } from './ffmpeg-binaries';
import { JobQueue } from './job-queue';
import { encodeRendition, measurable, measureLoudness, type LoudnessTarget } from './loudnorm';
import { MediaMetrics } from './media-metrics';
import { MediaRepository } from './media.repository';
import { MEDIA_STORAGE, type MediaStorage } from './media-storage';

export const FFMPEG_BINARIES = Symbol('FFMPEG_BINARIES');

export type FinalStatus = 'ready' | 'failed';
export type StatusListener = (assetId: string, status: FinalStatus) => void;

/** Folder (under MEDIA_DIR) of files being uploaded or made; leftovers of a crash are swept at start. */
export const TMP_DIR = 'tmp';
const SWEEP_AGE_MS = 3600_000;
/** Progress is written to the database at most this often per asset (the API shows the live value). */
const PROGRESS_WRITE_MS = 1000;

/** Storage key of the original of an asset, and of one rendition. */
export const sourceKey = (assetId: string) => `originals/${assetId}`;
export const renditionKey = (assetId: string, profile: string) => `renditions/${assetId}/${profile}.mp3`;

/**
 * Turns each asset into its device renditions, in a bounded queue: per profile, loudnorm pass 1 (measure)
 * and pass 2 (apply, encode MP3), then probe, hash and store. Progress runs 0–100 over all passes; a failure
 * keeps its reason. Assets still `processing` at start-up (the server stopped mid-job) are queued again.
 */
@Injectable()
export class TranscoderService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Transcoder');
  private readonly queue: JobQueue;
  private readonly live = new Map<string, { percent: number; writtenAt: number }>();
  private readonly listeners = new Set<StatusListener>();
  private readonly tmpDir: string;
  private readonly target: LoudnessTarget;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MEDIA_STORAGE) private readonly storage: MediaStorage,
    @Inject(FFMPEG_BINARIES) private readonly binaries: FfmpegBinaries,
    private readonly repository: MediaRepository,
    private readonly metrics: MediaMetrics,
  ) {
    this.tmpDir = join(config.mediaDir!, TMP_DIR);
    this.target = { i: config.loudnessTargetLufs, tp: config.loudnessTruePeakDbtp, lra: 11 };
    this.queue = new JobQueue(
      config.transcodeConcurrency,
      (id, signal) =>
        this.transcode(id, signal).catch((err: unknown) =>
          this.logger.error({ err, assetId: id }, 'transcoding job crashed'),
        ),
      (waiting, running) => {
        this.metrics.transcodeQueue.set({ state: 'waiting' }, waiting);
        this.metrics.transcodeQueue.set({ state: 'running' }, running);
      },
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.sweepTmp();
    const ids = await this.repository.processingIds();
    if (ids.length) this.logger.log({ assets: ids.length }, 'media left processing: transcoding again');
    for (const id of ids) this.queue.add(id);
  }

  async onModuleDestroy(): Promise<void> {
    await this.queue.stop();
  }

  enqueue(assetId: string): void {
    this.queue.add(assetId);
  }

  /** Stops the job of an asset (being deleted) and waits until it has let go of its files. */
  cancel(assetId: string): Promise<void> {
    return this.queue.cancel(assetId);
  }

  /** Live progress of a running job, if any. */
  progressOf(assetId: string): number | undefined {
    return this.live.get(assetId)?.percent;
  }

  onStatusChange(listener: StatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(assetId: string, status: FinalStatus): void {
    for (const listener of this.listeners) {
      try {
        listener(assetId, status);
      } catch (err) {
        this.logger.error({ err, assetId }, 'media status listener failed');
      }
    }
  }

  private async transcode(assetId: string, signal: AbortSignal): Promise<void> {
    const asset = await this.repository.findForJob(assetId);
    if (!asset || asset.status !== 'processing') return;
    await this.repository.resetJob(assetId);
    this.live.set(assetId, { percent: 0, writtenAt: Date.now() });
    const stored: string[] = [];
    const scratch: string[] = [];
    try {
      await mkdir(this.tmpDir, { recursive: true });
      let input = this.storage.localPath(asset.sourceKey);
      if (!input) {
        input = join(this.tmpDir, `source-${randomUUID()}`);
        scratch.push(input);
        await pipeline(this.storage.openRead(asset.sourceKey), createWriteStream(input));
      }
      const profiles = this.config.mediaProfiles;
      const passes = profiles.length * 2;
      const seconds = Math.max(asset.durationMs / 1000, 0.001);
      let done = 0;
      const onProgress = (at: number) =>
        this.reportProgress(assetId, ((done + Math.min(1, Math.max(0, at / seconds))) / passes) * 100);
      let loudness: MediaLoudness | null = null;
      const renditions: MediaRendition[] = [];
      for (const profile of profiles) {
        const pass = {
          ffmpegPath: this.binaries.ffmpeg,
          input,
          profile,
          target: this.target,
          onProgress,
          signal,
        };
        const measured = await measureLoudness(pass);
        done++;
        loudness ??= {
          inputI: measured.inputI,
          inputTp: measured.inputTp,
          inputLra: measured.inputLra,
          inputThresh: measured.inputThresh,
          targetI: this.target.i,
          targetTp: this.target.tp,
          normalised: measurable(measured),
        };
        const output = join(this.tmpDir, `${assetId}-${profile.name}-${randomUUID()}.mp3`);
        scratch.push(output);
        await encodeRendition({ ...pass, output, measured });
        done++;
        this.reportProgress(assetId, (done / passes) * 100);
        const probe = await probeRendition(this.binaries, output);
        const { sha256, size } = await hashFile(output);
        const key = renditionKey(assetId, profile.name);
        await this.storage.put(key, output);
        stored.push(key);
        renditions.push({
          id: randomUUID(),
          assetId,
          profile: profile.name,
          storageKey: key,
          codec: profile.codec,
          bitrateKbps: profile.bitrateKbps,
          channels: probe.channels,
          sampleRate: probe.sampleRate,
          sha256,
          size,
          durationMs: probe.durationMs,
        } as MediaRendition);
      }
      if (signal.aborted) throw new Error('cancelled');
      if (!(await this.repository.markReady(assetId, loudness!, renditions))) {
        // Deleted meanwhile: nothing refers to these files.
        await this.deleteAll(stored);
        this.metrics.transcodeJobs.inc({ result: 'cancelled' });
        return;
      }
      this.metrics.transcodeJobs.inc({ result: 'ready' });
      this.logger.log({ assetId, renditions: renditions.length }, 'media ready');
      this.emit(assetId, 'ready');
    } catch (err) {
      await this.deleteAll(stored);
      if (signal.aborted) {
        // Shutdown (the asset stays processing and is queued again at start) or deletion.
        this.metrics.transcodeJobs.inc({ result: 'cancelled' });
        return;
      }
      const reason = this.reason(err);
      this.logger.warn({ assetId, reason }, 'transcoding failed');
      this.metrics.transcodeJobs.inc({ result: 'failed' });
      if (await this.repository.markFailed(assetId, reason)) this.emit(assetId, 'failed');
    } finally {
      this.live.delete(assetId);
      await Promise.all(scratch.map((path) => rm(path, { force: true })));
    }
  }

  private reportProgress(assetId: string, value: number): void {
    const entry = this.live.get(assetId);
    if (!entry) return;
    // 100 means ready: a running job shows at most 99.
    const percent = Math.min(99, Math.floor(value));
    if (percent <= entry.percent) return;
    entry.percent = percent;
    const now = Date.now();
    if (now - entry.writtenAt < PROGRESS_WRITE_MS) return;
    entry.writtenAt = now;
    this.repository.setProgress(assetId, percent).catch((err: unknown) => {
      this.logger.warn({ err, assetId }, 'progress not saved');
    });
  }

  /** A failure reason for the API: ffmpeg's words, without our paths. */
  private reason(err: unknown): string {
    const message = err instanceof Error ? err.message : String(err);
    return message.split(this.config.mediaDir!).join('MEDIA_DIR').slice(0, 1000) || 'transcoding failed';
  }

  private async deleteAll(keys: string[]): Promise<void> {
    await Promise.all(
      keys.map((key) =>
        this.storage.delete(key).catch((err: unknown) => this.logger.warn({ err, key }, 'file not deleted')),
      ),
    );
  }

  /** Removes what a crashed process left in the temporary folder (only old files: another process may be uploading). */
  private async sweepTmp(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.tmpDir);
    } catch {
      return;
    }
    const cutoff = Date.now() - SWEEP_AGE_MS;
    for (const name of names) {
      const path = join(this.tmpDir, name);
      try {
        if ((await stat(path)).mtimeMs < cutoff) await rm(path, { force: true });
      } catch {
        // gone already
      }
    }
  }
}

/** SHA-256 and size of a file, streamed. */
export async function hashFile(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}
