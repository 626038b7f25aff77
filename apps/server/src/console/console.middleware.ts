import type { NextFunction, Request, Response } from 'express';
import { resolve } from 'node:path';
import type { AppConfig } from '../config/app-config';
import { ConsoleAssets } from './console-assets';

/** Paths the server itself answers: never the console's, whatever the Accept header says. */
const SERVER_PATHS = /^\/(api|health|metrics|live|media)(\/|$)/;

/**
 * Serves the web console: hashed assets under /assets (immutable), and index.html for every other
 * GET a browser makes for a page, so that /fleet/abc can be bookmarked. The page gets a strict
 * Content-Security-Policy (scripts only from here) and the settings it needs in a <meta> tag.
 */
export function consoleMiddleware(config: AppConfig, version: string) {
  if (config.consoleDir === 'off') return (_req: Request, _res: Response, next: NextFunction) => next();
  const assets = new ConsoleAssets(resolve(config.consoleDir));
  const csp = contentSecurityPolicy(config.mapTileUrl);
  const meta = escapeAttribute(
    JSON.stringify({
      tileUrl: config.mapTileUrl,
      tileAttribution: config.mapTileAttribution,
      timeZone: config.timeZone,
      version,
    }),
  );

  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const path = req.path;
    if (SERVER_PATHS.test(path)) return next();
    const encoding = String(req.headers['accept-encoding'] ?? '');

    if (path.startsWith('/assets/')) {
      assets
        .asset(path.slice(1), encoding)
        .then((file) => {
          if (!file) return next();
          res.setHeader('Content-Type', file.type);
          res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
          res.setHeader('Vary', 'Accept-Encoding');
          if (file.encoding) res.setHeader('Content-Encoding', file.encoding);
          res.setHeader('Content-Length', String(file.body.length));
          res.end(req.method === 'HEAD' ? undefined : file.body);
        })
        .catch(next);
      return;
    }

    // A page: only for browsers asking for HTML (a navigation always does), so API clients and scripts
    // (Accept */* or JSON) still get the server's JSON 404 for an unknown path.
    const accept = String(req.headers.accept ?? '');
    if (path.includes('.') || !accept.includes('text/html')) return next();
    assets
      .indexHtml()
      .then((html) => {
        res.setHeader('Cache-Control', 'no-cache');
        res.setHeader('Content-Security-Policy', csp);
        res.setHeader('Referrer-Policy', 'same-origin');
        res.setHeader('Permissions-Policy', 'microphone=(self), camera=(), geolocation=(self)');
        if (!html) {
          res
            .status(503)
            .type('text/plain; charset=utf-8')
            .send(
              `The web console is not built in ${config.consoleDir}: run "npm run build:console" (npm start does it).\n`,
            );
          return;
        }
        const body = html.replace('<!--loa-config-->', `<meta name="loa-config" content="${meta}" />`);
        res.type('text/html; charset=utf-8').send(body);
      })
      .catch(next);
  };
}

/** Scripts, styles and connections only to this server; map tiles also from MAP_TILE_URL's host. */
export function contentSecurityPolicy(tileUrl: string): string {
  const tiles = tileUrl ? ` ${tileSource(tileUrl)}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: blob:${tiles}`,
    "media-src 'self' blob:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** `https://{s}.tile.example.org/{z}/{x}/{y}.png` → `https://*.tile.example.org`. */
function tileSource(template: string): string {
  const match = /^(https?:\/\/[^/]+)/.exec(template.replace(/\{s\}/g, '*'));
  return match ? match[1].replace(/\{[^}]*\}/g, '*') : '';
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
