import type { Principal } from '../access/scope';
import type { WorkOrderStatus } from '@loa-xa/persistence';

/** Where an order may go from each status; closed and cancelled are final. */
export const STATUS_TRANSITIONS: Readonly<Record<WorkOrderStatus, readonly WorkOrderStatus[]>> = {
  proposed: ['approved', 'cancelled'],
  approved: ['installing', 'cancelled'],
  installing: ['commissioned', 'cancelled'],
  commissioned: ['closed'],
  closed: [],
  cancelled: [],
};

/** Orders still being worked on (their IP cluster, if any, is spoken for). */
export const OPEN_STATUSES: readonly WorkOrderStatus[] = ['proposed', 'approved', 'installing'];

/** Orders whose IP cluster is installed: first connection and first broadcast are watched for them. */
export const INSTALLED_STATUSES: readonly WorkOrderStatus[] = ['commissioned', 'closed'];

/** Nothing can be edited any more. */
export const FINAL_STATUSES: ReadonlySet<WorkOrderStatus> = new Set(['closed', 'cancelled']);

export function canMove(from: WorkOrderStatus, to: WorkOrderStatus): boolean {
  return STATUS_TRANSITIONS[from].includes(to);
}

/** How an order's history names who acted. */
export function actorOf(principal: Principal): string {
  if (principal.kind === 'user' || principal.kind === 'api_key') return `${principal.kind}:${principal.id}`;
  return 'system';
}

/** `WO-<year>-<4 digits>`, the sequence number of that year. */
export function workOrderCode(year: number, sequence: number): string {
  return `WO-${year}-${String(sequence).padStart(4, '0')}`;
}

/** The year of `at` in the server's time zone (an order made on 31 December at 23:30 local counts there). */
export function localYear(at: Date, timeZone: string): number {
  return Number(new Intl.DateTimeFormat('en', { timeZone, year: 'numeric' }).format(at));
}
