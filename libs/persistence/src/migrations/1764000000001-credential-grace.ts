import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Credential rotation with a grace period: the previous digest of a cluster credential and its deadline. */
export class CredentialGrace1764000000001 implements MigrationInterface {
  name = 'CredentialGrace1764000000001';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "cluster_credential" ADD "previous_secret_sha256" character varying(64), ADD "previous_valid_until" TIMESTAMP WITH TIME ZONE`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "cluster_credential" DROP COLUMN "previous_valid_until", DROP COLUMN "previous_secret_sha256"`,
    );
  }
}
