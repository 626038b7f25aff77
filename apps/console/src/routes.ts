import type { FunctionComponent } from 'preact';
import type { common } from './core/messages';
import type { IconName } from './ui/icons';
import { OverviewPage } from './pages/overview/OverviewPage';
import { FleetPage } from './pages/fleet/FleetPage';
import { ClusterPage } from './pages/fleet/ClusterPage';
import { MediaPage } from './pages/media/MediaPage';
import { SchedulePage } from './pages/schedule/SchedulePage';
import { LivePage } from './pages/live/LivePage';
import { EmergencyPage } from './pages/emergency/EmergencyPage';
import { AlertsPage } from './pages/alerts/AlertsPage';
import { WorkOrdersPage } from './pages/workorders/WorkOrdersPage';
import { ReportsPage } from './pages/reports/ReportsPage';
import { AuditPage } from './pages/audit/AuditPage';
import { UsersPage } from './pages/admin/UsersPage';
import { ApiKeysPage } from './pages/admin/ApiKeysPage';
import { AccountPage } from './pages/admin/AccountPage';
import { RegistryPage } from './pages/registry/RegistryPage';
import { SettingsPage } from './pages/settings/SettingsPage';

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
  { path: '/', component: OverviewPage, nav: { label: 'navOverview', icon: 'overview' } },
  {
    path: '/fleet',
    component: FleetPage,
    permission: 'clusters.read',
    nav: { label: 'navFleet', icon: 'speaker' },
  },
  { path: '/fleet/:id', component: ClusterPage, permission: 'clusters.read' },
  {
    path: '/library',
    component: MediaPage,
    permission: 'media.read',
    nav: { label: 'navMedia', icon: 'music' },
  },
  {
    path: '/schedule',
    component: SchedulePage,
    permission: 'schedules.read',
    nav: { label: 'navSchedule', icon: 'calendar' },
  },
  {
    path: '/on-air',
    component: LivePage,
    permission: 'live.broadcast',
    nav: { label: 'navLive', icon: 'mic' },
  },
  {
    path: '/emergency',
    component: EmergencyPage,
    permission: 'broadcasts.emergency',
    nav: { label: 'navEmergency', icon: 'siren' },
  },
  {
    path: '/alerts',
    component: AlertsPage,
    permission: 'alerts.read',
    nav: { label: 'navAlerts', icon: 'alert' },
  },
  {
    path: '/work-orders',
    component: WorkOrdersPage,
    permission: 'workorders.read',
    nav: { label: 'navWorkOrders', icon: 'wrench' },
  },
  {
    path: '/reports',
    component: ReportsPage,
    permission: 'reports.read',
    nav: { label: 'navReports', icon: 'chart' },
  },
  { path: '/audit', component: AuditPage, permission: 'audit.read', nav: { label: 'navAudit', icon: 'log' } },
  {
    path: '/users',
    component: UsersPage,
    permission: 'users.read',
    nav: { label: 'navUsers', icon: 'users' },
  },
  { path: '/account', component: AccountPage },
  {
    path: '/api-keys',
    component: ApiKeysPage,
    permission: 'api_keys.manage',
    nav: { label: 'navApiKeys', icon: 'key' },
  },
];
