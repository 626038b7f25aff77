import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AuditEntry, type ActorKind, type AuditChanges } from '@loa-xa/persistence';
import { SYSTEM, type Principal } from '../access/scope';

export { SYSTEM };

/** Who made a change: a principal (a request's caller or the server itself) or an unauthenticated caller. */
export type Actor =
  Principal | { kind: 'anonymous'; name: string; ip: string | null; requestId: string | null };

export interface AuditRecord {
  /** `<object type>.<verb>` */
  action: string;
  objectType: string;
  objectId: string | null;
  /** Path of the unit the object belongs to, for scope; null = server-wide (only administrators see it). */
  unitPath: string | null;
  changes?: AuditChanges | null;
  detail?: Record<string, unknown> | null;
}

/** Rows per INSERT when a bulk change writes many entries (12 parameters a row). */
const BATCH = 1000;

/**
 * The audit log. Entries are written with the caller's EntityManager, inside the transaction of the change
 * itself: a change that rolls back leaves no entry, and no change commits without one.
 */
@Injectable()
export class AuditService {
  async record(manager: EntityManager, actor: Actor, record: AuditRecord): Promise<void> {
    await this.recordMany(manager, actor, [record]);
  }

  async recordMany(manager: EntityManager, actor: Actor, records: AuditRecord[]): Promise<void> {
    const at = new Date();
    const rows = records.map((r) => ({
      at,
      actorKind: actor.kind as ActorKind,
      actorId: actor.kind === 'user' || actor.kind === 'api_key' ? actor.id : null,
      actorName: actor.name.slice(0, 200),
      ip: actor.ip?.slice(0, 64) ?? null,
      requestId: actor.requestId,
      action: r.action,
      objectType: r.objectType,
      objectId: r.objectId,
      unitPath: r.unitPath,
      changes: r.changes && Object.keys(r.changes).length ? r.changes : null,
      detail: r.detail ?? null,
    }));
    for (let i = 0; i < rows.length; i += BATCH) {
      await manager
        .createQueryBuilder()
        .insert()
        .into(AuditEntry)
        .values(rows.slice(i, i + BATCH) as QueryDeepPartialEntity<AuditEntry>[])
        .updateEntity(false)
        .execute();
    }
  }
}

/** Fields whose values are never written to the log, whatever the change. */
const SECRET_FIELDS = new Set(['password', 'passwordHash', 'secret', 'secretSha256', 'token']);

/**
 * Before/after of the fields that differ between two snapshots of an object (only `fields` are compared;
 * dates compare by instant). Secret fields are recorded as changed, never with their values.
 */
export function diff<T extends object>(before: T | null, after: T | null, fields: (keyof T)[]): AuditChanges {
  const out: AuditChanges = {};
  for (const field of fields) {
    const a = before ? normalise(before[field]) : null;
    const b = after ? normalise(after[field]) : null;
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    const name = String(field);
    out[name] = SECRET_FIELDS.has(name) ? { before: '[secret]', after: '[secret]' } : { before: a, after: b };
  }
  return out;
}

function normalise(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  return value;
}
