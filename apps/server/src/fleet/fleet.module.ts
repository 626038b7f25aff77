import { Global, Module } from '@nestjs/common';
import { FleetView } from './fleet-view.service';

/** The in-memory fleet view, shared by the registry (reads) and the device side (writes). */
@Global()
@Module({ providers: [FleetView], exports: [FleetView] })
export class FleetModule {}
