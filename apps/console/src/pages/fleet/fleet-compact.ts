/**
 * GET /clusters/map (every cluster in scope, one row of values per cluster, unit names given once) turned
 * back into the list's ClusterItem, so the page's model stays the same. Pure: unit-tested in
 * test/console/unit/fleet-compact.spec.ts.
 */
import type { ClusterItem } from './fleet-model';

export interface ClusterMapResponse {
  fields: string[];
  rows: unknown[][];
  communes: Record<string, string>;
  villages: Record<string, string>;
  total: number;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

export function decodeClusterMap(view: ClusterMapResponse): ClusterItem[] {
  // Columns by name: the server may add new ones at the end.
  const at = new Map(view.fields.map((name, i) => [name, i]));
  const col = (row: unknown[], name: string): unknown => {
    const i = at.get(name);
    return i === undefined ? null : row[i];
  };
  return view.rows.map((row) => {
    const communeId = str(col(row, 'communeId')) ?? '';
    const villageId = str(col(row, 'villageId'));
    const power = str(col(row, 'power'));
    const faults = col(row, 'faults');
    return {
      id: str(col(row, 'id')) ?? '',
      code: str(col(row, 'code')) ?? '',
      name: str(col(row, 'name')) ?? '',
      kind: str(col(row, 'kind')) ?? '',
      lifecycle: str(col(row, 'lifecycle')) ?? '',
      communeId,
      commune: communeId in view.communes ? { id: communeId, name: view.communes[communeId] } : null,
      villageId,
      village:
        villageId && villageId in view.villages ? { id: villageId, name: view.villages[villageId] } : null,
      latitude: num(col(row, 'lat')),
      longitude: num(col(row, 'lon')),
      online: col(row, 'online') === true,
      lastSeenAt: str(col(row, 'lastSeenAt')),
      activeFaults: Array.isArray(faults) ? faults.filter((f): f is string => typeof f === 'string') : [],
      // Telemetry columns are all null until a cluster has reported since the server started.
      vitals: power
        ? {
            rsrp: num(col(row, 'rsrp')),
            rssi: num(col(row, 'rssi')),
            powerSource: power,
            batteryPct: num(col(row, 'batteryPct')),
            volume: num(col(row, 'volume')) ?? 0,
          }
        : null,
    };
  });
}
