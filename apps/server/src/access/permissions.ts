import type { Role } from '@loa-xa/persistence';

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
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ: Permission[] = [
  'units.read',
  'stations.read',
  'clusters.read',
  'commands.read',
  'telemetry.read',
];

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
  ]),
  commune_operator: new Set([...READ, 'commands.send', 'audit.read']),
  viewer: new Set(READ),
};

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
