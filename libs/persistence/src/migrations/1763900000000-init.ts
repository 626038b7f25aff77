import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Registry, fleet state, telemetry, faults and commands (issue 3). */
export class Init1763900000000 implements MigrationInterface {
  name = 'Init1763900000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "admin_unit" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "code" character varying(16) NOT NULL, "level" character varying(16) NOT NULL, "era" character varying(16) NOT NULL, "name" character varying(200) NOT NULL, "type" character varying(64), "parent_id" uuid, "path" text NOT NULL, "successor_id" uuid, "valid_to" date, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_765c4dfb350366112310f959dbc" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_admin_unit_path" ON "admin_unit" ("path")`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_admin_unit_era_level_code" ON "admin_unit" ("era", "level", "code")`,
    );
    await q.query(
      `CREATE TABLE "station" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "commune_id" uuid NOT NULL, "name" character varying(200) NOT NULL, "address" character varying(300), "phone" character varying(32), "is_ip" boolean NOT NULL DEFAULT true, "established_on" date, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_cdacf7eba649aed1d1d5cad48bc" UNIQUE ("commune_id"), CONSTRAINT "PK_cad1b3e7182ef8df1057b82f6aa" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE TABLE "cluster" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "code" character varying(64) NOT NULL, "name" character varying(200) NOT NULL, "kind" character varying(16) NOT NULL, "lifecycle" character varying(16) NOT NULL DEFAULT 'active', "commune_id" uuid NOT NULL, "village_id" uuid, "station_id" uuid, "latitude" double precision, "longitude" double precision, "address" character varying(300), "vendor" character varying(64), "model" character varying(64), "firmware" character varying(64), "serial" character varying(64), "msisdn" character varying(20), "iccid" character varying(22), "installed_on" date, "notes" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_e70b4db9517e6aba67587991965" UNIQUE ("code"), CONSTRAINT "PK_b09d39b9491ce5cb1e8407761fd" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_cluster_lifecycle" ON "cluster" ("lifecycle")`);
    await q.query(`CREATE INDEX "ix_cluster_commune" ON "cluster" ("commune_id")`);
    await q.query(
      `CREATE TABLE "cluster_credential" ("cluster_id" uuid NOT NULL, "secret_sha256" character varying(64) NOT NULL, "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_6fbd9f2697b0dab191590b55a1c" PRIMARY KEY ("cluster_id"))`,
    );
    await q.query(
      `CREATE TABLE "cluster_state" ("cluster_id" uuid NOT NULL, "online" boolean NOT NULL DEFAULT false, "last_seen_at" TIMESTAMP WITH TIME ZONE, "online_since" TIMESTAMP WITH TIME ZONE, "hello" jsonb, "telemetry" jsonb, "telemetry_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_6bd4a8e8d3a5a59677ccbe1f219" PRIMARY KEY ("cluster_id"))`,
    );
    await q.query(
      `CREATE TABLE "presence_transition" ("id" BIGSERIAL NOT NULL, "cluster_id" uuid NOT NULL, "online" boolean NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "cause" character varying(32) NOT NULL, CONSTRAINT "PK_81d1f8a7eda9cc0f26cc8ba41fa" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "ix_presence_transition_cluster_at" ON "presence_transition" ("cluster_id", "at")`,
    );
    await q.query(
      `CREATE TABLE "telemetry_sample" ("id" BIGSERIAL NOT NULL, "cluster_id" uuid NOT NULL, "device_ts" TIMESTAMP WITH TIME ZONE NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, "seq" bigint NOT NULL, "net_type" character varying(16) NOT NULL, "rssi" real, "rsrp" real, "sinr" real, "power_source" character varying(8) NOT NULL, "battery_v" real, "amp_state" character varying(8) NOT NULL, "line_state" character varying(8) NOT NULL, "temp_c" real, "volume" smallint NOT NULL, "storage_free_mb" real NOT NULL, "clock_offset_ms" integer NOT NULL, "payload" jsonb NOT NULL, CONSTRAINT "PK_88acb76003980d968f675cf83d9" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "ix_telemetry_cluster_received" ON "telemetry_sample" ("cluster_id", "received_at")`,
    );
    await q.query(
      `CREATE TABLE "device_event" ("id" BIGSERIAL NOT NULL, "cluster_id" uuid NOT NULL, "event_id" character varying(64) NOT NULL, "type" character varying(32) NOT NULL, "code" character varying(32) NOT NULL, "device_ts" TIMESTAMP WITH TIME ZONE NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, "detail" text, CONSTRAINT "PK_c87eecc7e695d25ea5775fa8ba9" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "uq_device_event_cluster_event" ON "device_event" ("cluster_id", "event_id")`,
    );
    await q.query(
      `CREATE TABLE "cluster_fault" ("id" BIGSERIAL NOT NULL, "cluster_id" uuid NOT NULL, "code" character varying(32) NOT NULL, "raised_at" TIMESTAMP WITH TIME ZONE NOT NULL, "cleared_at" TIMESTAMP WITH TIME ZONE, "detail" text, CONSTRAINT "PK_3d25f0259c48869154df5ae69c5" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "uq_cluster_fault_open" ON "cluster_fault" ("cluster_id", "code") WHERE "cleared_at" IS NULL`,
    );
    await q.query(
      `CREATE TABLE "device_command" ("id" uuid NOT NULL, "cluster_id" uuid NOT NULL, "type" character varying(32) NOT NULL, "params" jsonb NOT NULL, "status" character varying(16) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "delivered_at" TIMESTAMP WITH TIME ZONE, "completed_at" TIMESTAMP WITH TIME ZONE, "result" jsonb, "error_code" character varying(32), "error_message" text, CONSTRAINT "PK_f7ee291a5e600aedcffcedbd482" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_device_command_open" ON "device_command" ("status", "expires_at")`);
    await q.query(
      `CREATE INDEX "ix_device_command_cluster_created" ON "device_command" ("cluster_id", "created_at")`,
    );
    await q.query(
      `ALTER TABLE "admin_unit" ADD CONSTRAINT "FK_935d81d6d54dde998988d6eef39" FOREIGN KEY ("parent_id") REFERENCES "admin_unit"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "station" ADD CONSTRAINT "FK_cdacf7eba649aed1d1d5cad48bc" FOREIGN KEY ("commune_id") REFERENCES "admin_unit"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "cluster" ADD CONSTRAINT "FK_c95cddd2aa511c27d920f9b5dd3" FOREIGN KEY ("commune_id") REFERENCES "admin_unit"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "cluster" ADD CONSTRAINT "FK_54e05dc13fc2fcd3166d556be3a" FOREIGN KEY ("village_id") REFERENCES "admin_unit"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "cluster" ADD CONSTRAINT "FK_89901a4f63ad9f62d3c75600cbf" FOREIGN KEY ("station_id") REFERENCES "station"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    // Everything a cluster reported goes with it; decommissioning (lifecycle) is the normal path.
    await q.query(
      `ALTER TABLE "cluster_credential" ADD CONSTRAINT "fk_cluster_credential_cluster" FOREIGN KEY ("cluster_id") REFERENCES "cluster"("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "cluster_state" ADD CONSTRAINT "fk_cluster_state_cluster" FOREIGN KEY ("cluster_id") REFERENCES "cluster"("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "presence_transition" ADD CONSTRAINT "fk_presence_transition_cluster" FOREIGN KEY ("cluster_id") REFERENCES "cluster"("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "telemetry_sample" ADD CONSTRAINT "fk_telemetry_sample_cluster" FOREIGN KEY ("cluster_id") REFERENCES "cluster"("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "device_event" ADD CONSTRAINT "fk_device_event_cluster" FOREIGN KEY ("cluster_id") REFERENCES "cluster"("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "cluster_fault" ADD CONSTRAINT "fk_cluster_fault_cluster" FOREIGN KEY ("cluster_id") REFERENCES "cluster"("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "device_command" ADD CONSTRAINT "fk_device_command_cluster" FOREIGN KEY ("cluster_id") REFERENCES "cluster"("id") ON DELETE CASCADE`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "cluster" DROP CONSTRAINT "FK_89901a4f63ad9f62d3c75600cbf"`);
    await q.query(`ALTER TABLE "cluster" DROP CONSTRAINT "FK_54e05dc13fc2fcd3166d556be3a"`);
    await q.query(`ALTER TABLE "cluster" DROP CONSTRAINT "FK_c95cddd2aa511c27d920f9b5dd3"`);
    await q.query(`ALTER TABLE "station" DROP CONSTRAINT "FK_cdacf7eba649aed1d1d5cad48bc"`);
    await q.query(`ALTER TABLE "admin_unit" DROP CONSTRAINT "FK_935d81d6d54dde998988d6eef39"`);
    await q.query(`DROP INDEX "public"."ix_device_command_cluster_created"`);
    await q.query(`DROP INDEX "public"."ix_device_command_open"`);
    await q.query(`DROP TABLE "device_command"`);
    await q.query(`DROP INDEX "public"."uq_cluster_fault_open"`);
    await q.query(`DROP TABLE "cluster_fault"`);
    await q.query(`DROP INDEX "public"."uq_device_event_cluster_event"`);
    await q.query(`DROP TABLE "device_event"`);
    await q.query(`DROP INDEX "public"."ix_telemetry_cluster_received"`);
    await q.query(`DROP TABLE "telemetry_sample"`);
    await q.query(`DROP INDEX "public"."ix_presence_transition_cluster_at"`);
    await q.query(`DROP TABLE "presence_transition"`);
    await q.query(`DROP TABLE "cluster_state"`);
    await q.query(`DROP TABLE "cluster_credential"`);
    await q.query(`DROP INDEX "public"."ix_cluster_commune"`);
    await q.query(`DROP INDEX "public"."ix_cluster_lifecycle"`);
    await q.query(`DROP TABLE "cluster"`);
    await q.query(`DROP TABLE "station"`);
    await q.query(`DROP INDEX "public"."uq_admin_unit_era_level_code"`);
    await q.query(`DROP INDEX "public"."ix_admin_unit_path"`);
    await q.query(`DROP TABLE "admin_unit"`);
  }
}
