import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module';
import { PlayLogMessagesController } from './play-log-messages.controller';
import { PlayLogQueries } from './play-log-queries.service';
import { PlayLogRepository } from './play-log.repository';
import { PlayLogWriter } from './play-log.writer';
import { PlayLogsController } from './play-logs.controller';
import { PlayLogsService } from './play-logs.service';

/**
 * Play logs: the `playlog` device channel (batched, idempotent ingestion), the list / export / daily summary
 * API, and PlayLogQueries for other modules. The summary's scheduled side comes from whoever provides
 * SCHEDULED_TIME (scheduled-time.ts).
 */
@Module({
  imports: [DevicesModule],
  controllers: [PlayLogMessagesController, PlayLogsController],
  providers: [PlayLogWriter, PlayLogRepository, PlayLogsService, PlayLogQueries],
  exports: [PlayLogQueries, PlayLogWriter],
})
export class PlayLogsModule {}
