import type { UnitEra, UnitLevel } from '@loa-xa/persistence';

/** A unit a report is about, with its materialised path. */
export interface AreaUnit {
  id: string;
  code: string;
  name: string;
  level: UnitLevel;
  era: UnitEra;
  path: string;
}

/** Positional parameters of one raw query: `add` pushes a value and returns its placeholder. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return cast ? `$${this.values.length}::${cast}` : `$${this.values.length}`;
  }
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, '\\$&');

/**
 * Raw-SQL form of the scope condition (access/scope.ts): rows whose `column` is one of `paths` or lies below
 * one. No paths (null: the whole server) → no condition.
 */
export function underPaths(column: string, paths: readonly string[] | null, params: SqlParams): string {
  if (paths === null) return 'TRUE';
  const exact = params.add([...paths], 'text[]');
  const below = params.add(
    paths.map((p) => `${escapeLike(p)}/%`),
    'text[]',
  );
  return `(${column} = ANY(${exact}) OR ${column} LIKE ANY(${below}))`;
}
