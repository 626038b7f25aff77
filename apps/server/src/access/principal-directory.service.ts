import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiKey, AppUser } from '@loa-xa/persistence';
import { ScopeResolver } from './scope-resolver.service';
import type { Scope } from './scope';

/** What the guard needs to know about an account or key, cached for a few seconds per id. */
export interface Grant {
  id: string;
  name: string;
  role: AppUser['role'];
  scope: Scope | null;
  active: boolean;
  /** API keys: the digest to compare and the expiry. */
  secretSha256?: string;
  expiresAt?: Date | null;
}

const TTL_MS = 5_000;

/**
 * Accounts and API keys as the guard sees them. Role, scope and the active flag are read from the database
 * (briefly cached), not from the token, so a demotion or deactivation applies within seconds everywhere
 * and at once on the replica that made it.
 */
@Injectable()
export class PrincipalDirectory {
  private readonly users = new Map<string, { grant: Grant | null; at: number }>();
  private readonly keys = new Map<string, { grant: Grant | null; at: number }>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scopes: ScopeResolver,
  ) {}

  async user(id: string): Promise<Grant | null> {
    return this.cached(this.users, id, async () => {
      const user = await this.dataSource.getRepository(AppUser).findOneBy({ id });
      if (!user) return null;
      return {
        id: user.id,
        name: user.username,
        role: user.role,
        scope: await this.scopeOf(user.scopeUnitId),
        active: user.active,
      };
    });
  }

  async apiKey(id: string): Promise<Grant | null> {
    return this.cached(this.keys, id, async () => {
      const key = await this.dataSource.getRepository(ApiKey).findOneBy({ id });
      if (!key) return null;
      return {
        id: key.id,
        name: key.name,
        role: key.role,
        scope: await this.scopeOf(key.scopeUnitId),
        active: key.revokedAt === null,
        secretSha256: key.secretSha256,
        expiresAt: key.expiresAt,
      };
    });
  }

  /** Forget a cached account or key after changing it. */
  forget(id: string): void {
    this.users.delete(id);
    this.keys.delete(id);
  }

  private async scopeOf(unitId: string | null): Promise<Scope | null> {
    if (unitId === null) return null;
    // A scope unit that vanished must not widen the scope to everything: an impossible path keeps it empty.
    return (await this.scopes.resolve(unitId)) ?? { unitId, level: 'commune', name: '?', paths: ['!'] };
  }

  private async cached(
    map: Map<string, { grant: Grant | null; at: number }>,
    id: string,
    load: () => Promise<Grant | null>,
  ): Promise<Grant | null> {
    const hit = map.get(id);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.grant;
    const grant = await load();
    map.set(id, { grant, at: Date.now() });
    if (map.size > 50_000) map.clear();
    return grant;
  }
}
