import { Logger } from '@nestjs/common';
import { STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { PassThrough, type Readable } from 'node:stream';
import type { SourceCredentials, SourceSlot } from './live-source';
import { SourceRefused } from './live-source';
import { basicCredentials, classifyConnection, parseSourceHead, sessionOfMount } from './icecast-request';
import { isAcceptedContentType } from './transcoder';

/** Longest request head a source may send. */
const MAX_HEAD = 16 * 1024;
/** A connection that sends nothing this long is handed to the HTTP server (which has its own timeouts). */
const SNIFF_TIMEOUT_MS = 10_000;
/** A source silent this long is gone. */
const SOURCE_IDLE_MS = 30_000;

type ConnectionListener = (socket: Socket) => void;

export type OpenSource = (sessionId: string, credentials: SourceCredentials) => Promise<SourceSlot>;

/**
 * Icecast source clients on the API's own port. An Icecast source request (`SOURCE` or `PUT /live/<id>`) has
 * an unbounded body without Content-Length or chunked framing, which Node's HTTP parser cannot read, so the
 * first bytes of every new connection are looked at before the parser gets them: source requests are served
 * here, everything else is handed on untouched (the parser then reads the same bytes).
 */
export class IcecastIngress {
  private readonly logger = new Logger('LiveIcecast');
  private httpListeners: ConnectionListener[] = [];
  private readonly sniffing = new Set<Socket>();
  private readonly sources = new Set<Socket>();
  private server: Server | null = null;
  private readonly onConnection = (socket: Socket) => this.sniff(socket);

  constructor(private readonly openSource: OpenSource) {}

  attach(server: Server): void {
    this.server = server;
    this.httpListeners = server.listeners('connection') as ConnectionListener[];
    server.removeAllListeners('connection');
    server.on('connection', this.onConnection);
  }

  detach(): void {
    const server = this.server;
    if (!server) return;
    server.removeListener('connection', this.onConnection);
    for (const listener of this.httpListeners) server.on('connection', listener);
    for (const socket of [...this.sniffing, ...this.sources]) socket.destroy();
    this.server = null;
  }

  private sniff(socket: Socket): void {
    this.sniffing.add(socket);
    let buffered = Buffer.alloc(0);
    const onError = () => socket.destroy();
    const done = () => {
      clearTimeout(timer);
      socket.removeListener('data', onData);
      socket.removeListener('error', onError);
      this.sniffing.delete(socket);
    };
    const handOver = () => {
      done();
      socket.pause();
      if (buffered.length) socket.unshift(buffered);
      const server = this.server;
      if (!server) return void socket.destroy();
      for (const listener of this.httpListeners) listener.call(server, socket);
      socket.resume();
    };
    const onData = (chunk: Buffer) => {
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      const verdict = classifyConnection(buffered);
      if (verdict === 'no') return handOver();
      if (verdict === 'maybe') return;
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buffered.length > MAX_HEAD) {
          done();
          reply(socket, 431, 'request head too large');
        }
        return;
      }
      done();
      socket.pause();
      const head = buffered.subarray(0, end).toString('latin1');
      const rest = buffered.subarray(end + 4);
      void this.serve(socket, head, rest).catch((err: Error) => {
        this.logger.error({ err }, 'source connection failed');
        socket.destroy();
      });
    };
    const timer = setTimeout(handOver, SNIFF_TIMEOUT_MS);
    socket.on('data', onData);
    socket.on('error', onError);
  }

  private async serve(socket: Socket, headText: string, rest: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const head = parseSourceHead(headText);
    if (!head || (head.method !== 'SOURCE' && head.method !== 'PUT'))
      return reply(socket, 400, 'malformed source request');
    const sessionId = sessionOfMount(head.path);
    if (!sessionId) return reply(socket, 404, 'no such mount: use /live/<session id>');
    if (/chunked/i.test(head.headers['transfer-encoding'] ?? ''))
      return reply(socket, 501, 'chunked source bodies are not supported: stream the audio unframed');
    const contentType = head.headers['content-type'];
    if (!isAcceptedContentType(contentType))
      return reply(
        socket,
        415,
        `unsupported content type ${contentType}: send MP3, Ogg, WebM, AAC, FLAC or WAV`,
      );
    const credentials = basicCredentials(head.headers.authorization);
    if (!credentials || credentials.user !== 'source')
      return reply(socket, 401, 'authentication required: user "source" and the session’s ingest password');

    let slot: SourceSlot;
    try {
      slot = await this.openSource(sessionId, { password: credentials.password });
    } catch (err) {
      if (err instanceof SourceRefused) return reply(socket, err.status, err.message);
      throw err;
    }
    if (socket.destroyed) return slot.cancel();
    // Icecast 2.4 answers an `Expect: 100-continue` PUT with 100 and then just reads; others get 200 at once.
    const expect = /100-continue/i.test(head.headers.expect ?? '');
    socket.write(expect ? 'HTTP/1.1 100 Continue\r\n\r\n' : 'HTTP/1.0 200 OK\r\nServer: loa-xa\r\n\r\n');
    this.sources.add(socket);
    socket.once('close', () => this.sources.delete(socket));
    socket.setTimeout(SOURCE_IDLE_MS, () => socket.destroy());
    if (rest.length) socket.unshift(rest);
    const declared = Number(head.headers['content-length']);
    const stream: Readable =
      Number.isSafeInteger(declared) && declared >= 0 ? limited(socket, declared) : socket;
    this.logger.log({ sessionId, method: head.method, contentType }, 'Icecast source connected');
    slot.feed({
      kind: 'icecast',
      contentType,
      stream,
      close: () => {
        if (!socket.destroyed) socket.end();
        setTimeout(() => socket.destroy(), 1000).unref();
      },
    });
    socket.resume();
  }
}

/** The first `length` bytes of a socket as their own stream (a source that did send a Content-Length). */
function limited(socket: Socket, length: number): Readable {
  const out = new PassThrough();
  let left = length;
  socket.on('data', (chunk: Buffer) => {
    if (left <= 0) return;
    const part = chunk.length > left ? chunk.subarray(0, left) : chunk;
    left -= part.length;
    if (!out.write(part)) {
      socket.pause();
      out.once('drain', () => socket.resume());
    }
    if (left <= 0) out.end();
  });
  socket.once('close', () => out.end());
  return out;
}

function reply(socket: Socket, status: number, message: string): void {
  const extra = status === 401 ? 'WWW-Authenticate: Basic realm="loa-xa live"\r\n' : '';
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.0 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n${extra}\r\n${body}`,
  );
  setTimeout(() => socket.destroy(), 1000).unref();
}
