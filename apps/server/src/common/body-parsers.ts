import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { json, text } from 'express';
import { toErrorBody } from './http-exception.filter';

/**
 * Body parsers with explicit limits. Their errors (413, malformed JSON) happen before Nest's router, so
 * they get the same JSON error body here instead of Express's HTML page.
 */
export function installBodyParsers(app: INestApplication, limits: { json: number; csv: number }): void {
  app.use(json({ limit: limits.json }));
  app.use(text({ type: ['text/csv', 'text/plain'], limit: limits.csv }));
  app.use((err: unknown, req: Request & { id?: string }, res: Response, next: NextFunction) => {
    if (!err) return next();
    const body = toErrorBody(err);
    res.status(body.statusCode).json({ ...body, requestId: req.id });
  });
}
