import { MIGRATIONS } from './migrations';
import { openDatabase } from './data-source';
import { AdminUnit } from './entities';
import type { DataSource } from 'typeorm';
import { createScratchDatabase } from '../../../test/support/test-server';

/** PGlite in memory, or a scratch PostgreSQL database when DATABASE_URL is set. */
async function scratch(): Promise<{ db: DataSource; drop(): Promise<void> }> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const db = await openDatabase({});
    return { db, drop: () => db.destroy() };
  }
  const database = await createScratchDatabase(adminUrl);
  const db = await openDatabase({ databaseUrl: database.url });
  return {
    db,
    drop: async () => {
      await db.destroy();
      await database.drop();
    },
  };
}

const unit = (code: string) => ({
  code,
  level: 'province' as const,
  era: 'post_2025' as const,
  name: `Tỉnh ${code}`,
  type: 'Tỉnh',
  parentId: null,
  path: code,
  successorId: null,
  validTo: null,
});

describe('persistence (PGlite, or PostgreSQL when DATABASE_URL is set)', () => {
  let db: DataSource;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ db, drop } = await scratch());
  });
  afterAll(async () => {
    await drop?.();
  });

  it('has a schema that matches the entities exactly (migrations are complete)', async () => {
    const diff = await db.driver.createSchemaBuilder().log();
    expect(diff.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('migrates all the way down and up again', async () => {
    for (let i = 0; i < MIGRATIONS.length; i++) await db.undoLastMigration({ transaction: 'each' });
    expect(await db.query(`SELECT to_regclass('public.cluster') AS t`)).toEqual([{ t: null }]);
    await db.runMigrations({ transaction: 'each' });
    expect(await db.query(`SELECT to_regclass('public.cluster') AS t`)).toEqual([{ t: 'cluster' }]);
  });

  it("keeps a concurrent statement out of another caller's transaction", async () => {
    let inTransaction!: () => void;
    const started = new Promise<void>((resolve) => (inTransaction = resolve));
    const failing = db
      .transaction(async (manager) => {
        await manager.insert(AdminUnit, unit('TX-ROLLED-BACK'));
        inTransaction();
        await new Promise((resolve) => setTimeout(resolve, 50));
        throw new Error('roll back');
      })
      .catch((err: Error) => err.message);
    await started;
    // Issued while the transaction is open: must neither join it nor be lost with its rollback.
    const outside = db.getRepository(AdminUnit).insert(unit('OUTSIDE'));
    expect(await failing).toBe('roll back');
    await outside;
    const codes = (await db.getRepository(AdminUnit).find()).map((u) => u.code);
    expect(codes).toContain('OUTSIDE');
    expect(codes).not.toContain('TX-ROLLED-BACK');
  });

  it('opens independent databases side by side in one process', async () => {
    const { db: other, drop: dropOther } = await scratch();
    try {
      await other.getRepository(AdminUnit).insert(unit('ONLY-IN-OTHER'));
      expect(await db.getRepository(AdminUnit).countBy({ code: 'ONLY-IN-OTHER' })).toBe(0);
      expect(await other.getRepository(AdminUnit).countBy({ code: 'ONLY-IN-OTHER' })).toBe(1);
    } finally {
      await dropOther();
    }
  });
});
