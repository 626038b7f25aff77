import { UnsupportedMediaTypeException, type INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { json, text } from 'express';
import { completeErrorBody, toErrorBody } from './http-exception.filter';

/**
 * Body parsers with explicit limits. Their errors (413, malformed JSON) happen before Nest's router, so
 * they get the same JSON error body here instead of Express's HTML page.
 */
export function installBodyParsers(app: INestApplication, limits: { json: number; csv: number }): void {
  app.use(json({ limit: limits.json }));
  app.use(text({ type: ['text/csv', 'text/plain'], limit: limits.csv }));
  app.use(refuseUnreadBodies);
  app.use((err: unknown, req: Request & { id?: string }, res: Response, next: NextFunction) => {
    if (!err) return next();
    const body = completeErrorBody(toErrorBody(err));
    res.status(body.statusCode).json({ ...body, requestId: req.id });
  });
}

/**
 * Stands for a multipart/form-data body until an upload route's interceptor (multer) reads it and replaces
 * `req.body`; a route that takes JSON gets this instead, and the validation pipe refuses it with 415.
 */
export const UNREAD_MULTIPART: Readonly<Record<string, never>> = Object.freeze({});

/**
 * A body no parser read (`application/xml`, a form, no Content-Type at all) would reach the route as no body:
 * a PATCH would answer 200 having changed nothing. Refuse it with 415 instead. Multipart bodies are read
 * later, by the upload route's own interceptor (see UNREAD_MULTIPART).
 */
function refuseUnreadBodies(req: Request, _res: Response, next: NextFunction): void {
  const length = req.headers['content-length'];
  const hasBody = req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  const type = req.headers['content-type'] ?? '';
  if (!hasBody || req.body !== undefined) return next();
  if (/^multipart\/form-data\b/i.test(type)) {
    req.body = UNREAD_MULTIPART;
    return next();
  }
  next(
    new UnsupportedMediaTypeException(
      type
        ? `Content-Type ${type.split(';')[0].trim()} is not accepted: send JSON (application/json), or CSV (text/csv) to an import`
        : 'the request has a body but no Content-Type: send JSON with Content-Type: application/json',
    ),
  );
}
