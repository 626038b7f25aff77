/** Simulated IP loudspeaker clusters: a library for tests and benchmarks, and the engine of the CLI. */
export {
  SimCluster,
  type DisconnectReason,
  type FaultOptions,
  type FlakyLinkOptions,
  type SimClusterEvents,
  type SimClusterOptions,
  type SimCounters,
} from './sim-cluster';
export {
  SimFleet,
  type SimCredential,
  type SimFleetEvents,
  type SimFleetOptions,
  type SimFleetStats,
} from './fleet';
export {
  PartialProvisionError,
  ProvisionError,
  createCluster,
  findCommune,
  provisionClusters,
  type ApiOptions,
  type CommuneUnit,
  type ProvisionOptions,
  type ProvisionedCluster,
} from './provision';
export {
  CredentialsFileSchema,
  readCredentialsFile,
  readCredentialsFileIfExists,
  writeCredentialsFile,
  type CredentialsFile,
} from './credentials';
export { SharedTicker, timerScheduler, type Cancel, type SimScheduler } from './scheduler';
export { DeviceClock } from './device-clock';
export { DownloadLimiter } from './limiter';
export {
  DEFAULT_DOWNLOAD_POLICY,
  downloadVerified,
  type DownloadFailureReason,
  type DownloadPolicy,
  type DownloadResult,
  type MediaSource,
} from './download';
export type { DownloadInfo } from './media-fetcher';
export type { OnAir, PlaybackEnd } from './player';
export { MAX_REPORTS_PER_BATCH } from './playlog-queue';
export { createRng, deriveSeed, type Rng } from './rng';
