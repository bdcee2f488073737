/**
 * Where the OAuth layer keeps its tokens, and how renewed tokens are persisted.
 *
 * A refresh replaces BOTH tokens: the old refresh token stops working, so the new pair must be
 * stored before anything else uses it. Provide a `TokenStore` (a database row, a file, a secret
 * manager) to persist every renewed pair; without one the tokens live in memory only.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import type { TokenStoreError } from "./Bitrix24Error.js"

/**
 * An access/refresh token pair. Both are `Redacted`: they print as `<redacted>` in logs, errors,
 * `String()` and `JSON.stringify`. Encoding with the schema (to persist them) yields the plain
 * strings and `expiresAt` as an ISO string.
 *
 * @since 0.1.0
 * @category models
 */
export class Tokens extends Schema.Class<Tokens>("@im-recent/client/TokenStore/Tokens")({
  accessToken: Schema.Redacted(Schema.String),
  refreshToken: Schema.Redacted(Schema.String),
  /** When the access token expires; unknown means "use it until the portal says `expired_token`". */
  expiresAt: Schema.optionalWith(Schema.DateTimeUtc, { exact: true })
}) {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The stored pair, if any (read once when the OAuth layer starts). */
  readonly load: Effect.Effect<Option.Option<Tokens>, TokenStoreError>
  /** Called with every renewed pair, before it is used. */
  readonly save: (tokens: Tokens) => Effect.Effect<void, TokenStoreError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class TokenStore extends Context.Tag("@im-recent/client/TokenStore")<TokenStore, Service>() {}

/**
 * An in-memory store, optionally seeded.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeMemory = (
  initial?: Tokens
): Effect.Effect<Service & { readonly current: Effect.Effect<Option.Option<Tokens>> }> =>
  Effect.map(Ref.make(Option.fromNullable(initial)), (ref) => ({
    load: Ref.get(ref),
    save: (tokens) => Ref.set(ref, Option.some(tokens)),
    current: Ref.get(ref)
  }))

/**
 * An in-memory store layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory = (initial?: Tokens): Layer.Layer<TokenStore> => Layer.effect(TokenStore, makeMemory(initial))

/**
 * A store from two functions: `load` for the initial pair and `save` as the persistence hook.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (service: Service): Service => service

/**
 * A store layer from two functions.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (service: Service): Layer.Layer<TokenStore> => Layer.succeed(TokenStore, service)

/**
 * Builds a pair from plain values (e.g. an OAuth token response): `expiresAt` is an instant or Unix
 * seconds.
 *
 * @since 0.1.0
 * @category constructors
 */
export const tokens = (options: {
  readonly accessToken: Schema.Schema.Type<typeof Tokens.fields.accessToken>
  readonly refreshToken: Schema.Schema.Type<typeof Tokens.fields.refreshToken>
  readonly expiresAt?: DateTime.Utc | undefined
}): Tokens =>
  new Tokens(
    options.expiresAt === undefined
      ? { accessToken: options.accessToken, refreshToken: options.refreshToken }
      : { accessToken: options.accessToken, refreshToken: options.refreshToken, expiresAt: options.expiresAt }
  )
