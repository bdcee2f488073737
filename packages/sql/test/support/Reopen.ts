/**
 * A new client of an existing test database, from its location (`Databases.Dialect.fresh().location`): what a
 * process that starts over on the same database gets.
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import { Layer, Redacted } from "effect"

export const reopen = (location: string): Layer.Layer<SqlClient.SqlClient> =>
  location.startsWith("sqlite:")
    ? Layer.orDie(SqliteClient.layer({ filename: location.slice("sqlite:".length) }))
    : Layer.orDie(PgClient.layer({ url: Redacted.make(location), maxConnections: 2 }))
