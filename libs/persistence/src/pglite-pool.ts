import { EventEmitter } from 'node:events';
import { PGlite, types, type PGliteOptions } from '@electric-sql/pglite';

/*
 * A `pg`-compatible pool over one PGlite instance, for TypeORM's postgres driver.
 *
 * PGlite is a single PostgreSQL session. typeorm-pglite hands that one session to every caller at once, so
 * a statement from one request could land inside another request's open transaction (and vanish with its
 * ROLLBACK), and it keeps one PGlite per process. This pool gives each TypeORM query runner exclusive use of
 * the session from connect() until release(), which is what a real connection pool guarantees, and keeps
 * one PGlite per data source.
 */

type QueryCallback = (err: Error | null, result: unknown) => void;

class Mutex {
  private tail: Promise<void> = Promise.resolve();

  /** Resolves with a release function once every earlier holder has released. */
  acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = resolve));
    const ready = this.tail.then(() => release);
    this.tail = this.tail.then(() => next);
    return ready;
  }
}

/** What TypeORM receives from connect(): a client bound to the shared session. */
class PGliteClient extends EventEmitter {
  constructor(private readonly db: () => Promise<PGlite>) {
    super();
  }

  query(
    sql: string | { text: string },
    params?: unknown[] | QueryCallback,
    callback?: QueryCallback,
  ): Promise<unknown> {
    const text = typeof sql === 'string' ? sql : sql.text;
    const cb = typeof params === 'function' ? params : callback;
    const values = Array.isArray(params) ? params : undefined;
    const run = async () => {
      const db = await this.db();
      // exec() runs multi-statement text (migrations); TypeORM expects the last statement's result.
      if (values && values.length > 0) return db.query(text, values);
      const results = await db.exec(text);
      return results[results.length - 1] ?? { rows: [], fields: [], affectedRows: 0 };
    };
    const promise = run();
    if (cb)
      promise.then(
        (r) => cb(null, r),
        (err: Error) => cb(err, null),
      );
    return promise;
  }
}

/** TypeORM sends booleans as JS values; PGlite's default serialiser would send 't'/'f' text PostgreSQL rejects in some casts. */
const serializeBool = (value: unknown): string => {
  if (value === true || value === 'true' || value === 1) return 'TRUE';
  if (value === false || value === 'false' || value === 0) return 'FALSE';
  return String(value);
};

export function pglitePoolDriver(options: PGliteOptions): { Pool: new () => EventEmitter } {
  const pgliteOptions: PGliteOptions = {
    ...options,
    serializers: { [types.BOOL]: serializeBool, ...(options.serializers ?? {}) },
  };

  class SerializedPGlitePool extends EventEmitter {
    private instance: Promise<PGlite> | null = null;
    private readonly mutex = new Mutex();
    private readonly db = () => (this.instance ??= PGlite.create(pgliteOptions));

    connect(
      callback: (err: Error | null, client: PGliteClient | null, release: (err?: unknown) => void) => void,
    ): void {
      this.mutex.acquire().then(async (unlock) => {
        try {
          await this.db();
        } catch (err) {
          unlock();
          return callback(err as Error, null, () => undefined);
        }
        let released = false;
        const release = () => {
          if (released) return;
          released = true;
          unlock();
        };
        callback(null, new PGliteClient(this.db), release);
      });
    }

    /** A one-off statement: takes the session like any other caller. */
    async query(sql: string, params?: unknown[] | QueryCallback, callback?: QueryCallback): Promise<unknown> {
      const unlock = await this.mutex.acquire();
      try {
        return await new PGliteClient(this.db).query(sql, params, callback);
      } finally {
        unlock();
      }
    }

    end(callback?: (err?: Error | null) => void): Promise<void> {
      const closing = (async () => {
        const unlock = await this.mutex.acquire();
        try {
          if (this.instance) await (await this.instance).close();
          this.instance = null;
        } finally {
          unlock();
        }
      })();
      closing.then(
        () => callback?.(null),
        (err: Error) => callback?.(err),
      );
      return closing;
    }
  }

  return { Pool: SerializedPGlitePool };
}
