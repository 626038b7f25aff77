import { Global, Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module';
import { MediaModule } from '../media/media.module';
import { PlayLogsModule } from '../playlogs/playlogs.module';
import { SCHEDULED_TIME } from '../playlogs/scheduled-time';
import { EXPECTED_BROADCASTS } from '../health/expected-broadcasts';
import { LIVE_ROLLOUT } from '../live/live-rollout';
import { BroadcastBindings } from './broadcast-bindings';
import { BroadcastMetrics } from './broadcast-metrics';
import { BroadcastsController } from './broadcasts.controller';
import { BroadcastsService } from './broadcasts.service';
import { ClusterManifestController } from './cluster-manifest.controller';
import { GroupsController } from './groups.controller';
import { GroupsService } from './groups.service';
import { ManifestMessagesController } from './manifest-messages.controller';
import { ManifestService } from './manifest.service';
import { ProgramsController } from './programs.controller';
import { ProgramsService } from './programs.service';
import { ScheduleCalendarService } from './schedule-calendar.service';
import { SchedulePlanner } from './schedule-planner.service';
import { SchedulesController } from './schedules.controller';
import { SchedulesService } from './schedules.service';
import { TargetResolver } from './target-resolver.service';
import { References } from './references.service';

/**
 * Programs, groups, schedules, manifests and immediate broadcasts. Global so that play logs (scheduled time)
 * and live (rollout) reach its bindings without importing it back.
 */
@Global()
@Module({
  imports: [DevicesModule, MediaModule, PlayLogsModule],
  controllers: [
    GroupsController,
    ProgramsController,
    SchedulesController,
    BroadcastsController,
    ManifestMessagesController,
    ClusterManifestController,
  ],
  providers: [
    BroadcastMetrics,
    TargetResolver,
    References,
    SchedulePlanner,
    GroupsService,
    ProgramsService,
    SchedulesService,
    ScheduleCalendarService,
    ManifestService,
    BroadcastsService,
    BroadcastBindings,
    { provide: SCHEDULED_TIME, useExisting: BroadcastBindings },
    { provide: LIVE_ROLLOUT, useExisting: BroadcastBindings },
    { provide: EXPECTED_BROADCASTS, useExisting: BroadcastBindings },
  ],
  exports: [
    BroadcastsService,
    SchedulesService,
    ManifestService,
    SchedulePlanner,
    TargetResolver,
    SCHEDULED_TIME,
    LIVE_ROLLOUT,
    EXPECTED_BROADCASTS,
  ],
})
export class BroadcastsModule {}
