import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { dataSourceOptions } from '@loa-xa/persistence';
import { join } from 'node:path';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';

/** PostgreSQL when DATABASE_URL is set, PGlite in DATA_DIR otherwise; migrations run at start. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions({
          databaseUrl: config.databaseUrl,
          pgliteDir: config.dataDir === ':memory:' ? 'memory' : join(config.dataDir, 'pglite'),
        }),
        // Fail fast at start: a wrong DATABASE_URL should say so at once, not after minutes of retries.
        retryAttempts: 1,
        retryDelay: 1000,
      }),
      dataSourceFactory: async (options?: DataSourceOptions) => {
        const dataSource = await new DataSource(options as DataSourceOptions).initialize();
        await dataSource.runMigrations({ transaction: 'each' });
        return dataSource;
      },
    }),
  ],
})
export class DatabaseModule {}
