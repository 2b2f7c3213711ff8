import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261122034906 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "omniflow_privacy_request" drop constraint if exists "omniflow_privacy_request_customer_id_unique";`);
    this.addSql(`alter table if exists "omniflow_onboarding" drop constraint if exists "omniflow_onboarding_customer_id_unique";`);
    this.addSql(`create table if not exists "omniflow_onboarding" ("id" text not null, "customer_id" text not null, "state" text check ("state" in ('running', 'completed', 'failed')) not null default 'running', "group_id" text null, "locale" text null, "attempts" integer not null default 1, "error" text null, "completed_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "omniflow_onboarding_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_omniflow_onboarding_deleted_at" ON "omniflow_onboarding" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_omniflow_onboarding_customer_id_unique" ON "omniflow_onboarding" ("customer_id") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "omniflow_privacy_request" ("id" text not null, "kind" text check ("kind" in ('export', 'erasure')) not null, "customer_id" text not null, "requested_by_type" text not null, "requested_by_id" text not null, "state" text check ("state" in ('running', 'completed', 'failed')) not null default 'running', "phases" jsonb null, "counts" jsonb null, "verification" jsonb null, "subject" jsonb null, "file_id" text null, "expires_at" timestamptz null, "run_owner" integer null, "error" text null, "completed_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "omniflow_privacy_request_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_omniflow_privacy_request_deleted_at" ON "omniflow_privacy_request" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_omniflow_privacy_request_customer_id_kind" ON "omniflow_privacy_request" ("customer_id", "kind") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_omniflow_privacy_request_customer_id_unique" ON "omniflow_privacy_request" ("customer_id") WHERE kind = 'erasure' AND deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_omniflow_privacy_request_state_updated_at" ON "omniflow_privacy_request" ("state", "updated_at") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "omniflow_onboarding" cascade;`);

    this.addSql(`drop table if exists "omniflow_privacy_request" cascade;`);
  }

}
