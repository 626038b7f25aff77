import type { Role } from '@loa-xa/persistence';
import { PRIORITY_RANK, type Priority } from '@loa-xa/protocol';
import type { Scope } from './scope';

/** Every right a route can demand. Routes declare one with @RequirePermission; the guard checks it. */
export const PERMISSIONS = [
  'units.read',
  'units.write',
  'units.import',
  'stations.read',
  'stations.write',
  'clusters.read',
  'clusters.write',
  'clusters.credentials',
  'commands.read',
  'commands.send',
  'telemetry.read',
  'audit.read',
  'users.read',
  'users.manage',
  'api_keys.manage',
  'ops.metrics',
  'media.read',
  'media.write',
  'schedules.read',
  'schedules.write',
  'broadcasts.send',
  'broadcasts.emergency',
  'live.broadcast',
  'playlogs.read',
  'alerts.read',
  'alerts.manage',
  'health.configure',
  'webhooks.manage',
  'workorders.read',
  'workorders.write',
  'workorders.approve',
  'reports.read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ: Permission[] = [
  'units.read',
  'stations.read',
  'clusters.read',
  'commands.read',
  'telemetry.read',
  'media.read',
  'schedules.read',
  'playlogs.read',
  'alerts.read',
  'workorders.read',
  'reports.read',
];

/** Running the loudspeakers: media, programmes and schedules, immediate broadcasts, going live. */
const BROADCASTING: Permission[] = ['media.write', 'schedules.write', 'broadcasts.send', 'live.broadcast'];

/**
 * What each role may do (always inside its scope). A commune operator runs the commune's loudspeakers;
 * a district technician also registers and repairs them; a province administrator also manages people.
 */
export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set(PERMISSIONS),
  province_admin: new Set(PERMISSIONS.filter((p) => p !== 'units.import')),
  district_technician: new Set([
    ...READ,
    'units.write',
    'stations.write',
    'clusters.write',
    'clusters.credentials',
    'commands.send',
    'audit.read',
    'users.read',
    ...BROADCASTING,
    // Keeping clusters working: alerts, thresholds, notifications, FM→IP work.
    'alerts.manage',
    'health.configure',
    'webhooks.manage',
    'workorders.write',
  ]),
  commune_operator: new Set([
    ...READ,
    'commands.send',
    'audit.read',
    ...BROADCASTING,
    // An operator sees the commune's alerts and can say "I know"; proposing work is the district's job.
    'alerts.manage',
  ]),
  viewer: new Set(READ),
};

/**
 * Highest broadcast priority someone may use: a commune (or village) scope broadcasts at commune priority,
 * a district can override communes, a province can override districts; `emergency` needs
 * `broadcasts.emergency` (province administrators and administrators).
 */
export function maxBroadcastPriority(role: Role, scope: Scope | null): Priority {
  if (hasPermission(role, 'broadcasts.emergency')) return 'emergency';
  if (scope === null || scope.level === 'province') return 'province';
  return scope.level === 'district' ? 'district' : 'commune';
}

/** May someone use `priority`? */
export function mayUsePriority(role: Role, scope: Scope | null, priority: Priority): boolean {
  return PRIORITY_RANK[priority] <= PRIORITY_RANK[maxBroadcastPriority(role, scope)];
}

/** Higher ranks may grant lower ones; nobody but an admin makes an admin. */
export const ROLE_RANK: Record<Role, number> = {
  admin: 4,
  province_admin: 3,
  district_technician: 2,
  commune_operator: 1,
  viewer: 0,
};

export function hasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}

/** May someone with `granter` give an account or key the role `granted`? */
export function canGrant(granter: Role, granted: Role): boolean {
  if (granted === 'admin') return granter === 'admin';
  return ROLE_RANK[granted] <= ROLE_RANK[granter];
}
