import type { MigrationInterface, QueryRunner } from 'typeorm';

/** People, login sessions, API keys and the append-only audit log (issue 4). */
export class Access1764000000000 implements MigrationInterface {
  name = 'Access1764000000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "app_user" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "username" character varying(64) NOT NULL, "display_name" character varying(200) NOT NULL, "phone" character varying(32), "email" character varying(254), "active" boolean NOT NULL DEFAULT true, "role" character varying(32) NOT NULL, "scope_unit_id" uuid, "password_hash" character varying(200) NOT NULL, "password_changed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "failed_logins" integer NOT NULL DEFAULT '0', "locked_until" TIMESTAMP WITH TIME ZONE, "last_login_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_22a5c4a3d9b2fb8e4e73fc4ada1" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_app_user_scope" ON "app_user" ("scope_unit_id")`);
    await q.query(`CREATE UNIQUE INDEX "uq_app_user_username" ON "app_user" ("username")`);
    await q.query(
      `CREATE TABLE "auth_session" ("id" uuid NOT NULL, "user_id" uuid NOT NULL, "kind" character varying(8) NOT NULL, "secret_sha256" character varying(64) NOT NULL, "previous_sha256" character varying(64), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "ip" character varying(64), "user_agent" character varying(300), CONSTRAINT "PK_19354ed146424a728c1112a8cbf" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_auth_session_user" ON "auth_session" ("user_id")`);
    await q.query(
      `CREATE TABLE "api_key" ("id" character varying(16) NOT NULL, "name" character varying(200) NOT NULL, "role" character varying(32) NOT NULL, "scope_unit_id" uuid, "secret_sha256" character varying(64) NOT NULL, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, "last_used_ip" character varying(64), "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_b1bd840641b8acbaad89c3d8d11" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_api_key_scope" ON "api_key" ("scope_unit_id")`);
    await q.query(
      `CREATE TABLE "audit_entry" ("id" BIGSERIAL NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "actor_kind" character varying(16) NOT NULL, "actor_id" character varying(64), "actor_name" character varying(200) NOT NULL, "ip" character varying(64), "request_id" character varying(64), "action" character varying(64) NOT NULL, "object_type" character varying(32) NOT NULL, "object_id" character varying(64), "unit_path" text, "changes" jsonb, "detail" jsonb, CONSTRAINT "PK_58a130a4b9da189f46ba2a01801" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_audit_entry_action" ON "audit_entry" ("action")`);
    await q.query(`CREATE INDEX "ix_audit_entry_unit_path" ON "audit_entry" ("unit_path")`);
    await q.query(`CREATE INDEX "ix_audit_entry_actor" ON "audit_entry" ("actor_id")`);
    await q.query(`CREATE INDEX "ix_audit_entry_object" ON "audit_entry" ("object_type", "object_id")`);
    await q.query(`CREATE INDEX "ix_audit_entry_at" ON "audit_entry" ("at")`);
    await q.query(
      `ALTER TABLE "app_user" ADD CONSTRAINT "fk_app_user_scope_unit" FOREIGN KEY ("scope_unit_id") REFERENCES "admin_unit"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "auth_session" ADD CONSTRAINT "fk_auth_session_user" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "api_key" ADD CONSTRAINT "fk_api_key_scope_unit" FOREIGN KEY ("scope_unit_id") REFERENCES "admin_unit"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    // The audit log only grows: no UPDATE, no DELETE, whoever asks (TRUNCATE stays for operators' maintenance).
    await q.query(
      `CREATE FUNCTION audit_entry_immutable() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_entry is append-only'; END $$`,
    );
    await q.query(
      `CREATE TRIGGER audit_entry_immutable BEFORE UPDATE OR DELETE ON "audit_entry" FOR EACH ROW EXECUTE FUNCTION audit_entry_immutable()`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER "audit_entry_immutable" ON "audit_entry"`);
    await q.query(`DROP FUNCTION audit_entry_immutable()`);
    await q.query(`ALTER TABLE "api_key" DROP CONSTRAINT "fk_api_key_scope_unit"`);
    await q.query(`ALTER TABLE "auth_session" DROP CONSTRAINT "fk_auth_session_user"`);
    await q.query(`ALTER TABLE "app_user" DROP CONSTRAINT "fk_app_user_scope_unit"`);
    await q.query(`DROP INDEX "public"."ix_audit_entry_at"`);
    await q.query(`DROP INDEX "public"."ix_audit_entry_object"`);
    await q.query(`DROP INDEX "public"."ix_audit_entry_actor"`);
    await q.query(`DROP INDEX "public"."ix_audit_entry_unit_path"`);
    await q.query(`DROP INDEX "public"."ix_audit_entry_action"`);
    await q.query(`DROP TABLE "audit_entry"`);
    await q.query(`DROP INDEX "public"."ix_api_key_scope"`);
    await q.query(`DROP TABLE "api_key"`);
    await q.query(`DROP INDEX "public"."ix_auth_session_user"`);
    await q.query(`DROP TABLE "auth_session"`);
    await q.query(`DROP INDEX "public"."uq_app_user_username"`);
    await q.query(`DROP INDEX "public"."ix_app_user_scope"`);
    await q.query(`DROP TABLE "app_user"`);
  }
}
