/**
 * SQL condition: the commune row aliased `communeAlias` lies under the unit whose id is the parameter
 * `:${param}` (or is that unit). Uses the materialised path, so any depth is one prefix match.
 * For repositories only.
 */
export function communeUnderUnitSql(communeAlias: string, param: string): string {
  return `EXISTS (SELECT 1 FROM admin_unit anc WHERE anc.id = :${param} AND (${communeAlias}.path = anc.path OR ${communeAlias}.path LIKE anc.path || '/%'))`;
}
