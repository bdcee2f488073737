/**
 * Example 3: an OAuth application whose tokens survive restarts, kept in a JSON file.
 *
 * A refresh replaces BOTH tokens and the old refresh token stops working, so the new pair must be saved before it
 * is used: the OAuth layer calls `TokenStore.save` with every renewed pair, then uses it. On start it prefers the
 * stored pair to the one in the environment.
 *
 * Configuration from the environment: `BITRIX24_PORTAL_URL`, `BITRIX24_CLIENT_ID`, `BITRIX24_CLIENT_SECRET`,
 * `BITRIX24_ACCESS_TOKEN`, `BITRIX24_REFRESH_TOKEN` (the pair of the first run), optionally
 * `BITRIX24_TOKEN_EXPIRES_AT` (Unix seconds or ISO-8601) and `BITRIX24_OAUTH_SERVER_URL` (default
 * https://oauth.bitrix.info; the emulator serves `/oauth/token/` itself), and `TOKEN_FILE` (default `tokens.json`).
 *
 * Against the emulator: the handshake `im-recent emulator` prints first (in this repository
 * `pnpm im-recent emulator`) has an `oauth` object, an installed application with user 1's token pair. Map it:
 *
 *   BITRIX24_PORTAL_URL, BITRIX24_OAUTH_SERVER_URL   the handshake's `baseUrl` (it serves /rest/ and /oauth/token/)
 *   BITRIX24_CLIENT_ID, BITRIX24_CLIENT_SECRET       `oauth.clientId`, `oauth.clientSecret`
 *   BITRIX24_ACCESS_TOKEN, BITRIX24_REFRESH_TOKEN    `oauth.accessToken`, `oauth.refreshToken`
 *   BITRIX24_TOKEN_EXPIRES_AT                        `oauth.expires`
 *
 * and run `pnpm tsx examples/src/oauth-token-file.ts` from the repository root. The token is fresh, so the first
 * run only reads the list. Run it with `BITRIX24_TOKEN_EXPIRES_AT=0` (an expired token) to watch a renewal: the new
 * pair goes to `TOKEN_FILE`, then the call is made with it. Every later run loads the file, as it must: the emulator,
 * like the portal, has retired the pair in the environment.
 */
import { FetchHttpClient, FileSystem } from "@effect/platform"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Bitrix24, Bitrix24Error, ImRecent, TokenStore } from "@im-recent/client"
import { Config, Console, DateTime, Effect, Layer, Option, Schema } from "effect"

// The file holds the encoded pair: plain token strings (`Redacted` on the way in) and `expiresAt` as ISO-8601.
const TokenFile = Schema.parseJson(TokenStore.Tokens, { space: 2 })

const storeError = (operation: "load" | "save") => (cause: { readonly message: string }) =>
  new Bitrix24Error.TokenStoreError({ operation, description: cause.message })

/** A TokenStore backed by a JSON file, written atomically (a temporary file renamed over the old one). */
const fileTokenStore = (path: string) =>
  Layer.effect(
    TokenStore.TokenStore,
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      return TokenStore.make({
        load: Effect.gen(function* () {
          if (!(yield* fs.exists(path))) {
            yield* Console.log(`No ${path} yet: starting from BITRIX24_ACCESS_TOKEN / BITRIX24_REFRESH_TOKEN`)
            return Option.none()
          }
          const tokens = yield* Schema.decode(TokenFile)(yield* fs.readFileString(path))
          yield* Console.log(`Loaded the tokens from ${path}`)
          return Option.some(tokens)
        }).pipe(Effect.mapError(storeError("load"))),
        save: (tokens) =>
          Effect.gen(function* () {
            const text = yield* Schema.encode(TokenFile)(tokens)
            yield* fs.writeFileString(`${path}.tmp`, text, { mode: 0o600 })
            yield* fs.rename(`${path}.tmp`, path)
            const expires = tokens.expiresAt === undefined ? "unknown" : DateTime.formatIso(tokens.expiresAt)
            // Redacted values print as <redacted>: logging `tokens` would not leak them either.
            yield* Console.log(`Saved the renewed tokens to ${path} (access token expires ${expires})`)
          }).pipe(Effect.mapError(storeError("save")))
      })
    })
  )

const program = Effect.gen(function* () {
  const recent = yield* ImRecent.ImRecent
  // The access token is renewed when it is about to expire, or when the portal answers expired_token.
  const { items } = yield* recent.get()
  yield* Console.log(`${items.length} recent chats`)
})

const MainLive = Layer.unwrapEffect(
  Effect.map(Config.withDefault(Config.string("TOKEN_FILE"), "tokens.json"), (path) =>
    // The OAuth layer picks up the TokenStore it is given.
    ImRecent.layer.pipe(Layer.provide(Bitrix24.layerConfig().pipe(Layer.provide(fileTokenStore(path)))))
  )
).pipe(Layer.provide(Layer.merge(FetchHttpClient.layer, NodeContext.layer)))

program.pipe(
  Effect.provide(MainLive),
  Effect.tapError((error) => Console.error(error.message)),
  NodeRuntime.runMain({ disableErrorReporting: true })
)
