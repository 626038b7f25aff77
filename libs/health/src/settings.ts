import { RULES, RULE_IDS, isSeverity, type RuleId, type Severity } from './rules';

/** What one unit changes of one rule; absent fields are inherited. */
export interface RuleOverride {
  rule: RuleId;
  enabled?: boolean | null;
  severity?: Severity | null;
  params?: Record<string, number>;
}

export interface EffectiveRule {
  rule: RuleId;
  enabled: boolean;
  severity: Severity;
  params: Record<string, number>;
}

export type EffectiveRules = Record<RuleId, EffectiveRule>;

/** Where each effective value came from (null: the built-in default). */
export interface RuleProvenance {
  enabled: string | null;
  severity: string | null;
  params: Record<string, string | null>;
}

export function defaultRules(): EffectiveRules {
  const out = {} as EffectiveRules;
  for (const id of RULE_IDS) {
    const params: Record<string, number> = {};
    for (const [name, spec] of Object.entries(RULES[id].params)) params[name] = spec.default;
    out[id] = { rule: id, enabled: true, severity: RULES[id].severity, params };
  }
  return out;
}

/**
 * The rules in force for a unit: the defaults, then the overrides of each unit on its path from the
 * province down (most general first), each changing only what it sets.
 */
export function effectiveRules(layers: readonly { unitId: string; overrides: readonly RuleOverride[] }[]): {
  rules: EffectiveRules;
  provenance: Record<RuleId, RuleProvenance>;
} {
  const rules = defaultRules();
  const provenance = {} as Record<RuleId, RuleProvenance>;
  for (const id of RULE_IDS) {
    const params: Record<string, string | null> = {};
    for (const name of Object.keys(rules[id].params)) params[name] = null;
    provenance[id] = { enabled: null, severity: null, params };
  }
  for (const layer of layers) {
    for (const o of layer.overrides) {
      const rule = rules[o.rule];
      if (!rule) continue;
      if (o.enabled !== undefined && o.enabled !== null) {
        rule.enabled = o.enabled;
        provenance[o.rule].enabled = layer.unitId;
      }
      if (o.severity !== undefined && o.severity !== null) {
        rule.severity = o.severity;
        provenance[o.rule].severity = layer.unitId;
      }
      for (const [name, value] of Object.entries(o.params ?? {})) {
        if (!(name in rule.params)) continue;
        rule.params[name] = value;
        provenance[o.rule].params[name] = layer.unitId;
      }
    }
  }
  return { rules, provenance };
}

export interface OverrideProblem {
  field: string;
  message: string;
}

/** Checks an override against the catalogue: known parameters, numbers within bounds, a known severity. */
export function checkOverride(rule: RuleId, override: Omit<RuleOverride, 'rule'>): OverrideProblem[] {
  const problems: OverrideProblem[] = [];
  const specs = RULES[rule].params;
  if (override.severity !== undefined && override.severity !== null && !isSeverity(override.severity))
    problems.push({ field: 'severity', message: 'severity must be critical, major or minor' });
  for (const [name, value] of Object.entries(override.params ?? {})) {
    const spec = specs[name];
    if (!spec) {
      problems.push({
        field: `params.${name}`,
        message: `${rule} has no parameter ${name} (it has ${Object.keys(specs).join(', ')})`,
      });
      continue;
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < spec.min || value > spec.max)
      problems.push({
        field: `params.${name}`,
        message: `${name} must be a number between ${spec.min} and ${spec.max} (${spec.unit})`,
      });
  }
  return problems;
}
