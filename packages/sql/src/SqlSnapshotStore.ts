/**
 * The `SnapshotStore` of `@im-recent/client`'s `RecentSync` in a database: one row of `im_recent_snapshot` per `key`
 * (whose list it is, e.g. `portal.bitrix24.com/user/1`), holding the snapshot's encoded form as JSON text
 * (`Schema.encode(SnapshotStore.Snapshot)`), on any `@effect/sql` client (SQLite, Postgres). A sync that restarts on
 * the same database goes on with a delta from the stored `syncDate` instead of a full reload.
 *
 * @since 0.1.0
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { SnapshotStore } from "@im-recent/client"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { describe, instant } from "./internal/columns.js"
import * as Migrations from "./Migrations.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Which snapshot: the row's `key` (one per portal, user and filters you sync). */
  readonly key: string
}

/**
 * The table the snapshots are kept in (columns: see the package README, "The schema").
 *
 * @since 0.1.0
 * @category constants
 */
export const table = "im_recent_snapshot"

/**
 * The `data` column: the encoded snapshot as JSON.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SnapshotJson = Schema.parseJson(SnapshotStore.Snapshot)

const error = (operation: "load" | "save", description: string) =>
  new SnapshotStore.SnapshotStoreError({ operation, description })

/**
 * A store of the snapshot under `options.key`. Needs the package's tables ({@link layer} creates them; with `make`,
 * run `Migrations.run` first).
 *
 * - `load`: the stored snapshot, `None` while the row does not exist; a row that does not decode fails (its content
 *   is never quoted: it is the user's chats).
 * - `save`: inserts or replaces the row.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<SnapshotStore.Service, never, SqlClient.SqlClient> =>
  Effect.map(SqlClient.SqlClient, (sql) => {
    const key = options.key
    const where = `row "${key}" of ${table}`
    const decode = Schema.decode(SnapshotJson)
    const encode = Schema.encode(SnapshotJson)
    const failed = (operation: "load" | "save", doing: string) => (cause: SqlError) =>
      Effect.fail(error(operation, `${doing} the ${where}: ${describe(cause, [])}`))

    const load: SnapshotStore.Service["load"] = Effect.gen(function* () {
      const rows = yield* sql<{ data: unknown }>`SELECT data FROM ${sql(table)} WHERE key = ${key}`
      if (rows.length === 0) return Option.none()
      const data = rows[0]!.data
      // a parse error quotes the input: never let it out
      const snapshot = yield* Effect.mapError(decode(typeof data === "string" ? data : ""), () =>
        error(
          "load",
          `the ${where} does not hold a recent-list snapshot (the JSON of SnapshotStore.Snapshot): written by something else or damaged; delete the row and the next sync reloads in full`
        )
      )
      return Option.some(snapshot)
    }).pipe(
      Effect.catchTag("SqlError", failed("load", "reading")),
      Effect.withSpan("SqlSnapshotStore.load", { attributes: { key } })
    )

    const save: SnapshotStore.Service["save"] = (snapshot) =>
      Effect.gen(function* () {
        const data = yield* Effect.mapError(encode(snapshot), () =>
          error("save", `the snapshot for the ${where} does not encode (not a SnapshotStore.Snapshot)`)
        )
        const updatedAt = instant(sql, DateTime.unsafeMake(yield* Clock.currentTimeMillis))
        yield* sql`INSERT INTO ${sql(table)} (key, data, updated_at) VALUES (${key}, ${data}, ${updatedAt})
          ON CONFLICT (key) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`
      }).pipe(
        Effect.catchTag("SqlError", failed("save", "writing")),
        Effect.withSpan("SqlSnapshotStore.save", { attributes: { key } })
      )

    return { load, save }
  })

/**
 * {@link make} as a layer: brings the package's tables up to date (`Migrations.run`) when it starts.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options
): Layer.Layer<
  SnapshotStore.SnapshotStore,
  Migrations.SchemaTooNew | Migrations.MigrationFailed | SqlError,
  SqlClient.SqlClient
> => Layer.effect(SnapshotStore.SnapshotStore, Effect.zipRight(Migrations.run, make(options)))
