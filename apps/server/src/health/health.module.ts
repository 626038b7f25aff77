import { Module } from '@nestjs/common';
import { PlayLogsModule } from '../playlogs/playlogs.module';
import { AlertStore } from './alert-store.service';
import { AlertStream } from './alert-stream.service';
import { AlertsController } from './alerts.controller';
import { AlertsService } from './alerts.service';
import { ClusterDirectory } from './cluster-directory.service';
import { HealthEngine } from './health-engine.service';
import { HealthRulesController } from './health-rules.controller';
import { HealthRulesService } from './health-rules.service';
import { HealthSettings } from './health-settings.service';

/**
 * Fleet health: the rules (libs/health) applied to the in-memory fleet view by the HealthEngine, alerts
 * stored in batches and published on the AlertBus, the alerts and health-rules API, the SSE stream.
 */
@Module({
  imports: [PlayLogsModule],
  controllers: [AlertsController, HealthRulesController],
  providers: [
    ClusterDirectory,
    HealthSettings,
    AlertStore,
    HealthEngine,
    AlertsService,
    AlertStream,
    HealthRulesService,
  ],
  exports: [HealthEngine, AlertsService],
})
export class HealthModule {}
