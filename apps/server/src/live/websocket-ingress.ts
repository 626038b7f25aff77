import { Logger } from '@nestjs/common';
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, createWebSocketStream } from 'ws';
import type { Principal } from '../access/scope';
import type { OpenSource } from './icecast-ingress';
import { SourceRefused, type SourceCredentials } from './live-source';
import { isAcceptedContentType } from './transcoder';

const PATH =
  /^\/api\/v1\/live\/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\/ws$/;
/** MediaRecorder chunks are small; this bounds what one message may make the server hold. */
const MAX_MESSAGE_BYTES = 1024 * 1024;

/** Signs in the caller of an upgrade request (session cookie or bearer token), or throws. */
export type AuthenticateUpgrade = (req: IncomingMessage) => Promise<Principal>;

/**
 * Browser sources: a WebSocket at /api/v1/live/<id>/ws on the API's HTTP server whose binary messages are
 * MediaRecorder chunks (WebM/Opus, or Ogg/Opus from Firefox: `?type=audio/ogg`). Upgrades to other paths are
 * left alone for whoever else listens (and refused when nobody does, as Node would).
 */
export class WebSocketIngress {
  private readonly logger = new Logger('LiveWebSocket');
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  private server: Server | null = null;
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) =>
    this.upgrade(req, socket, head);

  constructor(
    private readonly openSource: OpenSource,
    private readonly authenticate: AuthenticateUpgrade,
    private readonly allowedOrigins: readonly string[],
  ) {}

  attach(server: Server): void {
    this.server = server;
    server.on('upgrade', this.onUpgrade);
  }

  detach(): void {
    this.server?.removeListener('upgrade', this.onUpgrade);
    this.server = null;
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = PATH.exec(url.pathname);
    if (!match) {
      if (this.server && this.server.listenerCount('upgrade') === 1) refuse(socket, 404, 'no WebSocket here');
      return;
    }
    socket.on('error', () => socket.destroy());
    void this.accept(req, socket, head, match[1].toLowerCase(), url).catch((err: Error) => {
      this.logger.error({ err }, 'WebSocket source failed');
      socket.destroy();
    });
  }

  private async accept(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    sessionId: string,
    url: URL,
  ): Promise<void> {
    const type = url.searchParams.get('type') ?? undefined;
    if (!isAcceptedContentType(type))
      return refuse(socket, 415, `unsupported type ${type}: audio/webm, audio/ogg or audio/mpeg`);
    const credentials = await this.credentials(req, url);
    if (!credentials) return refuse(socket, 401, 'sign in, or give the ingest password as ?password=');
    if (credentials === 'cross-site') return refuse(socket, 403, 'cross-site WebSocket refused');
    let slot;
    try {
      slot = await this.openSource(sessionId, credentials);
    } catch (err) {
      if (err instanceof SourceRefused) return refuse(socket, err.status, err.message);
      throw err;
    }
    if (socket.destroyed) return slot.cancel();
    const accepted = slot;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const stream = createWebSocketStream(ws);
      stream.on('error', () => ws.terminate());
      this.logger.log({ sessionId, type }, 'WebSocket source connected');
      accepted.feed({
        kind: 'websocket',
        contentType: type,
        stream,
        close: (reason) => {
          if (ws.readyState === ws.OPEN) ws.close(1000, reason.slice(0, 120));
          setTimeout(() => ws.terminate(), 1000).unref();
        },
      });
    });
  }

  /** The ingest password, or a signed-in user (a cookie only from our own pages: no cross-site hijacking). */
  private async credentials(
    req: IncomingMessage,
    url: URL,
  ): Promise<SourceCredentials | 'cross-site' | null> {
    const password = url.searchParams.get('password');
    if (password) return { password };
    const origin = req.headers.origin;
    if (!req.headers.authorization && origin !== undefined) {
      const own = [`http://${req.headers.host ?? ''}`, `https://${req.headers.host ?? ''}`];
      if (!own.includes(origin) && !this.allowedOrigins.includes(origin)) return 'cross-site';
    }
    try {
      return { principal: await this.authenticate(req) };
    } catch {
      return null;
    }
  }
}

function refuse(socket: Duplex, status: number, message: string): void {
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  setTimeout(() => socket.destroy(), 1000).unref();
}
