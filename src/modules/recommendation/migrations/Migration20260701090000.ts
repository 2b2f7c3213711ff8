import { Migration } from "@medusajs/framework/mikro-orm/migrations"

export class Migration20260701090000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table if not exists "recommendation_neighbour" ("id" text not null, "product_id" text not null, "neighbour_id" text not null, "score" real not null, "orders" integer not null, "rank" integer not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "recommendation_neighbour_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_recommendation_neighbour_deleted_at" ON "recommendation_neighbour" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_recommendation_neighbour_product_id_rank" ON "recommendation_neighbour" ("product_id", "rank") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_recommendation_neighbour_product_id_neighbour_id_unique" ON "recommendation_neighbour" ("product_id", "neighbour_id") WHERE deleted_at IS NULL;`);
    this.addSql(`create table if not exists "recommendation_order" ("id" text not null, "order_id" text not null, "weight" real not null default 1, "product_count" integer not null, "placed_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "recommendation_order_pkey" primary key ("id"));`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_recommendation_order_order_id_unique" ON "recommendation_order" ("order_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_recommendation_order_deleted_at" ON "recommendation_order" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`create table if not exists "recommendation_order_product" ("id" text not null, "order_id" text not null, "product_id" text not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "recommendation_order_product_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_recommendation_order_product_deleted_at" ON "recommendation_order_product" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_recommendation_order_product_order_id_product_id_unique" ON "recommendation_order_product" ("order_id", "product_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_recommendation_order_product_product_id" ON "recommendation_order_product" ("product_id") WHERE deleted_at IS NULL;`);
    this.addSql(`create table if not exists "recommendation_pair" ("id" text not null, "product_id" text not null, "other_id" text not null, "orders" integer not null default 0, "weight" real not null default 0, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "recommendation_pair_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_recommendation_pair_deleted_at" ON "recommendation_pair" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_recommendation_pair_product_id_other_id_unique" ON "recommendation_pair" ("product_id", "other_id") WHERE deleted_at IS NULL;`);
    this.addSql(`create table if not exists "recommendation_product_stat" ("id" text not null, "product_id" text not null, "orders" integer not null default 0, "weight" real not null default 0, "copurchase_orders" integer not null default 0, "neighbour_count" integer not null default 0, "neighbour_min_score" real null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "recommendation_product_stat_pkey" primary key ("id"));`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_recommendation_product_stat_product_id_unique" ON "recommendation_product_stat" ("product_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_recommendation_product_stat_deleted_at" ON "recommendation_product_stat" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`create table if not exists "recommendation_rebuild" ("id" text not null, "started_at" timestamptz not null, "finished_at" timestamptz not null, "duration_ms" integer not null, "orders" integer not null, "products" integer not null, "pairs" integer not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "recommendation_rebuild_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_recommendation_rebuild_deleted_at" ON "recommendation_rebuild" ("deleted_at") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "recommendation_neighbour" cascade;`);
    this.addSql(`drop table if exists "recommendation_order" cascade;`);
    this.addSql(`drop table if exists "recommendation_order_product" cascade;`);
    this.addSql(`drop table if exists "recommendation_pair" cascade;`);
    this.addSql(`drop table if exists "recommendation_product_stat" cascade;`);
    this.addSql(`drop table if exists "recommendation_rebuild" cascade;`);
  }
}
