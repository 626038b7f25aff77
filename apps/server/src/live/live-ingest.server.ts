import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import type { IncomingMessage, Server } from 'node:http';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { Authenticator, type AuthRequest } from '../access/authenticator.service';
import { IcecastIngress } from './icecast-ingress';
import { LiveService } from './live.service';
import { WebSocketIngress } from './websocket-ingress';

/** Puts both source ingest paths (Icecast and WebSocket) on the API's HTTP server. */
@Injectable()
export class LiveIngestServer implements OnApplicationBootstrap, OnModuleDestroy {
  private icecast: IcecastIngress | null = null;
  private websocket: WebSocketIngress | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
    private readonly live: LiveService,
  ) {}

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    // The access module does not export its authenticator; it is the one every HTTP request passes.
    const authenticator = this.moduleRef.get(Authenticator, { strict: false });
    const open = this.live.openSource.bind(this.live);
    this.icecast = new IcecastIngress(open);
    this.websocket = new WebSocketIngress(
      open,
      (req: IncomingMessage) => authenticator.authenticate(req as AuthRequest),
      this.config.corsOrigins,
    );
    this.icecast.attach(server);
    this.websocket.attach(server);
  }

  onModuleDestroy(): void {
    this.icecast?.detach();
    this.websocket?.detach();
  }
}
