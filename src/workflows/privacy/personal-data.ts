import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"

type Pg = { raw: (sql: string, bindings?: unknown[]) => Promise<{ rows: any[] }>; transaction: (fn: (trx: Pg) => Promise<unknown>) => Promise<unknown> }

/** What an erasure searches for, saved on the request until its certificate clears it. */
export type ErasureSubject = {
  email: string | null
  first_name: string | null
  last_name: string | null
  phone: string | null
}

/** The string every erased email becomes: unique per customer (core's unique email index), and no one's address. */
export const anonymisedEmail = (customer_id: string) => `erased-${customer_id.toLowerCase()}@erased.invalid`

/** Replaces text that pointed at the person. */
export const ERASED = "[erased]"

/** JSON keys whose value is personal wherever they appear in a row that belongs to the person. */
const PERSONAL_KEYS = new Set([
  "email",
  "first_name",
  "last_name",
  "phone",
  "company",
  "company_name",
  "address_1",
  "address_2",
  "city",
  "province",
  "postal_code",
  "address_name",
])

/** Address columns blanked on every address row of the person (country_code stays: taxes were computed from it). */
export const ADDRESS_FIELDS = ["first_name", "last_name", "phone", "company", "address_1", "address_2", "city", "province", "postal_code"] as const

export const pgOf = (container: MedusaContainer) => container.resolve(ContainerRegistrationKeys.PG_CONNECTION) as unknown as Pg

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`

/**
 * The strings that identify the person in free text: the email, and the phone when it is
 * long enough not to match unrelated digits. Lower case, as every comparison is.
 */
export function needlesOf(subject: ErasureSubject | null | undefined): string[] {
  const needles: string[] = []
  if (subject?.email?.trim()) needles.push(subject.email.trim().toLowerCase())
  const phone = subject?.phone?.trim()
  if (phone && phone.replace(/\D/g, "").length >= 6) needles.push(phone.toLowerCase())
  return needles
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/**
 * The needle as a whole word: not inside a longer address (`ann@…` in `joann@…`, or
 * `…@example.com` in `…@example.com.au`) nor inside a longer number (a phone inside an
 * amount) — those are someone or something else. A full stop after an address ends a
 * sentence, not the address. The same pattern serves JavaScript and PostgreSQL (whose
 * regular expressions know these look-arounds too).
 */
function wholeWordPattern(needle: string): string {
  const body = escapeRegExp(needle.toLowerCase())
  return needle.includes("@") ? `(?<![a-z0-9._%+-])${body}(?![a-z0-9_%+-]|\\.[a-z0-9])` : `(?<![0-9])${body}(?![0-9])`
}

/** A case-insensitive JavaScript pattern of the needle as a whole word. */
export function needleRegExp(needle: string): RegExp {
  return new RegExp(wholeWordPattern(needle), "gi")
}

/**
 * SQL that is true when `columnSql` (any type, compared as lower-case text) mentions one of
 * the needles as a whole word, with its bindings. `false` without needles.
 */
export function mentionsSql(columnSql: string, needles: string[]): { sql: string; bindings: string[] } {
  if (!needles.length) return { sql: "false", bindings: [] }
  return {
    sql: `(${needles.map(() => `lower(${columnSql}::text) ~ ?`).join(" OR ")})`,
    bindings: needles.map(wholeWordPattern),
  }
}

/**
 * `value` without the person in it: every occurrence of a needle replaced (an email by the
 * anonymised address, anything else by "[erased]") and, when `personal` says the whole value
 * belongs to the person, the values of personal keys (names, address lines, phone) nulled.
 * Numbers, ids and everything else stay, so amounts and tax data are kept.
 */
export function scrub(value: unknown, needles: string[], replacementEmail: string, personal: boolean): unknown {
  if (typeof value === "string") {
    let out = value
    for (const needle of needles) {
      out = out.replace(needleRegExp(needle), needle.includes("@") ? replacementEmail : ERASED)
    }
    return out
  }
  if (Array.isArray(value)) {
    return value.map((v) => scrub(v, needles, replacementEmail, personal))
  }
  if (value && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        personal && PERSONAL_KEYS.has(k) && typeof v === "string"
          ? k === "email"
            ? replacementEmail
            : null
          : scrub(v, needles, replacementEmail, personal),
      ])
    )
  }
  return value
}

export type TextColumn = { table: string; column: string; type: string }

/**
 * Every column of the current schema that can hold text: text, varchar, char, json, jsonb
 * and arrays of text, grouped by table (base tables only; views show the same rows).
 */
export async function textColumns(pg: Pg): Promise<Map<string, TextColumn[]>> {
  const { rows } = await pg.raw(
    `SELECT c.table_name, c.column_name, c.data_type, c.udt_name
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
        AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')
             OR (c.data_type = 'ARRAY' AND c.udt_name IN ('_text', '_varchar', '_bpchar')))
      ORDER BY c.table_name, c.ordinal_position`
  )
  const byTable = new Map<string, TextColumn[]>()
  for (const r of rows) {
    const list = byTable.get(r.table_name) ?? []
    list.push({ table: r.table_name, column: r.column_name, type: r.data_type === "ARRAY" ? "array" : r.data_type })
    byTable.set(r.table_name, list)
  }
  return byTable
}

export type Mention = TextColumn & { rows: number }

/**
 * Which columns of which tables mention one of `needles` (a whole word of the value as
 * lower-case text, see `mentionsSql`), counted per column. `skip` leaves columns out.
 */
export async function findMentions(
  pg: Pg,
  needles: string[],
  skip: (table: string, column: string) => boolean = () => false
): Promise<{ tables: string[]; columns: number; mentions: Mention[] }> {
  const byTable = await textColumns(pg)
  const tables: string[] = []
  let columns = 0
  const mentions: Mention[] = []
  if (!needles.length) {
    return { tables: [...byTable.keys()], columns: [...byTable.values()].reduce((n, c) => n + c.length, 0), mentions }
  }
  for (const [table, all] of byTable) {
    const cols = all.filter((c) => !skip(table, c.column))
    tables.push(table)
    columns += cols.length
    if (!cols.length) continue
    const matches = cols.map((c) => mentionsSql(quoteIdent(c.column), needles))
    const sql = `SELECT ${matches.map((m, i) => `count(*) FILTER (WHERE ${m.sql}) AS c${i}`).join(", ")} FROM ${quoteIdent(table)}`
    const bindings = matches.flatMap((m) => m.bindings)
    const { rows } = await pg.raw(sql, bindings)
    cols.forEach((c, i) => {
      const n = Number(rows[0]?.[`c${i}`] ?? 0)
      if (n > 0) mentions.push({ ...c, rows: n })
    })
  }
  return { tables, columns, mentions }
}

/**
 * Rows whose first and last name are the person's, in every table that has both columns
 * (compared case-insensitively, surrounding spaces ignored).
 */
export async function findNameMatches(pg: Pg, subject: ErasureSubject): Promise<Mention[]> {
  const first = subject.first_name?.trim().toLowerCase()
  const last = subject.last_name?.trim().toLowerCase()
  if (!first || !last) return []
  const { rows: tables } = await pg.raw(
    `SELECT c.table_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.column_name IN ('first_name', 'last_name')
      GROUP BY c.table_name HAVING count(*) = 2`
  )
  const found: Mention[] = []
  for (const { table_name } of tables) {
    const { rows } = await pg.raw(
      `SELECT count(*) AS n FROM ${quoteIdent(table_name)} WHERE lower(trim(first_name::text)) = ? AND lower(trim(last_name::text)) = ?`,
      [first, last]
    )
    const n = Number(rows[0]?.n ?? 0)
    if (n > 0) found.push({ table: table_name, column: "first_name+last_name", type: "text", rows: n })
  }
  return found
}

/**
 * Rewrites, in one table, the rows selected by `where` (SQL with `?` bindings): each listed
 * column scrubbed (see `scrub`). Rows are addressed by ctid inside one transaction that
 * locks them, so tables without an `id` column are handled the same way. Returns how many
 * rows changed.
 */
export async function scrubRows(
  pg: Pg,
  table: string,
  columns: TextColumn[],
  where: string,
  bindings: unknown[],
  needles: string[],
  replacementEmail: string,
  personal: boolean
): Promise<number> {
  if (!columns.length) return 0
  let changed = 0
  await pg.transaction(async (trx) => {
    const { rows } = await trx.raw(
      `SELECT ctid::text AS row_ctid, ${columns.map((c) => quoteIdent(c.column)).join(", ")} FROM ${quoteIdent(table)} WHERE ${where} FOR UPDATE`,
      bindings
    )
    for (const row of rows) {
      const sets: string[] = []
      const values: unknown[] = []
      for (const c of columns) {
        const before = row[c.column]
        if (before === null || before === undefined) continue
        const after = scrub(before, needles, replacementEmail, personal)
        if (JSON.stringify(after) === JSON.stringify(before)) continue
        if (c.type === "json" || c.type === "jsonb") {
          sets.push(`${quoteIdent(c.column)} = ?::${c.type}`)
          values.push(JSON.stringify(after))
        } else {
          sets.push(`${quoteIdent(c.column)} = ?`)
          values.push(after)
        }
      }
      if (sets.length) {
        await trx.raw(`UPDATE ${quoteIdent(table)} SET ${sets.join(", ")} WHERE ctid = ?::tid`, [...values, row.row_ctid])
        changed++
      }
    }
  })
  return changed
}

/** The person's records by id, found from the customer and everything that carries their email. */
export type PersonalRecords = {
  customer_addresses: string[]
  orders: string[]
  order_addresses: string[]
  carts: string[]
  cart_addresses: string[]
  payment_collections: string[]
  payment_sessions: string[]
  payments: string[]
  account_holders: string[]
  fulfillments: string[]
  fulfillment_addresses: string[]
  notifications: string[]
}

const ids = async (pg: Pg, sql: string, bindings: unknown[]) =>
  [...new Set((await pg.raw(sql, bindings)).rows.map((r) => r.id as string).filter(Boolean))]

/**
 * Every record that belongs to the customer: theirs by `customer_id`, or carrying their
 * email (guest checkouts with the same address), and what hangs off those (addresses,
 * payments, fulfilments, notifications). Soft-deleted rows count too: their data is still
 * there.
 */
export async function personalRecords(container: MedusaContainer, customer_id: string, subject: ErasureSubject | null): Promise<PersonalRecords> {
  const pg = pgOf(container)
  const email = subject?.email?.trim().toLowerCase() ?? ""
  const orders = await ids(pg, `SELECT id FROM "order" WHERE customer_id = ? OR (? <> '' AND lower(email) = ?)`, [customer_id, email, email])
  const carts = await ids(
    pg,
    `SELECT id FROM cart WHERE customer_id = ? OR (? <> '' AND lower(email) = ?)
     UNION SELECT cart_id AS id FROM order_cart WHERE order_id = ANY(?)`,
    [customer_id, email, email, orders]
  )
  const payment_collections = await ids(
    pg,
    `SELECT payment_collection_id AS id FROM order_payment_collection WHERE order_id = ANY(?)
     UNION SELECT payment_collection_id AS id FROM cart_payment_collection WHERE cart_id = ANY(?)`,
    [orders, carts]
  )
  const fulfillments = await ids(pg, `SELECT fulfillment_id AS id FROM order_fulfillment WHERE order_id = ANY(?)`, [orders])
  return {
    customer_addresses: await ids(pg, `SELECT id FROM customer_address WHERE customer_id = ?`, [customer_id]),
    orders,
    order_addresses: await ids(
      pg,
      `SELECT shipping_address_id AS id FROM "order" WHERE id = ANY(?)
       UNION SELECT billing_address_id AS id FROM "order" WHERE id = ANY(?)
       UNION SELECT id FROM order_address WHERE customer_id = ?`,
      [orders, orders, customer_id]
    ),
    carts,
    cart_addresses: await ids(
      pg,
      `SELECT shipping_address_id AS id FROM cart WHERE id = ANY(?)
       UNION SELECT billing_address_id AS id FROM cart WHERE id = ANY(?)
       UNION SELECT id FROM cart_address WHERE customer_id = ?`,
      [carts, carts, customer_id]
    ),
    payment_collections,
    payment_sessions: await ids(pg, `SELECT id FROM payment_session WHERE payment_collection_id = ANY(?)`, [payment_collections]),
    payments: await ids(pg, `SELECT id FROM payment WHERE payment_collection_id = ANY(?)`, [payment_collections]),
    account_holders: await ids(pg, `SELECT account_holder_id AS id FROM customer_account_holder WHERE customer_id = ?`, [customer_id]),
    fulfillments,
    fulfillment_addresses: await ids(pg, `SELECT delivery_address_id AS id FROM fulfillment WHERE id = ANY(?)`, [fulfillments]),
    notifications: await ids(pg, `SELECT id FROM notification WHERE receiver_id = ? OR (? <> '' AND lower("to") = ?)`, [
      customer_id,
      email,
      email,
    ]),
  }
}
