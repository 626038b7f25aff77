import { ApiError } from '../../core/api';
import type { Lang } from '../../core/i18n';
import { ruleWords } from './registry-model';

export type FieldErrors = Record<string, string | undefined>;

/**
 * The server's field errors by top-level field: in Vietnamese words where the rule is known, else the
 * server's own message. Null when the error is not about fields.
 */
export function fieldErrors(err: unknown, lang: Lang): FieldErrors | null {
  if (!(err instanceof ApiError) || err.fields.length === 0) return null;
  const out: FieldErrors = {};
  for (const f of err.fields) {
    const key = f.field.split('.')[0];
    if (out[key]) continue;
    out[key] = (lang === 'vi' ? ruleWords(f.rule, lang, key) : undefined) ?? f.message;
  }
  return out;
}
