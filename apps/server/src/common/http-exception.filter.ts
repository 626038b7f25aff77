import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';

/**
 * One error body shape for every failure: `{statusCode, error, message, errors?, requestId}`.
 * Unexpected errors are logged with their stack and answered with a bare 500 (no internals leak).
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request & { id?: string }>();
    const body = completeErrorBody(toErrorBody(exception), req.params);
    if (body.statusCode >= 500) this.logger.error({ err: exception, path: req.url }, 'request failed');
    if (res.headersSent) return;
    if (typeof body.retryAfter === 'number') res.setHeader('Retry-After', String(body.retryAfter));
    res.status(body.statusCode).json({ ...body, requestId: req.id });
  }
}

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  [key: string]: unknown;
}

export function toErrorBody(exception: unknown): ErrorBody {
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    if (typeof response === 'object' && response !== null) {
      const r = response as Record<string, unknown>;
      const message = Array.isArray(r.message)
        ? r.message.join('; ')
        : String(r.message ?? exception.message);
      return { ...r, statusCode: status, error: String(r.error ?? STATUS_CODES[status] ?? 'Error'), message };
    }
    return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message: String(response) };
  }
  // body-parser and friends throw errors carrying an HTTP status (413, 400 for bad JSON, 415).
  const status = (exception as { status?: unknown; statusCode?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const type = (exception as { type?: string }).type;
    if (type === 'entity.parse.failed') {
      const message = notJsonMessage((exception as { body?: unknown }).body);
      return {
        statusCode: status,
        error: STATUS_CODES[status] ?? 'Error',
        message,
        errors: [{ field: 'body', rule: 'json', message }],
      };
    }
    const limit = (exception as { limit?: unknown }).limit;
    const message =
      type === 'entity.too.large'
        ? `request body is larger than the limit${typeof limit === 'number' ? ` of ${limit} bytes` : ''}`
        : ((exception as Error).message ?? 'bad request');
    return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message };
  }
  return { statusCode: 500, error: 'Internal Server Error', message: 'internal error' };
}

/**
 * body-parser refuses, besides text that is not JSON at all, a JSON document that is not an object or an
 * array (`"text"`, `42`, `null`): say which.
 */
function notJsonMessage(body: unknown): string {
  if (typeof body === 'string') {
    try {
      const value: unknown = JSON.parse(body);
      const kind = value === null ? 'null' : typeof value === 'string' ? 'a string' : `a ${typeof value}`;
      return `request body must be a JSON object, not ${kind}`;
    } catch {
      // not JSON at all
    }
  }
  return 'request body is not valid JSON';
}

/**
 * Every 400 names what is wrong in `errors` ({field, rule, message}): a route parameter that is not a UUID by
 * its name, and a refusal of the body as a whole (an empty CSV, one that is not UTF-8, no file) as `body`.
 */
export function completeErrorBody(body: ErrorBody, params?: Record<string, unknown>): ErrorBody {
  const named = withParamErrors(body, params);
  if (named.statusCode !== 400 || (Array.isArray(named.errors) && named.errors.length > 0)) return named;
  return { ...named, errors: [{ field: 'body', rule: 'invalid', message: named.message }] };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Nest's ParseUUIDPipe answers "Validation failed (uuid is expected)" without saying which route parameter
 * is wrong: name it, in the same `errors` shape as every other 400.
 */
function withParamErrors(body: ErrorBody, params: Record<string, unknown> | undefined): ErrorBody {
  if (
    body.statusCode !== 400 ||
    Array.isArray(body.errors) ||
    !/^Validation failed \(uuid\b/.test(body.message)
  )
    return body;
  const wrong = Object.entries(params ?? {}).filter(
    ([, value]) => typeof value !== 'string' || !UUID.test(value),
  );
  if (wrong.length === 0) return body;
  const errors = wrong.map(([field]) => ({ field, rule: 'isUuid', message: `${field} must be a UUID` }));
  return { ...body, message: errors.map((e) => e.message).join('; '), errors };
}
