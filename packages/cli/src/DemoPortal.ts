/**
 * The demo portal the commands fall back to when no portal is configured: the emulator, in process and without a
 * socket (its web handler is the `fetch` of the HTTP client), holding a realistic portal generated from a fixed seed
 * with its history ending now. The commands read it as user 1 through that user's webhook, exactly as they would
 * read a real portal.
 *
 * `activity` makes it feel alive for `watch`: colleagues post a few messages to user 1's dialogs and chats, through
 * the portal's own `im.message.add`, each with their own webhook.
 *
 * The emulator answers in the runtime of the command that built it, so its log lines (a warning about input the
 * server would ignore, `--log-level debug`'s one line per call) go where the command's do: to stderr, as
 * `im-recent: ` lines, at the command's log level. Its clock is the system clock, started at the current time of
 * the `Clock` (as `Emulator.webHandler` would run it).
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpApp from "@effect/platform/HttpApp"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpMiddleware from "@effect/platform/HttpMiddleware"
import { Bitrix24, type Bitrix24Error, RequestThrottle } from "@im-recent/client"
import { Emulator, Generator, type PortalState } from "@im-recent/emulator"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Random from "effect/Random"
import * as Redacted from "effect/Redacted"
import * as Runtime from "effect/Runtime"
import * as Schema from "effect/Schema"

/**
 * The seed of the generated portal: every run shows the same people, chats and messages (dated relative to now).
 *
 * @since 0.1.0
 * @category constants
 */
export const seed = 7

/**
 * Where the demo portal pretends to live. Nothing is ever sent there: requests go to the in-process emulator.
 *
 * @since 0.1.0
 * @category constants
 */
export const publicUrl = "https://demo.bitrix24.test"

/**
 * The user the commands read the portal as (the generated portal's administrator, with the richest list).
 *
 * @since 0.1.0
 * @category constants
 */
export const viewer = 1

/**
 * Who posts where: `userId` sends to `dialogId` (`"1"` for a dialog with the viewer, `chatN` for a chat).
 *
 * @since 0.1.0
 * @category models
 */
export interface Target {
  readonly userId: number
  readonly dialogId: string
}

/**
 * How `activity` posts: `messages` in all, the first after `firstAfter`, the next ones `spacing` apart (a random
 * delay between the two bounds).
 *
 * @since 0.1.0
 * @category models
 */
export interface ActivityOptions {
  readonly messages?: number | undefined
  readonly firstAfter?: Duration.DurationInput | undefined
  readonly spacing?: readonly [Duration.DurationInput, Duration.DurationInput] | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The portal as generated. */
  readonly state: PortalState.PortalState
  /** The emulator's web handler, a `fetch`. */
  readonly fetch: typeof globalThis.fetch
  /**
   * The client's request-rate buckets for this portal (its `RequestThrottle.BucketRegistry`): every demo portal has the
   * same origin, but each is a portal of its own, so clients of two demo portals (tests running side by side) do not
   * share one bucket.
   */
  readonly buckets: RequestThrottle.Registry
  /** The incoming webhook of a user (one with the `im` scope). */
  readonly webhook: (userId: number) => Redacted.Redacted<string>
  /** Colleagues who can post to the viewer. */
  readonly targets: ReadonlyArray<Target>
  /** Sends `text` to `dialogId` as `userId`, through the portal's `im.message.add`; the new message's id. */
  readonly post: (userId: number, dialogId: string, text: string) => Effect.Effect<number, Bitrix24Error.Bitrix24Error>
  /** Posts a few messages from colleagues over the next seconds (failed posts are skipped). */
  readonly activity: (options?: ActivityOptions) => Effect.Effect<void>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class DemoPortal extends Context.Tag("@im-recent/cli/DemoPortal")<DemoPortal, Service>() {}

const texts: ReadonlyArray<string> = [
  "Are we still on for 3 pm?",
  "I've uploaded the new mockups to the drive",
  "Thanks, looks good to me!",
  "Can you review the contract today?",
  "The client called back: they agreed to the terms",
  "Lunch in 10 minutes?",
  "Deployed to staging, please check",
  "Who has the latest sales report?",
  "The meeting moved to Thursday",
  "Great job on the presentation 👏",
  "Please sign the invoice when you have a minute",
  "Running 5 minutes late"
]

/**
 * The colleagues who can post to the viewer: the other member of each of the viewer's dialogs, and members of the
 * viewer's group and open chats where members may post. Only active employees with an `im` webhook.
 *
 * @since 0.1.0
 * @category constructors
 */
export const targetsOf = (state: PortalState.PortalState): ReadonlyArray<Target> => {
  const withHook = new Set(state.webhooks.filter((hook) => hook.scopes.includes("im")).map((hook) => hook.userId))
  const eligible = new Set(
    state.users
      .filter((user) => user.active && !user.bot && !user.connector && !user.network && user.invited === null)
      .map((user) => user.id)
      .filter((id) => id !== viewer && withHook.has(id))
  )
  const members = new Map<number, Array<number>>()
  for (const relation of state.relations) {
    const list = members.get(relation.chatId) ?? []
    list.push(relation.userId)
    members.set(relation.chatId, list)
  }
  const targets: Array<Target> = []
  for (const chat of state.chats) {
    const inChat = members.get(chat.id) ?? []
    if (!inChat.includes(viewer)) continue
    const posters = inChat.filter((id) => eligible.has(id))
    if (chat.type === "P") {
      for (const userId of posters) targets.push({ userId, dialogId: String(viewer) })
    } else if ((chat.type === "C" || chat.type === "O") && chat.permissions.canPost === "member") {
      for (const userId of posters.slice(0, 2)) targets.push({ userId, dialogId: `chat${chat.id}` })
    }
  }
  return targets
}

const MessageAdded = Schema.Struct({ result: Schema.Number })

/**
 * Generates the portal (history ending at the current time of the `Clock`) and starts the emulator on it, answering
 * in the caller's runtime: its logs reach the caller's loggers (the command's stderr logger) at the caller's level.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service> = Effect.gen(function* () {
  const now = yield* DateTime.now
  const state = Generator.generate({ ...Generator.defaults(now), seed, locale: "en" })
  const emulator = yield* Emulator.make({ state, publicUrl, startAt: now }).pipe(
    // the portal runs on while `watch` waits, whatever clock the command is given (a TestClock in tests)
    Effect.withClock(Clock.make()),
    // fixed options and a generated state: nothing to refuse
    Effect.orDie
  )
  const runtime = Runtime.setFiberRef(
    yield* Effect.runtime<never>(),
    // the URL of a webhook call holds its secret: no spans for it
    HttpMiddleware.currentTracerDisabledWhen,
    () => true
  )
  const handle = HttpApp.toWebHandlerRuntime(runtime)(emulator.app)
  const fetch = ((input: RequestInfo | URL, init?: RequestInit) =>
    handle(
      input instanceof Request && init === undefined ? input : new Request(input, init)
    )) as typeof globalThis.fetch
  const webhook = (userId: number): Redacted.Redacted<string> => {
    const hook = state.webhooks.find((candidate) => candidate.userId === userId && candidate.scopes.includes("im"))
    return Redacted.make(`${publicUrl}/rest/${userId}/${hook?.code ?? "none"}/`)
  }
  const http: Layer.Layer<HttpClient.HttpClient> = FetchHttpClient.layer.pipe(
    Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fetch))
  )
  const targets = targetsOf(state)
  const buckets = RequestThrottle.makeRegistry()
  const ownBuckets = Layer.succeed(RequestThrottle.BucketRegistry, buckets)

  const post = (userId: number, dialogId: string, text: string) =>
    Effect.flatMap(Bitrix24.Bitrix24, (bitrix) =>
      bitrix.call("im.message.add", { DIALOG_ID: dialogId, MESSAGE: text }, MessageAdded, { idempotent: false })
    ).pipe(
      Effect.map((response) => response.result),
      Effect.provide(Bitrix24.layerWebhook(webhook(userId)).pipe(Layer.provide(http), Layer.provide(ownBuckets))),
      // a webhook from the generated state always parses
      Effect.catchTag("InvalidEndpoint", Effect.die)
    )

  const activity = (options?: ActivityOptions): Effect.Effect<void> =>
    Effect.gen(function* () {
      if (targets.length === 0) return
      const random = Random.make(seed)
      const [low, high] = (options?.spacing ?? ["2 seconds", "5 seconds"]).map(Duration.toMillis)
      const count = options?.messages ?? 8
      for (let i = 0; i < count; i++) {
        const delay =
          i === 0 ? Duration.toMillis(options?.firstAfter ?? "1 second") : low + (yield* random.next) * (high - low)
        yield* Effect.sleep(Duration.millis(Math.round(delay)))
        const target = targets[yield* random.nextIntBetween(0, targets.length)]
        const text = texts[yield* random.nextIntBetween(0, texts.length)]
        yield* post(target.userId, target.dialogId, text).pipe(
          Effect.catchAll((error) => Effect.logDebug("The demo portal skipped a message", error))
        )
      }
    })

  return DemoPortal.of({ state, fetch, buckets, webhook, targets, post, activity })
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<DemoPortal> = Layer.effect(DemoPortal, make)

/**
 * An `HttpClient` whose requests all go to the demo portal.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerHttpClient: Layer.Layer<HttpClient.HttpClient, never, DemoPortal> = Layer.unwrapEffect(
  Effect.map(DemoPortal, (demo) =>
    FetchHttpClient.layer.pipe(Layer.provide(Layer.succeed(FetchHttpClient.Fetch, demo.fetch)))
  )
)

/**
 * The transport to the demo portal as the {@link viewer}, over their webhook.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerBitrix24 = (options?: Bitrix24.Options): Layer.Layer<Bitrix24.Bitrix24, never, DemoPortal> =>
  Layer.unwrapEffect(
    Effect.map(DemoPortal, (demo) =>
      Bitrix24.layerWebhook(demo.webhook(viewer), options).pipe(
        Layer.provide(FetchHttpClient.layer),
        Layer.provide(Layer.succeed(FetchHttpClient.Fetch, demo.fetch)),
        Layer.provide(Layer.succeed(RequestThrottle.BucketRegistry, demo.buckets)),
        Layer.orDie // a webhook from the generated state always parses
      )
    )
  )
