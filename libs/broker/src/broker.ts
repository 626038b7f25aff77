import {
  createServer as createNetServer,
  type AddressInfo,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import Aedes, { type AedesPublishPacket, type Client, type PublishPacket } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { MAX_PACKET_BYTES, type DropReason } from '@loa-xa/protocol';
import { mayPublish, maySubscribe, type BrokerPrincipal } from './access-policy';
import { limitPacketSize } from './packet-limit';
import { TokenBucket, type RateLimit } from './rate-limiter';

export type AuthResult =
  | { ok: true; principal: BrokerPrincipal }
  | { ok: false; reason: 'bad_credentials' | 'revoked' | 'unknown_client' | 'client_id_mismatch' };

export interface BrokerHooks {
  /** Checks a CONNECT's credentials. Called once per connection. */
  authenticate(
    clientId: string,
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<AuthResult>;
  /** A message the broker refused (foreign topic, oversize, over the rate limit): counted by the caller. */
  onDrop?(reason: DropReason, clientId: string | undefined, topic: string | undefined): void;
  /** A connection the broker refused at CONNECT. */
  onAuthFailure?(reason: string, clientId: string | undefined): void;
  onClientConnected?(principal: BrokerPrincipal, clientId: string): void;
  onClientDisconnected?(principal: BrokerPrincipal, clientId: string): void;
}

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
  ca?: Buffer;
}

export interface BrokerOptions {
  host: string;
  /** 0 picks a free port; null disables the listener. */
  tcpPort: number | null;
  wsPort: number | null;
  tlsPort: number | null;
  wssPort: number | null;
  tls?: TlsFiles;
  maxPacketBytes?: number;
  hooks: BrokerHooks;
  /** aedes heartbeat for $SYS and keepalive checks. */
  heartbeatIntervalMs?: number;
  /**
   * Publishes each device client may make (a token bucket per connection); beyond it they are acknowledged
   * but dropped and counted as `rate_limited`. Service principals (the server) and wills are exempt.
   * Absent: no limit.
   */
  rateLimit?: RateLimit;
  /** Monotonic clock in ms for the rate limit (tests); performance.now() by default. */
  now?: () => number;
}

export interface BrokerAddresses {
  tcp?: string;
  ws?: string;
  tls?: string;
  wss?: string;
}

const PRINCIPAL = Symbol('loa.principal');
const DENIED = Symbol('loa.denied');
const BUCKET = Symbol('loa.bucket');
type ClientWithPrincipal = Client & {
  [PRINCIPAL]?: BrokerPrincipal;
  [BUCKET]?: TokenBucket;
  will?: unknown;
};
type PacketWithMark = AedesPublishPacket & { [DENIED]?: true };

class ConnectRefused extends Error {
  constructor(
    message: string,
    readonly returnCode: 4 | 5,
  ) {
    super(message);
  }
}

/**
 * The embedded MQTT broker: aedes with TCP, WebSocket and (when certificates are given) TLS and WSS
 * listeners, per-cluster authentication and topic rights from the device contract, and a packet-size limit.
 */
export class EmbeddedBroker {
  readonly aedes: Aedes;
  private readonly servers: (NetServer | TlsServer | HttpServer)[] = [];
  private readonly wsServers: WebSocketServer[] = [];
  readonly addresses: BrokerAddresses = {};
  private readonly maxPacketBytes: number;
  private readonly now: () => number;

  constructor(private readonly options: BrokerOptions) {
    this.maxPacketBytes = options.maxPacketBytes ?? MAX_PACKET_BYTES;
    this.now = options.now ?? (() => performance.now());
    const hooks = options.hooks;
    this.aedes = new Aedes({
      heartbeatInterval: options.heartbeatIntervalMs ?? 60_000,
      // mqemitter queues deliveries beyond this many in flight and drains the queue recursively; with the
      // default 100 (and even 2000), 10,000 wills or offline statuses at one instant overflowed the stack.
      concurrency: 100_000,
      maxClientsIdLength: 64,
      authenticate: (client, username, password, done) => {
        hooks
          .authenticate(client.id, username, password)
          .then((result) => {
            if (result.ok) {
              (client as ClientWithPrincipal)[PRINCIPAL] = result.principal;
              return done(null, true);
            }
            hooks.onAuthFailure?.(result.reason, client.id);
            const code = result.reason === 'bad_credentials' ? 4 : 5;
            done(new ConnectRefused(result.reason, code), false);
          })
          .catch((err: unknown) => {
            hooks.onAuthFailure?.('error', client.id);
            done(new ConnectRefused(err instanceof Error ? err.message : 'authentication failed', 5), false);
          });
      },
      authorizePublish: (client, packet, done) => {
        // client is null when aedes republishes a will after a restart; wills were checked when registered.
        if (client === null) return done(null);
        const principal = (client as ClientWithPrincipal)[PRINCIPAL];
        // Drop silently (as Mosquitto does) instead of closing the connection, so a misconfigured or
        // flooding device keeps its other traffic flowing; the drop is counted. A QoS 1 publish is still
        // acknowledged, so the device does not retransmit it forever.
        if (!this.withinRate(client as ClientWithPrincipal, packet)) {
          (packet as PacketWithMark)[DENIED] = true;
          hooks.onDrop?.('rate_limited', client.id, packet.topic);
          return done(null);
        }
        if (principal && mayPublish(principal, packet.topic)) return done(null);
        (packet as PacketWithMark)[DENIED] = true;
        hooks.onDrop?.('topic', client.id, packet.topic);
        done(null);
      },
      authorizeSubscribe: (client, sub, done) => {
        const principal = (client as ClientWithPrincipal)[PRINCIPAL];
        if (principal && maySubscribe(principal, sub.topic)) return done(null, sub);
        hooks.onDrop?.('topic', client.id, sub.topic);
        done(null, null); // SUBACK 0x80 for this filter
      },
    });
    this.dropDeniedPublishes();
    this.aedes.on('client', (client) => {
      const principal = (client as ClientWithPrincipal)[PRINCIPAL];
      if (principal) hooks.onClientConnected?.(principal, client.id);
    });
    this.aedes.on('clientDisconnect', (client) => {
      delete (client as ClientWithPrincipal)[BUCKET]; // a new connection starts with a full bucket
      const principal = (client as ClientWithPrincipal)[PRINCIPAL];
      if (principal) hooks.onClientDisconnected?.(principal, client.id);
    });
  }

  /**
   * Spends one of a device connection's publish tokens. Services (the server's own clients) are not limited,
   * nor are wills: an `offline` status must never be lost because the device was chatty before it died.
   */
  private withinRate(client: ClientWithPrincipal, packet: PublishPacket): boolean {
    const limit = this.options.rateLimit;
    if (!limit || client[PRINCIPAL]?.kind !== 'device') return true;
    // A will reaches here as the client's own `will` object, or (from another broker) with a brokerId.
    if (packet === client.will || 'brokerId' in packet) return true;
    const now = this.now();
    let bucket = client[BUCKET];
    if (!bucket) bucket = client[BUCKET] = new TokenBucket(limit, now);
    return bucket.take(now);
  }

  /** aedes publishes whatever authorizePublish lets through; a marked packet is acknowledged but not routed. */
  private dropDeniedPublishes(): void {
    // aedes calls publish(packet, client, done) internally although its typings show (packet, done).
    type InternalPublish = (
      packet: PublishPacket,
      client: Client | null,
      done: (err?: Error) => void,
    ) => void;
    const publish = this.aedes.publish.bind(this.aedes) as unknown as InternalPublish;
    const guarded: InternalPublish = (packet, client, done) => {
      if ((packet as PacketWithMark)[DENIED]) return done();
      return publish(packet, client, done);
    };
    this.aedes.publish = guarded as unknown as typeof this.aedes.publish;
  }

  /** Hands a connection to aedes with the packet-size limit installed. */
  private handleConnection = (stream: Duplex, req?: IncomingMessage): void => {
    const client = this.aedes.handle(stream as Socket, req as IncomingMessage) as Client & {
      _parser: Parameters<typeof limitPacketSize>[0];
    };
    limitPacketSize(client._parser, this.maxPacketBytes, () => {
      this.options.hooks.onDrop?.('oversize', client.id, undefined);
      stream.destroy();
    });
  };

  async start(): Promise<BrokerAddresses> {
    const { host, tcpPort, wsPort, tlsPort, wssPort, tls } = this.options;
    if (tcpPort !== null) {
      const server = createNetServer(this.handleConnection);
      this.addresses.tcp = `mqtt://${hostForUrl(host)}:${await this.listen(server, tcpPort)}`;
    }
    if (wsPort !== null) {
      const server = createHttpServer((_req, res) => res.writeHead(426).end('MQTT over WebSocket only\n'));
      this.attachWebSocket(server);
      this.addresses.ws = `ws://${hostForUrl(host)}:${await this.listen(server, wsPort)}/mqtt`;
    }
    if (tls && tlsPort !== null) {
      const server = createTlsServer({ cert: tls.cert, key: tls.key, ca: tls.ca }, this.handleConnection);
      this.addresses.tls = `mqtts://${hostForUrl(host)}:${await this.listen(server, tlsPort)}`;
    }
    if (tls && wssPort !== null) {
      const server = createHttpsServer({ cert: tls.cert, key: tls.key, ca: tls.ca }, (_req, res) =>
        res.writeHead(426).end('MQTT over WebSocket only\n'),
      );
      this.attachWebSocket(server);
      this.addresses.wss = `wss://${hostForUrl(host)}:${await this.listen(server, wssPort)}/mqtt`;
    }
    return this.addresses;
  }

  private attachWebSocket(server: HttpServer): void {
    const wss = new WebSocketServer({ server, maxPayload: this.maxPacketBytes + 16 });
    wss.on('connection', (socket, req) => this.handleConnection(createWebSocketStream(socket), req));
    this.wsServers.push(wss);
  }

  private listen(server: NetServer | TlsServer | HttpServer, port: number): Promise<number> {
    this.servers.push(server);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.options.host, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  }

  /** Whether a client with this id holds a connection now (aedes keeps them in `clients`). */
  isConnected(clientId: string): boolean {
    return Boolean((this.aedes as unknown as { clients: Record<string, unknown> }).clients[clientId]);
  }

  /** Closes a client's connection as if the link dropped, so its will is published. */
  disconnect(clientId: string): void {
    const client = (this.aedes as unknown as { clients: Record<string, Client | undefined> }).clients[
      clientId
    ];
    client?.close();
  }

  /** Number of clients connected right now. */
  get connectedClients(): number {
    return this.aedes.connectedClients;
  }

  /** Closes the listeners and every client (their wills fire as for any lost connection). */
  async close(): Promise<void> {
    // Stop accepting first, then end the clients a few hundred at a time: each close publishes a will, and
    // closing 10,000 in one synchronous sweep overflows the stack inside mqemitter.
    const listenersClosed = this.servers.map(
      (server) =>
        new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve())),
    );
    for (const wss of this.wsServers) wss.close();
    const clients = Object.values((this.aedes as unknown as { clients: Record<string, Client> }).clients);
    for (let i = 0; i < clients.length; i += 200) {
      for (const client of clients.slice(i, i + 200)) client.close();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await new Promise<void>((resolve) => this.aedes.close(() => resolve()));
    for (const server of this.servers)
      if ('closeAllConnections' in server) (server as HttpServer).closeAllConnections();
    await Promise.all(listenersClosed);
  }
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
