import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AdminUnit } from '@loa-xa/persistence';
import type { Scope } from './scope';

const TTL_MS = 60_000;

/** Turns a scope unit id into the paths a scope check compares against (cached: the tree rarely moves). */
@Injectable()
export class ScopeResolver {
  private readonly cache = new Map<string, { scope: Scope | null; at: number }>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The scope rooted at a unit; null when the unit does not exist. */
  async resolve(unitId: string): Promise<Scope | null> {
    const hit = this.cache.get(unitId);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.scope;
    const units = this.dataSource.getRepository(AdminUnit);
    const unit = await units.findOneBy({ id: unitId });
    let scope: Scope | null = null;
    if (unit) {
      const paths = [unit.path];
      // The same province before and after the 2025 reform: clusters may hang below either tree.
      if (unit.level === 'province') {
        const twins = await units.findBy({ level: 'province', code: unit.code });
        for (const twin of twins) if (twin.id !== unit.id) paths.push(twin.path);
      }
      scope = { unitId: unit.id, level: unit.level, name: unit.name, paths };
    }
    this.cache.set(unitId, { scope, at: Date.now() });
    return scope;
  }

  /** The scope of an account or key: null (the whole server) when it has no scope unit. */
  async of(unitId: string | null): Promise<Scope | null> {
    return unitId === null ? null : this.resolve(unitId);
  }

  forget(): void {
    this.cache.clear();
  }
}
