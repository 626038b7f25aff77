import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { timingSafeEqual } from 'node:crypto';
import { EmbeddedBroker, type AuthResult, type BrokerAddresses } from '@loa-xa/broker';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { CredentialsService } from '../registry/credentials.service';
import { MetricsService } from '../ops/metrics.service';
import { FleetView } from '../fleet/fleet-view.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Runs the embedded aedes broker (unless MQTT_URL points to an external one) and decides who may connect:
 * the server itself with its own credential, and IP clusters with the credential the registry issued.
 */
@Injectable()
export class BrokerService implements OnApplicationShutdown {
  private readonly logger = new Logger('Broker');
  private broker: EmbeddedBroker | null = null;
  private addresses: BrokerAddresses = {};
  private url: string | null = null;
  private serverLink: { connected: boolean } | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly credentials: CredentialsService,
    private readonly metrics: MetricsService,
    private readonly fleet: FleetView,
  ) {}

  get embedded(): boolean {
    return !this.config.mqttUrl;
  }

  /**
   * Publishes straight into the embedded broker (no TCP round trip and PUBACK per message): the path for the
   * server's own fan-out, e.g. an emergency to 10,000 clusters. Routing, retained messages and offline
   * persistent sessions are aedes' own. Resolves false when there is no embedded broker (use a client).
   */
  publishLocal(packet: { topic: string; payload: Buffer; qos: 0 | 1; retain: boolean }): Promise<boolean> {
    const aedes = this.broker?.aedes;
    if (!aedes || aedes.closed) return Promise.resolve(false);
    return new Promise((resolve, reject) =>
      aedes.publish({ cmd: 'publish', dup: false, ...packet }, (err?: Error) =>
        err ? reject(err) : resolve(true),
      ),
    );
  }

  /** Starts the listeners; returns the URL the server's own clients use. */
  async start(): Promise<string> {
    if (this.url) return this.url;
    if (!this.embedded) return (this.url = this.config.mqttUrl as string);
    const warmed = await this.credentials.warm();
    const tls =
      this.config.tlsCertFile && this.config.tlsKeyFile
        ? { cert: readFileSync(this.config.tlsCertFile), key: readFileSync(this.config.tlsKeyFile) }
        : undefined;
    this.broker = new EmbeddedBroker({
      host: this.config.host,
      tcpPort: this.config.mqttPort,
      wsPort: this.config.mqttWsPort,
      tlsPort: this.config.mqttTlsPort,
      wssPort: this.config.mqttWssPort,
      tls,
      // Per device connection; the server's own clients are services and are not limited.
      rateLimit: { ratePerS: this.config.mqttRatePerS, burst: this.config.mqttBurst },
      hooks: {
        authenticate: (clientId, username, password) => this.authenticate(clientId, username, password),
        onDrop: (reason, clientId, topic) =>
          this.metrics.drop(reason, `client ${clientId ?? '?'} topic ${topic ?? '?'}`),
        onAuthFailure: (reason) => this.metrics.authFailures.inc({ reason }),
        onClientConnected: () => this.metrics.mqttConnections.inc(),
        onClientDisconnected: (principal, clientId) => {
          this.metrics.mqttConnections.dec();
          // A clean DISCONNECT fires no will: mark the cluster offline unless it already reconnected.
          if (principal.kind === 'device' && !this.broker?.isConnected(clientId)) {
            this.fleet.setPresence(principal.clusterId, false, new Date(), 'disconnect');
          }
        },
      },
    });
    this.addresses = await this.broker.start();
    this.logger.log({ ...this.addresses, credentials: warmed }, 'embedded MQTT broker listening');
    if (!this.addresses.tcp)
      throw new Error('the embedded broker needs its TCP listener (MQTT_PORT) for the server');
    return (this.url = this.addresses.tcp);
  }

  /** The URL the server's own MQTT clients connect to; known once start() has run. */
  get serverUrl(): string {
    if (!this.url) throw new Error('broker not started yet');
    return this.url;
  }

  /** Where devices should connect (PUBLIC_MQTT_URL, else the broker's TCP address). */
  get publicUrl(): string | undefined {
    return this.config.publicMqttUrl ?? this.addresses.tcp ?? this.config.mqttUrl;
  }

  get listening(): BrokerAddresses {
    return { ...this.addresses };
  }

  /** Ends a device's connection now (its credential was revoked). Its will marks it offline. */
  disconnect(clientId: string): void {
    this.broker?.disconnect(clientId);
  }

  /** The server's subscribing MQTT client, watched for readiness. */
  watchServerLink(client: { connected: boolean }): void {
    this.serverLink = client;
  }

  get serverLinkUp(): boolean {
    return this.serverLink?.connected ?? false;
  }

  /** Readiness: the embedded broker is open (an external broker is checked through the server's client). */
  get healthy(): boolean {
    return this.embedded ? this.broker !== null && !this.broker.aedes.closed : true;
  }

  private async authenticate(clientId: string, username?: string, password?: Buffer): Promise<AuthResult> {
    const secret = password?.toString('utf8') ?? '';
    if (username === this.config.mqttUsername) {
      const expected = Buffer.from(this.config.mqttPassword ?? '');
      const given = Buffer.from(secret);
      const ok = expected.length > 0 && given.length === expected.length && timingSafeEqual(given, expected);
      return ok
        ? { ok: true, principal: { kind: 'service', name: username } }
        : { ok: false, reason: 'bad_credentials' };
    }
    if (!username || !UUID.test(username)) return { ok: false, reason: 'unknown_client' };
    if (clientId !== username) return { ok: false, reason: 'client_id_mismatch' };
    const check = await this.credentials.verify(username, secret);
    if (check !== 'ok') return { ok: false, reason: check };
    return { ok: true, principal: { kind: 'device', clusterId: username } };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.broker) {
      await this.broker.close();
      this.broker = null;
      this.logger.log('embedded MQTT broker closed');
    }
  }
}
