import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261121112017 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "risk_review" drop constraint if exists "risk_review_order_id_unique";`);
    this.addSql(`alter table if exists "order_flow" drop constraint if exists "order_flow_order_id_unique";`);
    this.addSql(`create table if not exists "order_flow" ("id" text not null, "order_id" text not null, "stage" text check ("stage" in ('assessing', 'under_review', 'approved', 'rejected', 'capturing', 'awaiting_payment', 'paid', 'shipping', 'fulfilled', 'canceling', 'canceled', 'failed')) not null default 'assessing', "risk_score" integer null, "risk_level" text null, "risk_decision" text null, "risk_reasons" jsonb null, "payment_deadline_at" timestamptz null, "failure_reason" text null, "shipments" jsonb null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "order_flow_pkey" primary key ("id"));`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_order_flow_order_id_unique" ON "order_flow" ("order_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_order_flow_deleted_at" ON "order_flow" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_order_flow_stage_payment_deadline_at" ON "order_flow" ("stage", "payment_deadline_at") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "order_flow_event" ("id" text not null, "order_id" text not null, "stage" text not null, "status" text not null, "detail" jsonb null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "order_flow_event_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_order_flow_event_deleted_at" ON "order_flow_event" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_order_flow_event_order_id_created_at" ON "order_flow_event" ("order_id", "created_at") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "risk_review" ("id" text not null, "order_id" text not null, "status" text check ("status" in ('pending', 'approved', 'rejected')) not null default 'pending', "score" integer not null, "level" text not null, "reasons" jsonb not null, "order_summary" jsonb not null, "deadline_at" timestamptz not null, "decided_by" text null, "decided_at" timestamptz null, "decision_source" text null, "reason" text null, "note" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "risk_review_pkey" primary key ("id"));`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_risk_review_order_id_unique" ON "risk_review" ("order_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_risk_review_deleted_at" ON "risk_review" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_risk_review_status_created_at" ON "risk_review" ("status", "created_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_risk_review_status_deadline_at" ON "risk_review" ("status", "deadline_at") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "order_flow" cascade;`);

    this.addSql(`drop table if exists "order_flow_event" cascade;`);

    this.addSql(`drop table if exists "risk_review" cascade;`);
  }

}
