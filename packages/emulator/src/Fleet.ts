/**
 * Many portals from one process: `portals` emulators, each on its own loopback port with its own data, users, clock
 * offset, rate-limit bucket, operating budgets, OAuth application and tokens, as independent as separate portals
 * are. Portal `i` (0-based) is generated from `seed + i` (default seed 1), so portal 0 is the portal a single
 * emulator generates from `seed`, and the same options give the same portals on every run.
 *
 * With `installTo`, each portal sends its `ONAPPINSTALL` event to that URL once the fleet is up, as a portal does when
 * its administrator installs the app ({@link AppInstall}): the receiver learns each portal's address, `member_id`,
 * token pair and `application_token`, and may come up later (the event is sent again on a schedule).
 *
 * ```ts
 * import { AppInstall, Fleet } from "@im-recent/emulator"
 * import { Effect } from "effect"
 *
 * // in a scope: three portals on free ports, each installing the app at the receiver
 * const fleet = yield* Fleet.make({ portals: 3, seed: 7, installTo: "http://127.0.0.1:8080/install" })
 * for (const portal of fleet.portals) console.log(portal.baseUrl, portal.memberId, portal.oauth?.applicationToken)
 * const deliveries = yield* fleet.installs // one Either per portal, once each delivery ended
 * ```
 *
 * Serving over sockets takes `@effect/platform-node` (an optional peer dependency, loaded when a fleet starts).
 *
 * @since 0.1.0
 */
import type * as Http from "node:http"
import * as HttpServer from "@effect/platform/HttpServer"
import { BadPort } from "@im-recent/domain"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as AppInstall from "./AppInstall.js"
import * as Emulator from "./Emulator.js"
import * as NodeServer from "./NodeServer.js"

/**
 * The most portals one fleet serves.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxPortals = 256

/**
 * How to run a fleet; only `portals` is required.
 *
 * - `portals`: how many (1 to {@link maxPortals});
 * - `seed`: portal `i` is generated from `seed + i` (default 1), replacing any `generator.seed` of `emulator`;
 * - `emulator`: the options of every portal ({@link Emulator.Options}), or a function from the portal's index to its
 *   options (give a portal a `state` to serve that state instead of a generated one);
 * - `host`: the interface to listen on (default `127.0.0.1`);
 * - `port`: 0 (default) gives each portal a free port; another number puts portal `i` on `port + i`;
 * - `tls`: serve HTTPS with this certificate chain and key (PEM), the same for every portal;
 * - `installTo`: an `http(s)` URL every portal sends its `ONAPPINSTALL` event to, once the fleet is up;
 * - `install`: how to send it ({@link AppInstall.Options}: version, retry schedule, timeout).
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly portals: number
  readonly seed?: number | undefined
  readonly emulator?: Emulator.Options | ((index: number) => Emulator.Options) | undefined
  readonly host?: string | undefined
  readonly port?: number | undefined
  readonly tls?: { readonly cert: string; readonly key: string } | undefined
  readonly installTo?: string | undefined
  readonly install?: AppInstall.Options | undefined
}

/**
 * One portal of a fleet, as an app or a test uses it: its emulator, base URL and `member_id`, the webhook to read the
 * recent list with ({@link Emulator.readerWebhook}), every webhook, and its OAuth application with a token pair
 * (client id and secret, `application_token`, the pair as it was at start).
 *
 * @since 0.1.0
 * @category models
 */
export interface Portal {
  readonly index: number
  readonly seed: number
  readonly emulator: Emulator.Service
  readonly baseUrl: string
  readonly memberId: string
  readonly webhook: string | undefined
  readonly webhooks: ReadonlyArray<Emulator.WebhookUrl>
  readonly oauth: Emulator.OAuthCredentials | undefined
}

/**
 * A running fleet: its portals in index order, and the outcome of each portal's `ONAPPINSTALL` delivery (waits until
 * every delivery ended; empty without `installTo`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly portals: ReadonlyArray<Portal>
  readonly installs: Effect.Effect<ReadonlyArray<Either.Either<AppInstall.Delivery, AppInstall.DeliveryError>>>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Fleet extends Context.Tag("@im-recent/emulator/Fleet")<Fleet, Service>() {}

/**
 * A portal of the fleet could not start: its port is taken, or `@effect/platform-node` is missing.
 *
 * @since 0.1.0
 * @category errors
 */
export class FleetError extends Schema.TaggedError<FleetError>("@im-recent/emulator/FleetError")("FleetError", {
  reason: Schema.String
}) {
  override get message(): string {
    return this.reason
  }
}

/**
 * Whether `url` can receive an event: an absolute `http:` or `https:` URL. The problem, or `undefined`.
 *
 * @since 0.1.0
 * @category validation
 */
export const receiverProblem = (url: string): string | undefined => {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return `${JSON.stringify(url.slice(0, 200))} is not an absolute URL (like http://127.0.0.1:8080/install)`
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    return `${JSON.stringify(url.slice(0, 200))} is not an http(s) URL`
  }
  return undefined
}

const problemsOf = (options: Options): ReadonlyArray<string> => {
  const problems: Array<string> = []
  if (!Number.isInteger(options.portals) || options.portals < 1 || options.portals > maxPortals) {
    problems.push(`portals must be a whole number from 1 to ${maxPortals}, got ${options.portals}`)
  }
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed)) {
    problems.push(`seed must be an integer, got ${options.seed}`)
  }
  const port = options.port ?? 0
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    problems.push(`port must be from 0 to 65535, got ${port}`)
  } else if (port !== 0 && problems.length === 0) {
    const last = port + options.portals - 1
    if (last > 65_535) problems.push(`ports ${port}…${last} go past 65535`)
    for (let candidate = port; candidate <= Math.min(last, 65_535); candidate++) {
      const blocked = BadPort.reason(candidate)
      if (blocked !== undefined) problems.push(`portal ${candidate - port} on port ${candidate}: ${blocked}`)
    }
  }
  if (options.installTo !== undefined) {
    const problem = receiverProblem(options.installTo)
    if (problem !== undefined) problems.push(`installTo: ${problem}`)
  }
  return problems
}

/** The options of portal `index`: its generator seeded `seed + index`. */
const portalOptions = (options: Options, index: number): Emulator.Options => {
  const own = typeof options.emulator === "function" ? options.emulator(index) : (options.emulator ?? {})
  return { ...own, generator: { ...own.generator, seed: (options.seed ?? 1) + index } }
}

type NodeHttpServerModule = typeof import("@effect/platform-node/NodeHttpServer")

const loadNodeHttpServer: Effect.Effect<NodeHttpServerModule, FleetError> = Effect.tryPromise({
  try: () => import("@effect/platform-node/NodeHttpServer"),
  catch: () =>
    new FleetError({
      reason: "serving a fleet takes @effect/platform-node: npm install --save-dev @effect/platform-node@^0.108.2"
    })
})

/** One portal: listening, then serving its emulator. */
const start = (
  nodeHttpServer: NodeHttpServerModule,
  options: Options,
  index: number
): Effect.Effect<Portal, Emulator.OptionsError | FleetError, Scope.Scope> =>
  Effect.gen(function* () {
    const host = options.host ?? "127.0.0.1"
    const port = options.port === undefined || options.port === 0 ? 0 : options.port + index
    const own = portalOptions(options, index)
    const node: Http.Server = NodeServer.make(options.tls === undefined ? {} : { tls: options.tls })
    const server = yield* nodeHttpServer
      .make(() => node, { port, host })
      .pipe(
        Effect.mapError(
          (error) =>
            new FleetError({
              reason: `portal ${index}: cannot listen on ${host}:${port}: ${String((error.cause as Error | undefined)?.message ?? error.cause)}`
            })
        )
      )
    // runs before the server's own finalizer: keep-alive clients must not hold the shutdown
    yield* Effect.addFinalizer(() => Effect.sync(() => node.closeAllConnections()))
    const context = yield* Layer.build(
      Emulator.layer({ ...own, scheme: own.scheme ?? (options.tls === undefined ? "http" : "https") }).pipe(
        Layer.provide(Layer.succeed(HttpServer.HttpServer, server))
      )
    )
    const emulator = Context.get(context, Emulator.Emulator)
    const webhooks = yield* Emulator.webhookUrls(emulator)
    return {
      index,
      seed: (options.seed ?? 1) + index,
      emulator,
      baseUrl: emulator.publicUrl,
      memberId: emulator.memberId,
      webhook: Emulator.readerWebhook(webhooks)?.url,
      webhooks,
      oauth: yield* Emulator.oauthCredentials(emulator)
    }
  })

/**
 * Sends every portal's `ONAPPINSTALL` event to `url`, all at once; one outcome per portal, in index order.
 *
 * @since 0.1.0
 * @category delivery
 */
export const install = (
  portals: ReadonlyArray<Portal>,
  url: string,
  options: AppInstall.Options = {}
): Effect.Effect<ReadonlyArray<Either.Either<AppInstall.Delivery, AppInstall.DeliveryError>>> =>
  Effect.forEach(portals, (portal) => Effect.either(AppInstall.deliver(portal.emulator, url, options)), {
    concurrency: "unbounded"
  })

/**
 * Starts a fleet in the current scope (closing the scope stops every portal and any delivery still under way).
 * Invalid options fail with {@link Emulator.OptionsError} before any portal starts.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service, Emulator.OptionsError | FleetError, Scope.Scope> =>
  Effect.gen(function* () {
    const problems = problemsOf(options)
    if (problems.length > 0) return yield* new Emulator.OptionsError({ problems })
    for (let index = 0; index < options.portals; index++) {
      yield* Emulator.validate(portalOptions(options, index)).pipe(
        Effect.mapError(
          (error) =>
            new Emulator.OptionsError({ problems: error.problems.map((problem) => `portal ${index}: ${problem}`) })
        )
      )
    }
    const nodeHttpServer = yield* loadNodeHttpServer
    const portals: Array<Portal> = []
    for (let index = 0; index < options.portals; index++) portals.push(yield* start(nodeHttpServer, options, index))
    const installs =
      options.installTo === undefined
        ? Effect.succeed([])
        : Fiber.join(yield* Effect.forkScoped(install(portals, options.installTo, options.install)))
    return { portals, installs }
  })

/**
 * A fleet as a layer: started when the layer is built, stopped when it is released.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<Fleet, Emulator.OptionsError | FleetError> =>
  Layer.scoped(Fleet, make(options))
