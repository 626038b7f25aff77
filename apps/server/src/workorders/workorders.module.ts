import { Module } from '@nestjs/common';
import { PlayLogsModule } from '../playlogs/playlogs.module';
import { InventoryController } from './inventory.controller';
import { InventoryService } from './inventory.service';
import { WorkOrderMilestones } from './work-order-milestones.service';
import { WorkOrdersController } from './work-orders.controller';
import { WorkOrdersRepository } from './work-orders.repository';
import { WorkOrdersService } from './work-orders.service';

/**
 * FM inventory, coverage gaps and the work orders of the FM→IP programmes, with the first connection and
 * first broadcast of each commissioned IP cluster (from FleetView presence and PlayLogWriter reports).
 */
@Module({
  imports: [PlayLogsModule],
  // The inventory controller comes first so that /work-orders/fm-inventory is never taken for an id.
  controllers: [InventoryController, WorkOrdersController],
  providers: [InventoryService, WorkOrdersRepository, WorkOrdersService, WorkOrderMilestones],
  exports: [WorkOrdersService],
})
export class WorkOrdersModule {}
