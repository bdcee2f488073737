/**
 * Which portal the commands talk to.
 *
 * With `BITRIX24_WEBHOOK_URL`, or any of the OAuth variables (`BITRIX24_PORTAL_URL`, `BITRIX24_CLIENT_ID`,
 * `BITRIX24_CLIENT_SECRET`, `BITRIX24_ACCESS_TOKEN`, `BITRIX24_REFRESH_TOKEN`), the real portal, configured by
 * `@im-recent/client`'s `Bitrix24.layerConfig` (which also reads `BITRIX24_RATE_LIMIT`, `BITRIX24_TIMEOUT`, …)
 * over `fetch`. With none of them, the demo portal (`DemoPortal`): the commands work on a fresh clone.
 *
 * A command gives up on an unreachable portal after 2 retries (about 1.5 s) unless `BITRIX24_RETRY_TIMES` says
 * otherwise: it is run by a person waiting for an answer, who is told on stderr when a call is being retried. A host
 * name that does not resolve, a loopback port nothing listens on, or a port `fetch` blocks fails at once (the client
 * does not retry those).
 *
 * With OAuth, a renewal replaces both tokens and retires the refresh token it was made with, so the command renews
 * the pair only when it has a place to save the new one: `--token-file FILE` (or `BITRIX24_TOKEN_FILE`), a JSON file
 * written atomically with mode 0600 (`TokenStore.layerFile`), whose pair wins over the variables' once it exists.
 * Without one, the access token is used as given and, once it has expired, the command stops with a line saying why.
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { Bitrix24, ImRecent, RetrySchedule, TokenStore } from "@im-recent/client"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as CliError from "./CliError.js"
import * as DemoPortal from "./DemoPortal.js"
import * as ConnectionFlags from "./internal/connectionFlags.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly kind: "portal" | "demo"
  /** The portal's base URL (never a secret in it). */
  readonly portal: string
  /** What to check when the portal refuses the caller: `BITRIX24_WEBHOOK_URL` or the OAuth variables. */
  readonly credentials: string
  /**
   * With OAuth and no token file: why an expired access token was not renewed, and what to do (the line printed when
   * the portal says it expired).
   */
  readonly unrenewable?: string | undefined
  /** With the demo portal: colleagues post a few messages meanwhile. With a real portal: nothing. */
  readonly activity: (options?: DemoPortal.ActivityOptions) => Effect.Effect<void>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Connection extends Context.Tag("@im-recent/cli/Connection")<Connection, Service>() {}

/**
 * The variables that select a real portal: any of them set (non-empty) means "use the configured portal".
 *
 * @since 0.1.0
 * @category constants
 */
export const variables: ReadonlyArray<string> = [
  "BITRIX24_WEBHOOK_URL",
  "BITRIX24_PORTAL_URL",
  "BITRIX24_CLIENT_ID",
  "BITRIX24_CLIENT_SECRET",
  "BITRIX24_ACCESS_TOKEN",
  "BITRIX24_REFRESH_TOKEN"
]

/**
 * The flags of the commands that talk to a portal: `--token-file FILE`.
 *
 * @since 0.1.0
 * @category options
 */
export const options = ConnectionFlags.options

/**
 * The parsed flags.
 *
 * @since 0.1.0
 * @category models
 */
export interface Flags {
  readonly tokenFile: Option.Option<string>
}

/**
 * What stops a command when the portal says the access token expired and there is no token file.
 *
 * @since 0.1.0
 * @category constants
 */
export const unrenewableNotice =
  "im-recent renews an OAuth token pair only when it can save the new one (a renewal retires the refresh token it was made with, BITRIX24_REFRESH_TOKEN): pass --token-file FILE or set BITRIX24_TOKEN_FILE, and run it again"

/**
 * The line printed on stderr when the demo portal is used.
 *
 * @since 0.1.0
 * @category constants
 */
export const demoNotice =
  "No portal configured (BITRIX24_WEBHOOK_URL): showing a demo portal from the embedded emulator."

/**
 * Whether a real portal is configured.
 *
 * @since 0.1.0
 * @category config
 */
export const isConfigured: Effect.Effect<boolean> = Effect.map(
  Effect.all(
    variables.map((name) => Effect.orElseSucceed(Config.option(Config.string(name)), () => Option.none<string>()))
  ),
  (values) => values.some((value) => Option.isSome(value) && value.value.trim() !== "")
)

/**
 * How many times a command retries a failed call: `BITRIX24_RETRY_TIMES` when it is a valid count (the client
 * reports one that is not), else 2.
 *
 * @since 0.1.0
 * @category config
 */
export const retryTimes: Effect.Effect<number> = Effect.map(
  Effect.orElseSucceed(Config.option(Config.integer("BITRIX24_RETRY_TIMES")), () => Option.none<number>()),
  Option.match({ onNone: () => 2, onSome: (times) => (times >= 0 && times <= 20 ? times : 2) })
)

/**
 * The line printed on stderr when a call is retried, once per call (at its first retry), whatever `--log-level` says.
 *
 * @since 0.1.0
 * @category utils
 */
export const retryNotice = (retry: RetrySchedule.Retry, times: number): string =>
  `${retry.method} failed, retrying up to ${times} ${times === 1 ? "time" : "times"}: ${retry.error.message}`

/**
 * The token file: `--token-file` when given, else `BITRIX24_TOKEN_FILE` when set (non-empty).
 *
 * @since 0.1.0
 * @category config
 */
export const tokenFile = (flag: Option.Option<string> = Option.none()): Effect.Effect<Option.Option<string>> =>
  Option.match(flag, {
    onSome: (path) => Effect.succeed(Option.some(path)),
    onNone: () =>
      Effect.map(
        Effect.orElseSucceed(Config.option(Config.string("BITRIX24_TOKEN_FILE")), () => Option.none<string>()),
        Option.filter((path) => path.trim() !== "")
      )
  })

/**
 * How a command reaches the portal: the transport's knobs, and the token file for OAuth (`--token-file`).
 *
 * @since 0.1.0
 * @category models
 */
export interface LayerOptions extends Bitrix24.Options {
  readonly tokenFile?: Option.Option<string> | undefined
}

/**
 * The connection to the configured portal and its transport (`Bitrix24.layerConfig` over `fetch`), with the token
 * file as the OAuth token store when there is one.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerPortal = (
  options?: LayerOptions
): Layer.Layer<Connection | Bitrix24.Bitrix24, CliError.UsageError | CliError.PortalError> =>
  Layer.unwrapEffect(
    Effect.gen(function* () {
      const times = yield* retryTimes
      const file = yield* tokenFile(options?.tokenFile)
      const { tokenFile: _, ...transportOptions } = options ?? {}
      const transport = Bitrix24.layerConfig({
        ...transportOptions,
        retry: options?.retry ?? RetrySchedule.exponential({ times }),
        onRetry: (retry) => (retry.attempt === 1 ? Console.error(retryNotice(retry, times)) : Effect.void),
        tokenStore: Option.getOrUndefined(
          Option.map(file, (path) => TokenStore.layerFile(path).pipe(Layer.provide(NodeFileSystem.layer)))
        )
      }).pipe(
        Layer.provide(FetchHttpClient.layer),
        Layer.mapError((error) => {
          switch (error._tag) {
            case "InvalidEndpoint":
              return CliError.usage(error.message)
            case "TokenStoreError":
              // the token file cannot be read: a setting that cannot be used
              return CliError.usage(`--token-file: ${error.message}`)
            default:
              return CliError.fromConfigError(error)
          }
        })
      )
      const connection = Layer.effect(
        Connection,
        Effect.gen(function* () {
          const bitrix = yield* Bitrix24.Bitrix24
          const webhook = bitrix.identity.startsWith("webhook:")
          return {
            kind: "portal" as const,
            portal: bitrix.portal,
            credentials: webhook
              ? "BITRIX24_WEBHOOK_URL"
              : Option.match(file, {
                  onNone: () =>
                    "BITRIX24_CLIENT_ID, BITRIX24_CLIENT_SECRET, BITRIX24_ACCESS_TOKEN and BITRIX24_REFRESH_TOKEN",
                  onSome: (path) =>
                    `BITRIX24_CLIENT_ID, BITRIX24_CLIENT_SECRET and the token pair in ${path} (or, before it exists, BITRIX24_ACCESS_TOKEN and BITRIX24_REFRESH_TOKEN)`
                }),
            ...(webhook || Option.isSome(file) ? {} : { unrenewable: unrenewableNotice }),
            activity: () => Effect.void
          }
        })
      )
      return Layer.provideMerge(connection, transport)
    })
  )

/**
 * The connection to the demo portal in context, and its transport.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerDemo = (
  options?: Bitrix24.Options
): Layer.Layer<Connection | Bitrix24.Bitrix24, never, DemoPortal.DemoPortal> => {
  const connection = Layer.effect(
    Connection,
    Effect.map(DemoPortal.DemoPortal, (portal) => ({
      kind: "demo" as const,
      portal: DemoPortal.publicUrl,
      credentials: "the demo portal's webhook",
      activity: portal.activity
    }))
  )
  return Layer.merge(connection, DemoPortal.layerBitrix24(options))
}

/**
 * The connection, the transport and `ImRecent`: to the configured portal, or to the demo portal when none is
 * configured. A configuration that cannot be used fails with a `UsageError` naming the variables.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options?: LayerOptions
): Layer.Layer<Connection | Bitrix24.Bitrix24 | ImRecent.ImRecent, CliError.UsageError | CliError.PortalError> =>
  Layer.unwrapEffect(
    Effect.map(
      isConfigured,
      (yes): Layer.Layer<Connection | Bitrix24.Bitrix24, CliError.UsageError | CliError.PortalError> =>
        yes ? layerPortal(options) : layerDemo(options).pipe(Layer.provide(DemoPortal.layer))
    )
  ).pipe((transport) => Layer.provideMerge(ImRecent.layer, transport))

/**
 * Prints {@link demoNotice} on stderr when the demo portal is used.
 *
 * @since 0.1.0
 * @category utils
 */
export const announce: Effect.Effect<void, never, Connection> = Effect.flatMap(Connection, (connection) =>
  connection.kind === "demo" ? Console.error(demoNotice) : Effect.void
)
