import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261121120752 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "inventory_dedup_guard" drop constraint if exists "inventory_dedup_guard_inventory_item_id_unique";`);
    this.addSql(`alter table if exists "inventory_dedup_effect" drop constraint if exists "inventory_dedup_effect_key_unique";`);
    this.addSql(`alter table if exists "inventory_dedup_claim" drop constraint if exists "inventory_dedup_claim_cart_id_unique";`);
    this.addSql(`alter table if exists "inventory_dedup_claim" drop constraint if exists "inventory_dedup_claim_key_unique";`);
    this.addSql(`create table if not exists "inventory_dedup_claim" ("id" text not null, "key" text not null, "cart_id" text not null, "order_id" text null, "sales_channel_id" text null, "status" text check ("status" in ('held', 'converted', 'released')) not null default 'held', "lines" jsonb not null, "note" text null, "source" text check ("source" in ('admission', 'checkout', 'direct')) not null default 'direct', "adopted_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "inventory_dedup_claim_pkey" primary key ("id"));`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_inventory_dedup_claim_key_unique" ON "inventory_dedup_claim" ("key") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_inventory_dedup_claim_deleted_at" ON "inventory_dedup_claim" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_inventory_dedup_claim_status_created_at" ON "inventory_dedup_claim" ("status", "created_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_inventory_dedup_claim_cart_id_unique" ON "inventory_dedup_claim" ("cart_id") WHERE status != 'released' AND deleted_at IS NULL;`);

    this.addSql(`create table if not exists "inventory_dedup_effect" ("id" text not null, "key" text not null, "kind" text check ("kind" in ('claim', 'release', 'convert', 'reserve', 'restock', 'consume')) not null, "result" jsonb null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "inventory_dedup_effect_pkey" primary key ("id"));`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_inventory_dedup_effect_key_unique" ON "inventory_dedup_effect" ("key") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_inventory_dedup_effect_deleted_at" ON "inventory_dedup_effect" ("deleted_at") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "inventory_dedup_guard" ("id" text not null, "inventory_item_id" text not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "inventory_dedup_guard_pkey" primary key ("id"));`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_inventory_dedup_guard_inventory_item_id_unique" ON "inventory_dedup_guard" ("inventory_item_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_inventory_dedup_guard_deleted_at" ON "inventory_dedup_guard" ("deleted_at") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "inventory_dedup_claim" cascade;`);

    this.addSql(`drop table if exists "inventory_dedup_effect" cascade;`);

    this.addSql(`drop table if exists "inventory_dedup_guard" cascade;`);
  }

}
