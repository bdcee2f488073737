/**
 * Where the OAuth layer keeps its tokens, and how renewed tokens are persisted.
 *
 * A refresh replaces BOTH tokens: the old refresh token stops working, so the new pair must be
 * stored before anything else uses it, or the next start fails with `invalid_grant`. The OAuth layers
 * require a `TokenStore` (provide it to them with `Layer.provide`): {@link layerFile} (a JSON file,
 * written atomically), your own {@link layer} (a database row, a secret manager), or, as an explicit
 * choice, {@link layerInMemoryOnly}, which loses every renewed pair when the process exits.
 *
 * Several processes sharing one pair (workers on one database) must also not renew it at the same moment: the
 * second would send the refresh token the first just retired and get `invalid_grant`. A store they share implements
 * {@link Service.renew} (a renewal under the store's lock: `SqlTokenStore` of `@im-recent/sql` does); the file and
 * in-memory stores here serve one process.
 *
 * @since 0.1.0
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Context from "effect/Context"
import type * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import { TokenStoreError } from "./Bitrix24Error.js"

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
  /** Called with every renewed pair, before it is used (by stores without {@link Service.renew}). */
  readonly save: (tokens: Tokens) => Effect.Effect<void, TokenStoreError>
  /**
   * Renewal shared by every process that uses this store, for stores that several processes share (a database row):
   * the OAuth layer calls it instead of renewing itself and then calling `save`. `held` is the pair the caller uses;
   * `refresh` sends its refresh token to the portal and returns the new pair. The store runs it under a lock that
   * other processes' `renew` wait for: when the stored pair is no longer `held` (another process renewed it in the
   * meantime), it returns the stored pair WITHOUT calling `refresh` (the portal would answer `invalid_grant` to the
   * retired refresh token); otherwise it calls `refresh`, stores the new pair and returns it. So a refresh token is
   * sent at most once, however many processes need a renewal at the same moment.
   *
   * It fails with `refresh`'s error (nothing stored), or with a {@link TokenStoreError} (`operation: "renew"`) when
   * the lock cannot be taken or the stored pair read (nothing sent; the OAuth layer's callers then get a
   * `NetworkError` of method `oauth.token` saying so, which a retry may overcome). When storing the new pair fails after `refresh`
   * succeeded, the store logs it and returns the new pair: the old one is retired already. Without `renew` the OAuth
   * layer renews on its own (single-flight within its process only) and calls `save`.
   */
  readonly renew?: <E>(
    held: Tokens,
    refresh: (held: Tokens) => Effect.Effect<Tokens, E>
  ) => Effect.Effect<Tokens, E | TokenStoreError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class TokenStore extends Context.Tag("@im-recent/client/TokenStore")<TokenStore, Service>() {}

/**
 * A store that keeps the pair in memory only, optionally seeded: every renewed pair is LOST when the process exits,
 * and the next start, beginning again from the initial pair whose refresh token the portal has retired, fails with
 * `invalid_grant`. For tests, and for programs that end before their access token needs renewing.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeInMemoryOnly = (
  initial?: Tokens
): Effect.Effect<Service & { readonly current: Effect.Effect<Option.Option<Tokens>> }> =>
  Effect.map(Ref.make(Option.fromNullable(initial)), (ref) => ({
    load: Ref.get(ref),
    save: (tokens) => Ref.set(ref, Option.some(tokens)),
    current: Ref.get(ref)
  }))

/**
 * {@link makeInMemoryOnly} as a layer: renewed pairs are lost when the process exits.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerInMemoryOnly = (initial?: Tokens): Layer.Layer<TokenStore> =>
  Layer.effect(TokenStore, makeInMemoryOnly(initial))

/**
 * The file's content: the encoded pair (plain token strings, `expiresAt` as ISO-8601) as JSON.
 *
 * @since 0.1.0
 * @category schemas
 */
export const TokenFile = Schema.parseJson(Tokens, { space: 2 })

const fileError = (operation: "load" | "save", description: string) => new TokenStoreError({ operation, description })

/**
 * A store in a JSON file ({@link TokenFile}) through `@effect/platform`'s `FileSystem` (`NodeContext.layer`,
 * `NodeFileSystem.layer`, …). `load` reads the file, `None` while it does not exist; a file that holds no pair fails
 * (the tokens it may hold are never shown). `save` writes the pair to a new file next to it (mode 0600: the owner
 * alone reads it), flushes it to disk, then renames it over the old one, so the file holds the old pair or the new
 * one whole, whenever the process stops; the OAuth layer uses a renewed pair only after `save` returned.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeFile = (path: string): Effect.Effect<Service, never, FileSystem.FileSystem> =>
  Effect.map(FileSystem.FileSystem, (fs) => {
    const decode = Schema.decode(TokenFile)
    const encode = Schema.encode(TokenFile)
    const load = Effect.gen(function* () {
      const exists = yield* fs.exists(path)
      if (!exists) return Option.none<Tokens>()
      const text = yield* fs.readFileString(path)
      // a parse error quotes the input: never let it out, the file holds tokens
      const tokens = yield* Effect.mapError(decode(text), () =>
        fileError(
          "load",
          `${path} does not hold a token pair (JSON with "accessToken", "refreshToken" and optionally "expiresAt"); fix or remove it`
        )
      )
      return Option.some(tokens)
    }).pipe(Effect.catchTag("SystemError", "BadArgument", (error) => Effect.fail(fileError("load", error.message))))
    const save = (tokens: Tokens) =>
      Effect.gen(function* () {
        const text = yield* Effect.orDie(encode(tokens))
        const temporary = `${path}.${globalThis.crypto.randomUUID()}.tmp`
        yield* Effect.scoped(
          Effect.flatMap(fs.open(temporary, { flag: "wx", mode: 0o600 }), (file) =>
            Effect.zipRight(file.writeAll(new TextEncoder().encode(text)), file.sync)
          )
        ).pipe(
          Effect.zipRight(fs.rename(temporary, path)),
          Effect.tapError(() => Effect.ignore(fs.remove(temporary)))
        )
      }).pipe(Effect.catchTag("SystemError", "BadArgument", (error) => Effect.fail(fileError("save", error.message))))
    return make({ load, save })
  })

/**
 * {@link makeFile} as a layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFile = (path: string): Layer.Layer<TokenStore, never, FileSystem.FileSystem> =>
  Layer.effect(TokenStore, makeFile(path))

/**
 * A store from its functions: `load` for the initial pair, `save` as the persistence hook and optionally `renew`
 * (see {@link Service}).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (service: Service): Service => service

/**
 * A store layer from its functions.
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
