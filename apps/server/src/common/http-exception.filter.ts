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
    const body = toErrorBody(exception);
    if (body.statusCode >= 500) this.logger.error({ err: exception, path: req.url }, 'request failed');
    if (res.headersSent) return;
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
    const message =
      type === 'entity.too.large'
        ? 'request body is larger than the limit'
        : type === 'entity.parse.failed'
          ? 'request body is not valid JSON'
          : ((exception as Error).message ?? 'bad request');
    return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message };
  }
  return { statusCode: 500, error: 'Internal Server Error', message: 'internal error' };
}
