/**
 * The OAuth `TokenStore` of `@im-recent/client` in a database: one row of `im_recent_token` per `key` (a portal and
 * application you choose a name for, e.g. `portal.bitrix24.com` or the portal's `member_id`), on any `@effect/sql`
 * client (SQLite, Postgres).
 *
 * Several processes may share the row: the store implements `TokenStore.Service.renew`, so a renewal runs under the
 * row's lock (Postgres: `SELECT … FOR UPDATE` in a transaction; SQLite: the database's write lock, taken by the
 * transaction's first statement, waited for without blocking the process). A process whose refresh token another
 * process already used takes the stored pair instead of sending it: processes sharing a pair never get
 * `invalid_grant` from renewing it at the same moment.
 *
 * The renewal runs in a transaction of its own. With SQLite's single connection per client, do not make calls that
 * may renew the token while holding a transaction on the same `SqlClient`: the renewal would wait for it.
 *
 * The tokens are secrets: they are bound as statement parameters (never in SQL text, spans or logs), and errors
 * never show them. Anyone who can read the table can use them: protect the database as you would the tokens.
 *
 * @since 0.1.0
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { SqlError } from "@effect/sql/SqlError"
import { Bitrix24Error, TokenStore } from "@im-recent/client"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { describe, driverCode, instant, readInstant } from "./internal/columns.js"
import * as Migrations from "./Migrations.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Which pair: the row's `key` (e.g. the portal's domain or `member_id`, with the application's client id). */
  readonly key: string
  /**
   * SQLite only: how long `renew` waits for another connection's write lock before it fails (default 2 minutes; a
   * renewal holds it for one token request).
   */
  readonly lockTimeout?: Duration.DurationInput | undefined
}

/**
 * The table the pairs are kept in (columns: see the package README, "The schema").
 *
 * @since 0.1.0
 * @category constants
 */
export const table = "im_recent_token"

interface Row {
  readonly access_token: unknown
  readonly refresh_token: unknown
  readonly expires_at: unknown
}

const error = (operation: "load" | "save" | "renew", description: string) =>
  new Bitrix24Error.TokenStoreError({ operation, description })

const valuesOf = (...pairs: ReadonlyArray<TokenStore.Tokens>): ReadonlyArray<string> =>
  pairs.flatMap((pair) => [Redacted.value(pair.accessToken), Redacted.value(pair.refreshToken)])

/** A row as a pair; `None` when it does not hold one (its values are never shown). */
const decodeRow = (row: Row): Option.Option<TokenStore.Tokens> => {
  if (typeof row.access_token !== "string" || typeof row.refresh_token !== "string") return Option.none()
  const base = { accessToken: Redacted.make(row.access_token), refreshToken: Redacted.make(row.refresh_token) }
  if (row.expires_at === null || row.expires_at === undefined) return Option.some(TokenStore.tokens(base))
  return Option.map(readInstant(row.expires_at), (expiresAt) => TokenStore.tokens({ ...base, expiresAt }))
}

// a connection of this process waiting in SQLite's busy handler would block the whole event loop, so the lock is
// tried without waiting and the wait happens here; a lock held by another process is released in real time, hence
// the live clock even under a test clock
const liveClock = Clock.make()

const isBusy = (error: SqlError): boolean => driverCode(error)?.startsWith("SQLITE_BUSY") === true

const isSqlError = (cause: unknown): cause is SqlError => cause instanceof SqlError

const describeCause = (cause: Cause.Cause<unknown>, secrets: ReadonlyArray<string>): string => {
  const squashed = Cause.squash(cause)
  if (isSqlError(squashed)) return describe(squashed, secrets)
  return squashed instanceof Error ? describe(new SqlError({ cause: squashed, message: "failed" }), secrets) : "failed"
}

/**
 * A store of the pair under `options.key`. Needs the package's tables ({@link layer} creates them; with `make`, run
 * `Migrations.run` first).
 *
 * - `load`: the stored pair, `None` while the row does not exist; a row that holds no pair fails (without its
 *   values).
 * - `save`: inserts or replaces the row (its `generation` counts the saves).
 * - `renew`: see the module documentation and `TokenStore.Service.renew`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<TokenStore.Service, never, SqlClient.SqlClient> =>
  Effect.map(SqlClient.SqlClient, (sql) => {
    const key = options.key
    const lockTimeout = Duration.toMillis(options.lockTimeout ?? Duration.minutes(2))
    const where = `row "${key}" of ${table}`
    const notAPair = `the ${where} does not hold a token pair (access_token, refresh_token, expires_at); fix or delete it`

    const select = (forUpdate: boolean) =>
      forUpdate
        ? sql.onDialectOrElse({
            pg: () =>
              sql<Row>`SELECT access_token, refresh_token, expires_at FROM ${sql(table)} WHERE key = ${key} FOR UPDATE`,
            orElse: () => sql<Row>`SELECT access_token, refresh_token, expires_at FROM ${sql(table)} WHERE key = ${key}`
          })
        : sql<Row>`SELECT access_token, refresh_token, expires_at FROM ${sql(table)} WHERE key = ${key}`

    const columns = (tokens: TokenStore.Tokens) => ({
      access_token: Redacted.value(tokens.accessToken),
      refresh_token: Redacted.value(tokens.refreshToken),
      expires_at: tokens.expiresAt === undefined ? null : instant(sql, tokens.expiresAt)
    })

    const now = Effect.map(Clock.currentTimeMillis, (millis) => instant(sql, DateTime.unsafeMake(millis)))

    const load: TokenStore.Service["load"] = Effect.gen(function* () {
      const rows = yield* select(false)
      if (rows.length === 0) return Option.none()
      const tokens = decodeRow(rows[0]!)
      if (Option.isNone(tokens)) return yield* error("load", notAPair)
      return tokens
    }).pipe(
      Effect.catchTag("SqlError", (cause) =>
        Effect.fail(error("load", `reading the ${where}: ${describe(cause, [])}`))
      ),
      Effect.withSpan("SqlTokenStore.load", { attributes: { key } })
    )

    const upsert = (tokens: TokenStore.Tokens, updatedAt: Date | string) => {
      const values = columns(tokens)
      return sql`INSERT INTO ${sql(table)} (key, access_token, refresh_token, expires_at, generation, updated_at)
        VALUES (${key}, ${values.access_token}, ${values.refresh_token}, ${values.expires_at}, 1, ${updatedAt})
        ON CONFLICT (key) DO UPDATE SET
          access_token = excluded.access_token,
          refresh_token = excluded.refresh_token,
          expires_at = excluded.expires_at,
          generation = ${sql(table)}.generation + 1,
          updated_at = excluded.updated_at`
    }

    const save: TokenStore.Service["save"] = (tokens) =>
      Effect.flatMap(now, (updatedAt) => upsert(tokens, updatedAt)).pipe(
        Effect.asVoid,
        Effect.catchTag("SqlError", (cause) =>
          Effect.fail(error("save", `writing the ${where}: ${describe(cause, valuesOf(tokens))}`))
        ),
        Effect.withSpan("SqlTokenStore.save", { attributes: { key } })
      )

    /** The held pair inserted when the row is missing: the first write of the transaction, so it takes the lock. */
    const insertHeld = (held: TokenStore.Tokens, updatedAt: Date | string) => {
      const values = columns(held)
      return sql`INSERT INTO ${sql(table)} (key, access_token, refresh_token, expires_at, generation, updated_at)
        VALUES (${key}, ${values.access_token}, ${values.refresh_token}, ${values.expires_at}, 0, ${updatedAt})
        ON CONFLICT (key) DO NOTHING`
    }

    // SQLite: try the write lock without waiting (busy_timeout 0 on this connection, which the transaction holds
    // alone), then put the connection's own timeout back
    const takeLock = (held: TokenStore.Tokens, updatedAt: Date | string) =>
      sql.onDialectOrElse({
        sqlite: () =>
          Effect.flatMap(sql<{ timeout: number }>`PRAGMA busy_timeout`, (rows) =>
            sql`PRAGMA busy_timeout = 0`.pipe(
              Effect.zipRight(insertHeld(held, updatedAt)),
              Effect.ensuring(Effect.ignore(sql.unsafe(`PRAGMA busy_timeout = ${Number(rows[0]?.timeout ?? 5000)}`)))
            )
          ),
        orElse: () => insertHeld(held, updatedAt)
      })

    const renew = <E>(
      held: TokenStore.Tokens,
      refresh: (held: TokenStore.Tokens) => Effect.Effect<TokenStore.Tokens, E>
    ): Effect.Effect<TokenStore.Tokens, E | Bitrix24Error.TokenStoreError> => {
      // set once the portal answered: from then on the new pair must reach the caller, stored or not
      let fresh: TokenStore.Tokens | undefined
      // a transaction of its own, even when the renewal was asked for inside one of the caller's (its lock must
      // end with the renewal, not with the caller's transaction)
      const attempt = sql
        .withTransaction(
          Effect.gen(function* () {
            yield* takeLock(held, yield* now)
            const rows = yield* select(true)
            const stored = rows.length === 0 ? Option.none() : decodeRow(rows[0]!)
            if (Option.isNone(stored)) return yield* error("renew", notAPair)
            if (Redacted.value(stored.value.refreshToken) !== Redacted.value(held.refreshToken)) {
              yield* Effect.annotateCurrentSpan("renewed", "elsewhere")
              return stored.value
            }
            const renewed = yield* refresh(held)
            fresh = renewed
            const values = columns(renewed)
            yield* sql`UPDATE ${sql(table)} SET
              access_token = ${values.access_token},
              refresh_token = ${values.refresh_token},
              expires_at = ${values.expires_at},
              generation = generation + 1,
              updated_at = ${yield* now}
            WHERE key = ${key}`
            yield* Effect.annotateCurrentSpan("renewed", "here")
            return renewed
          })
        )
        .pipe(
          Effect.mapInputContext((context: Context.Context<never>) =>
            Context.omit(SqlClient.TransactionConnection)(context)
          )
        )
      const started = liveClock.unsafeCurrentTimeMillis()
      const retryWhenBusy = (
        round: number
      ): Effect.Effect<TokenStore.Tokens, E | Bitrix24Error.TokenStoreError | SqlError> =>
        Effect.catchIf(
          attempt,
          (cause): cause is SqlError =>
            fresh === undefined &&
            isSqlError(cause) &&
            isBusy(cause) &&
            liveClock.unsafeCurrentTimeMillis() - started < lockTimeout,
          () =>
            Effect.sleep(Math.min(2 ** round * 5, 200) * (0.5 + Math.random())).pipe(
              Effect.withClock(liveClock),
              Effect.zipRight(Effect.suspend(() => retryWhenBusy(round + 1)))
            )
        )
      return retryWhenBusy(0).pipe(
        Effect.catchAllCause((cause) => {
          if (fresh === undefined || Cause.isInterruptedOnly(cause)) return Effect.failCause(cause)
          // the portal retired the held pair already: use the new one even though it could not be stored
          const renewed = fresh
          return Effect.as(
            Effect.logError("Saving the renewed OAuth tokens failed; they are kept in memory").pipe(
              Effect.annotateLogs({ key, error: describeCause(cause, valuesOf(held, renewed)) })
            ),
            renewed
          )
        }),
        Effect.catchIf(isSqlError, (cause) =>
          Effect.fail(
            error(
              "renew",
              isBusy(cause)
                ? `the database stayed locked by another writer for ${Duration.format(Duration.millis(lockTimeout))}`
                : `locking the ${where}: ${describe(cause, valuesOf(held))}`
            )
          )
        ),
        Effect.withSpan("SqlTokenStore.renew", { attributes: { key } })
      )
    }

    return TokenStore.make({ load, save, renew })
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
  TokenStore.TokenStore,
  Migrations.SchemaTooNew | Migrations.MigrationFailed | SqlError,
  SqlClient.SqlClient
> => Layer.effect(TokenStore.TokenStore, Effect.zipRight(Migrations.run, make(options)))
