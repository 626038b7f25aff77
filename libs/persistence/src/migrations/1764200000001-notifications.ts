import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Alert notifications (issue 6): webhooks and the delivery queue / log of webhooks and email. */
export class Notifications1764200000001 implements MigrationInterface {
  name = 'Notifications1764200000001';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "webhook" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(200) NOT NULL, "url" character varying(2000) NOT NULL, "secret" character varying(128) NOT NULL, "events" jsonb NOT NULL, "min_severity" character varying(16) NOT NULL DEFAULT 'minor', "unit_id" uuid, "unit_path" text, "active" boolean NOT NULL DEFAULT true, "created_by" character varying(80) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "consecutive_failures" integer NOT NULL DEFAULT '0', "last_success_at" TIMESTAMP WITH TIME ZONE, "last_failure_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_e6765510c2d078db49632b59020" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_webhook_unit_path" ON "webhook" ("unit_path")`);
    await q.query(
      `CREATE TABLE "notification_delivery" ("id" uuid NOT NULL, "channel" character varying(16) NOT NULL, "webhook_id" uuid, "recipient" character varying(2000) NOT NULL, "event" character varying(32) NOT NULL, "payload" jsonb NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE, "last_attempt_at" TIMESTAMP WITH TIME ZONE, "last_status_code" integer, "last_error" character varying(500), "attempt_log" jsonb NOT NULL DEFAULT '[]', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "delivered_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_109dea88c25343da49d86de6bfd" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "ix_notification_delivery_webhook_created" ON "notification_delivery" ("webhook_id", "created_at")`,
    );
    await q.query(
      `CREATE INDEX "ix_notification_delivery_due" ON "notification_delivery" ("status", "next_attempt_at")`,
    );
    await q.query(
      `ALTER TABLE "webhook" ADD CONSTRAINT "fk_webhook_unit" FOREIGN KEY ("unit_id") REFERENCES "admin_unit"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "notification_delivery" ADD CONSTRAINT "fk_notification_delivery_webhook" FOREIGN KEY ("webhook_id") REFERENCES "webhook"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "notification_delivery" DROP CONSTRAINT "fk_notification_delivery_webhook"`);
    await q.query(`ALTER TABLE "webhook" DROP CONSTRAINT "fk_webhook_unit"`);
    await q.query(`DROP INDEX "public"."ix_notification_delivery_due"`);
    await q.query(`DROP INDEX "public"."ix_notification_delivery_webhook_created"`);
    await q.query(`DROP TABLE "notification_delivery"`);
    await q.query(`DROP INDEX "public"."ix_webhook_unit_path"`);
    await q.query(`DROP TABLE "webhook"`);
  }
}
