import { AdminUnit } from './admin-unit.entity';
import { Station } from './station.entity';
import { Cluster } from './cluster.entity';
import { ClusterCredential } from './cluster-credential.entity';
import { ClusterState } from './cluster-state.entity';
import { PresenceTransition } from './presence-transition.entity';
import { TelemetrySample } from './telemetry-sample.entity';
import { DeviceEventRow } from './device-event.entity';
import { ClusterFault } from './cluster-fault.entity';
import { DeviceCommand } from './device-command.entity';
import { AppUser } from './app-user.entity';
import { AuthSession } from './auth-session.entity';
import { ApiKey } from './api-key.entity';
import { AuditEntry } from './audit-entry.entity';
import { MediaAsset } from './media-asset.entity';
import { MediaRendition } from './media-rendition.entity';
import { Program, ProgramItem } from './program.entity';
import { ClusterGroup, ClusterGroupMember } from './cluster-group.entity';
import { Schedule, ScheduleOverride } from './schedule.entity';
import { ClusterManifest } from './cluster-manifest.entity';
import { Broadcast } from './broadcast.entity';
import { LiveSession } from './live-session.entity';
import { PlayLogRow } from './play-log.entity';
import { Alert } from './alert.entity';
import { HealthRuleOverride } from './health-rule-override.entity';
import { WorkOrder, WorkOrderEvent } from './work-order.entity';
import { Webhook, NotificationDelivery } from './notification.entity';

export * from './admin-unit.entity';
export * from './station.entity';
export * from './cluster.entity';
export * from './cluster-credential.entity';
export * from './cluster-state.entity';
export * from './presence-transition.entity';
export * from './telemetry-sample.entity';
export * from './device-event.entity';
export * from './cluster-fault.entity';
export * from './device-command.entity';
export * from './app-user.entity';
export * from './auth-session.entity';
export * from './api-key.entity';
export * from './audit-entry.entity';
export * from './media-asset.entity';
export * from './media-rendition.entity';
export * from './program.entity';
export * from './cluster-group.entity';
export * from './schedule.entity';
export * from './cluster-manifest.entity';
export * from './broadcast.entity';
export * from './live-session.entity';
export * from './play-log.entity';
export * from './alert.entity';
export * from './health-rule-override.entity';
export * from './work-order.entity';
export * from './notification.entity';

export const ENTITIES = [
  AdminUnit,
  Station,
  Cluster,
  ClusterCredential,
  ClusterState,
  PresenceTransition,
  TelemetrySample,
  DeviceEventRow,
  ClusterFault,
  DeviceCommand,
  AppUser,
  AuthSession,
  ApiKey,
  AuditEntry,
  MediaAsset,
  MediaRendition,
  Program,
  ProgramItem,
  ClusterGroup,
  ClusterGroupMember,
  Schedule,
  ScheduleOverride,
  ClusterManifest,
  Broadcast,
  LiveSession,
  PlayLogRow,
  Alert,
  HealthRuleOverride,
  WorkOrder,
  WorkOrderEvent,
  Webhook,
  NotificationDelivery,
];
