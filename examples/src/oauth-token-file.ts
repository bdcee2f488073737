/**
 * Example 3: an OAuth application whose tokens survive restarts, kept in a JSON file.
 *
 * A refresh replaces BOTH tokens and the old refresh token stops working, so the new pair must be saved before it
 * is used: the OAuth layer calls `TokenStore.save` with every renewed pair, then uses it. On start it prefers the
 * stored pair to the one in the environment. `TokenStore.layerFile` is such a store in a JSON file.
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
import { FetchHttpClient } from "@effect/platform"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Bitrix24, ImRecent, TokenStore } from "@im-recent/client"
import { Config, Console, DateTime, Effect, Layer, Option } from "effect"

// The file store of the library: JSON with the encoded pair, written to a new file (mode 0600), flushed to disk and
// renamed over the old one, so the file always holds a whole pair. Wrapped here only to say what it does.
const reportingTokenFile = (path: string) =>
  Layer.effect(
    TokenStore.TokenStore,
    Effect.gen(function* () {
      const file = yield* TokenStore.makeFile(path)
      return TokenStore.make({
        load: Effect.tap(file.load, (stored) =>
          Console.log(
            Option.isSome(stored)
              ? `Loaded the tokens from ${path}`
              : `No ${path} yet: starting from BITRIX24_ACCESS_TOKEN / BITRIX24_REFRESH_TOKEN`
          )
        ),
        save: (tokens) =>
          Effect.zipRight(
            file.save(tokens),
            // Redacted values print as <redacted>: logging `tokens` would not leak them either.
            Console.log(
              `Saved the renewed tokens to ${path} (access token expires ${
                tokens.expiresAt === undefined ? "unknown" : DateTime.formatIso(tokens.expiresAt)
              })`
            )
          )
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
    // `tokenStore`: where the OAuth layer loads the pair from and saves every renewed pair to. Without it the OAuth
    // layer from the environment never renews (a renewal nobody saves would retire BITRIX24_REFRESH_TOKEN).
    // Plain `Bitrix24.layerConfig({ tokenStore: TokenStore.layerFile(path) })` does the same without the messages.
    ImRecent.layer.pipe(Layer.provide(Bitrix24.layerConfig({ tokenStore: reportingTokenFile(path) })))
  )
).pipe(Layer.provide(Layer.merge(FetchHttpClient.layer, NodeContext.layer)))

program.pipe(
  Effect.provide(MainLive),
  Effect.tapError((error) => Console.error(error.message)),
  NodeRuntime.runMain({ disableErrorReporting: true })
)
