import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** What the health engine needs to know of a cluster besides its live state. */
export interface ClusterPlace {
  communeId: string;
  /** Materialised path of the commune: thresholds are looked up along it. */
  communePath: string;
  kind: string;
  lifecycle: string;
}

/** Lifecycles in which a cluster is judged: planned ones are not installed, replaced/decommissioned gone. */
const JUDGED = new Set(['active', 'faulty']);

/**
 * Where every cluster sits in the tree, in memory (one query at start, refreshed in the background), so
 * rule evaluation on the hot path never touches the database. An unknown id is looked up once, batched.
 */
@Injectable()
export class ClusterDirectory {
  private readonly logger = new Logger('ClusterDirectory');
  private places = new Map<string, ClusterPlace>();
  private readonly wanted = new Set<string>();
  private lookup: Promise<void> | null = null;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get(clusterId: string): ClusterPlace | undefined {
    return this.places.get(clusterId);
  }

  /** Is the cluster one whose health is watched (an IP cluster in service)? */
  judged(place: ClusterPlace | undefined): place is ClusterPlace {
    return place !== undefined && place.kind === 'ip' && JUDGED.has(place.lifecycle);
  }

  /** Reloads every cluster's place; returns the ids whose place or lifecycle changed. */
  async reload(): Promise<string[]> {
    const rows = await this.query(null);
    const changed: string[] = [];
    for (const [id, place] of rows) {
      const before = this.places.get(id);
      if (
        !before ||
        before.communePath !== place.communePath ||
        before.lifecycle !== place.lifecycle ||
        before.kind !== place.kind
      )
        changed.push(id);
    }
    for (const id of this.places.keys()) if (!rows.has(id)) changed.push(id);
    this.places = rows;
    return changed;
  }

  /** Asks for clusters not known yet; `done` runs once they are loaded. */
  request(clusterId: string, done: (ids: string[]) => void): void {
    this.wanted.add(clusterId);
    if (this.lookup) return;
    this.lookup = (async () => {
      await new Promise((resolve) => setImmediate(resolve));
      const ids = [...this.wanted];
      this.wanted.clear();
      try {
        const rows = await this.query(ids);
        for (const [id, place] of rows) this.places.set(id, place);
        done([...rows.keys()]);
      } catch (err) {
        this.logger.warn({ err }, 'cluster lookup failed; retried on the next message');
      }
    })().finally(() => (this.lookup = null));
  }

  private async query(ids: string[] | null): Promise<Map<string, ClusterPlace>> {
    const rows: { id: string; commune_id: string; path: string; kind: string; lifecycle: string }[] =
      await this.dataSource.query(
        `SELECT c.id, c.commune_id, u.path, c.kind, c.lifecycle
         FROM cluster c JOIN admin_unit u ON u.id = c.commune_id
         ${ids ? 'WHERE c.id = ANY($1::uuid[])' : ''}`,
        ids ? [ids] : [],
      );
    return new Map(
      rows.map((r) => [
        r.id,
        { communeId: r.commune_id, communePath: r.path, kind: r.kind, lifecycle: r.lifecycle },
      ]),
    );
  }
}
