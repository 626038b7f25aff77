import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { FleetModule } from './fleet/fleet.module';
import { MetricsModule, OpsModule } from './ops/ops.module';
import { BrokerModule } from './broker/broker.module';
import { RegistryModule } from './registry/registry.module';
import { DevicesModule } from './devices/devices.module';
import { DemoModule } from './demo/demo.module';
import { AccessModule } from './access/access.module';
import { MediaModule } from './media/media.module';
import { PlayLogsModule } from './playlogs/playlogs.module';
import { BroadcastsModule } from './broadcasts/broadcasts.module';
import { LiveModule } from './live/live.module';
import { AlertBusModule } from './health/alert-bus.module';
import { HealthModule } from './health/health.module';
import { NotificationsModule } from './notifications/notifications.module';
import { WorkOrdersModule } from './workorders/workorders.module';
import { ReportsModule } from './reports/reports.module';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Composition root: configuration first, then storage, the fleet view, the broker and the features. */
@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            transport: config.logPretty
              ? { target: 'pino-pretty', options: { singleLine: true } }
              : undefined,
            // A caller's request id is kept when it looks sane, so logs can be followed across systems.
            genReqId: (req: IncomingMessage) => {
              const given = req.headers['x-request-id'];
              return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
            },
            redact: {
              paths: [
                'req.headers.authorization',
                'req.headers.cookie',
                'res.headers["set-cookie"]',
                '*.password',
                '*.secret',
              ],
              censor: '[redacted]',
            },
            serializers: {
              req: (req: { id: string; method: string; url: string }) => ({
                id: req.id,
                method: req.method,
                url: req.url,
              }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
            autoLogging: {
              ignore: (req: IncomingMessage) =>
                req.url === '/metrics' || req.url?.startsWith('/health') === true,
            },
          },
        }),
        DatabaseModule,
        MetricsModule,
        AccessModule,
        FleetModule,
        BrokerModule,
        RegistryModule,
        DevicesModule,
        MediaModule,
        PlayLogsModule,
        BroadcastsModule,
        LiveModule,
        AlertBusModule,
        HealthModule,
        NotificationsModule,
        WorkOrdersModule,
        ReportsModule,
        OpsModule,
        DemoModule,
      ],
    };
  }
}
