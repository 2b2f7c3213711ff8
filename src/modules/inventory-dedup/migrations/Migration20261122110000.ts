import { Migration } from "@medusajs/framework/mikro-orm/migrations"
import { AVAILABILITY_FUNCTION_SQL, DROP_AVAILABILITY_FUNCTION_SQL } from "../availability-sql"

/** The guard's availability formula as a database function (its plan cached per connection). */
export class Migration20261122110000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(AVAILABILITY_FUNCTION_SQL)
  }

  override async down(): Promise<void> {
    this.addSql(DROP_AVAILABILITY_FUNCTION_SQL)
  }
}
