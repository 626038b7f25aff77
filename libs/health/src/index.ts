// Pure fleet-health logic: rules, thresholds per unit, condition evaluation, alert damping. No framework, no I/O.
export {
  RULE_IDS,
  RULES,
  SEVERITIES,
  SEVERITY_RANK,
  isRuleId,
  isSeverity,
  type RuleId,
  type Severity,
  type ParamSpec,
  type RuleDefinition,
} from './rules';
export {
  defaultRules,
  effectiveRules,
  checkOverride,
  type RuleOverride,
  type EffectiveRule,
  type EffectiveRules,
  type RuleProvenance,
  type OverrideProblem,
} from './settings';
export { evaluate, type ClusterSnapshot, type Condition, type Conditions } from './conditions';
export {
  newTracker,
  restoredTracker,
  observe,
  tick,
  resolvedByHand,
  forceResolve,
  type DampingParams,
  type Tracker,
  type TrackerAction,
  type StepResult,
} from './tracker';
