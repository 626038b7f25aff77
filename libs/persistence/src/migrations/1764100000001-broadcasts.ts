import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Broadcasting: programs, cluster groups, schedules and their overridden occurrences, the manifest state of
 * every cluster, immediate broadcasts, and the broadcast a device command belongs to.
 */
export class Broadcasts1764100000001 implements MigrationInterface {
  name = 'Broadcasts1764100000001';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "program" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(200) NOT NULL, "description" text, "unit_id" uuid NOT NULL, "unit_path" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_3bade5945afbafefdd26a3a29fb" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_program_unit" ON "program" ("unit_id")`);
    await q.query(
      `CREATE TABLE "program_item" ("program_id" uuid NOT NULL, "position" integer NOT NULL, "asset_id" uuid NOT NULL, CONSTRAINT "PK_7ee8bf819ef63ac7788ad6a08a3" PRIMARY KEY ("program_id", "position"))`,
    );
    await q.query(`CREATE INDEX "ix_program_item_asset" ON "program_item" ("asset_id")`);
    await q.query(
      `CREATE TABLE "cluster_group" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(200) NOT NULL, "description" text, "unit_id" uuid NOT NULL, "unit_path" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_c634bb6c8cf225cef1df02fb999" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_cluster_group_unit_name" ON "cluster_group" ("unit_id", "name")`);
    await q.query(
      `CREATE TABLE "cluster_group_member" ("group_id" uuid NOT NULL, "cluster_id" uuid NOT NULL, CONSTRAINT "PK_3f76018aa64d63fec3bea6d027d" PRIMARY KEY ("group_id", "cluster_id"))`,
    );
    await q.query(`CREATE INDEX "ix_cluster_group_member_cluster" ON "cluster_group_member" ("cluster_id")`);
    await q.query(
      `CREATE TABLE "schedule" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "title" character varying(200) NOT NULL, "unit_id" uuid NOT NULL, "unit_path" text NOT NULL, "program_id" uuid, "asset_id" uuid, "priority" character varying(16) NOT NULL, "volume" integer NOT NULL, "target" jsonb NOT NULL, "start_local" character varying(19) NOT NULL, "time_zone" character varying(64) NOT NULL, "rrule" character varying(500), "valid_from" date, "valid_until" date, "exdates" jsonb NOT NULL DEFAULT '[]', "duration_ms" integer NOT NULL, "enabled" boolean NOT NULL DEFAULT true, "forced" boolean NOT NULL DEFAULT false, "created_by" character varying(200), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "revision" integer NOT NULL, CONSTRAINT "PK_1c05e42aec7371641193e180046" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_schedule_unit" ON "schedule" ("unit_id")`);
    await q.query(`CREATE INDEX "ix_schedule_program" ON "schedule" ("program_id")`);
    await q.query(`CREATE INDEX "ix_schedule_asset" ON "schedule" ("asset_id")`);
    await q.query(
      `CREATE TABLE "schedule_override" ("schedule_id" uuid NOT NULL, "original_start" TIMESTAMP WITH TIME ZONE NOT NULL, "start" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_3fe7506b9f58daa505c1ec7ac7a" PRIMARY KEY ("schedule_id", "original_start"))`,
    );
    await q.query(
      `CREATE TABLE "cluster_manifest" ("cluster_id" uuid NOT NULL, "version" integer NOT NULL, "content_hash" character varying(64) NOT NULL, "published_at" TIMESTAMP WITH TIME ZONE NOT NULL, "item_count" integer NOT NULL, "acked_version" integer, "acked_at" TIMESTAMP WITH TIME ZONE, "held" jsonb NOT NULL DEFAULT '[]', "missing" jsonb NOT NULL DEFAULT '[]', CONSTRAINT "PK_6d6b24bc1abf822434843b7a44f" PRIMARY KEY ("cluster_id"))`,
    );
    await q.query(
      `CREATE TABLE "broadcast" ("id" uuid NOT NULL, "kind" character varying(16) NOT NULL, "title" character varying(200), "priority" character varying(16) NOT NULL, "volume" integer, "asset_ids" jsonb NOT NULL DEFAULT '[]', "program_id" uuid, "live_session_id" uuid, "stop_ref" character varying(128), "target" jsonb NOT NULL, "cluster_count" integer NOT NULL, "unit_id" uuid NOT NULL, "unit_path" text NOT NULL, "created_by" character varying(200) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_0ded4e27b42c4b2589e70095aa9" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_broadcast_live_session" ON "broadcast" ("live_session_id")`);
    await q.query(`CREATE INDEX "ix_broadcast_unit_path" ON "broadcast" ("unit_path")`);
    await q.query(`CREATE INDEX "ix_broadcast_created" ON "broadcast" ("created_at")`);
    await q.query(`ALTER TABLE "device_command" ADD "broadcast_id" uuid`);
    await q.query(
      `CREATE INDEX "ix_device_command_broadcast" ON "device_command" ("broadcast_id", "status")`,
    );
    await q.query(
      `ALTER TABLE "program" ADD CONSTRAINT "fk_program_unit" FOREIGN KEY ("unit_id") REFERENCES "admin_unit"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "program_item" ADD CONSTRAINT "fk_program_item_program" FOREIGN KEY ("program_id") REFERENCES "program"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "cluster_group" ADD CONSTRAINT "fk_cluster_group_unit" FOREIGN KEY ("unit_id") REFERENCES "admin_unit"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "cluster_group_member" ADD CONSTRAINT "fk_cluster_group_member_group" FOREIGN KEY ("group_id") REFERENCES "cluster_group"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "cluster_group_member" ADD CONSTRAINT "fk_cluster_group_member_cluster" FOREIGN KEY ("cluster_id") REFERENCES "cluster"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "schedule" ADD CONSTRAINT "fk_schedule_unit" FOREIGN KEY ("unit_id") REFERENCES "admin_unit"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "schedule" ADD CONSTRAINT "fk_schedule_program" FOREIGN KEY ("program_id") REFERENCES "program"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "schedule_override" ADD CONSTRAINT "fk_schedule_override_schedule" FOREIGN KEY ("schedule_id") REFERENCES "schedule"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "cluster_manifest" ADD CONSTRAINT "fk_cluster_manifest_cluster" FOREIGN KEY ("cluster_id") REFERENCES "cluster"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "broadcast" ADD CONSTRAINT "fk_broadcast_unit" FOREIGN KEY ("unit_id") REFERENCES "admin_unit"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "broadcast" DROP CONSTRAINT "fk_broadcast_unit"`);
    await q.query(`ALTER TABLE "cluster_manifest" DROP CONSTRAINT "fk_cluster_manifest_cluster"`);
    await q.query(`ALTER TABLE "schedule_override" DROP CONSTRAINT "fk_schedule_override_schedule"`);
    await q.query(`ALTER TABLE "schedule" DROP CONSTRAINT "fk_schedule_program"`);
    await q.query(`ALTER TABLE "schedule" DROP CONSTRAINT "fk_schedule_unit"`);
    await q.query(`ALTER TABLE "cluster_group_member" DROP CONSTRAINT "fk_cluster_group_member_cluster"`);
    await q.query(`ALTER TABLE "cluster_group_member" DROP CONSTRAINT "fk_cluster_group_member_group"`);
    await q.query(`ALTER TABLE "cluster_group" DROP CONSTRAINT "fk_cluster_group_unit"`);
    await q.query(`ALTER TABLE "program_item" DROP CONSTRAINT "fk_program_item_program"`);
    await q.query(`ALTER TABLE "program" DROP CONSTRAINT "fk_program_unit"`);
    await q.query(`DROP INDEX "public"."ix_device_command_broadcast"`);
    await q.query(`ALTER TABLE "device_command" DROP COLUMN "broadcast_id"`);
    await q.query(`DROP INDEX "public"."ix_broadcast_created"`);
    await q.query(`DROP INDEX "public"."ix_broadcast_unit_path"`);
    await q.query(`DROP INDEX "public"."ix_broadcast_live_session"`);
    await q.query(`DROP TABLE "broadcast"`);
    await q.query(`DROP TABLE "cluster_manifest"`);
    await q.query(`DROP TABLE "schedule_override"`);
    await q.query(`DROP INDEX "public"."ix_schedule_asset"`);
    await q.query(`DROP INDEX "public"."ix_schedule_program"`);
    await q.query(`DROP INDEX "public"."ix_schedule_unit"`);
    await q.query(`DROP TABLE "schedule"`);
    await q.query(`DROP INDEX "public"."ix_cluster_group_member_cluster"`);
    await q.query(`DROP TABLE "cluster_group_member"`);
    await q.query(`DROP INDEX "public"."uq_cluster_group_unit_name"`);
    await q.query(`DROP TABLE "cluster_group"`);
    await q.query(`DROP INDEX "public"."ix_program_item_asset"`);
    await q.query(`DROP TABLE "program_item"`);
    await q.query(`DROP INDEX "public"."ix_program_unit"`);
    await q.query(`DROP TABLE "program"`);
  }
}
