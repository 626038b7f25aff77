import type { BadRequestException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { validationFailed } from '../common/validation';

/** True when a statement failed on a unique constraint (optionally a given one): a lost race on a pre-check. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; constraint?: string } | undefined;
  return driverError?.code === '23505' && (!constraint || driverError.constraint === constraint);
}

/** A 400 about one field, in the same shape as the validation pipe's. */
export function fieldError(field: string, rule: string, message: string): BadRequestException {
  return validationFailed([{ field, rule, message }]);
}
