import { Module } from '@nestjs/common';
import { BrokerModule } from '../broker/broker.module';
import { RegistryModule } from '../registry/registry.module';
import { DemoRepository } from './demo.repository';
import { DemoFleetService } from './demo-fleet.service';

@Module({
  imports: [RegistryModule, BrokerModule],
  providers: [DemoRepository, DemoFleetService],
  exports: [DemoFleetService],
})
export class DemoModule {}
