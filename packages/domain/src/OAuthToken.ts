/**
 * The OAuth server's token answer (`/oauth/token/`) for `authorization_code` and `refresh_token`.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * The token pair and its context. Tokens decode to `Redacted` so they never print; `expires` (Unix
 * seconds) and `user_id` come with refreshes.
 *
 * @since 0.1.0
 * @category schemas
 */
export const TokenResponse = Schema.Struct({
  access_token: Schema.Redacted(Schema.String),
  client_endpoint: Schema.String,
  domain: Schema.String,
  expires: Schema.optionalWith(Schema.Finite, { exact: true }),
  expires_in: Schema.Finite,
  member_id: Schema.String,
  refresh_token: Schema.Redacted(Schema.String),
  scope: Schema.String,
  server_endpoint: Schema.String,
  status: Schema.String,
  user_id: Schema.optionalWith(Schema.Finite, { exact: true })
}).annotations({ identifier: "OAuthTokenResponse" })

/**
 * @since 0.1.0
 * @category models
 */
export interface TokenResponse extends Schema.Schema.Type<typeof TokenResponse> {}
