import { scopeCondition, type Scope } from '../access/scope';

/** SQL with positional parameters, built piece by piece. */
export class Where {
  readonly parts: string[] = [];
  readonly params: unknown[] = [];

  add(sql: (p: (value: unknown) => string) => string): void {
    this.parts.push(sql((value) => `$${this.params.push(value)}`));
  }

  scope(scope: Scope | null, column: string): void {
    const condition = scopeCondition(scope, column);
    if (!condition) return;
    this.add((p) =>
      condition.sql
        .replace(':scopePaths', p(condition.params.scopePaths))
        .replace(':scopePrefixes', p(condition.params.scopePrefixes)),
    );
  }

  get sql(): string {
    return this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}
