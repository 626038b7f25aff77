import { Module } from '@nestjs/common';
import { RegistryCoreModule } from '../registry/registry-core.module';
import { BrokerService } from './broker.service';

@Module({ imports: [RegistryCoreModule], providers: [BrokerService], exports: [BrokerService] })
export class BrokerModule {}
