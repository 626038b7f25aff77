import { Global, Module } from '@nestjs/common';
import { BrokerModule } from '../broker/broker.module';
import { MetricsService } from './metrics.service';
import { MetricsController } from './metrics.controller';
import { HealthController } from './health.controller';

@Global()
@Module({ providers: [MetricsService], exports: [MetricsService] })
export class MetricsModule {}

@Module({ imports: [BrokerModule], controllers: [MetricsController, HealthController] })
export class OpsModule {}
