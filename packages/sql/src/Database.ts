/**
 * A database from a URL, as the CLI's `--db` takes it: `sqlite:<file>` (the embedded default, e.g.
 * `sqlite:./im-recent.db`) or `postgres://user:password@host:port/database` (`postgresql://` too). {@link layer} loads
 * the driver only when it is needed (`@effect/sql-sqlite-node`, `@effect/sql-pg`: optional peers, install the one you
 * use), connects, checks that it can write, and brings the schema up to date (`Migrations`). Whatever goes wrong comes
 * out as one {@link DatabaseError} whose `reason` says what and whose message is one line that names the database
 * with its password masked.
 *
 * @since 0.1.0
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Migrations from "./Migrations.js"

/**
 * Where a database is: a SQLite file, or a Postgres server and database (its URL, password included, redacted).
 *
 * @since 0.1.0
 * @category models
 */
export type Location =
  | { readonly _tag: "Sqlite"; readonly filename: string }
  | { readonly _tag: "Postgres"; readonly url: Redacted.Redacted<string>; readonly display: string }

/**
 * Why a database cannot be used.
 *
 * @since 0.1.0
 * @category models
 */
export const Reason = Schema.Literal(
  "unknown-scheme",
  "bad-url",
  "driver-missing",
  "unreachable",
  "authentication",
  "not-found",
  "corrupt",
  "read-only",
  "schema-too-new",
  "migration-failed",
  "failed"
)

/**
 * @since 0.1.0
 * @category models
 */
export type Reason = typeof Reason.Type

/**
 * The database named by a URL cannot be used. `database` is the URL with its password masked; `description` says
 * what went wrong and what to do, in one line.
 *
 * @since 0.1.0
 * @category errors
 */
export class DatabaseError extends Schema.TaggedError<DatabaseError>("@im-recent/sql/Database/DatabaseError")(
  "DatabaseError",
  { reason: Reason, database: Schema.String, description: Schema.String }
) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${this.database}: ${this.description}`
  }
}

/**
 * The default database of the CLI: a SQLite file in the working directory.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultUrl = "sqlite:./im-recent.db"

/**
 * A database URL as it may be shown: the password of a Postgres URL replaced by `***`.
 *
 * @since 0.1.0
 * @category utils
 */
export const mask = (url: string): string => {
  const parsed = URL.canParse(url) ? new URL(url) : undefined
  if (parsed === undefined || parsed.password === "") return url.replace(/\/\/([^:/@]*):[^@/]*@/, "//$1:***@")
  parsed.password = "***"
  return parsed.toString()
}

const schemeOf = (url: string) => /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase()

/**
 * Reads a database URL: `sqlite:<file>` (a path, relative to the working directory or absolute; `sqlite::memory:` for
 * a database that lives as long as its connection) or `postgres://…` / `postgresql://…`.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (url: string): Either.Either<Location, DatabaseError> => {
  const scheme = schemeOf(url)
  const fail = (reason: Reason, description: string) =>
    Either.left(new DatabaseError({ reason, database: mask(url), description }))
  if (scheme === "sqlite") {
    const filename = url.slice("sqlite:".length).replace(/^\/\/(?=\/)/, "")
    return filename === ""
      ? fail("bad-url", "no file after sqlite: (e.g. sqlite:./im-recent.db)")
      : Either.right({ _tag: "Sqlite", filename })
  }
  if (scheme === "postgres" || scheme === "postgresql") {
    if (!URL.canParse(url) || new URL(url).hostname === "") {
      return fail("bad-url", "not a Postgres URL: expected postgres://user:password@host:port/database")
    }
    return Either.right({ _tag: "Postgres", url: Redacted.make(url), display: mask(url) })
  }
  return fail(
    "unknown-scheme",
    `${scheme === undefined ? "no URL scheme" : `unsupported scheme "${scheme}:"`}: use sqlite:<file> (e.g. sqlite:./im-recent.db) or postgres://user:password@host:port/database`
  )
}

/**
 * How a location is shown in messages.
 *
 * @since 0.1.0
 * @category utils
 */
export const display = (location: Location): string =>
  location._tag === "Sqlite" ? `sqlite:${location.filename}` : location.display

interface Failure {
  readonly code?: unknown
  readonly message?: unknown
  readonly cause?: unknown
}

/** Every error in a failure's chain of causes (SqlError → driver error → system error). */
const chain = (error: unknown): ReadonlyArray<Failure> => {
  const found: Array<Failure> = []
  let current: unknown = error
  while (typeof current === "object" && current !== null && found.length < 8) {
    found.push(current as Failure)
    current = (current as Failure).cause
  }
  return found
}

const codeOf = (errors: ReadonlyArray<Failure>, codes: ReadonlyArray<string>) =>
  errors.find((error) => typeof error.code === "string" && codes.includes(error.code))

const lastMessage = (errors: ReadonlyArray<Failure>) => {
  const messages = errors
    .map((error) => error.message)
    .filter((message): message is string => typeof message === "string" && message !== "")
  return (messages[messages.length - 1] ?? "unknown error").split("\n")[0]!
}

/** Names what went wrong with a database, from the driver's error codes, without ever quoting the URL. */
const classify = (location: Location, cause: Cause.Cause<unknown>): DatabaseError => {
  const database = display(location)
  const failure = Cause.squash(cause)
  if (failure instanceof DatabaseError) return failure
  if (failure instanceof Migrations.SchemaTooNew) {
    return new DatabaseError({ reason: "schema-too-new", database, description: failure.message })
  }
  const errors = chain(failure)
  const make = (reason: Reason, description: string) => new DatabaseError({ reason, database, description })
  const detail = lastMessage(errors)
  if (location._tag === "Sqlite") {
    if (codeOf(errors, ["SQLITE_NOTADB", "SQLITE_CORRUPT"])) {
      return make(
        "corrupt",
        `not a SQLite database, or a damaged one (${detail}): restore it from a backup, or remove it to start anew`
      )
    }
    if (
      codeOf(errors, [
        "SQLITE_READONLY",
        "SQLITE_READONLY_DIRECTORY",
        "SQLITE_READONLY_RECOVERY",
        "SQLITE_READONLY_CANTINIT",
        "SQLITE_READONLY_DBMOVED",
        "EACCES",
        "EROFS",
        "EPERM"
      ])
    ) {
      return make("read-only", `cannot be written (${detail}): check the permissions of the file and of its directory`)
    }
    if (codeOf(errors, ["SQLITE_CANTOPEN", "ENOENT"]) || /directory does not exist/i.test(detail)) {
      return make(
        "unreachable",
        `cannot be opened (${detail}): does its directory exist, and may this user write there?`
      )
    }
  } else {
    if (codeOf(errors, ["28P01", "28000"])) {
      return make("authentication", `the server refused the user name or password (${detail})`)
    }
    if (codeOf(errors, ["3D000"])) return make("not-found", `${detail}: create it first (createdb), or name another`)
    if (
      codeOf(errors, [
        "ECONNREFUSED",
        "ENOTFOUND",
        "EAI_AGAIN",
        "ETIMEDOUT",
        "EHOSTUNREACH",
        "ENETUNREACH",
        "ECONNRESET"
      ]) ||
      /timeout|terminated unexpectedly/i.test(detail)
    ) {
      return make(
        "unreachable",
        `cannot connect to the server (${detail}): is it running, and is the host and port right?`
      )
    }
    if (codeOf(errors, ["25006"])) return make("read-only", `the server accepts no writes (${detail})`)
  }
  if (failure instanceof Migrations.MigrationFailed) return make("migration-failed", failure.description)
  return make("failed", detail)
}

const driverMissing = (location: Location, driver: string) =>
  new DatabaseError({
    reason: "driver-missing",
    database: display(location),
    description: `its driver is not installed: npm install ${driver}`
  })

const importDriver = <A>(location: Location, driver: string, load: () => Promise<A>) =>
  Effect.tryPromise({ try: load, catch: () => driverMissing(location, driver) })

const sqliteLayer = (location: Extract<Location, { _tag: "Sqlite" }>) =>
  Layer.unwrapEffect(
    Effect.map(
      importDriver(location, "@effect/sql-sqlite-node", () => import("@effect/sql-sqlite-node/SqliteClient")),
      (SqliteClient) => SqliteClient.layer({ filename: location.filename }) as Layer.Layer<SqlClient.SqlClient, unknown>
    )
  )

const postgresLayer = (location: Extract<Location, { _tag: "Postgres" }>) =>
  Layer.unwrapEffect(
    Effect.map(
      importDriver(location, "@effect/sql-pg", () => import("@effect/sql-pg/PgClient")),
      (PgClient) =>
        PgClient.layer({ url: location.url, connectTimeout: "10 seconds" }) as Layer.Layer<SqlClient.SqlClient, unknown>
    )
  )

/** A write that changes nothing: a read-only database refuses it at once instead of at the first sync. */
const probeWrite = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.withTransaction(
    sql`UPDATE ${sql(Migrations.table)} SET name = name WHERE migration_id = (SELECT max(migration_id) FROM ${sql(Migrations.table)})`
  )
})

/**
 * The `SqlClient` of a database URL (see {@link parse}), connected, writable, with its schema up to date.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (url: string): Layer.Layer<SqlClient.SqlClient, DatabaseError> =>
  Either.match(parse(url), {
    onLeft: (error) => Layer.fail(error),
    onRight: (location) => {
      const client = location._tag === "Sqlite" ? sqliteLayer(location) : postgresLayer(location)
      const ready = Layer.effectDiscard(Effect.zipRight(Migrations.run, probeWrite))
      return Layer.provideMerge(ready, client).pipe(
        Layer.catchAllCause((cause) => Layer.fail(classify(location, cause)))
      )
    }
  })
