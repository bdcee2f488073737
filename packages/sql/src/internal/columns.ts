import type * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as DateTime from "effect/DateTime"
import * as Option from "effect/Option"

/**
 * An instant as the dialect's timestamp column takes it: a `Date` for Postgres (`timestamptz`), ISO-8601 text for
 * SQLite (`text`, which sorts as it reads).
 */
export const instant = (sql: SqlClient.SqlClient, value: DateTime.Utc): Date | string =>
  sql.onDialectOrElse({
    pg: () => DateTime.toDate(value),
    orElse: () => DateTime.formatIso(value)
  })

/** A timestamp column as read back (`Date` from Postgres, text from SQLite); `None` when it is not an instant. */
export const readInstant = (value: unknown): Option.Option<DateTime.Utc> => {
  if (value instanceof Date) return DateTime.make(value)
  if (typeof value === "string") return DateTime.make(value)
  return Option.none()
}

/** The driver's code of an error (`SQLITE_BUSY`, a Postgres SQLSTATE), if it has one. */
export const driverCode = (error: SqlError): string | undefined => {
  const cause: unknown = error.cause
  if (typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string") {
    return cause.code
  }
  return undefined
}

/**
 * What went wrong, from the driver's own message, with every value of `secrets` cut out (a driver may quote a value
 * it was given).
 */
export const describe = (error: SqlError, secrets: ReadonlyArray<string>): string => {
  const cause: unknown = error.cause
  let text = cause instanceof Error && cause.message !== "" ? `${error.message}: ${cause.message}` : error.message
  for (const secret of secrets) {
    if (secret.length > 0) text = text.split(secret).join("<redacted>")
  }
  const code = driverCode(error)
  return code === undefined || text.includes(code) ? text : `${text} (${code})`
}
