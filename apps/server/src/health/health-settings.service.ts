import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { HealthRuleOverride } from '@loa-xa/persistence';
import { effectiveRules, isRuleId, type EffectiveRules, type RuleOverride } from '@loa-xa/health';

/**
 * The health-rule overrides of every unit, in memory, and the rules in force per commune path (cached: a
 * province has a few hundred communes and overrides change rarely).
 */
@Injectable()
export class HealthSettings {
  private byUnit = new Map<string, RuleOverride[]>();
  private readonly cache = new Map<string, EffectiveRules>();
  private readonly listeners = new Set<(unitPath: string | null) => void>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async load(): Promise<void> {
    const rows = await this.dataSource.getRepository(HealthRuleOverride).find();
    const byUnit = new Map<string, RuleOverride[]>();
    for (const row of rows) {
      if (!isRuleId(row.rule)) continue;
      let list = byUnit.get(row.unitId);
      if (!list) byUnit.set(row.unitId, (list = []));
      list.push({
        rule: row.rule,
        enabled: row.enabled,
        severity: row.severity as RuleOverride['severity'],
        params: row.params,
      });
    }
    this.byUnit = byUnit;
    this.cache.clear();
  }

  /** The rules in force for a unit with this materialised path. */
  forPath(path: string): EffectiveRules {
    let rules = this.cache.get(path);
    if (!rules) {
      rules = effectiveRules(this.layers(path)).rules;
      this.cache.set(path, rules);
    }
    return rules;
  }

  /** With where each value comes from (for the API). */
  explain(path: string): ReturnType<typeof effectiveRules> {
    return effectiveRules(this.layers(path));
  }

  /** Overrides changed under `unitPath`: reload and tell the engine to re-judge the clusters there. */
  async changed(unitPath: string): Promise<void> {
    await this.load();
    for (const listener of this.listeners) listener(unitPath);
  }

  onChange(listener: (unitPath: string | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private layers(path: string): { unitId: string; overrides: RuleOverride[] }[] {
    return path
      .split('/')
      .filter((id) => this.byUnit.has(id))
      .map((id) => ({ unitId: id, overrides: this.byUnit.get(id) as RuleOverride[] }));
  }
}
