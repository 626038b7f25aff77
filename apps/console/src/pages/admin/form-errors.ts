import { ApiError } from '../../core/api';
import type { Translate } from '../../core/i18n';
import { formErrors } from './admin-logic';
import type { AdminKey } from './messages';

export interface FormErrorText {
  /** Field name → message to show under it. */
  fields: Record<string, string>;
  /** A message for the whole form (no field named), or null. */
  general: string | null;
}

/** The server's refusal in the user's words: per field where it named one, else for the whole form. */
export function errorText(err: unknown, t: Translate<AdminKey>): FormErrorText {
  if (!(err instanceof ApiError))
    return { fields: {}, general: err instanceof Error ? err.message : String(err) };
  const mapped = formErrors(err.status, err.fields, err.message);
  const fields: Record<string, string> = {};
  for (const [name, e] of Object.entries(mapped.fields)) fields[name] = e.key ? t(e.key) : e.message;
  const general = mapped.general === null ? null : err.status === 403 ? t('errForbidden') : mapped.general;
  return { fields, general };
}

/** Moves focus to the first field the form marked invalid (after the next render), so it is seen and heard. */
export function focusFirstInvalid(formId: string): void {
  requestAnimationFrame(() => {
    const field = document.getElementById(formId)?.querySelector<HTMLElement>('[aria-invalid="true"]');
    field?.focus();
  });
}
