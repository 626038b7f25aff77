import { Module } from '@nestjs/common';
import { BrokerModule } from '../broker/broker.module';
import { RegistryModule } from '../registry/registry.module';
import { DemoRepository } from './demo.repository';
import { DemoFleetService } from './demo-fleet.service';
import { DemoProgrammeService } from './demo-programme.service';
import { MediaModule } from '../media/media.module';

@Module({
  imports: [RegistryModule, BrokerModule, MediaModule],
  providers: [DemoRepository, DemoFleetService, DemoProgrammeService],
  exports: [DemoFleetService],
})
export class DemoModule {}
