import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The media library: audio assets owned by a unit, and their loudness-normalised device renditions. */
export class Media1764100000000 implements MigrationInterface {
  name = 'Media1764100000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "media_asset" ("id" uuid NOT NULL, "title" character varying(200) NOT NULL, "unit_id" uuid NOT NULL, "origin" character varying(16) NOT NULL, "status" character varying(16) NOT NULL, "progress" smallint NOT NULL DEFAULT '0', "failure_reason" text, "original_name" character varying(255), "source_key" text NOT NULL, "source_sha256" character varying(64) NOT NULL, "source_size" bigint NOT NULL, "probe" jsonb NOT NULL, "duration_ms" integer NOT NULL, "loudness" jsonb, "created_by" character varying(200) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_facd363e2bf84400ac44913a2f3" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_media_asset_created" ON "media_asset" ("created_at")`);
    await q.query(`CREATE INDEX "ix_media_asset_status" ON "media_asset" ("status")`);
    await q.query(`CREATE INDEX "ix_media_asset_unit" ON "media_asset" ("unit_id")`);
    await q.query(
      `CREATE TABLE "media_rendition" ("id" uuid NOT NULL, "asset_id" uuid NOT NULL, "profile" character varying(32) NOT NULL, "storage_key" text NOT NULL, "codec" character varying(16) NOT NULL, "bitrate_kbps" integer NOT NULL, "channels" smallint NOT NULL, "sample_rate" integer NOT NULL, "sha256" character varying(64) NOT NULL, "size" bigint NOT NULL, "duration_ms" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_3756f122cc12fad57350545f04b" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "uq_media_rendition_asset_profile" ON "media_rendition" ("asset_id", "profile")`,
    );
    await q.query(
      `ALTER TABLE "media_asset" ADD CONSTRAINT "fk_media_asset_unit" FOREIGN KEY ("unit_id") REFERENCES "admin_unit"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "media_rendition" ADD CONSTRAINT "fk_media_rendition_asset" FOREIGN KEY ("asset_id") REFERENCES "media_asset"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "media_rendition" DROP CONSTRAINT "fk_media_rendition_asset"`);
    await q.query(`ALTER TABLE "media_asset" DROP CONSTRAINT "fk_media_asset_unit"`);
    await q.query(`DROP INDEX "public"."uq_media_rendition_asset_profile"`);
    await q.query(`DROP TABLE "media_rendition"`);
    await q.query(`DROP INDEX "public"."ix_media_asset_unit"`);
    await q.query(`DROP INDEX "public"."ix_media_asset_status"`);
    await q.query(`DROP INDEX "public"."ix_media_asset_created"`);
    await q.query(`DROP TABLE "media_asset"`);
  }
}
