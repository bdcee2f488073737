import type * as SqlClient from "@effect/sql/SqlClient"

/** An instant as the dialect's timestamp column takes it: a `Date` for Postgres, ISO-8601 text for SQLite. */
export const timestamp = (sql: SqlClient.SqlClient, millis: number): Date | string =>
  sql.onDialectOrElse({
    pg: () => new Date(millis),
    orElse: () => new Date(millis).toISOString()
  })
