import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * Test support: a real HTTP server on an ephemeral 127.0.0.1 port serving media files with Range support
 * (like the server's signed media URLs), plus endless MP3-like live streams. Misbehaviour is scripted per
 * file: corrupt bytes, connections cut half-way, error statuses, slow transfers.
 */

export interface FileBehaviour {
  /** The first N responses carry one flipped byte (checksum mismatch). */
  corruptFirst?: number;
  /** The first response is cut after this many bytes (the client resumes with Range). */
  cutFirstAt?: number;
  /** Every request answers this status (e.g. 403 for an expired URL, 404). */
  status?: number;
  /** Sends the body in 4 KiB pieces with this pause between them (slow link, for concurrency). */
  chunkDelayMs?: number;
}

export interface ServedFile {
  url: string;
  sha256: string;
  size: number;
  bytes: Buffer;
}

export interface StreamBehaviour {
  chunkBytes?: number;
  intervalMs?: number;
  /** Ends the stream after this many chunks (default: endless until closed). */
  chunks?: number;
  /** Answers this status instead of streaming. */
  status?: number;
}

export interface RequestLog {
  path: string;
  range?: string;
  /** Server receive time (real clock). */
  at: number;
}

export class MediaServer {
  readonly requests: RequestLog[] = [];
  /** Highest number of file transfers open at once. */
  maxConcurrent = 0;
  private concurrent = 0;
  private readonly files = new Map<string, { bytes: Buffer; behaviour: FileBehaviour; served: number }>();
  private readonly streams = new Map<string, StreamBehaviour>();
  private readonly listeners = new Map<string, Set<ServerResponse>>();
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: ReturnType<typeof createServer>,
    readonly base: string,
  ) {}

  static async start(): Promise<MediaServer> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const media = new MediaServer(server, `http://127.0.0.1:${port}`);
    server.on('request', (req, res) => media.handle(req, res));
    server.on('connection', (socket) => {
      media.sockets.add(socket);
      socket.on('close', () => media.sockets.delete(socket));
    });
    return media;
  }

  /** Serves `bytes` at /media/<name>. */
  addFile(name: string, bytes: Buffer, behaviour: FileBehaviour = {}): ServedFile {
    this.files.set(name, { bytes, behaviour, served: 0 });
    return {
      url: `${this.base}/media/${name}?sig=test`,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.length,
      bytes,
    };
  }

  /** Serves a live stream at /live/<name>. */
  addStream(name: string, behaviour: StreamBehaviour = {}): string {
    this.streams.set(name, behaviour);
    return `${this.base}/live/${name}.mp3?sig=test`;
  }

  /** Ends every listener of a stream (the relay went away). */
  endStream(name: string): void {
    for (const res of this.listeners.get(name) ?? []) res.end();
  }

  /** Open listeners of a stream. */
  listenersOf(name: string): number {
    return this.listeners.get(name)?.size ?? 0;
  }

  requestsFor(name: string): RequestLog[] {
    return this.requests.filter((r) => r.path === `/media/${name}` || r.path === `/live/${name}.mp3`);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.base);
    this.requests.push({ path: url.pathname, range: req.headers.range, at: Date.now() });
    const media = /^\/media\/([^/]+)$/.exec(url.pathname);
    const live = /^\/live\/([^/]+)\.mp3$/.exec(url.pathname);
    if (media) return this.serveFile(media[1], req, res);
    if (live) return this.serveStream(live[1], res);
    res.writeHead(404).end();
  }

  private serveFile(name: string, req: IncomingMessage, res: ServerResponse): void {
    const file = this.files.get(name);
    if (!file) return void res.writeHead(404).end();
    const { behaviour } = file;
    if (behaviour.status) return void res.writeHead(behaviour.status).end();
    const attempt = file.served++;
    let body = file.bytes;
    if (attempt < (behaviour.corruptFirst ?? 0)) {
      body = Buffer.from(body);
      body[body.length >> 1] ^= 0xff;
    }
    const size = body.length;
    let start = 0;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (range) {
      start = Number(range[1]);
      const end = range[2] ? Number(range[2]) : size - 1;
      if (start >= size) return void res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
      body = body.subarray(start, end + 1);
      res.writeHead(206, {
        'content-length': body.length,
        'content-range': `bytes ${start}-${start + body.length - 1}/${size}`,
        'accept-ranges': 'bytes',
      });
    } else {
      res.writeHead(200, { 'content-length': size, 'accept-ranges': 'bytes' });
    }
    this.concurrent++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.concurrent);
    res.on('close', () => this.concurrent--);
    if (attempt === 0 && behaviour.cutFirstAt !== undefined) {
      const keep = Math.max(0, behaviour.cutFirstAt - start);
      res.write(body.subarray(0, keep), () => setTimeout(() => res.destroy(), 20));
      return;
    }
    if (!behaviour.chunkDelayMs) return void res.end(body);
    let offset = 0;
    const next = () => {
      if (res.destroyed) return;
      const piece = body.subarray(offset, offset + 4096);
      offset += piece.length;
      if (offset >= body.length) return void res.end(piece);
      res.write(piece);
      setTimeout(next, behaviour.chunkDelayMs);
    };
    next();
  }

  private serveStream(name: string, res: ServerResponse): void {
    const behaviour = this.streams.get(name);
    if (!behaviour) return void res.writeHead(404).end();
    if (behaviour.status) return void res.writeHead(behaviour.status).end();
    res.writeHead(200, { 'content-type': 'audio/mpeg', 'cache-control': 'no-cache' });
    const set = this.listeners.get(name) ?? new Set<ServerResponse>();
    this.listeners.set(name, set);
    set.add(res);
    let sent = 0;
    const chunk = Buffer.alloc(behaviour.chunkBytes ?? 1024, 0xaa);
    const timer = setInterval(() => {
      if (behaviour.chunks !== undefined && sent >= behaviour.chunks) return void res.end();
      res.write(chunk);
      sent++;
    }, behaviour.intervalMs ?? 20);
    res.on('close', () => {
      clearInterval(timer);
      set.delete(res);
    });
  }
}
