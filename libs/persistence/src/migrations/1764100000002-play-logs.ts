import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Play logs: what each cluster reports it played (issue 5). No foreign keys to schedules or broadcasts. */
export class PlayLogs1764100000002 implements MigrationInterface {
  name = 'PlayLogs1764100000002';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "play_log" ("id" BIGSERIAL NOT NULL, "cluster_id" uuid NOT NULL, "report_id" character varying(64) NOT NULL, "source" character varying(16) NOT NULL, "ref" character varying(128) NOT NULL, "event" character varying(16) NOT NULL, "reason" character varying(32), "detail" character varying(200), "played_ms" integer, "device_at" TIMESTAMP WITH TIME ZONE NOT NULL, "corrected_at" TIMESTAMP WITH TIME ZONE, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, "schedule_id" uuid, "occurrence_start" TIMESTAMP WITH TIME ZONE, "command_id" uuid, "broadcast_id" uuid, "live_session_id" uuid, "commune_id" uuid NOT NULL, "unit_path" text NOT NULL, "village_id" uuid, CONSTRAINT "PK_4344e944a91f7d7d253f4b45e6e" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "uq_play_log_cluster_report" ON "play_log" ("cluster_id", "report_id")`,
    );
    await q.query(`CREATE INDEX "ix_play_log_occurred" ON "play_log" ("occurred_at", "id")`);
    await q.query(`CREATE INDEX "ix_play_log_cluster_occurred" ON "play_log" ("cluster_id", "occurred_at")`);
    await q.query(`CREATE INDEX "ix_play_log_unit_occurred" ON "play_log" ("unit_path", "occurred_at")`);
    await q.query(
      `CREATE INDEX "ix_play_log_schedule_occurrence" ON "play_log" ("schedule_id", "occurrence_start")`,
    );
    await q.query(`CREATE INDEX "ix_play_log_occurrence_start" ON "play_log" ("occurrence_start")`);
    await q.query(`CREATE INDEX "ix_play_log_broadcast" ON "play_log" ("broadcast_id")`);
    await q.query(
      `ALTER TABLE "play_log" ADD CONSTRAINT "fk_play_log_cluster" FOREIGN KEY ("cluster_id") REFERENCES "cluster"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "play_log" DROP CONSTRAINT "fk_play_log_cluster"`);
    await q.query(`DROP INDEX "public"."ix_play_log_broadcast"`);
    await q.query(`DROP INDEX "public"."ix_play_log_occurrence_start"`);
    await q.query(`DROP INDEX "public"."ix_play_log_schedule_occurrence"`);
    await q.query(`DROP INDEX "public"."ix_play_log_unit_occurred"`);
    await q.query(`DROP INDEX "public"."ix_play_log_cluster_occurred"`);
    await q.query(`DROP INDEX "public"."ix_play_log_occurred"`);
    await q.query(`DROP INDEX "public"."uq_play_log_cluster_report"`);
    await q.query(`DROP TABLE "play_log"`);
  }
}
