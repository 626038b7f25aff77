import type { FunctionComponent } from 'preact';
import type { common } from './core/messages';
import type { IconName } from './ui/icons';
import { lazyPage } from './core/lazy';

export type RouteParams = Record<string, string>;
type NavKey = keyof (typeof common)['vi'];

export interface RouteDef {
  path: string;
  component: FunctionComponent<{ params: RouteParams }>;
  /** Hidden from the menu and refused when the signed-in user lacks it (the API refuses anyway). */
  permission?: string;
  /** Shown in the menu under this label, with this glyph. */
  nav?: { label: NavKey; icon: IconName };
}

/** Every page of the console, in menu order. Paths stay clear of the server's own (/api, /live/…, /media/r). */
export const ROUTES: RouteDef[] = [
  {
    path: '/',
    component: lazyPage(() => import('./pages/overview/OverviewPage').then((m) => m.OverviewPage)),
    nav: { label: 'navOverview', icon: 'overview' },
  },
  {
    path: '/fleet',
    component: lazyPage(() => import('./pages/fleet/FleetPage').then((m) => m.FleetPage)),
    permission: 'clusters.read',
    nav: { label: 'navFleet', icon: 'speaker' },
  },
  {
    path: '/fleet/:id',
    component: lazyPage(() => import('./pages/fleet/ClusterPage').then((m) => m.ClusterPage)),
    permission: 'clusters.read',
  },
  {
    path: '/library',
    component: lazyPage(() => import('./pages/media/MediaPage').then((m) => m.MediaPage)),
    permission: 'media.read',
    nav: { label: 'navMedia', icon: 'music' },
  },
  {
    path: '/schedule',
    component: lazyPage(() => import('./pages/schedule/SchedulePage').then((m) => m.SchedulePage)),
    permission: 'schedules.read',
    nav: { label: 'navSchedule', icon: 'calendar' },
  },
  {
    path: '/play-log',
    component: lazyPage(() => import('./pages/playlog/PlayLogPage').then((m) => m.PlayLogPage)),
    permission: 'playlogs.read',
    nav: { label: 'navPlayLog', icon: 'log' },
  },
  {
    path: '/on-air',
    component: lazyPage(() => import('./pages/live/LivePage').then((m) => m.LivePage)),
    permission: 'live.broadcast',
    nav: { label: 'navLive', icon: 'mic' },
  },
  {
    path: '/emergency',
    component: lazyPage(() => import('./pages/emergency/EmergencyPage').then((m) => m.EmergencyPage)),
    permission: 'broadcasts.emergency',
    nav: { label: 'navEmergency', icon: 'siren' },
  },
  {
    path: '/alerts',
    component: lazyPage(() => import('./pages/alerts/AlertsPage').then((m) => m.AlertsPage)),
    permission: 'alerts.read',
    nav: { label: 'navAlerts', icon: 'alert' },
  },
  {
    path: '/work-orders',
    component: lazyPage(() => import('./pages/workorders/WorkOrdersPage').then((m) => m.WorkOrdersPage)),
    permission: 'workorders.read',
    nav: { label: 'navWorkOrders', icon: 'wrench' },
  },
  {
    path: '/registry',
    component: lazyPage(() => import('./pages/registry/RegistryPage').then((m) => m.RegistryPage)),
    permission: 'clusters.write',
    nav: { label: 'navRegistry', icon: 'radio' },
  },
  {
    path: '/settings',
    component: lazyPage(() => import('./pages/settings/SettingsPage').then((m) => m.SettingsPage)),
    permission: 'health.configure',
    nav: { label: 'navSettings', icon: 'sliders' },
  },
  {
    path: '/reports',
    component: lazyPage(() => import('./pages/reports/ReportsPage').then((m) => m.ReportsPage)),
    permission: 'reports.read',
    nav: { label: 'navReports', icon: 'chart' },
  },
  {
    path: '/audit',
    component: lazyPage(() => import('./pages/audit/AuditPage').then((m) => m.AuditPage)),
    permission: 'audit.read',
    nav: { label: 'navAudit', icon: 'log' },
  },
  {
    path: '/users',
    component: lazyPage(() => import('./pages/admin/UsersPage').then((m) => m.UsersPage)),
    permission: 'users.read',
    nav: { label: 'navUsers', icon: 'users' },
  },
  {
    path: '/account',
    component: lazyPage(() => import('./pages/admin/AccountPage').then((m) => m.AccountPage)),
  },
  {
    path: '/api-keys',
    component: lazyPage(() => import('./pages/admin/ApiKeysPage').then((m) => m.ApiKeysPage)),
    permission: 'api_keys.manage',
    nav: { label: 'navApiKeys', icon: 'key' },
  },
];
