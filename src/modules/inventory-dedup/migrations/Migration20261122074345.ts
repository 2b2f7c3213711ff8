import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261122074345 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "inventory_dedup_checkout" drop constraint if exists "inventory_dedup_checkout_cart_id_unique";`);
    this.addSql(`create table if not exists "inventory_dedup_checkout" ("id" text not null, "cart_id" text not null, "claim_id" text null, "customer_id" text null, "state" text check ("state" in ('claimed', 'placed', 'failed')) not null default 'claimed', "order_id" text null, "error" text null, "error_type" text null, "owner" integer null, "settled_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "inventory_dedup_checkout_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_inventory_dedup_checkout_deleted_at" ON "inventory_dedup_checkout" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_inventory_dedup_checkout_cart_id_unique" ON "inventory_dedup_checkout" ("cart_id") WHERE state = 'claimed' AND deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_inventory_dedup_checkout_state_created_at" ON "inventory_dedup_checkout" ("state", "created_at") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "inventory_dedup_checkout" cascade;`);
  }

}
