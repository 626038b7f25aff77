import { ForbiddenException, Injectable } from '@nestjs/common';
import type { Role } from '@loa-xa/persistence';
import { fieldError } from '../registry/errors';
import { canGrant } from './permissions';
import { ScopeResolver } from './scope-resolver.service';
import { scopeWithin, type Principal, type Scope } from './scope';

const SCOPE_LEVELS = new Set(['province', 'district', 'commune']);

/**
 * Who may hand out which role and scope: never a role above one's own (only an admin makes an admin), never a
 * scope outside one's own. Administrators have no scope; everybody else needs a province, district or commune.
 */
@Injectable()
export class GrantPolicy {
  constructor(private readonly scopes: ScopeResolver) {}

  async check(
    principal: Principal,
    role: Role,
    scopeUnitId: string | null | undefined,
  ): Promise<Scope | null> {
    if (!canGrant(principal.role, role))
      throw new ForbiddenException(`role ${principal.role} may not grant the role ${role}`);
    if (role === 'admin') {
      if (scopeUnitId)
        throw fieldError('scopeUnitId', 'adminUnscoped', 'scopeUnitId must be absent for an admin');
      return null;
    }
    if (!scopeUnitId)
      throw fieldError('scopeUnitId', 'required', `scopeUnitId is required for the role ${role}`);
    const scope = await this.scopes.resolve(scopeUnitId);
    if (!scope) throw fieldError('scopeUnitId', 'exists', `scopeUnitId ${scopeUnitId} is not a known unit`);
    if (!SCOPE_LEVELS.has(scope.level))
      throw fieldError(
        'scopeUnitId',
        'scopeLevel',
        `scopeUnitId must be a province, district or commune, not a ${scope.level}`,
      );
    if (!scopeWithin(principal.scope, scope))
      throw new ForbiddenException(`${scope.name} is outside your scope (${principal.scope?.name ?? 'all'})`);
    return scope;
  }

  /** May the principal manage an account or key that has this role and scope at all? */
  canManage(principal: Principal, role: Role, scope: Scope | null): boolean {
    return canGrant(principal.role, role) && scopeWithin(principal.scope, scope);
  }
}
