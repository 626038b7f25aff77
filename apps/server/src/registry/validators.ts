import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date written YYYY-MM-DD that exists (no 2025-02-30). Rule name: `isDateOnly`. */
export function IsDateOnly(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isDateOnly',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: (args: ValidationArguments) => `${args.property} must be a date written YYYY-MM-DD`,
        ...options,
      },
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'string') return false;
          const match = DATE_ONLY.exec(value);
          if (!match) return false;
          const [year, month, day] = match.slice(1).map(Number);
          // Local-time conversions (libs/schedule) and storage work with four-digit years from 1000.
          if (year < 1000) return false;
          const date = new Date(Date.UTC(year, month - 1, day));
          return (
            date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
          );
        },
      },
    });
}

/* class-transformer helpers shared by the registry DTOs (query strings arrive as text). */
type TransformInput = { value: unknown };

/** Strings lose surrounding spaces. */
export const trimmed = ({ value }: TransformInput): unknown =>
  typeof value === 'string' ? value.trim() : value;

/** A blank search (`?q=`) is no search. */
export const searchText = ({ value }: TransformInput): unknown =>
  typeof value === 'string' ? value.trim() || undefined : value;

/** `true` / `false` in a query string; anything else is left for @IsBoolean to refuse. */
export const queryBoolean = ({ value }: TransformInput): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

/** `a,b` (or a repeated parameter) → an array; empty items are dropped, nothing left means no filter. */
export const commaList = ({ value }: TransformInput): unknown => {
  if (typeof value !== 'string') return value;
  const items = value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  return items.length ? items : undefined;
};
