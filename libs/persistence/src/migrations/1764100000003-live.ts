import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Live broadcast sessions (issue 5, item 5). */
export class Live1764100000003 implements MigrationInterface {
  name = 'Live1764100000003';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "live_session" ("id" uuid NOT NULL, "title" character varying(200) NOT NULL, "status" character varying(16) NOT NULL, "failure_reason" text, "priority" character varying(16) NOT NULL, "volume" integer, "target" jsonb NOT NULL, "cluster_count" integer NOT NULL, "unit_id" uuid NOT NULL, "unit_path" text NOT NULL, "password_sha256" character varying(64) NOT NULL, "source_kind" character varying(16), "source_type" character varying(100), "broadcast_id" uuid, "recording_asset_id" uuid, "recording_error" text, "bytes_in" bigint NOT NULL DEFAULT '0', "bytes_out" bigint NOT NULL DEFAULT '0', "peak_listeners" integer NOT NULL DEFAULT '0', "created_by" character varying(200) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "ended_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_8c12a79cfe5dac6c435df6024e1" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_live_session_unit_path" ON "live_session" ("unit_path")`);
    await q.query(`CREATE INDEX "ix_live_session_created" ON "live_session" ("created_at")`);
    await q.query(
      `ALTER TABLE "live_session" ADD CONSTRAINT "fk_live_session_unit" FOREIGN KEY ("unit_id") REFERENCES "admin_unit"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "live_session" DROP CONSTRAINT "fk_live_session_unit"`);
    await q.query(`DROP INDEX "public"."ix_live_session_created"`);
    await q.query(`DROP INDEX "public"."ix_live_session_unit_path"`);
    await q.query(`DROP TABLE "live_session"`);
  }
}
