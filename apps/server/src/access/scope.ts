import type { AdminUnit, Role } from '@loa-xa/persistence';

/**
 * The part of the administrative tree a principal acts in: every unit whose materialised path equals one
 * of `paths` or continues below it. A province has a row per era (before and after the 2025 reform), so a
 * province scope holds both paths. null means the whole server (administrators).
 */
export interface Scope {
  unitId: string;
  level: AdminUnit['level'];
  name: string;
  paths: string[];
}

/** Who is calling: a signed-in person or an API key, with the address and request id for the audit log. */
export interface Principal {
  /** `system`: the server itself (first start, demo fleet, scheduled jobs). */
  kind: 'user' | 'api_key' | 'system';
  id: string;
  /** Username or key name. */
  name: string;
  role: Role;
  scope: Scope | null;
  /** Login session (users only): logout ends it. */
  sessionId?: string;
  ip: string | null;
  requestId: string | null;
}

/** The server acting on its own behalf: unscoped, and named as such in the audit log. */
export const SYSTEM: Principal = {
  kind: 'system',
  id: 'system',
  name: 'system',
  role: 'admin',
  scope: null,
  ip: null,
  requestId: null,
};

/** Is a unit with this path inside the scope? */
export function pathInScope(scope: Scope | null, path: string | null | undefined): boolean {
  if (scope === null) return true;
  if (!path) return false;
  return scope.paths.some((p) => path === p || path.startsWith(`${p}/`));
}

/** Is scope `inner` entirely inside `outer`? (A user may only hand out scopes within their own.) */
export function scopeWithin(outer: Scope | null, inner: Scope | null): boolean {
  if (outer === null) return true;
  if (inner === null) return false;
  return inner.paths.every((p) => pathInScope(outer, p));
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, '\\$&');

/**
 * SQL condition (with its parameters) keeping rows whose unit path column `pathColumn` lies in the scope.
 * `name` keeps parameter names unique when a query has several scope conditions. No scope → no condition.
 */
export function scopeCondition(
  scope: Scope | null,
  pathColumn: string,
  name = 'scope',
): { sql: string; params: Record<string, string[]> } | null {
  if (scope === null) return null;
  return {
    sql: `(${pathColumn} = ANY(CAST(:${name}Paths AS text[])) OR ${pathColumn} LIKE ANY(CAST(:${name}Prefixes AS text[])))`,
    params: {
      [`${name}Paths`]: scope.paths,
      [`${name}Prefixes`]: scope.paths.map((p) => `${escapeLike(p)}/%`),
    },
  };
}

/**
 * Keeps the accounts or API keys (query alias `alias`, with a scope_unit_id column) whose own scope lies
 * inside `scope`; those without one (administrators) only when `scope` is null.
 */
export function whereGrantInScope<
  Q extends {
    leftJoin(entity: string, alias: string, condition: string): Q;
    andWhere(sql: string, params?: object): Q;
  },
>(query: Q, alias: string, scope: Scope | null): Q {
  query.leftJoin('admin_unit', `${alias}_scope`, `${alias}_scope.id = ${alias}.scope_unit_id`);
  return whereInScope(query, scope, `${alias}_scope.path`, `${alias}Scope`);
}

/** Applies scopeCondition to a TypeORM query builder (anything with andWhere). */
export function whereInScope<Q extends { andWhere(sql: string, params?: object): Q }>(
  query: Q,
  scope: Scope | null,
  pathColumn: string,
  name?: string,
): Q {
  const condition = scopeCondition(scope, pathColumn, name);
  return condition ? query.andWhere(condition.sql, condition.params) : query;
}
