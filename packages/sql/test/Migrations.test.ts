import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { Migrations } from "../src/index.js"
import { dialects, skipNote } from "./support/Databases.js"

const tables = [
  "im_recent_token",
  "im_recent_snapshot",
  "im_recent_item",
  "im_recent_cursor",
  "im_recent_change",
  "im_recent_portal",
  "im_recent_portal_user"
]

const tableNames = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const rows = yield* sql.onDialectOrElse({
    pg: () =>
      sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'`,
    orElse: () => sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'`
  })
  return rows.map((row) => row.name).sort()
})

for (const dialect of dialects) {
  describe.skipIf(dialect.skip !== undefined)(`Migrations on ${dialect.name}${skipNote(dialect)}`, () => {
    it.effect("creates every table once, and a second run changes nothing", () => {
      const { layer } = dialect.fresh()
      return Effect.gen(function* () {
        const first = yield* Migrations.run
        expect(first.map(([id]) => id)).toEqual([1, 2])
        expect(yield* tableNames).toEqual([...tables, Migrations.table].sort())
        const second = yield* Migrations.run
        expect(second).toEqual([])
      }).pipe(Effect.provide(layer))
    })

    it.effect("runs once when several start at the same time", () => {
      const { layer } = dialect.fresh()
      return Effect.gen(function* () {
        const runs = yield* Effect.all([Migrations.run, Migrations.run, Migrations.run], { concurrency: "unbounded" })
        expect(runs.flat().map(([id]) => id)).toEqual([1, 2])
        const sql = yield* SqlClient.SqlClient
        const recorded = yield* sql<{ id: number }>`SELECT migration_id AS id FROM ${sql(Migrations.table)}`
        expect(recorded.map((row) => Number(row.id)).sort()).toEqual([1, 2])
      }).pipe(Effect.provide(layer))
    })

    it.effect("refuses a database written by a newer schema version, naming both versions", () => {
      const { layer } = dialect.fresh()
      return Effect.gen(function* () {
        yield* Migrations.run
        const sql = yield* SqlClient.SqlClient
        yield* sql`INSERT INTO ${sql(Migrations.table)} (migration_id, name) VALUES (${Migrations.version + 1}, 'from_the_future')`
        const error = yield* Effect.flip(Migrations.run)
        expect(error._tag).toBe("SchemaTooNew")
        expect(error.message).toContain(`schema version ${Migrations.version + 1}`)
        expect(error.message).toContain(`up to ${Migrations.version}`)
      }).pipe(Effect.provide(layer))
    })
  })
}
