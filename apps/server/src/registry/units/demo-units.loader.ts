import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/app-config';
import { ProvinceImportService } from './province-import.service';
import { UnitsRepository } from './units.repository';

/** DEMO_PROVINCE: on the first start (no unit at all), loads that province so the registry is usable at once. */
@Injectable()
export class DemoUnitsLoader implements OnApplicationBootstrap {
  private readonly logger = new Logger('DemoUnits');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly units: UnitsRepository,
    private readonly provinces: ProvinceImportService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const code = this.config.demoProvince.trim();
    if (!code || code === 'off' || !(await this.units.isEmpty())) return;
    try {
      const result = await this.provinces.importProvince(code);
      this.logger.log(
        { province: result.province.name, districts: result.districts, communes: result.communes },
        `empty registry: loaded province ${code} (DEMO_PROVINCE)`,
      );
    } catch (err) {
      this.logger.warn({ err }, `DEMO_PROVINCE=${code} could not be loaded`);
    }
  }
}
