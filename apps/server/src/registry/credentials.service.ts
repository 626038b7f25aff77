import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { ClusterCredential } from '@loa-xa/persistence';

export type CredentialCheck = 'ok' | 'bad_credentials' | 'revoked' | 'unknown_client';

interface CachedCredential {
  sha256: Buffer;
  revoked: boolean;
}

const sha256 = (secret: string): Buffer => createHash('sha256').update(secret, 'utf8').digest();

/** A newly issued credential: the secret goes to the caller once, the digest to the database. */
export interface IssuedCredential {
  clusterId: string;
  secret: string;
  sha256: Buffer;
}

/** Rows per INSERT when issuing in bulk (4 bind parameters a row). */
const BATCH = 2000;

/**
 * MQTT credentials of IP clusters. The secret is 256 random bits, returned once and stored as SHA-256.
 * Verified from an in-memory cache so a reconnect storm costs no SQL; a miss or mismatch re-reads the row,
 * so a rotation made by another replica is seen at once.
 */
@Injectable()
export class CredentialsService {
  private readonly cache = new Map<string, CachedCredential>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Issues (or replaces) the credential of a cluster and returns the plain secret, which is not kept.
   * Nothing is cached here, since the caller's transaction may still roll back: call prime() after commit.
   */
  async issue(
    clusterId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<IssuedCredential> {
    const issued = mint(clusterId);
    await manager.upsert(
      ClusterCredential,
      { clusterId, secretSha256: issued.sha256.toString('hex'), issuedAt: new Date(), revokedAt: null },
      ['clusterId'],
    );
    this.cache.delete(clusterId);
    return issued;
  }

  /** Credentials for many new clusters at once (CSV import): multi-row INSERTs, same format as issue(). */
  async issueMany(clusterIds: string[], manager: EntityManager): Promise<IssuedCredential[]> {
    const issued = clusterIds.map(mint);
    const issuedAt = new Date();
    for (let i = 0; i < issued.length; i += BATCH) {
      await manager
        .createQueryBuilder()
        .insert()
        .into(ClusterCredential)
        .values(
          issued.slice(i, i + BATCH).map((c) => ({
            clusterId: c.clusterId,
            secretSha256: c.sha256.toString('hex'),
            issuedAt,
            revokedAt: null,
          })),
        )
        .updateEntity(false)
        .execute();
    }
    return issued;
  }

  /** Caches committed credentials, so the connect storm that follows provisioning costs no SQL. */
  prime(credentials: IssuedCredential[]): void {
    for (const c of credentials) this.cache.set(c.clusterId, { sha256: c.sha256, revoked: false });
  }

  async revoke(clusterId: string, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.update(ClusterCredential, { clusterId }, { revokedAt: new Date() });
    this.cache.delete(clusterId);
  }

  async verify(clusterId: string, secret: string): Promise<CredentialCheck> {
    const cached = this.cache.get(clusterId);
    if (cached && !cached.revoked && matches(cached.sha256, secret)) return 'ok';
    const fresh = await this.load(clusterId);
    if (!fresh) return 'unknown_client';
    if (fresh.revoked) return 'revoked';
    return matches(fresh.sha256, secret) ? 'ok' : 'bad_credentials';
  }

  /** Loads every credential into the cache (at start). */
  async warm(): Promise<number> {
    const rows = await this.dataSource.getRepository(ClusterCredential).find();
    for (const row of rows) this.cache.set(row.clusterId, toCached(row));
    return rows.length;
  }

  private async load(clusterId: string): Promise<CachedCredential | null> {
    if (!/^[0-9a-f-]{36}$/i.test(clusterId)) return null;
    const row = await this.dataSource.getRepository(ClusterCredential).findOneBy({ clusterId });
    if (!row) {
      this.cache.delete(clusterId);
      return null;
    }
    const cached = toCached(row);
    this.cache.set(clusterId, cached);
    return cached;
  }
}

function mint(clusterId: string): IssuedCredential {
  const secret = randomBytes(32).toString('base64url');
  return { clusterId, secret, sha256: sha256(secret) };
}

function toCached(row: ClusterCredential): CachedCredential {
  return { sha256: Buffer.from(row.secretSha256, 'hex'), revoked: row.revokedAt !== null };
}

function matches(expected: Buffer, secret: string): boolean {
  const actual = sha256(secret);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
