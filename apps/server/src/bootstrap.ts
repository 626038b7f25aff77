import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import helmet from 'helmet';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Logger as NestLogger, type DynamicModule, type NestApplicationOptions } from '@nestjs/common';
import { PROTOCOL_VERSION } from '@loa-xa/protocol';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';
import { describeConfig } from './config/app-config';
import { BrokerService } from './broker/broker.service';
import { createValidationPipe } from './common/validation';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { installBodyParsers } from './common/body-parsers';
import { DeviceMessageDeserializer } from './devices/mqtt-codec';
import { DemoFleetService } from './demo/demo-fleet.service';
import { SECURITY } from './access/access.decorators';
import { SESSION_COOKIE } from './access/authenticator.service';
import { consoleMiddleware } from './console/console.middleware';

export interface RunningServer {
  app: NestExpressApplication;
  config: AppConfig;
  /** Base URL of the HTTP API, e.g. http://127.0.0.1:3000 */
  httpUrl: string;
  /** URL of the MQTT broker the server uses (embedded TCP listener or MQTT_URL). */
  mqttUrl: string;
  /** Listener addresses of the embedded broker (tcp, ws, tls, wss). */
  broker: BrokerService;
  close(): Promise<void>;
}

/** Builds the Nest application from the root module (tests pass one that overrides providers). */
export type AppFactory = (
  root: DynamicModule,
  options: NestApplicationOptions,
) => Promise<NestExpressApplication>;

/**
 * Starts the whole server: database (migrations), embedded broker, the MQTT device side and the HTTP API.
 * Used by main.ts and by every integration test, so tests run exactly what production runs.
 */
export async function startServer(
  config: AppConfig,
  createApp: AppFactory = (root, options) => NestFactory.create<NestExpressApplication>(root, options),
): Promise<RunningServer> {
  if (!config.mqttUrl && !config.mqttPassword) config.mqttPassword = randomBytes(24).toString('base64url');

  const app = await createApp(AppModule.register(config), { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  app.flushLogs();
  app.disable('x-powered-by');
  app.use(helmet({ contentSecurityPolicy: false }));
  app.enableCors({ origin: config.corsOrigins.length ? config.corsOrigins : false, credentials: true });
  app.use(consoleMiddleware(config, process.env.npm_package_version ?? ''));
  installBodyParsers(app, { json: config.bodyLimitBytes, csv: config.csvLimitBytes });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());
  setupOpenApi(app);

  const broker = app.get(BrokerService);
  const mqttUrl = await broker.start();
  app.connectMicroservice<MicroserviceOptions>({
    transport: Transport.MQTT,
    options: {
      url: mqttUrl,
      username: config.mqttUsername,
      password: config.mqttPassword,
      clientId: `loa-server-sub-${randomBytes(4).toString('hex')}`,
      protocolVersion: 4,
      clean: true,
      subscribeOptions: { qos: 1 },
      deserializer: new DeviceMessageDeserializer(),
    },
  });
  await app.init();
  await app.startAllMicroservices();
  broker.watchServerLink(app.getMicroservices()[0].unwrap<{ connected: boolean }>());
  await app.listen(config.port, config.host);

  const address = app.getHttpServer().address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const httpUrl = `http://${host}:${address.port}`;
  const log = new NestLogger('Startup');
  log.log(
    {
      console: config.consoleDir === 'off' ? 'off' : `${httpUrl}/`,
      api: `${httpUrl}/api/v1`,
      docs: `${httpUrl}/api/docs`,
      health: `${httpUrl}/health`,
      metrics: `${httpUrl}/metrics`,
      mqtt: broker.embedded ? broker.listening : { external: mqttUrl },
      database: config.databaseUrl ? 'postgresql' : `pglite (${config.dataDir})`,
    },
    `loa-xa listening: console ${httpUrl}/, API ${httpUrl}/api/v1, docs ${httpUrl}/api/docs, MQTT ${mqttUrl}`,
  );
  log.debug({ config: describeConfig(config) }, 'configuration');
  await app.get(DemoFleetService).start();

  let closing: Promise<void> | null = null;
  return {
    app,
    config,
    httpUrl,
    mqttUrl,
    broker,
    close: () => (closing ??= app.close()),
  };
}

function setupOpenApi(app: NestExpressApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('loa-xa API')
      .setDescription(
        'Control server for commune radio stations on IT-telecom (TT 39/2020/TT-BTTTT): registry of ' +
          `administrative units, stations and loudspeaker clusters; device state and remote commands. Device contract v${PROTOCOL_VERSION}: see docs/protocol.md.`,
      )
      .setVersion('1')
      .addBearerAuth(
        {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Access token from POST /api/v1/auth/login',
        },
        SECURITY.bearer,
      )
      .addCookieAuth(
        SESSION_COOKIE,
        { type: 'apiKey', in: 'cookie', description: 'Console session (login with cookie=true)' },
        SECURITY.cookie,
      )
      .addApiKey(
        { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'API key lxk_… of a machine client' },
        SECURITY.apiKey,
      )
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
