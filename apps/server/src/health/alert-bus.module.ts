import { Global, Module } from '@nestjs/common';
import { AlertBus } from './alert-events';

/** The alert change bus, global so notifiers and reports need not import the health engine. */
@Global()
@Module({ providers: [AlertBus], exports: [AlertBus] })
export class AlertBusModule {}
