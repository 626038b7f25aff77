import { Injectable } from '@nestjs/common';
import type { Principal } from '../../access/scope';
import { FleetView } from '../../fleet/fleet-view.service';
import { ClustersRepository, type ClusterMapConditions, type ClusterMapDbRow } from './clusters.repository';
import {
  CLUSTER_MAP_FIELDS,
  type ClusterMapQuery,
  type ClusterMapRow,
  type ClusterMapView,
} from './cluster-map.dto';

/** Registry rows kept between requests, all entries together (a province is ~10 000). */
const CACHE_MAX_ROWS = 60_000;
/** Whatever the fingerprint says, rows older than this are read again. */
const CACHE_MAX_AGE_MS = 5 * 60_000;

interface CachedRows {
  version: string;
  rows: ClusterMapDbRow[];
  at: number;
}

/**
 * The compact view of every cluster in the caller's scope (GET /clusters/map): the registry rows (one
 * query, cached while a cheap aggregate says they have not changed, since pages poll it), the live state
 * from the in-memory fleet view, names of communes and villages given once.
 */
@Injectable()
export class ClusterMapService {
  private readonly cache = new Map<string, CachedRows>();

  constructor(
    private readonly clusters: ClustersRepository,
    private readonly fleet: FleetView,
  ) {}

  async view(principal: Principal, query: ClusterMapQuery): Promise<ClusterMapView> {
    const { online, ...filters } = query;
    const dbRows = await this.registryRows({ ...filters, scope: principal.scope });
    const communes: Record<string, string> = {};
    const villages: Record<string, string> = {};
    const rows: ClusterMapRow[] = [];
    for (const r of dbRows) {
      // FM clusters are not in the fleet view; retired IP ones stay there until the server restarts.
      const live = r.kind === 'ip' ? this.fleet.get(r.id) : undefined;
      if (online !== undefined && (live?.online ?? false) !== online) continue;
      communes[r.communeId] = r.communeName;
      if (r.villageId && r.villageName) villages[r.villageId] = r.villageName;
      const telemetry = live?.telemetry && live.telemetryAt ? live.telemetry : null;
      rows.push([
        r.id,
        r.code,
        r.name,
        r.kind,
        r.lifecycle,
        r.communeId,
        r.villageId,
        r.latitude,
        r.longitude,
        live?.online ?? false,
        live?.lastSeenAt ? live.lastSeenAt.toISOString() : null,
        live ? [...live.faults.keys()] : [],
        telemetry?.net.rsrp ?? null,
        telemetry?.net.rssi ?? null,
        telemetry?.power.source ?? null,
        telemetry?.power.batteryPct ?? null,
        telemetry?.volume ?? null,
      ]);
    }
    return { fields: [...CLUSTER_MAP_FIELDS], rows, communes, villages, total: rows.length };
  }

  private async registryRows(conditions: ClusterMapConditions): Promise<ClusterMapDbRow[]> {
    const key = JSON.stringify([
      conditions.scope?.paths ?? null,
      conditions.unitId ?? null,
      conditions.stationId ?? null,
      conditions.kind ?? null,
      conditions.lifecycle ?? null,
      conditions.ipConnected ?? null,
      conditions.q ?? null,
    ]);
    const version = await this.clusters.mapVersion(conditions);
    const hit = this.cache.get(key);
    this.cache.delete(key); // re-inserted last: the map's order is the eviction order
    if (hit && hit.version === version && Date.now() - hit.at < CACHE_MAX_AGE_MS) {
      this.cache.set(key, hit);
      return hit.rows;
    }
    const rows = await this.clusters.mapRows(conditions);
    this.cache.set(key, { version, rows, at: Date.now() });
    let total = 0;
    for (const entry of this.cache.values()) total += entry.rows.length;
    for (const [oldest, entry] of this.cache) {
      if (total <= CACHE_MAX_ROWS || oldest === key) break;
      this.cache.delete(oldest);
      total -= entry.rows.length;
    }
    return rows;
  }
}
