import { mkdirSync } from 'node:fs';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { pglitePoolDriver } from './pglite-pool';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export interface DatabaseSettings {
  /** PostgreSQL URL; when absent the embedded PGlite is used. */
  databaseUrl?: string;
  /** Folder for PGlite's files; `memory` keeps the database in memory (tests). */
  pgliteDir?: string;
  /** Log every SQL statement. */
  logSql?: boolean;
  /** Connection pool size for PostgreSQL. */
  poolSize?: number;
}

export type DatabaseKind = 'postgres' | 'pglite';

export function databaseKind(settings: DatabaseSettings): DatabaseKind {
  return settings.databaseUrl ? 'postgres' : 'pglite';
}

/**
 * Builds the TypeORM options for PostgreSQL or PGlite. The schema comes only from migrations, the same
 * ones on both engines; `synchronize` is never on.
 */
export function dataSourceOptions(settings: DatabaseSettings): DataSourceOptions {
  const common = {
    type: 'postgres' as const,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+ and PGlite: no extension to install.
    uuidExtension: 'pgcrypto' as const,
    installExtensions: false,
    logging: settings.logSql ? ('all' as const) : (['error'] as ('error' | 'warn')[]),
  };
  if (settings.databaseUrl) {
    return { ...common, url: settings.databaseUrl, poolSize: settings.poolSize ?? 10 };
  }
  const dir = settings.pgliteDir ?? 'memory';
  if (dir !== 'memory') mkdirSync(dir, { recursive: true });
  return {
    ...common,
    driver: pglitePoolDriver({
      ...(dir === 'memory' ? {} : { dataDir: dir }),
      // PGlite's default shared_buffers makes the process ~750 MiB at rest; 32 MB keeps it near 180 MiB and
      // is ample for an embedded commune or district server.
      postgresqlconf: ['shared_buffers=32MB'],
    }),
  } as DataSourceOptions;
}

/** Opens the database and brings its schema up to date. */
export async function openDatabase(settings: DatabaseSettings): Promise<DataSource> {
  const dataSource = new DataSource(dataSourceOptions(settings));
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}
