/**
 * The package's tables, created and upgraded by `@effect/sql`'s `Migrator` on any `SqlClient` (SQLite, Postgres).
 * Every layer of the package runs {@link run} when it starts: it is idempotent (applied migrations are recorded in
 * `im_recent_migrations` and not run again), versioned (one id per schema change) and safe when several processes
 * start at once (Postgres: a table lock; SQLite: one writer at a time). A database written by a newer version of this
 * package (a migration id this one does not know) is refused with {@link SchemaTooNew} instead of being written with
 * an older idea of its tables.
 *
 * @since 0.1.0
 */
import * as Migrator from "@effect/sql/Migrator"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import initial from "./internal/migrations/0001_initial.js"
import portals from "./internal/migrations/0002_portals.js"

/**
 * The table in which applied migrations are recorded.
 *
 * @since 0.1.0
 * @category constants
 */
export const table = "im_recent_migrations"

/**
 * The migrations, by id: `[id, name, migration]`.
 *
 * @since 0.1.0
 * @category constants
 */
export const migrations: ReadonlyArray<
  readonly [id: number, name: string, migration: Effect.Effect<void, SqlError, SqlClient.SqlClient>]
> = [
  [1, "initial", initial],
  [2, "portals", portals]
]

/**
 * The schema version this package writes: the id of its newest migration.
 *
 * @since 0.1.0
 * @category constants
 */
export const version: number = Math.max(...migrations.map(([id]) => id))

/**
 * The database was written by a newer version of this package: its schema version is above {@link version}.
 *
 * @since 0.1.0
 * @category errors
 */
export class SchemaTooNew extends Schema.TaggedError<SchemaTooNew>("@im-recent/sql/Migrations/SchemaTooNew")(
  "SchemaTooNew",
  { found: Schema.Number, supported: Schema.Number }
) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `The database has schema version ${this.found}, written by a newer @im-recent/sql; this one knows versions up to ${this.supported}: upgrade @im-recent/sql`
  }
}

/**
 * A migration failed or could not run; `description` says which and why.
 *
 * @since 0.1.0
 * @category errors
 */
export class MigrationFailed extends Schema.TaggedError<MigrationFailed>("@im-recent/sql/Migrations/MigrationFailed")(
  "MigrationFailed",
  { description: Schema.String }
) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `The database schema could not be brought up to date: ${this.description}`
  }
}

const migrator = Migrator.make({})

const describe = (error: Migrator.MigrationError): string => {
  const cause = error.cause
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message
}

const newestApplied = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const exists = yield* sql.onDialectOrElse({
    pg: () => sql<{ found: string | null }>`SELECT to_regclass(${table}) AS found`,
    orElse: () =>
      sql<{ found: string | null }>`SELECT name AS found FROM sqlite_master WHERE type = 'table' AND name = ${table}`
  })
  if (exists.length === 0 || exists[0]!.found === null) return 0
  const rows = yield* sql<{ newest: number | string | null }>`SELECT max(migration_id) AS newest FROM ${sql(table)}`
  return Number(rows[0]?.newest ?? 0)
})

/**
 * Brings the schema up to {@link version}: refuses a newer one, then runs the missing migrations, each recorded in
 * {@link table}. Returns the migrations it ran (none when the schema was current).
 *
 * @since 0.1.0
 * @category migrations
 */
export const run: Effect.Effect<
  ReadonlyArray<readonly [id: number, name: string]>,
  SchemaTooNew | MigrationFailed | SqlError,
  SqlClient.SqlClient
> = Effect.gen(function* () {
  const found = yield* newestApplied
  if (found > version) return yield* new SchemaTooNew({ found, supported: version })
  return yield* migrator({
    loader: Effect.succeed(migrations.map(([id, name, migration]) => [id, name, Effect.succeed(migration)] as const)),
    table
  }).pipe(
    Effect.catchTag("MigrationError", (error) => Effect.fail(new MigrationFailed({ description: error.message }))),
    // the Migrator dies with a MigrationError when a migration itself fails
    Effect.catchSomeDefect((defect) =>
      defect instanceof Migrator.MigrationError
        ? Option.some(Effect.fail(new MigrationFailed({ description: describe(defect) })))
        : Option.none()
    )
  )
}).pipe(Effect.withSpan("Migrations.run"))

/**
 * {@link run} as a layer: what every layer of this package needs before it touches its tables.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<never, SchemaTooNew | MigrationFailed | SqlError, SqlClient.SqlClient> =
  Layer.effectDiscard(run)
