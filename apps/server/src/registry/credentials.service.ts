import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { ClusterCredential } from '@loa-xa/persistence';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { MetricsService } from '../ops/metrics.service';

export type CredentialCheck = 'ok' | 'bad_credentials' | 'revoked' | 'unknown_client';

/** The digest a rotation replaced, still accepted until `until` (epoch ms) or the first use of the new one. */
interface PreviousDigest {
  sha256: Buffer;
  until: number;
}

interface CachedCredential {
  sha256: Buffer;
  revoked: boolean;
  previous: PreviousDigest | null;
}

const sha256 = (secret: string): Buffer => createHash('sha256').update(secret, 'utf8').digest();

/** A newly issued credential: the secret goes to the caller once, the digest to the database. */
export interface IssuedCredential {
  clusterId: string;
  secret: string;
  sha256: Buffer;
  /** The live credential this one replaced, when it still connects for a grace period (rotation only). */
  previous?: { sha256: Buffer; validUntil: Date } | null;
}

/** Rows per INSERT when issuing in bulk (4 bind parameters a row). */
const BATCH = 2000;

/**
 * MQTT credentials of IP clusters. The secret is 256 random bits, returned once and stored as SHA-256.
 * Verified from an in-memory cache so a reconnect storm costs no SQL; a miss or mismatch re-reads the row,
 * so a rotation made by another replica is seen at once.
 *
 * Rotation keeps the session: issue() on a live credential keeps the replaced digest as `previous` for
 * CREDENTIAL_GRACE_S (0: not at all), during which the old secret still connects, until the device first
 * connects with the new one; from then on only the new one works. The old secret is always checked
 * against the database, so a device that moved to the new secret on another replica is seen there too.
 */
@Injectable()
export class CredentialsService {
  private readonly logger = new Logger('Credentials');
  private readonly cache = new Map<string, CachedCredential>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * Issues (or replaces) the credential of a cluster and returns the plain secret, which is not kept.
   * Replacing a live (not revoked) credential keeps its digest for the grace period; replacing a revoked one
   * does not bring it back. Nothing is cached here, since the caller's transaction may still roll back:
   * call prime() after commit.
   */
  async issue(
    clusterId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<IssuedCredential> {
    const issued = mint(clusterId);
    const now = new Date();
    const graceUntil =
      this.config.credentialGraceS > 0 ? new Date(now.getTime() + this.config.credentialGraceS * 1000) : null;
    // One statement, so two rotations at once cannot both keep the same "previous": each sees the row as
    // the other left it.
    const rows = (await manager.query(
      `INSERT INTO "cluster_credential"
         ("cluster_id", "secret_sha256", "issued_at", "revoked_at", "previous_secret_sha256", "previous_valid_until")
       VALUES ($1, $2, $3, NULL, NULL, NULL)
       ON CONFLICT ("cluster_id") DO UPDATE SET
         "previous_secret_sha256" = CASE WHEN "cluster_credential"."revoked_at" IS NULL AND $4::timestamptz IS NOT NULL
           THEN "cluster_credential"."secret_sha256" END,
         "previous_valid_until" = CASE WHEN "cluster_credential"."revoked_at" IS NULL THEN $4::timestamptz END,
         "secret_sha256" = EXCLUDED."secret_sha256",
         "issued_at" = EXCLUDED."issued_at",
         "revoked_at" = NULL
       RETURNING "previous_secret_sha256" AS "previousSha256", "previous_valid_until" AS "previousUntil"`,
      [clusterId, issued.sha256.toString('hex'), now, graceUntil],
    )) as { previousSha256: string | null; previousUntil: Date | string | null }[];
    const row = rows[0];
    issued.previous =
      row?.previousSha256 && row.previousUntil
        ? { sha256: Buffer.from(row.previousSha256, 'hex'), validUntil: new Date(row.previousUntil) }
        : null;
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
    for (const c of credentials)
      this.cache.set(c.clusterId, {
        sha256: c.sha256,
        revoked: false,
        previous: c.previous ? { sha256: c.previous.sha256, until: c.previous.validUntil.getTime() } : null,
      });
  }

  /** Revokes the credential: neither the current secret nor a previous one connects any more. */
  async revoke(clusterId: string, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.update(
      ClusterCredential,
      { clusterId },
      { revokedAt: new Date(), previousSecretSha256: null, previousValidUntil: null },
    );
    this.cache.delete(clusterId);
  }

  async verify(clusterId: string, secret: string): Promise<CredentialCheck> {
    const digest = sha256(secret);
    const cached = this.cache.get(clusterId);
    if (cached && !cached.revoked && equal(cached.sha256, digest)) {
      if (cached.previous) await this.retirePrevious(clusterId, cached);
      return 'ok';
    }
    const fresh = await this.load(clusterId);
    if (!fresh) return 'unknown_client';
    if (fresh.revoked) return 'revoked';
    if (equal(fresh.sha256, digest)) {
      if (fresh.previous) await this.retirePrevious(clusterId, fresh);
      return 'ok';
    }
    const previous = fresh.previous;
    if (previous && Date.now() < previous.until && equal(previous.sha256, digest)) {
      this.metrics.previousCredentialUsed.inc();
      return 'ok';
    }
    return 'bad_credentials';
  }

  /** Loads every credential into the cache (at start). */
  async warm(): Promise<number> {
    const rows = await this.dataSource.getRepository(ClusterCredential).find();
    for (const row of rows) this.cache.set(row.clusterId, toCached(row));
    return rows.length;
  }

  /**
   * The device connected with its new secret: the one the rotation replaced stops working now. Only clears
   * the row if its current digest is still the one used (a rotation in between keeps its own previous). A
   * failed write is logged and tried again at the next connect; it does not refuse this one.
   */
  private async retirePrevious(clusterId: string, entry: CachedCredential): Promise<void> {
    try {
      await this.dataSource.manager.update(
        ClusterCredential,
        { clusterId, secretSha256: entry.sha256.toString('hex') },
        { previousSecretSha256: null, previousValidUntil: null },
      );
      entry.previous = null;
    } catch (err) {
      this.logger.warn({ err, clusterId }, 'could not retire the previous credential; will retry');
    }
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
  return {
    sha256: Buffer.from(row.secretSha256, 'hex'),
    revoked: row.revokedAt !== null,
    previous:
      row.previousSecretSha256 && row.previousValidUntil
        ? { sha256: Buffer.from(row.previousSecretSha256, 'hex'), until: row.previousValidUntil.getTime() }
        : null,
  };
}

function equal(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
