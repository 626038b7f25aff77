import { request, type JsonResponse } from '../support/http';
import type { TestServer } from '../support/test-server';
import type { ClusterItem, FieldError, Page, Unit } from '../registry/fixtures';

/** Shapes of the work-order API, as the tests read them. */
export interface UnitRefView {
  id: string;
  code: string;
  level: string;
  name: string;
  type: string | null;
}
export interface ClusterRefView {
  id: string;
  code: string;
  name: string;
  kind: string;
  lifecycle: string;
}
export interface HistoryEvent {
  at: string;
  type: string;
  fromStatus: string | null;
  toStatus: string | null;
  actor: string;
  note: string | null;
  changes: Record<string, { before: unknown; after: unknown }> | null;
}
export interface WorkOrder {
  id: string;
  code: string;
  kind: string;
  status: string;
  title: string;
  communeId: string;
  commune: UnitRefView | null;
  villageId: string | null;
  village: UnitRefView | null;
  fmClusterId: string | null;
  fmCluster: ClusterRefView | null;
  ipClusterId: string | null;
  ipCluster: ClusterRefView | null;
  fundingProgramme: string;
  plannedStart: string | null;
  plannedEnd: string | null;
  actualStart: string | null;
  actualEnd: string | null;
  plannedCostVnd: string | null;
  actualCostVnd: string | null;
  commissionedAt: string | null;
  firstConnectedAt: string | null;
  firstBroadcastAt: string | null;
  notes: string | null;
  revision: number;
  history: HistoryEvent[];
}
export interface FmCounts {
  working: number;
  ipConnected: number;
  broken: number;
  replaced: number;
}
export interface FmInventory {
  communes: {
    commune: UnitRefView;
    district: UnitRefView | null;
    fmWired: FmCounts;
    fmWireless: FmCounts;
  }[];
  totals: { fmWired: FmCounts; fmWireless: FmCounts };
}
export interface CoverageGaps {
  communes: {
    commune: UnitRefView;
    district: UnitRefView | null;
    villagesTotal: number;
    villagesCovered: number;
    uncovered: { id: string; code: string; name: string }[];
  }[];
  totals: { villagesTotal: number; villagesCovered: number };
}
export interface ErrorBody {
  statusCode: number;
  message: string;
  errors?: FieldError[];
}

/** A request as someone (their headers), or as the administrator when `who` is omitted. */
export function api<T = unknown>(
  server: TestServer,
  method: string,
  path: string,
  body?: unknown,
  who: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  return request<T>(method, server.url(path), body, who);
}

/** The fields an error body names. */
export function fields(res: JsonResponse<unknown>): string[] {
  return ((res.body as ErrorBody).errors ?? []).map((e) => e.field);
}

/** All clusters the administrator sees under a unit (at most 500). */
export async function clustersUnder(server: TestServer, unitId: string): Promise<ClusterItem[]> {
  const res = await api<Page<ClusterItem>>(server, 'GET', `/api/v1/clusters?unitId=${unitId}&pageSize=500`);
  if (res.status !== 200) throw new Error(`clusters: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.items;
}

/** FM counts of one commune, recomputed from the registry's cluster list. */
export function expectedFm(clusters: ClusterItem[], communeId: string) {
  const count = (kind: string): FmCounts => {
    const of = clusters.filter((c) => c.communeId === communeId && c.kind === kind);
    return {
      working: of.filter((c) => c.lifecycle === 'active').length,
      ipConnected: of.filter((c) => c.lifecycle === 'active' && c.ipConnected === true).length,
      broken: of.filter((c) => c.lifecycle === 'faulty').length,
      replaced: of.filter((c) => c.lifecycle === 'replaced').length,
    };
  };
  return { fmWired: count('fm_wired'), fmWireless: count('fm_wireless') };
}

/** Villages of a commune and which of them a working (active) cluster serves, recomputed from the registry. */
export function expectedCoverage(clusters: ClusterItem[], villages: Unit[]) {
  const covered = new Set(clusters.filter((c) => c.lifecycle === 'active').map((c) => c.villageId));
  return {
    villagesTotal: villages.length,
    villagesCovered: villages.filter((v) => covered.has(v.id)).length,
    uncovered: villages
      .filter((v) => !covered.has(v.id))
      .map((v) => ({ id: v.id, code: v.code, name: v.name }))
      .sort((a, b) => a.code.localeCompare(b.code)),
  };
}
