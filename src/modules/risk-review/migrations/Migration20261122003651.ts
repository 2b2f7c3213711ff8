import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261122003651 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "order_flow" add column if not exists "run_id" text null, add column if not exists "waiting_for" text null, add column if not exists "wait_until" timestamptz null;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_order_flow_waiting_for_wait_until" ON "order_flow" ("waiting_for", "wait_until") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "IDX_order_flow_waiting_for_wait_until";`);
    this.addSql(`alter table if exists "order_flow" drop column if exists "run_id", drop column if exists "waiting_for", drop column if exists "wait_until";`);
  }

}
