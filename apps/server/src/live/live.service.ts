import {
  ForbiddenException,
  GoneException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LiveSession } from '@loa-xa/persistence';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { AuditService, SYSTEM } from '../audit/audit.service';
import { hasPermission, maxBroadcastPriority, mayUsePriority } from '../access/permissions';
import type { Principal } from '../access/scope';
import type { Page } from '../common/pagination';
import { validationFailed } from '../common/validation';
import { OwnerUnits } from '../access/owner-units.service';
import type { TargetDto } from '../broadcasts/target.dto';
import { resolveFfmpegBinaries } from '../media/ffmpeg-binaries';
import { MediaService } from '../media/media.service';
import { LiveChannel } from './live-channel';
import { LIVE_ROLLOUT, type LiveRollout } from './live-rollout';
import { LiveSessionsRepository } from './live-sessions.repository';
import { SourceRefused, type IngestSource, type SourceCredentials, type SourceSlot } from './live-source';
import { LiveUrlSigner } from './live-url-signer';
import type { CreateLiveDto, CreatedLiveView, LiveIngestView, LiveQuery, LiveSessionView } from './live.dto';
import type { TranscoderExit } from './transcoder';
import type { FanoutSink } from './fanout';

/** A source that drops may come back within this time and the session goes on. */
export const RESUME_GRACE_MS = 5_000;
/** A session nobody starts sending to within this time fails. */
const WAITING_TTL_MS = 3_600_000;
/** Audio a listener joining mid-session gets at once (its player starts without waiting). */
const BACKLOG_MS = 1_000;
/** A listener lagging more than this much audio is dropped rather than buffered for. */
const MAX_LAG_MS = 10_000;

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * Live broadcasts: sessions (create, list, stop), their sources (WebSocket and Icecast ingest), the
 * transcode-once relay to every listening cluster, the rollout to the clusters, and the recording handed to
 * the media library at the end. Running sessions live in this process (one server, or sticky ingest).
 */
@Injectable()
export class LiveService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Live');
  private readonly channels = new Map<string, LiveChannel>();
  private readonly ffmpeg: string;
  private readonly recordingsDir: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LIVE_ROLLOUT) private readonly rollout: LiveRollout,
    private readonly sessions: LiveSessionsRepository,
    private readonly audit: AuditService,
    private readonly owners: OwnerUnits,
    private readonly signer: LiveUrlSigner,
    private readonly media: MediaService,
  ) {
    this.ffmpeg = resolveFfmpegBinaries(config).ffmpeg;
    this.recordingsDir =
      config.dataDir === ':memory:'
        ? join(tmpdir(), `loa-xa-live-${process.pid}`)
        : join(config.dataDir, 'live-recordings');
  }

  async onApplicationBootstrap(): Promise<void> {
    const orphans = await this.sessions.failOrphans('the server restarted during the session');
    if (orphans.length)
      this.logger.warn({ sessions: orphans }, 'live sessions of a previous run marked failed');
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(
      [...this.channels.values()].map((channel) =>
        this.finish(channel, { status: 'ended', reason: 'the server stopped', actor: SYSTEM }),
      ),
    );
    // A memory-only server keeps nothing: its scratch folder goes with it.
    if (this.config.dataDir === ':memory:') await rm(this.recordingsDir, { recursive: true, force: true });
  }

  async create(principal: Principal, dto: CreateLiveDto, requestBase: string): Promise<CreatedLiveView> {
    const unit = await this.owners.resolve(principal, dto.unitId);
    if (!mayUsePriority(principal.role, principal.scope, dto.priority))
      throw new ForbiddenException(
        `priority ${dto.priority} is above what you may use (at most ${maxBroadcastPriority(principal.role, principal.scope)})`,
      );
    checkTarget(dto.target);
    const clusterCount = await this.rollout.check(principal, dto.target, dto.priority);
    const id = randomUUID();
    const password = randomBytes(24).toString('base64url');
    const row: Omit<LiveSession, 'createdAt' | 'unit'> = {
      id,
      title: dto.title.normalize('NFC'),
      status: 'waiting',
      failureReason: null,
      priority: dto.priority,
      volume: dto.volume ?? null,
      target: dto.target,
      clusterCount,
      unitId: unit.id,
      unitPath: unit.path,
      passwordSha256: sha256(password),
      sourceKind: null,
      sourceType: null,
      broadcastId: null,
      recordingAssetId: null,
      recordingError: null,
      bytesIn: 0,
      bytesOut: 0,
      peakListeners: 0,
      createdBy: principal.name.slice(0, 200),
      startedAt: null,
      endedAt: null,
    };
    await this.sessions.transaction(async (manager) => {
      await this.sessions.insert(row, manager);
      await this.audit.record(manager, principal, {
        action: 'live.create',
        objectType: 'live_session',
        objectId: id,
        unitPath: unit.path,
        detail: { title: row.title, priority: row.priority, target: dto.target, clusterCount },
      });
    });
    mkdirSync(this.recordingsDir, { recursive: true });
    const channel = new LiveChannel(
      {
        id,
        title: row.title,
        target: dto.target,
        priority: dto.priority,
        volume: row.volume,
        unitId: unit.id,
        unitPath: unit.path,
      },
      principal,
      {
        ffmpeg: this.ffmpeg,
        profile: this.config.mediaProfiles[0],
        recordingPath: join(this.recordingsDir, `${id}.mp3`),
        backlogMs: BACKLOG_MS,
        maxLagMs: MAX_LAG_MS,
        onAudio: (c) => this.onFirstAudio(c),
        onSourceGone: (c, exit) => this.onSourceGone(c, exit),
      },
    );
    this.channels.set(id, channel);
    this.expireIfWaiting(channel);
    const stored = (await this.sessions.findById(id)) as LiveSession;
    return { session: this.view(stored), ingest: this.ingest(id, password, requestBase) };
  }

  async list(principal: Principal, query: LiveQuery): Promise<Page<LiveSessionView>> {
    const [rows, total] = await this.sessions.list({ ...query, scope: principal.scope });
    return { items: rows.map((row) => this.view(row)), total, page: query.page, pageSize: query.pageSize };
  }

  async get(principal: Principal, id: string): Promise<LiveSessionView> {
    return this.view(await this.require(principal, id));
  }

  /** Ends a session (idempotent): the source is dropped, listeners end, the recording is imported. */
  async stop(principal: Principal, id: string): Promise<LiveSessionView> {
    const row = await this.require(principal, id);
    const channel = this.channels.get(id);
    if (channel)
      await this.finish(channel, {
        status: 'ended',
        reason: `stopped by ${principal.name}`,
        actor: principal,
      });
    else if (row.status === 'waiting' || row.status === 'live')
      await this.sessions.update(id, {
        status: 'failed',
        failureReason: 'lost by the server',
        endedAt: new Date(),
      });
    return this.get(principal, id);
  }

  /**
   * Checks who is connecting a source and reserves the session for it. Refusals carry the HTTP status both
   * ingest paths answer with.
   */
  async openSource(sessionId: string, credentials: SourceCredentials): Promise<SourceSlot> {
    let row: LiveSession | null;
    let actor: Principal | null = null;
    if ('password' in credentials) {
      row = await this.sessions.findById(sessionId);
      if (!row) throw new SourceRefused(404, 'no such live session');
      const given = Buffer.from(sha256(credentials.password));
      if (!timingSafeEqual(given, Buffer.from(row.passwordSha256)))
        throw new SourceRefused(401, 'wrong ingest password');
    } else {
      actor = credentials.principal;
      if (!hasPermission(actor.role, 'live.broadcast'))
        throw new SourceRefused(403, `role ${actor.role} may not broadcast live (needs live.broadcast)`);
      row = await this.sessions.findInScope(sessionId, actor.scope);
      if (!row) throw new SourceRefused(404, 'no such live session');
    }
    const channel = this.channels.get(sessionId);
    if (row.status === 'ended' || row.status === 'failed' || !channel || channel.closing)
      throw new SourceRefused(410, `the live session is over (${row.status})`);
    if (channel.busy) throw new SourceRefused(409, 'a source is already connected to this session');
    channel.reserved = true;
    return {
      feed: (source: IngestSource) => this.feed(channel, source, actor),
      cancel: () => {
        channel.reserved = false;
      },
    };
  }

  /**
   * Adds a listener (a cluster's stream request whose signature was checked): refuses with an HTTP error, or
   * calls `open` (to send the response head) and starts sending audio.
   */
  listen(sessionId: string, clusterId: string, sink: FanoutSink, open: () => void): void {
    const channel = this.channels.get(sessionId);
    if (!channel || channel.closing) throw new GoneException('the live session is not running');
    if (!channel.started)
      throw new ServiceUnavailableException('the live session has no audio yet: try again shortly');
    open();
    channel.fanout.join(sink, clusterId);
  }

  private feed(channel: LiveChannel, source: IngestSource, actor: Principal | null): void {
    if (channel.closing) {
      channel.reserved = false;
      source.close('the live session is over');
      return;
    }
    channel.sourceActor = actor;
    channel.sourceKind = source.kind;
    channel.sourceType = source.contentType?.slice(0, 100) ?? null;
    channel.attach(source);
  }

  /** The first audio came out of the transcoder: the session is live and the clusters are told to play it. */
  private onFirstAudio(channel: LiveChannel): void {
    if (channel.started) return;
    channel.started = true;
    channel.clearTimer();
    channel.starting = this.goLive(channel);
  }

  private async goLive(channel: LiveChannel): Promise<void> {
    const { session } = channel;
    try {
      await this.sessions.transaction(async (manager) => {
        await this.sessions.update(
          session.id,
          {
            status: 'live',
            startedAt: new Date(),
            sourceKind: channel.sourceKind,
            sourceType: channel.sourceType,
          },
          manager,
        );
        await this.audit.record(manager, channel.sourceActor ?? channel.owner, {
          action: 'live.start',
          objectType: 'live_session',
          objectId: session.id,
          unitPath: session.unitPath,
          detail: { source: channel.sourceKind, contentType: channel.sourceType },
        });
      });
      const ttlMs = this.config.mediaUrlTtlS * 1000;
      const { broadcastId } = await this.rollout.start(channel.owner, {
        sessionId: session.id,
        title: session.title,
        target: session.target,
        priority: session.priority,
        ...(session.volume === null ? {} : { volume: session.volume }),
        streamUrlFor: (clusterId) => this.signer.url(session.id, clusterId, Date.now() + ttlMs),
      });
      channel.broadcastId = broadcastId;
      await this.sessions.update(session.id, { broadcastId });
    } catch (err) {
      this.logger.error({ err, sessionId: session.id }, 'live session could not start');
      void this.finish(channel, {
        status: 'failed',
        reason: `could not start: ${(err as Error).message}`,
        actor: SYSTEM,
      });
    }
  }

  private onSourceGone(channel: LiveChannel, exit: TranscoderExit): void {
    if (channel.closing) return;
    if (!channel.started) {
      // Nothing went out yet: the session waits for a (better) source, as if none had connected.
      this.expireIfWaiting(channel);
      return;
    }
    channel.clearTimer();
    channel.timer = setTimeout(() => {
      void this.finish(channel, {
        status: 'ended',
        reason: exit.ok ? 'the source disconnected' : `the source failed: ${exit.error ?? 'ffmpeg failed'}`,
        actor: SYSTEM,
      });
    }, RESUME_GRACE_MS);
    channel.timer.unref();
  }

  private expireIfWaiting(channel: LiveChannel): void {
    channel.clearTimer();
    channel.timer = setTimeout(() => {
      if (channel.busy) return this.expireIfWaiting(channel);
      void this.finish(channel, {
        status: 'failed',
        reason: channel.lastError ? `no usable source: ${channel.lastError}` : 'no source connected in time',
        actor: SYSTEM,
      });
    }, WAITING_TTL_MS);
    channel.timer.unref();
  }

  /**
   * Ends a session once, whoever asks, then the row and the recording import. A stop (status ended) tells
   * the clusters first, so they report "stopped" rather than a lost stream; a failure drops the media first.
   */
  private finish(
    channel: LiveChannel,
    end: { status: 'ended' | 'failed'; reason: string; actor: Principal },
  ): Promise<unknown> {
    channel.finished ??= (async () => {
      const { session } = channel;
      const stopClusters = async () => {
        await channel.starting;
        if (!channel.broadcastId) return;
        try {
          await this.rollout.stop(channel.owner, {
            sessionId: session.id,
            broadcastId: channel.broadcastId,
            priority: session.priority,
          });
        } catch (err) {
          this.logger.error({ err, sessionId: session.id }, 'stopping the live rollout failed');
        }
      };
      if (end.status === 'ended') {
        await stopClusters();
        await channel.close(end.reason);
      } else {
        await channel.close(end.reason);
        await stopClusters();
      }
      const status = end.status === 'ended' && !channel.started && channel.lastError ? 'failed' : end.status;
      const failureReason =
        status === 'failed'
          ? end.status === 'failed'
            ? end.reason
            : `no usable source: ${channel.lastError}`
          : null;
      await this.sessions.transaction(async (manager) => {
        await this.sessions.update(
          session.id,
          {
            status,
            failureReason,
            endedAt: new Date(),
            bytesIn: channel.bytesIn,
            bytesOut: channel.fanout.bytesOut,
            peakListeners: channel.fanout.peak,
          },
          manager,
        );
        await this.audit.record(manager, end.actor, {
          action: 'live.stop',
          objectType: 'live_session',
          objectId: session.id,
          unitPath: session.unitPath,
          detail: {
            status,
            reason: end.reason,
            bytesIn: channel.bytesIn,
            bytesOut: channel.fanout.bytesOut,
            peakListeners: channel.fanout.peak,
            droppedListeners: channel.fanout.dropped,
          },
        });
      });
      this.channels.delete(session.id);
      await this.importRecording(channel);
    })().catch((err: Error) => this.logger.error({ err, sessionId: channel.session.id }, 'ending failed'));
    return channel.finished;
  }

  /** Hands the recording to the media library (which takes the file over); nothing recorded, nothing kept. */
  private async importRecording(channel: LiveChannel): Promise<void> {
    const { session } = channel;
    if (channel.recordingBytes === 0 || channel.recordingError) {
      if (channel.recordingError)
        await this.sessions.update(session.id, { recordingError: channel.recordingError });
      await rm(channel.recordingPath, { force: true });
      return;
    }
    try {
      const asset = await this.media.importFile(channel.owner, channel.recordingPath, {
        title: session.title,
        unitId: session.unitId,
        origin: 'live',
      });
      await this.sessions.update(session.id, { recordingAssetId: asset.id });
    } catch (err) {
      this.logger.error({ err, sessionId: session.id }, 'the live recording could not be imported');
      await this.sessions.update(session.id, { recordingError: (err as Error).message.slice(0, 500) });
      await rm(channel.recordingPath, { force: true });
    }
  }

  private async require(principal: Principal, id: string): Promise<LiveSession> {
    const row = await this.sessions.findInScope(id, principal.scope);
    if (!row) throw new NotFoundException(`live session ${id} not found`);
    return row;
  }

  private view(row: LiveSession): LiveSessionView {
    const channel = this.channels.get(row.id);
    return {
      id: row.id,
      title: row.title,
      status: row.status,
      failureReason: row.failureReason,
      priority: row.priority,
      volume: row.volume,
      target: row.target,
      clusterCount: row.clusterCount,
      unitId: row.unitId,
      sourceKind: channel?.sourceKind ?? row.sourceKind,
      sourceType: channel?.sourceType ?? row.sourceType,
      sourceConnected: channel?.sourceConnected ?? false,
      listeners: channel?.fanout.size ?? 0,
      peakListeners: channel ? channel.fanout.peak : row.peakListeners,
      bytesIn: channel ? channel.bytesIn : row.bytesIn,
      bytesOut: channel ? channel.fanout.bytesOut : row.bytesOut,
      broadcastId: channel?.broadcastId ?? row.broadcastId,
      recordingAssetId: row.recordingAssetId,
      recordingError: row.recordingError,
      createdBy: row.createdBy,
      createdAt: row.createdAt.toISOString(),
      startedAt: row.startedAt?.toISOString() ?? null,
      endedAt: row.endedAt?.toISOString() ?? null,
    };
  }

  /** Where the operator sends audio: PUBLIC_BASE_URL, else the address they reached the API at. */
  private ingest(id: string, password: string, requestBase: string): LiveIngestView {
    const base = new URL(this.config.publicBaseUrl ?? requestBase);
    const tls = base.protocol === 'https:';
    const port = base.port ? Number(base.port) : tls ? 443 : 80;
    const mount = `/live/${id}`;
    return {
      websocketUrl: `${tls ? 'wss' : 'ws'}://${base.host}${base.pathname.replace(/\/$/, '')}/api/v1/live/${id}/ws`,
      icecast: {
        host: base.hostname,
        port,
        tls,
        mount,
        username: 'source',
        password,
        url: `icecast://source:${password}@${base.hostname}:${port}${mount}`,
      },
    };
  }
}

/** The rollout resolves the target; an empty one is refused here already, naming the field. */
function checkTarget(target: TargetDto): void {
  const count =
    (target.unitIds?.length ?? 0) +
    (target.villageIds?.length ?? 0) +
    (target.groupIds?.length ?? 0) +
    (target.clusterIds?.length ?? 0);
  if (count === 0)
    throw validationFailed([
      {
        field: 'target',
        rule: 'notEmpty',
        message: 'target needs at least one of unitIds, villageIds, groupIds, clusterIds',
      },
    ]);
}
