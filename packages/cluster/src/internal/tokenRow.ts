import type * as SqlClient from "@effect/sql/SqlClient"
import type { TokenStore } from "@im-recent/client"
import { Bitrix24Error, TokenStore as TokenStoreModule } from "@im-recent/client"
import * as Arr from "effect/Array"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { timestamp } from "./sql.js"

/**
 * Writes an installation's pair into `im_recent_token` (the row `@im-recent/sql`'s token store reads), its generation
 * one above the stored one: a reinstall hands out a new pair, and the old one is retired.
 */
export const write = (sql: SqlClient.SqlClient, key: string, tokens: TokenStore.Tokens, at: Date | string) => {
  const expires = tokens.expiresAt === undefined ? null : timestamp(sql, DateTime.toEpochMillis(tokens.expiresAt))
  return sql`INSERT INTO im_recent_token (key, access_token, refresh_token, expires_at, generation, updated_at)
    VALUES (${key}, ${Redacted.value(tokens.accessToken)}, ${Redacted.value(tokens.refreshToken)}, ${expires}, 1, ${at})
    ON CONFLICT (key) DO UPDATE SET
      access_token = excluded.access_token,
      refresh_token = excluded.refresh_token,
      expires_at = excluded.expires_at,
      generation = im_recent_token.generation + 1,
      updated_at = excluded.updated_at`
}

/**
 * The pair of `key` as a `TokenStore` (load once, save every renewal). Safe without a lock because only the runner that
 * owns the portal's entity renews its pairs; to be replaced by `@im-recent/sql`'s `SqlTokenStore` (renewal under the
 * row's lock) once it lands.
 */
export const store = (sql: SqlClient.SqlClient, key: string): TokenStore.Service => ({
  load: sql<{ access_token: string; refresh_token: string; expires_at: string | Date | null }>`
      SELECT access_token, refresh_token, expires_at FROM im_recent_token WHERE key = ${key}`.pipe(
    Effect.map((rows) =>
      Option.map(Arr.head(rows), (row) =>
        TokenStoreModule.tokens({
          accessToken: Redacted.make(row.access_token),
          refreshToken: Redacted.make(row.refresh_token),
          expiresAt: row.expires_at === null ? undefined : DateTime.unsafeMake(new Date(row.expires_at))
        })
      )
    ),
    Effect.mapError(
      () => new Bitrix24Error.TokenStoreError({ operation: "load", description: `the pair ${key} could not be read` })
    )
  ),
  save: (tokens) =>
    Effect.flatMap(Clock.currentTimeMillis, (millis) =>
      write(sql, key, tokens, timestamp(sql, millis)).pipe(
        Effect.asVoid,
        Effect.mapError(
          () =>
            new Bitrix24Error.TokenStoreError({ operation: "save", description: `the pair ${key} could not be saved` })
        )
      )
    )
})
