import { Module } from '@nestjs/common';
import { BrokerModule } from '../broker/broker.module';
import { DevicePublisher } from './device-publisher.service';
import { DeviceDataWriter } from './device-data.writer';
import { DeviceEventsService } from './device-events.service';
import { DeviceCommandRepository } from './device-command.repository';
import { CommandsService } from './commands.service';
import { CommandsController } from './commands.controller';
import { DeviceMessagesController } from './device-messages.controller';
import { TelemetryHistoryRepository } from './telemetry-history.repository';
import { TelemetryController } from './telemetry.controller';
import { FleetLoader } from './fleet-loader.service';
import { DeviceMessageGate } from './device-message-gate';

@Module({
  imports: [BrokerModule],
  controllers: [DeviceMessagesController, CommandsController, TelemetryController],
  providers: [
    DevicePublisher,
    DeviceDataWriter,
    DeviceEventsService,
    DeviceCommandRepository,
    CommandsService,
    TelemetryHistoryRepository,
    FleetLoader,
    DeviceMessageGate,
  ],
  exports: [DeviceDataWriter, CommandsService, DevicePublisher, DeviceMessageGate, DeviceCommandRepository],
})
export class DevicesModule {}
