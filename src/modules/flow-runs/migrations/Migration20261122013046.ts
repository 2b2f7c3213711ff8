import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261122013046 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "flow_run" drop constraint if exists "flow_run_workflow_id_transaction_id_unique";`);
    this.addSql(`create table if not exists "flow_run" ("id" text not null, "workflow_id" text not null, "transaction_id" text not null, "trigger" text not null default 'system', "trigger_name" text null, "actor_type" text null, "actor_id" text null, "subject_type" text null, "subject_id" text null, "input" jsonb null, "state" text check ("state" in ('running', 'waiting', 'succeeded', 'failed', 'compensated', 'timed_out')) not null default 'running', "started_at" timestamptz not null, "ended_at" timestamptz null, "duration_ms" integer null, "steps" jsonb null, "error" text null, "failed_step" text null, "inbox" text check ("inbox" in ('open', 'retried', 'resolved')) null, "retry_of" text null, "retried_as" text null, "resolved_by" text null, "resolved_at" timestamptz null, "resolution_note" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "flow_run_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_flow_run_deleted_at" ON "flow_run" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_flow_run_workflow_id_transaction_id_unique" ON "flow_run" ("workflow_id", "transaction_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_flow_run_started_at" ON "flow_run" ("started_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_flow_run_inbox_started_at" ON "flow_run" ("inbox", "started_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_flow_run_state_started_at" ON "flow_run" ("state", "started_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_flow_run_subject_id" ON "flow_run" ("subject_id") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "flow_run" cascade;`);
  }

}
