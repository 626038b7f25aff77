import {
  ConflictException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, extname, join } from 'node:path';
import type { MediaAsset, MediaOrigin, MediaStatus } from '@loa-xa/persistence';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { AuditService, diff } from '../audit/audit.service';
import { pathInScope, type Principal } from '../access/scope';
import type { Page } from '../common/pagination';
import { charCount, textProblem } from '../common/text';
import { validationFailed } from '../common/validation';
import { AudioRejected, probeAudio } from './audio-probe';
import { SNIFF_BYTES, sniff } from './audio-sniff';
import type { FfmpegBinaries } from './ffmpeg-binaries';
import { MediaDelivery } from './media-delivery.service';
import { OwnerUnits } from '../access/owner-units.service';
import { MediaMetrics } from './media-metrics';
import { MediaRepository } from './media.repository';
import { MEDIA_STORAGE, type MediaStorage } from './media-storage';
import { MediaUsageRegistry } from './media-usage.registry';
import { MediaAssetView, TITLE_MAX, type MediaQuery, type UpdateMediaDto } from './media.dto';
import { discard, receiveUpload, type ReceivedFile } from './multipart-upload';
import {
  FFMPEG_BINARIES,
  TMP_DIR,
  TranscoderService,
  hashFile,
  sourceKey,
  type StatusListener,
} from './transcoder.service';

/** A rendition a device downloads: the first profile of a ready asset. */
export interface DeviceMediaFile {
  assetId: string;
  renditionId: string;
  sha256: string;
  size: number;
  durationMs: number;
}

/** An asset another module may reference (a programme item, a schedule, a play_now). */
export interface UsableAsset {
  id: string;
  title: string;
  status: MediaStatus;
  /** Null until probed (every stored asset has been probed). */
  durationMs: number | null;
  unitPath: string;
}

const AUDITED: (keyof MediaAsset)[] = [
  'title',
  'unitId',
  'origin',
  'sourceSha256',
  'sourceSize',
  'durationMs',
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UPLOAD_FIELDS = ['title', 'unitId'] as const;

/**
 * The media library: uploads (validated as decodable audio before anything is stored), the catalogue with
 * its visibility rule, deletion guarded by the uses other modules report, and what other modules need.
 */
@Injectable()
export class MediaService {
  private readonly logger = new Logger('Media');
  private readonly tmpDir: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MEDIA_STORAGE) private readonly storage: MediaStorage,
    @Inject(FFMPEG_BINARIES) private readonly binaries: FfmpegBinaries,
    private readonly repository: MediaRepository,
    private readonly transcoder: TranscoderService,
    private readonly delivery: MediaDelivery,
    private readonly owners: OwnerUnits,
    private readonly usage: MediaUsageRegistry,
    private readonly audit: AuditService,
    private readonly metrics: MediaMetrics,
  ) {
    this.tmpDir = join(config.mediaDir!, TMP_DIR);
  }

  /** POST /media: streams the multipart body to disk, validates it and queues transcoding. */
  async upload(principal: Principal, req: IncomingMessage): Promise<MediaAssetView> {
    let received;
    try {
      received = await receiveUpload(req, {
        tmpDir: this.tmpDir,
        maxBytes: this.config.mediaMaxUploadMb * 1_048_576,
        fileField: 'file',
        textFields: UPLOAD_FIELDS,
      });
    } catch (err) {
      this.countRefusal(err);
      throw err;
    }
    const { file, fields } = received;
    try {
      const title = fields.title !== undefined ? this.title(fields.title) : defaultTitle(file.filename);
      if (fields.unitId !== undefined && !UUID.test(fields.unitId))
        throw validationFailed([{ field: 'unitId', rule: 'isUuid', message: 'unitId must be a UUID' }]);
      return await this.accept(principal, file, { title, unitId: fields.unitId, origin: 'upload' });
    } catch (err) {
      await discard(file.path);
      this.countRefusal(err);
      throw err;
    }
  }

  /**
   * Takes ownership of a finished local file (a live recording): validated like an upload, moved into storage
   * and queued for transcoding. The file is consumed whatever the outcome.
   */
  async importFile(
    principal: Principal,
    filePath: string,
    opts: { title: string; unitId: string; origin: MediaOrigin },
  ): Promise<MediaAssetView> {
    try {
      const { sha256, size } = await hashFile(filePath);
      const handle = await open(filePath, 'r');
      const head = Buffer.alloc(SNIFF_BYTES);
      let read: number;
      try {
        ({ bytesRead: read } = await handle.read(head, 0, SNIFF_BYTES, 0));
      } finally {
        await handle.close();
      }
      const file: ReceivedFile = {
        path: filePath,
        size,
        sha256,
        head: head.subarray(0, read),
        filename: basename(filePath),
      };
      return await this.accept(principal, file, { ...opts, title: this.title(opts.title) });
    } catch (err) {
      await rm(filePath, { force: true });
      throw err;
    }
  }

  async list(principal: Principal, query: MediaQuery): Promise<Page<MediaAssetView>> {
    const [rows, total] = await this.repository.list({ ...query, scope: principal.scope });
    return { items: await this.views(principal, rows), total, page: query.page, pageSize: query.pageSize };
  }

  async get(principal: Principal, id: string): Promise<MediaAssetView> {
    const asset = await this.repository.find(id, principal.scope);
    if (!asset) throw notFound(id);
    return (await this.views(principal, [asset]))[0];
  }

  async rename(principal: Principal, id: string, dto: UpdateMediaDto): Promise<MediaAssetView> {
    const before = await this.editable(principal, id);
    const title = dto.title.normalize('NFC');
    if (title !== before.title)
      await this.repository.transaction(async (manager) => {
        await this.repository.updateTitle(id, title, manager);
        await this.audit.record(manager, principal, {
          action: 'media.rename',
          objectType: 'media_asset',
          objectId: id,
          unitPath: before.unit!.path,
          changes: diff(before, { ...before, title }, ['title']),
        });
      });
    return this.get(principal, id);
  }

  /** Deletes an asset nothing uses, with its files; 409 listing the uses otherwise. */
  async remove(principal: Principal, id: string): Promise<void> {
    const asset = await this.editable(principal, id);
    const uses = await this.usage.usesOf(id);
    if (uses.length > 0)
      throw new ConflictException({
        statusCode: 409,
        error: 'Conflict',
        message: `media asset "${asset.title}" is in use: ${uses.join('; ')}`,
        uses,
      });
    await this.transcoder.cancel(id);
    const renditions = await this.repository.renditions([id]);
    await this.repository.transaction(async (manager) => {
      if (!(await this.repository.delete(id, manager))) throw notFound(id);
      await this.audit.record(manager, principal, {
        action: 'media.delete',
        objectType: 'media_asset',
        objectId: id,
        unitPath: asset.unit!.path,
        changes: diff(asset, null, AUDITED),
      });
    });
    this.delivery.forget(renditions.map((r) => r.id));
    for (const key of [asset.sourceKey, ...renditions.map((r) => r.storageKey)])
      await this.storage
        .delete(key)
        .catch((err: unknown) => this.logger.warn({ err, key }, 'file not deleted'));
  }

  /** GET /media/:id/file: the first rendition of a visible, ready asset. */
  async download(principal: Principal, id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const asset = await this.repository.find(id, principal.scope);
    if (!asset) throw notFound(id);
    const [rendition] = await this.repository.renditions([id], this.config.mediaProfiles[0].name);
    if (!rendition)
      throw new ConflictException(
        asset.status === 'failed'
          ? `media asset ${id} failed to transcode: ${asset.failureReason ?? 'no reason kept'}`
          : `media asset ${id} is still ${asset.status}: no rendition yet`,
      );
    this.delivery.serveAuthenticated(req, res, {
      key: rendition.storageKey,
      size: rendition.size,
      sha256: rendition.sha256,
    });
  }

  /** Assets usable by this principal; NotFoundException naming the first unknown or invisible id. */
  async findUsable(principal: Principal, assetIds: string[]): Promise<Map<string, UsableAsset>> {
    const ids = [...new Set(assetIds)];
    const invalid = ids.find((id) => !UUID.test(id));
    if (invalid !== undefined) throw notFound(invalid);
    const found = new Map((await this.repository.findMany(ids, principal.scope)).map((a) => [a.id, a]));
    const out = new Map<string, UsableAsset>();
    for (const id of ids) {
      const asset = found.get(id);
      if (!asset) throw notFound(id);
      out.set(id, usable(asset));
    }
    return out;
  }

  /** Title, status and length of these assets, whoever owns them (unknown ids are absent). No scope check. */
  async describe(assetIds: string[]): Promise<Map<string, UsableAsset>> {
    const ids = [...new Set(assetIds)].filter((id) => UUID.test(id));
    const assets = await this.repository.findMany(ids, null);
    return new Map(assets.map((asset) => [asset.id, usable(asset)]));
  }

  /** First-profile rendition of each ready asset among these ids (others are absent). No scope check. */
  async deviceFiles(assetIds: string[]): Promise<Map<string, DeviceMediaFile>> {
    const ids = [...new Set(assetIds)].filter((id) => UUID.test(id));
    const renditions = await this.repository.renditions(ids, this.config.mediaProfiles[0].name);
    return new Map(
      renditions.map((r) => [
        r.assetId,
        { assetId: r.assetId, renditionId: r.id, sha256: r.sha256, size: r.size, durationMs: r.durationMs },
      ]),
    );
  }

  /** Status changes (processing → ready | failed); returns the unsubscribe function. */
  onStatusChange(listener: StatusListener): () => void {
    return this.transcoder.onStatusChange(listener);
  }

  /** Validates a local file as audio, stores it and queues it. The caller removes the file on failure. */
  private async accept(
    principal: Principal,
    file: ReceivedFile,
    opts: { title: string; unitId: string | undefined; origin: MediaOrigin },
  ): Promise<MediaAssetView> {
    const unit = await this.owners.resolve(principal, opts.unitId);
    if (file.size === 0) throw notAudio('file is empty');
    const sniffed = sniff(file.head);
    if (sniffed.kind === 'not-audio') throw notAudio(`file is ${sniffed.what}, not audio`);
    let probe;
    try {
      probe = await probeAudio(this.binaries, file.path);
    } catch (err) {
      if (err instanceof AudioRejected) throw notAudio(err.message);
      throw err;
    }
    const id = randomUUID();
    const key = sourceKey(id);
    await this.storage.put(key, file.path);
    const asset = {
      id,
      title: opts.title,
      unitId: unit.id,
      origin: opts.origin,
      status: 'processing' as const,
      originalName: file.filename,
      sourceKey: key,
      sourceSha256: file.sha256,
      sourceSize: file.size,
      probe,
      durationMs: probe.durationMs,
      createdBy: principal.name.slice(0, 200),
    };
    try {
      await this.repository.transaction(async (manager) => {
        await this.repository.insert(asset, manager);
        await this.audit.record(manager, principal, {
          action: 'media.upload',
          objectType: 'media_asset',
          objectId: id,
          unitPath: unit.path,
          changes: diff(null, asset as unknown as MediaAsset, AUDITED),
          detail: {
            originalName: file.filename,
            format: probe.format,
            codec: probe.codec,
            channels: probe.channels,
          },
        });
      });
    } catch (err) {
      await this.storage.delete(key);
      throw err;
    }
    this.transcoder.enqueue(id);
    return this.get(principal, id);
  }

  /** The owning unit: the one given (inside the caller's scope), else the caller's own. */
  /** An asset the caller may change: inside its scope (one shared from above is 404 here). */
  private async editable(principal: Principal, id: string): Promise<MediaAsset> {
    const asset = await this.repository.find(id, principal.scope, true);
    if (!asset) throw notFound(id);
    return asset;
  }

  private title(raw: string): string {
    const title = raw.trim().normalize('NFC');
    const problem = textProblem(title);
    const fail = (rule: string, message: string) => validationFailed([{ field: 'title', rule, message }]);
    if (problem) throw fail('storable', `title ${problem}`);
    if (title.length === 0) throw fail('isNotEmpty', 'title must not be empty');
    if (charCount(title) > TITLE_MAX) throw fail('maxChars', `title must be at most ${TITLE_MAX} characters`);
    return title;
  }

  private async views(principal: Principal, assets: MediaAsset[]): Promise<MediaAssetView[]> {
    const renditions = await this.repository.renditions(assets.map((a) => a.id));
    const order = new Map(this.config.mediaProfiles.map((p, i) => [p.name, i]));
    return assets.map((asset) =>
      MediaAssetView.from(
        asset,
        renditions
          .filter((r) => r.assetId === asset.id)
          .sort((a, b) => (order.get(a.profile) ?? 99) - (order.get(b.profile) ?? 99)),
        pathInScope(principal.scope, asset.unit!.path),
        asset.status === 'processing'
          ? (this.transcoder.progressOf(asset.id) ?? asset.progress)
          : asset.progress,
      ),
    );
  }

  private countRefusal(err: unknown): void {
    const status = (err as { getStatus?: () => number }).getStatus?.();
    if (status === 413) this.metrics.uploadsRefused.inc({ reason: 'too_large' });
    else if (status === 422) this.metrics.uploadsRefused.inc({ reason: 'not_audio' });
    else if (status !== undefined && status < 500) this.metrics.uploadsRefused.inc({ reason: 'invalid' });
  }
}

function usable(asset: MediaAsset): UsableAsset {
  return {
    id: asset.id,
    title: asset.title,
    status: asset.status,
    durationMs: asset.durationMs ?? null,
    unitPath: asset.unit!.path,
  };
}

function notFound(id: string): NotFoundException {
  return new NotFoundException(`media asset ${id} not found`);
}

/** 422 naming the `file` field. */
function notAudio(message: string): UnprocessableEntityException {
  return new UnprocessableEntityException({
    statusCode: 422,
    error: 'Unprocessable Entity',
    message,
    errors: [{ field: 'file', rule: 'audio', message }],
  });
}

/** A title from the uploaded file's name, else a generic one. */
function defaultTitle(filename: string | null): string {
  const stem = filename ? basename(filename, extname(filename)).trim().normalize('NFC') : '';
  if (!stem || textProblem(stem)) return 'Untitled recording';
  return Array.from(stem).slice(0, TITLE_MAX).join('');
}
