import type * as SqlClient from "@effect/sql/SqlClient"
import type { TokenStore } from "@im-recent/client"
import * as DateTime from "effect/DateTime"
import * as Redacted from "effect/Redacted"
import { timestamp } from "./sql.js"

/**
 * Writes an installation's pair into `im_recent_token` (the row `@im-recent/sql`'s `SqlTokenStore` reads and renews),
 * its generation one above the stored one, in the installation's transaction: a reinstall hands out a new pair, and
 * the old one is retired.
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
