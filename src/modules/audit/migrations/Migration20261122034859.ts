import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261122034859 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table if not exists "omniflow_audit_entry" ("id" text not null, "actor_type" text check ("actor_type" in ('user', 'customer', 'system')) not null, "actor_id" text null, "action" text not null, "target_type" text not null, "target_id" text not null, "details" jsonb null, "anonymised_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "omniflow_audit_entry_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_omniflow_audit_entry_deleted_at" ON "omniflow_audit_entry" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_omniflow_audit_entry_target_type_target_id_created_at" ON "omniflow_audit_entry" ("target_type", "target_id", "created_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_omniflow_audit_entry_action_created_at" ON "omniflow_audit_entry" ("action", "created_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_omniflow_audit_entry_actor_id_created_at" ON "omniflow_audit_entry" ("actor_id", "created_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_omniflow_audit_entry_created_at" ON "omniflow_audit_entry" ("created_at") WHERE deleted_at IS NULL;`);

    // Append-only: no delete, and no update except an erasure's anonymisation of the
    // details, which the service makes in a transaction that sets omniflow.audit_anonymise.
    this.addSql(`CREATE OR REPLACE FUNCTION omniflow_audit_entry_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND current_setting('omniflow.audit_anonymise', true) = 'on'
     AND NEW.id = OLD.id AND NEW.actor_type = OLD.actor_type AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
     AND NEW.action = OLD.action AND NEW.target_type = OLD.target_type AND NEW.target_id = OLD.target_id
     AND NEW.created_at = OLD.created_at AND NEW.deleted_at IS NULL THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit entries are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$ LANGUAGE plpgsql;`);
    this.addSql(`DROP TRIGGER IF EXISTS omniflow_audit_entry_append_only ON "omniflow_audit_entry";`);
    this.addSql(`CREATE TRIGGER omniflow_audit_entry_append_only BEFORE UPDATE OR DELETE ON "omniflow_audit_entry"
      FOR EACH ROW EXECUTE FUNCTION omniflow_audit_entry_append_only();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "omniflow_audit_entry" cascade;`);
    this.addSql(`DROP FUNCTION IF EXISTS omniflow_audit_entry_append_only();`);
  }

}
