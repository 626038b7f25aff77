/**
 * The fleet list's logic without DOM or preact: filters (from the URL), search, options, signal levels and
 * the CSV export. Unit-tested in test/console/unit/fleet-model.spec.ts.
 */
import { clusterState, type ClusterState, type MapCluster } from '../../map/cluster-state';

export interface UnitRefLite {
  id: string;
  name: string;
  type?: string | null;
}

export interface ClusterVitals {
  /** In the list's view, not in the compact one the fleet page reads (GET /clusters/map). */
  at?: string;
  network?: string;
  rsrp: number | null;
  rssi: number | null;
  powerSource: string;
  batteryPct: number | null;
  volume: number;
}

/** The fields of the API's ClusterView the fleet pages use. */
export interface ClusterItem {
  id: string;
  code: string;
  name: string;
  kind: string;
  lifecycle: string;
  communeId: string;
  commune: UnitRefLite | null;
  villageId: string | null;
  village: UnitRefLite | null;
  latitude: number | null;
  longitude: number | null;
  online: boolean;
  lastSeenAt: string | null;
  activeFaults: string[];
  vitals?: ClusterVitals | null;
}

export const STATE_FILTERS = ['online', 'offline', 'fault', 'battery', 'never'] as const;
export const KINDS = ['ip', 'fm_wired', 'fm_wireless'] as const;
export const LIFECYCLES = ['planned', 'active', 'faulty', 'replaced', 'decommissioned'] as const;
/** Shown unless the lifecycle filter asks otherwise: clusters still on the ground. */
export const IN_SERVICE: ReadonlySet<string> = new Set(['planned', 'active', 'faulty']);

export interface FleetFilters {
  q: string;
  commune: string;
  village: string;
  state: ClusterState | '';
  faults: boolean;
  kind: string;
  /** '' = in service (planned, active, faulty); 'all'; or one lifecycle. */
  lifecycle: string;
  page: number;
}

export const PAGE_SIZE = 50;

export function parseFilters(query: URLSearchParams): FleetFilters {
  const state = query.get('state') ?? '';
  const kind = query.get('kind') ?? '';
  const lifecycle = query.get('lifecycle') ?? '';
  const page = Number(query.get('page'));
  return {
    q: (query.get('q') ?? '').slice(0, 100),
    commune: query.get('commune') ?? '',
    village: query.get('village') ?? '',
    state: (STATE_FILTERS as readonly string[]).includes(state) ? (state as ClusterState) : '',
    faults: query.get('faults') === '1',
    kind: (KINDS as readonly string[]).includes(kind) ? kind : '',
    lifecycle: lifecycle === 'all' || (LIFECYCLES as readonly string[]).includes(lifecycle) ? lifecycle : '',
    page: Number.isInteger(page) && page > 0 ? page : 1,
  };
}

/** Lower case without Vietnamese accents: "Nà Chuông" and "na chuong" match. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .trim();
}

export function stateOf(item: ClusterItem): ClusterState {
  return clusterState(item);
}

/** Filters that are not about state (the state counts are shown for these). */
export function filterBase(items: readonly ClusterItem[], f: FleetFilters): ClusterItem[] {
  const q = fold(f.q);
  return items.filter((c) => {
    if (
      f.lifecycle === '' ? !IN_SERVICE.has(c.lifecycle) : f.lifecycle !== 'all' && c.lifecycle !== f.lifecycle
    )
      return false;
    if (f.kind && c.kind !== f.kind) return false;
    if (f.commune && c.communeId !== f.commune) return false;
    if (f.village && c.villageId !== f.village) return false;
    if (q) {
      const text = fold(`${c.code} ${c.name} ${c.village?.name ?? ''} ${c.commune?.name ?? ''}`);
      if (!text.includes(q)) return false;
    }
    return true;
  });
}

export function filterClusters(items: readonly ClusterItem[], f: FleetFilters): ClusterItem[] {
  return filterBase(items, f).filter((c) => {
    if (f.state && stateOf(c) !== f.state) return false;
    if (f.faults && c.activeFaults.length === 0) return false;
    return true;
  });
}

export function pageOf<T>(items: readonly T[], page: number, size = PAGE_SIZE): T[] {
  const last = Math.max(1, Math.ceil(items.length / size));
  const p = Math.min(Math.max(1, page), last);
  return items.slice((p - 1) * size, p * size);
}

export function toMapClusters(items: readonly ClusterItem[]): MapCluster[] {
  return items.map((c) => ({
    id: c.id,
    name: c.name,
    code: c.code,
    village: c.village?.name ?? null,
    latitude: c.latitude,
    longitude: c.longitude,
    state: stateOf(c),
  }));
}

/** Communes (and the villages of one) that the loaded clusters are in, sorted by name. */
export function unitOptions(
  items: readonly ClusterItem[],
  communeId?: string,
): { communes: UnitRefLite[]; villages: UnitRefLite[] } {
  const communes = new Map<string, UnitRefLite>();
  const villages = new Map<string, UnitRefLite>();
  for (const c of items) {
    if (c.commune) communes.set(c.commune.id, c.commune);
    if (c.village && c.communeId === communeId) villages.set(c.village.id, c.village);
  }
  const byName = (a: UnitRefLite, b: UnitRefLite) => a.name.localeCompare(b.name, 'vi');
  return { communes: [...communes.values()].sort(byName), villages: [...villages.values()].sort(byName) };
}

export type SignalLevel = 'good' | 'fair' | 'poor' | 'none';

/** LTE RSRP in words (thresholds of common practice: ≥ −90 good, ≥ −105 fair); RSSI when no RSRP. */
export function signalLevel(rsrp: number | null | undefined, rssi?: number | null): SignalLevel {
  if (typeof rsrp === 'number') return rsrp >= -90 ? 'good' : rsrp >= -105 ? 'fair' : 'poor';
  if (typeof rssi === 'number') return rssi >= -75 ? 'good' : rssi >= -90 ? 'fair' : 'poor';
  return 'none';
}

/** RFC 4180 CSV with a BOM (Excel opens Vietnamese text right) and CRLF line ends. */
export function toCsv(rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  const cell = (v: string | number | null | undefined) => {
    if (v === null || v === undefined) return '';
    let s = String(v);
    // A leading = + - @ would be run as a formula by spreadsheets.
    if (typeof v === 'string' && /^[=+\-@]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `\uFEFF${rows.map((row) => row.map(cell).join(',')).join('\r\n')}\r\n`;
}
