import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

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

/** Global pipe: whitelist DTO fields (unknown ones are an error), transform to DTO classes. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => validationFailed(flattenValidationErrors(errors)),
  });
}
