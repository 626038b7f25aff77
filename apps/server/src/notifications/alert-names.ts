import type { AlertSeverity, UnitLevel } from '@loa-xa/persistence';
import { RULES, isRuleId } from '@loa-xa/health';

export const SEVERITY_NAMES_VI: Record<AlertSeverity, string> = {
  critical: 'Nghiêm trọng',
  major: 'Cao',
  minor: 'Thấp',
};

/** The Vietnamese name of a health rule (libs/health's catalogue), or its id for an unknown one. */
export const ruleNameVi = (rule: string): string => (isRuleId(rule) ? RULES[rule].name.vi : rule);

/** A unit as notifications name it. */
export interface UnitInfo {
  id: string;
  name: string;
  /** Official type word (Huyện, Xã, Phường…). */
  type: string | null;
  level: UnitLevel;
  path: string;
}

/** "Huyện Cao Lộc": the type word, unless the name already starts with it. */
export function unitLabel(unit: Pick<UnitInfo, 'name' | 'type'>): string {
  if (!unit.type || unit.name.toLocaleLowerCase('vi').startsWith(unit.type.toLocaleLowerCase('vi')))
    return unit.name;
  return `${unit.type} ${unit.name}`;
}
