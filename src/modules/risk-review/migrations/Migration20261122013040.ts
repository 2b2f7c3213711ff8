import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261122013040 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "order_flow" add column if not exists "run_owner" integer null, add column if not exists "resume_stage" text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "order_flow" drop column if exists "run_owner", drop column if exists "resume_stage";`);
  }

}
