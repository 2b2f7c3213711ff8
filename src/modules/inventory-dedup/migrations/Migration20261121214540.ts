import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261121214540 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "inventory_dedup_effect" drop constraint if exists "inventory_dedup_effect_kind_check";`);

    this.addSql(`alter table if exists "inventory_dedup_claim" add column if not exists "owner" integer null, add column if not exists "alert" text null;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_inventory_dedup_claim_order_id" ON "inventory_dedup_claim" ("order_id") WHERE deleted_at IS NULL;`);

    this.addSql(`alter table if exists "inventory_dedup_effect" add constraint "inventory_dedup_effect_kind_check" check("kind" in ('claim', 'release', 'convert', 'reserve', 'restock', 'consume', 'cancel', 'recover'));`);
    // Order cancellations were recorded as restocks before they became an effect of their own.
    this.addSql(`update "inventory_dedup_effect" set "kind" = 'cancel' where "kind" = 'restock' and "key" like 'order:%:cancel';`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "inventory_dedup_effect" drop constraint if exists "inventory_dedup_effect_kind_check";`);

    this.addSql(`drop index if exists "IDX_inventory_dedup_claim_order_id";`);
    this.addSql(`alter table if exists "inventory_dedup_claim" drop column if exists "owner", drop column if exists "alert";`);

    this.addSql(`alter table if exists "inventory_dedup_effect" add constraint "inventory_dedup_effect_kind_check" check("kind" in ('claim', 'release', 'convert', 'reserve', 'restock', 'consume'));`);
  }

}
