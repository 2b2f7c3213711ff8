import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261122070152 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "flow_run" drop constraint if exists "flow_run_state_check";`);

    this.addSql(`alter table if exists "flow_run" add constraint "flow_run_state_check" check("state" in ('running', 'waiting', 'held', 'succeeded', 'failed', 'compensated', 'timed_out'));`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "flow_run" drop constraint if exists "flow_run_state_check";`);

    this.addSql(`alter table if exists "flow_run" add constraint "flow_run_state_check" check("state" in ('running', 'waiting', 'succeeded', 'failed', 'compensated', 'timed_out'));`);
  }

}
