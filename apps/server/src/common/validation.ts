import { IsISO8601, Matches, ValidateIf } from 'class-validator';
import {
  BadRequestException,
  UnsupportedMediaTypeException,
  ValidationPipe,
  type ArgumentMetadata,
  type ValidationError,
} from '@nestjs/common';
import { UNREAD_MULTIPART } from './body-parsers';
import { storageProblems } from './text';

export interface FieldError {
  /** Dotted path of the offending field, e.g. `location.latitude`. */
  field: string;
  /** The rule it broke, e.g. `isEnum`, `maxLength`, `whitelistValidation`. */
  rule: string;
  message: string;
}

/** Flattens class-validator errors (nested DTOs included) into field/rule pairs. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    for (const [rule, message] of Object.entries(error.constraints ?? {})) out.push({ field, rule, message });
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, field));
  }
  return out;
}

/** The 400 every invalid request gets: which field, which rule, in words. */
export function validationFailed(errors: FieldError[]): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: errors.map((e) => e.message).join('; '),
    errors,
  });
}

/**
 * Refuses, before any DTO rule runs, request input the database cannot store: a string with U+0000 or an
 * unpaired surrogate (in a value or a property name), a non-finite number, nesting deeper than MAX_NESTING
 * (class-transformer copies unknown nested values recursively and overflows the stack on a body nested
 * tens of thousands of levels deep). Applies to bodies (a text/csv body included), query strings and route
 * parameters of every route, whatever their DTO says.
 */
class StorableInputValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && value === UNREAD_MULTIPART)
      throw new UnsupportedMediaTypeException(
        'multipart/form-data is accepted only by file uploads: send JSON with Content-Type: application/json',
      );
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      const fieldOf = (path: string[]) => [metadata.data, ...path].filter(Boolean).join('.') || metadata.type;
      const problems = storageProblems(value);
      if (problems.length > 0) {
        throw validationFailed(
          problems.map(({ path, problem }) => {
            const field = fieldOf(path);
            return { field, rule: 'storable', message: `${field} ${problem}` };
          }),
        );
      }
      const reserved = reservedKeyPaths(value);
      if (reserved.length > 0) {
        throw validationFailed(
          reserved.map((path) => {
            const field = fieldOf(path);
            return { field, rule: 'whitelistValidation', message: `property ${field} should not exist` };
          }),
        );
      }
    }
    return super.transform(value, metadata);
  }
}

/**
 * Property names no request of this API uses, which would otherwise vanish without an error: Nest's
 * ValidationPipe deletes `__proto__`, `prototype` and `constructor` (prototype-pollution guard), and
 * class-transformer skips any name of a method the object inherits (`toString`, `hasOwnProperty`, …), so the
 * whitelist never sees them: `{"name":"x","toString":1}` would pass as `{"name":"x"}`, at any depth (command
 * params included). Report them as the unknown fields they are. The value has passed storageProblems, so it
 * is at most MAX_NESTING deep.
 */
function isSwallowedKey(key: string): boolean {
  return key === 'prototype' || Object.hasOwn(Object.prototype, key);
}

function reservedKeyPaths(value: unknown, path: string[] = [], out: string[][] = []): string[][] {
  if (value === null || typeof value !== 'object') return out;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (isSwallowedKey(key)) out.push([...path, key]);
    else reservedKeyPaths(child, [...path, key], out);
  }
  return out;
}

/** Global pipe: whitelist DTO fields (unknown ones are an error), transform to DTO classes. */
export function createValidationPipe(): ValidationPipe {
  return new StorableInputValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => validationFailed(flattenValidationErrors(errors)),
  });
}

/**
 * For optional fields that may be left out but not set to null: validated whenever present, so `null`
 * gets a 400 naming the field instead of reaching a NOT NULL column. (IsOptional lets null through.)
 */
export const OptionalNotNull = (): PropertyDecorator =>
  ValidateIf((_object: object, value: unknown) => value !== undefined);

/** For optional fields where null means "none": validated only when neither undefined nor null. */
export const OptionalNullable = (): PropertyDecorator =>
  ValidateIf((_object: object, value: unknown) => value !== undefined && value !== null);

/** A date and a time with its zone: a bare date or local time would depend on the reader's zone. */
const WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** An ISO 8601 instant with its zone (2026-01-31T05:30:00+07:00 or …Z), named in the message. */
export function IsZonedInstant(): PropertyDecorator {
  return (target: object, property: string | symbol) => {
    const message = `${String(property)} must be an ISO 8601 instant with its zone, e.g. 2026-01-31T05:30:00+07:00 or 2026-01-30T22:30:00Z`;
    Matches(WITH_ZONE, { message })(target, property as string);
    IsISO8601({ strict: true, strictSeparator: true }, { message })(target, property as string);
  };
}
