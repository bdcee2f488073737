/**
 * The two engines every test of this package runs on: SQLite (a file in a temporary directory) and PostgreSQL (a new
 * database on the run's throwaway server, see postgresGlobalSetup). `dialects` lists them with a `layer` that gives a
 * fresh, empty database each time it is built, and `skip` with the reason when the engine cannot run here.
 */

import { execFileSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import type * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { inject } from "vitest"
import * as PostgresServer from "./PostgresServer.js"

export interface Dialect {
  readonly name: "sqlite" | "pg"
  /** Why this engine's tests are skipped here, if they are. */
  readonly skip: string | undefined
  /** A new, empty database; `file`/`url` say where it is (for child processes). */
  readonly fresh: () => { readonly location: string; readonly layer: Layer.Layer<SqlClient.SqlClient, SqlError> }
}

let counter = 0
const unique = (prefix: string) => `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`

/** A URL-form location for a SQLite file, as `im-recent mirror --db` takes it. */
export const sqliteLocation = (file: string) => `sqlite:${file}`

export const sqlite: Dialect = {
  name: "sqlite",
  skip: undefined,
  fresh: () => {
    const directory = Fs.mkdtempSync(Path.join(Os.tmpdir(), "im-recent-sqlite-"))
    const filename = Path.join(directory, "test.db")
    return {
      location: sqliteLocation(filename),
      layer: SqliteClient.layer({ filename }).pipe(Layer.orDie)
    }
  }
}

const postgresUrl = () => inject("postgresUrl")

export const pg: Dialect = {
  name: "pg",
  skip: inject("postgresUnavailable"),
  fresh: () => {
    const base = postgresUrl()
    if (base === undefined) throw new Error(inject("postgresUnavailable") ?? "no Postgres server")
    const name = unique("t")
    const bin = PostgresServer.binDirectory()!
    execFileSync(Path.join(bin, "psql"), [base, "-v", "ON_ERROR_STOP=1", "-q", "-c", `CREATE DATABASE "${name}"`], {
      stdio: "pipe"
    })
    const url = new URL(base)
    url.pathname = `/${name}`
    return {
      location: url.toString(),
      layer: PgClient.layer({ url: Redacted.make(url.toString()) }).pipe(Layer.orDie)
    }
  }
}

export const dialects: ReadonlyArray<Dialect> = [sqlite, pg]

/** The test-name suffix that states why a dialect's tests are skipped. */
export const skipNote = (dialect: Dialect) => (dialect.skip === undefined ? "" : ` — skipped: ${dialect.skip}`)

export { PostgresServer }
