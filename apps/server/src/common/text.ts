import { length, registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';

/*
 * What PostgreSQL can store, checked before it is asked to. A text or jsonb value with U+0000 makes the
 * statement fail ("invalid byte sequence for encoding UTF8: 0x00", "unsupported Unicode escape sequence"),
 * an unpaired UTF-16 surrogate (only a JSON `\ud800` escape makes one) is not Unicode and is stored as
 * U+FFFD or refused, and a value nested a few thousand levels deep overflows the stack of JSON.stringify.
 * Refusing them up front turns a 500 (or a device batch that can never be written) into a precise 400 or a
 * counted drop.
 */

/** Deepest nesting of objects and arrays accepted in a request body or a device payload. */
export const MAX_NESTING = 32;

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored as text or jsonb, or null when it can. */
export function textProblem(value: string): string | null {
  if (value.includes('\u0000')) return 'contains U+0000 (NUL), which cannot be stored';
  if (UNPAIRED_SURROGATE.test(value)) return 'contains an unpaired UTF-16 surrogate (not valid Unicode)';
  return null;
}

export interface StorageProblem {
  /** Path segments from the root of the value to the offending string, key or container. */
  path: string[];
  problem: string;
}

/**
 * The first problems (at most `limit`) that keep a parsed JSON value from being stored: bad strings (values
 * and property names), non-finite numbers (JSON `1e309` parses to Infinity, which JSON.stringify writes as
 * null) and nesting deeper than `maxDepth`. Never recurses past `maxDepth`, so a hostile value cannot
 * overflow the stack here either.
 */
export function storageProblems(value: unknown, maxDepth = MAX_NESTING, limit = 20): StorageProblem[] {
  const out: StorageProblem[] = [];
  const visit = (item: unknown, path: string[], depth: number): void => {
    if (out.length >= limit) return;
    if (typeof item === 'string') {
      const problem = textProblem(item);
      if (problem) out.push({ path, problem });
      return;
    }
    if (typeof item === 'number') {
      if (!Number.isFinite(item)) out.push({ path, problem: 'is not a finite number' });
      return;
    }
    if (item === null || typeof item !== 'object') return;
    if (depth >= maxDepth) {
      out.push({ path, problem: `is nested deeper than ${maxDepth} levels` });
      return;
    }
    for (const [key, child] of Object.entries(item as Record<string, unknown>)) {
      const keyProblem = textProblem(key);
      if (keyProblem) out.push({ path: [...path, key], problem: `has a property name that ${keyProblem}` });
      else visit(child, [...path, key], depth + 1);
      if (out.length >= limit) return;
    }
  };
  visit(value, [], 0);
  return out;
}

/** Number of characters as PostgreSQL counts them for varchar(n): code points, after the NFC the services apply. */
export function charCount(value: string): number {
  return Math.max(Array.from(value).length, Array.from(value.normalize('NFC')).length);
}

/**
 * At most `max` characters as the database column counts them. class-validator's Length counts a letter
 * followed by a variation selector (U+FE0F) as one character, and NFC turns some single characters into
 * two (U+0958 → U+0915 U+093C), so a value passing Length(1, 200) could still overflow varchar(200).
 * Put it next to Length(min, max): it reports only what Length lets through. Rule name: `maxChars`.
 */
export function MaxChars(max: number, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'maxChars',
      target: target.constructor,
      propertyName: String(propertyName),
      constraints: [max],
      options: {
        message: (args: ValidationArguments) =>
          `${args.property} must be at most ${max} characters (Unicode code points, after NFC normalization)`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value !== 'string' || !length(value, 0, max) || charCount(value) <= max,
      },
    });
}
