import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { BrokerModule } from '../broker/broker.module';
import { RegistryCoreModule } from './registry-core.module';
import { DvhcvnSource } from './units/dvhcvn.source';
import { UnitsRepository } from './units/units.repository';
import { UnitsService } from './units/units.service';
import { ProvinceImportService } from './units/province-import.service';
import { UnitsController } from './units/units.controller';
import { DemoUnitsLoader } from './units/demo-units.loader';
import { StationsRepository } from './stations/stations.repository';
import { StationsService } from './stations/stations.service';
import { StationsController } from './stations/stations.controller';
import { ClustersRepository } from './clusters/clusters.repository';
import { ClustersService } from './clusters/clusters.service';
import { ClustersController } from './clusters/clusters.controller';
import { ClusterMapService } from './clusters/cluster-map.service';
import { ClusterStreamController } from './clusters/cluster-stream.controller';
import { ClusterImportService } from './clusters/cluster-import.service';
import { ClusterImportController } from './clusters/cluster-import.controller';

/**
 * The registry HTTP API: administrative units, stations, clusters (with their MQTT credentials) and CSV import.
 * BrokerModule gives the public broker URL handed out with credentials; it depends only on RegistryCoreModule,
 * so there is no cycle.
 */
@Module({
  imports: [
    RegistryCoreModule,
    BrokerModule,
    // Multipart uploads stay in memory (multer's default storage), capped at CSV_LIMIT_BYTES → 413.
    MulterModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ limits: { fileSize: config.csvLimitBytes, files: 1 } }),
    }),
  ],
  // The import controller comes first so that /clusters/import is never taken for a cluster id.
  controllers: [
    UnitsController,
    StationsController,
    ClusterImportController,
    ClustersController,
    ClusterStreamController,
  ],
  providers: [
    DvhcvnSource,
    UnitsRepository,
    UnitsService,
    ProvinceImportService,
    DemoUnitsLoader,
    StationsRepository,
    StationsService,
    ClustersRepository,
    ClustersService,
    ClusterMapService,
    ClusterImportService,
  ],
  exports: [RegistryCoreModule, ProvinceImportService, ClustersService],
})
export class RegistryModule {}
