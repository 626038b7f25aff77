import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Fleet health (issue 6): alerts, health rule overrides, work orders and their history, FM connection. */
export class FleetHealth1764200000000 implements MigrationInterface {
  name = 'FleetHealth1764200000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "alert" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "cluster_id" uuid NOT NULL, "commune_id" uuid NOT NULL, "unit_path" text NOT NULL, "rule" character varying(32) NOT NULL, "severity" character varying(16) NOT NULL, "state" character varying(16) NOT NULL DEFAULT 'open', "since" TIMESTAMP WITH TIME ZONE NOT NULL, "opened_at" TIMESTAMP WITH TIME ZONE NOT NULL, "detail" character varying(500), "value" jsonb, "flapping" boolean NOT NULL DEFAULT false, "acknowledged_at" TIMESTAMP WITH TIME ZONE, "acknowledged_by" character varying(80), "ack_note" character varying(500), "cleared_at" TIMESTAMP WITH TIME ZONE, "resolved_at" TIMESTAMP WITH TIME ZONE, "resolution" character varying(16), "resolved_by" character varying(80), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_ad91cad659a3536465d564a4b2f" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_alert_unit_path" ON "alert" ("unit_path")`);
    await q.query(`CREATE INDEX "ix_alert_cluster_opened" ON "alert" ("cluster_id", "opened_at")`);
    await q.query(`CREATE INDEX "ix_alert_state_opened" ON "alert" ("state", "opened_at")`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_alert_unresolved" ON "alert" ("cluster_id", "rule") WHERE "state" <> 'resolved'`,
    );
    await q.query(
      `CREATE TABLE "health_rule_override" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "unit_id" uuid NOT NULL, "unit_path" text NOT NULL, "rule" character varying(32) NOT NULL, "enabled" boolean, "severity" character varying(16), "params" jsonb NOT NULL DEFAULT '{}', "revision" integer NOT NULL DEFAULT '1', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_c5471a7147b45238886da6caadf" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_health_rule_override_unit_path" ON "health_rule_override" ("unit_path")`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_health_rule_override_unit_rule" ON "health_rule_override" ("unit_id", "rule")`,
    );
    await q.query(
      `CREATE TABLE "work_order" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "code" character varying(32) NOT NULL, "kind" character varying(16) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'proposed', "title" character varying(200) NOT NULL, "commune_id" uuid NOT NULL, "unit_path" text NOT NULL, "village_id" uuid, "fm_cluster_id" uuid, "ip_cluster_id" uuid, "funding_programme" character varying(32) NOT NULL, "planned_start" date, "planned_end" date, "actual_start" date, "actual_end" date, "planned_cost_vnd" bigint, "actual_cost_vnd" bigint, "commissioned_at" TIMESTAMP WITH TIME ZONE, "first_connected_at" TIMESTAMP WITH TIME ZONE, "first_broadcast_at" TIMESTAMP WITH TIME ZONE, "notes" text, "revision" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_39d8313ecfa4d7fafe75664cc06" UNIQUE ("code"), CONSTRAINT "PK_0730e63dd523d397530859cb6d1" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_work_order_unit_path" ON "work_order" ("unit_path")`);
    await q.query(`CREATE INDEX "ix_work_order_fm_cluster" ON "work_order" ("fm_cluster_id")`);
    await q.query(`CREATE INDEX "ix_work_order_ip_cluster" ON "work_order" ("ip_cluster_id")`);
    await q.query(`CREATE INDEX "ix_work_order_status" ON "work_order" ("status")`);
    await q.query(
      `CREATE TABLE "work_order_event" ("id" BIGSERIAL NOT NULL, "work_order_id" uuid NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "type" character varying(32) NOT NULL, "from_status" character varying(16), "to_status" character varying(16), "actor" character varying(80) NOT NULL, "note" character varying(500), "changes" jsonb, CONSTRAINT "PK_328222357c19448ec561cd493cc" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "ix_work_order_event_order_at" ON "work_order_event" ("work_order_id", "at")`,
    );
    await q.query(`ALTER TABLE "cluster" ADD "ip_connected" boolean NOT NULL DEFAULT false`);
    await q.query(
      `ALTER TABLE "alert" ADD CONSTRAINT "fk_alert_cluster" FOREIGN KEY ("cluster_id") REFERENCES "cluster"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "alert" ADD CONSTRAINT "fk_alert_commune" FOREIGN KEY ("commune_id") REFERENCES "admin_unit"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "health_rule_override" ADD CONSTRAINT "fk_health_rule_override_unit" FOREIGN KEY ("unit_id") REFERENCES "admin_unit"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "work_order" ADD CONSTRAINT "fk_work_order_commune" FOREIGN KEY ("commune_id") REFERENCES "admin_unit"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "work_order" ADD CONSTRAINT "fk_work_order_village" FOREIGN KEY ("village_id") REFERENCES "admin_unit"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "work_order" ADD CONSTRAINT "fk_work_order_fm_cluster" FOREIGN KEY ("fm_cluster_id") REFERENCES "cluster"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "work_order" ADD CONSTRAINT "fk_work_order_ip_cluster" FOREIGN KEY ("ip_cluster_id") REFERENCES "cluster"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "work_order_event" ADD CONSTRAINT "fk_work_order_event_order" FOREIGN KEY ("work_order_id") REFERENCES "work_order"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "work_order_event" DROP CONSTRAINT "fk_work_order_event_order"`);
    await q.query(`ALTER TABLE "work_order" DROP CONSTRAINT "fk_work_order_ip_cluster"`);
    await q.query(`ALTER TABLE "work_order" DROP CONSTRAINT "fk_work_order_fm_cluster"`);
    await q.query(`ALTER TABLE "work_order" DROP CONSTRAINT "fk_work_order_village"`);
    await q.query(`ALTER TABLE "work_order" DROP CONSTRAINT "fk_work_order_commune"`);
    await q.query(`ALTER TABLE "health_rule_override" DROP CONSTRAINT "fk_health_rule_override_unit"`);
    await q.query(`ALTER TABLE "alert" DROP CONSTRAINT "fk_alert_commune"`);
    await q.query(`ALTER TABLE "alert" DROP CONSTRAINT "fk_alert_cluster"`);
    await q.query(`ALTER TABLE "cluster" DROP COLUMN "ip_connected"`);
    await q.query(`DROP INDEX "public"."ix_work_order_event_order_at"`);
    await q.query(`DROP TABLE "work_order_event"`);
    await q.query(`DROP INDEX "public"."ix_work_order_status"`);
    await q.query(`DROP INDEX "public"."ix_work_order_ip_cluster"`);
    await q.query(`DROP INDEX "public"."ix_work_order_fm_cluster"`);
    await q.query(`DROP INDEX "public"."ix_work_order_unit_path"`);
    await q.query(`DROP TABLE "work_order"`);
    await q.query(`DROP INDEX "public"."uq_health_rule_override_unit_rule"`);
    await q.query(`DROP INDEX "public"."ix_health_rule_override_unit_path"`);
    await q.query(`DROP TABLE "health_rule_override"`);
    await q.query(`DROP INDEX "public"."uq_alert_unresolved"`);
    await q.query(`DROP INDEX "public"."ix_alert_state_opened"`);
    await q.query(`DROP INDEX "public"."ix_alert_cluster_opened"`);
    await q.query(`DROP INDEX "public"."ix_alert_unit_path"`);
    await q.query(`DROP TABLE "alert"`);
  }
}
