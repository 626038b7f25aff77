import { Module } from '@nestjs/common';
import { RegistryCoreModule } from './registry-core.module';

@Module({ imports: [RegistryCoreModule], exports: [RegistryCoreModule] })
export class RegistryModule {}
