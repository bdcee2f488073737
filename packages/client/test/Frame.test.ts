/**
 * The frame transport with a scripted parent window (no browser): how it finds the portal, the messages it sends and
 * accepts, its timeouts on the test clock, and the whole client inside a frame of the emulator's portal page, the
 * page's session serving `refreshAuth`. The same runs in a real browser in `browser/test/Frame.test.ts`.
 */
import { FetchHttpClient } from "@effect/platform"
import * as HttpApp from "@effect/platform/HttpApp"
import { assert, describe, it } from "@effect/vitest"
import {
  Bitrix24,
  ImCommand,
  ImMessenger,
  ImRecent,
  OperatingBudget,
  RequestThrottle,
  RetrySchedule
} from "@im-recent/client"
import * as Frame from "@im-recent/client/Frame"
import { Emulator, Generator } from "@im-recent/emulator"
import {
  Context,
  DateTime,
  Effect,
  Either,
  Exit,
  Fiber,
  HashMap,
  Layer,
  Logger,
  LogLevel,
  Redacted,
  SynchronizedRef,
  TestClock
} from "effect"

/** A parsed JSON body: tests index into it freely and assert on what they find. */
// biome-ignore lint/suspicious/noExplicitAny: parsed JSON is asserted on, never trusted
type Json = any

const PORTAL = "https://portal.test"
const SID = "0123456789abcdef0123456789abcdef"

interface Command {
  readonly name: string
  readonly params: string
  readonly callback: string
  readonly appSid: string
}

/** The portal's reading of a command string: the middle parts are the parameters. */
const parse = (message: unknown): Command => {
  if (typeof message === "object" && message !== null) {
    const object = message as Json
    return {
      name: object.method,
      params: JSON.stringify(object.params),
      callback: object.callback,
      appSid: object.appSid
    }
  }
  const parts = String(message).split(":")
  return {
    name: parts[0],
    params: parts.slice(1, -2).join(":"),
    callback: parts[parts.length - 2],
    appSid: parts[parts.length - 1]
  }
}

/** A frame's window whose parent is scripted: `answer` returns the JSON to answer with, or `undefined` for none. */
const scriptedWindow = (options: {
  readonly name?: string
  readonly search?: string
  readonly origin?: string
  readonly answer: (command: Command, deliver: (data: unknown, origin?: string, source?: unknown) => void) => unknown
}) => {
  const listeners = new Set<(event: Frame.FrameMessage) => void>()
  const posted: Array<{ readonly message: unknown; readonly targetOrigin: string }> = []
  const parent: Frame.ParentWindow = {
    postMessage: (message, targetOrigin) => {
      posted.push({ message, targetOrigin })
      const command = parse(message)
      void Promise.resolve(options.answer(command, deliver)).then((value) => {
        if (value !== undefined) deliver(`${command.callback}:${JSON.stringify(value)}`)
      })
    }
  }
  const deliver = (data: unknown, origin = options.origin ?? PORTAL, source: unknown = parent) => {
    for (const listener of [...listeners]) listener({ origin, data, source })
  }
  const window: Frame.FrameWindow = {
    name: options.name ?? `portal.test|1|${SID}`,
    location: { search: options.search ?? "" },
    parent,
    addEventListener: (_, listener) => listeners.add(listener),
    removeEventListener: (_, listener) => listeners.delete(listener)
  }
  return { window, posted, listeners, deliver }
}

const initData = (overrides: Record<string, unknown> = {}) => ({
  DOMAIN: "portal.test",
  PROTOCOL: "1",
  LANG: "en",
  PATH: "/marketplace/app/1/",
  AUTH_ID: "access-token-0001",
  AUTH_EXPIRES: "3600",
  REFRESH_ID: "refresh-token-0001",
  MEMBER_ID: "member",
  IS_ADMIN: true,
  APP_OPTIONS: [],
  USER_OPTIONS: { theme: "dark" },
  PLACEMENT: "IM_SIDEBAR",
  PLACEMENT_OPTIONS: { dialogId: "chat7" },
  INSTALL: false,
  FIRST_RUN: false,
  ...overrides
})

const captureLogs = () => {
  const lines: Array<{ level: string; message: string; annotations: Record<string, unknown> }> = []
  const logger = Logger.make(({ annotations, logLevel, message }) => {
    lines.push({
      level: logLevel.label,
      message: Array.isArray(message) ? message.join(" ") : String(message),
      annotations: Object.fromEntries(HashMap.toEntries(annotations))
    })
  })
  const provide = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    effect.pipe(Effect.provide(Logger.add(logger)), Logger.withMinimumLogLevel(LogLevel.All))
  return { lines, provide }
}

const connect = (window: Frame.FrameWindow, options: Omit<Frame.Options, "window"> = {}) =>
  Frame.make({ window, ...options })

// The browser's `window` is a FrameWindow (checked by the compiler, here under the DOM library).
export const browserWindow = (window: Window): Frame.FrameWindow => window

describe("Frame.make", () => {
  it.scoped("finds the portal in window.name, asks getInitData with the portal's origin as the target", () =>
    Effect.gen(function* () {
      const parent = scriptedWindow({ answer: () => initData() })
      const frame = yield* connect(parent.window)
      assert.strictEqual(frame.portal, PORTAL)
      assert.strictEqual(frame.appSid, SID)
      assert.strictEqual(parent.posted.length, 1)
      assert.strictEqual(parent.posted[0].targetOrigin, PORTAL)
      assert.match(String(parent.posted[0].message), new RegExp(`^getInitData:[0-9a-z]+:${SID}$`))
      assert.strictEqual(frame.placement, "IM_SIDEBAR")
      assert.deepStrictEqual(frame.placementOptions, { dialogId: "chat7" })
      assert.deepStrictEqual(frame.init.APP_OPTIONS, {})
      assert.deepStrictEqual(frame.init.USER_OPTIONS, { theme: "dark" })
      assert.strictEqual(Redacted.value(frame.init.AUTH_ID), "access-token-0001")
      assert.strictEqual(String(frame.init.AUTH_ID), "<redacted>")
      const auth = yield* frame.auth
      assert.strictEqual(auth.expiresAt.epochMillis, 3_600_000)
      // the listener goes with the scope
      assert.strictEqual(parent.listeners.size, 1)
    })
  )

  it.scoped("or in the query (DOMAIN, PROTOCOL, APP_SID); plain http only for a loopback portal", () =>
    Effect.gen(function* () {
      const fromQuery = scriptedWindow({
        name: "",
        search: "?DOMAIN=127.0.0.1:8080&PROTOCOL=0&APP_SID=abc&LANG=en",
        origin: "http://127.0.0.1:8080",
        answer: () => initData()
      })
      const frame = yield* connect(fromQuery.window)
      assert.strictEqual(frame.portal, "http://127.0.0.1:8080")
      assert.strictEqual(fromQuery.posted[0].targetOrigin, "http://127.0.0.1:8080")
      const insecure = scriptedWindow({ name: "portal.test|0|abc", answer: () => initData() })
      const refused = yield* Effect.flip(connect(insecure.window))
      assert.strictEqual(refused.reason, "InvalidPortal")
      assert.include(refused.message, "must use https")
      const outside = scriptedWindow({ name: "", answer: () => initData() })
      const notInFrame = yield* Effect.flip(connect(outside.window))
      assert.strictEqual(notInFrame.reason, "NotInFrame")
      assert.strictEqual(outside.posted.length, 0)
    })
  )

  it.scoped("ignores a forged answer from another origin or another window; warns once per origin", () =>
    Effect.gen(function* () {
      const logs = captureLogs()
      const parent = scriptedWindow({
        answer: (command, deliver) => {
          const forged = `${command.callback}:${JSON.stringify(initData({ AUTH_ID: "forged" }))}`
          deliver(forged, "https://evil.test")
          deliver(forged, "https://evil.test")
          deliver(forged, PORTAL, { not: "the parent" })
          return initData()
        }
      })
      const frame = yield* logs.provide(connect(parent.window))
      assert.strictEqual(Redacted.value(frame.init.AUTH_ID), "access-token-0001")
      const warnings = logs.lines.filter((line) => line.level === "WARN")
      assert.deepStrictEqual(
        warnings.map((line) => [line.message, line.annotations.origin]),
        [
          ["Frame: ignored a message that is not from the portal", "https://evil.test"],
          ["Frame: ignored a message that is not from the portal", PORTAL]
        ]
      )
    })
  )

  it.effect(
    "a command the portal does not answer fails with Timeout (10 s by default); UI commands end at 900 ms",
    () =>
      Effect.gen(function* () {
        const parent = scriptedWindow({
          answer: (command) => (command.name === "getInitData" ? initData() : undefined)
        })
        const frame = yield* connect(parent.window)
        const waiting = yield* Effect.fork(Effect.either(frame.send("selectUser")))
        const title = yield* Effect.fork(frame.setTitle("Recent chats"))
        yield* TestClock.adjust("900 millis")
        assert.deepStrictEqual(yield* Fiber.join(title), undefined)
        assert.isTrue((yield* Fiber.poll(waiting))._tag === "None")
        yield* TestClock.adjust("9100 millis")
        const outcome = yield* Fiber.join(waiting)
        assert.isTrue(Either.isLeft(outcome))
        if (Either.isLeft(outcome)) {
          assert.strictEqual(outcome.left.reason, "Timeout")
          assert.strictEqual(outcome.left.message, "selectUser: the portal did not answer within 10s")
        }
        assert.strictEqual(parse(parent.posted[2].message).params, JSON.stringify({ title: "Recent chats" }))
      }).pipe(Effect.scoped)
  )

  it.scoped("an answer that is not JSON, or start data of the wrong shape, is a BadAnswer", () =>
    Effect.gen(function* () {
      const garbled = scriptedWindow({
        answer: (command, deliver) => {
          deliver(`${command.callback}:{not json`)
          return undefined
        }
      })
      const notJson = yield* Effect.flip(connect(garbled.window))
      assert.strictEqual(notJson.reason, "BadAnswer")
      // a token of the wrong type is still a token: it never shows in the error
      const numeric = scriptedWindow({ answer: () => initData({ AUTH_ID: 918273645546, AUTH_EXPIRES: "soon" }) })
      const masked = yield* Effect.flip(connect(numeric.window))
      assert.include(masked.message, "AUTH_ID")
      assert.include(masked.message, "AUTH_EXPIRES")
      assert.notInclude(masked.message, "918273645546")
      const shapeless = scriptedWindow({ answer: () => ({ DOMAIN: "portal.test" }) })
      const wrong = yield* Effect.flip(connect(shapeless.window))
      assert.strictEqual(wrong.reason, "BadAnswer")
      assert.include(wrong.message, "getInitData: the portal's answer is not what getInitData returns")
      assert.include(wrong.message, "AUTH_ID")
    })
  )

  it.scoped("refreshAuth is one request however many fibers ask; commands with ':' go as objects", () =>
    Effect.gen(function* () {
      let renewals = 0
      const parent = scriptedWindow({
        answer: (command) => {
          if (command.name === "getInitData") return initData()
          if (command.name === "refreshAuth") {
            renewals++
            return { AUTH_ID: `access-${renewals}`, AUTH_EXPIRES: 3600, REFRESH_ID: `refresh-${renewals}` }
          }
          return command.name === "ui:notify" ? { shown: JSON.parse(command.params) } : undefined
        }
      })
      const frame = yield* connect(parent.window)
      const results = yield* Effect.all([frame.refreshAuth, frame.refreshAuth, frame.refreshAuth], {
        concurrency: "unbounded"
      })
      assert.strictEqual(renewals, 1)
      assert.deepStrictEqual(
        results.map((auth) => [Redacted.value(auth.accessToken), auth.generation]),
        [
          ["access-1", 1],
          ["access-1", 1],
          ["access-1", 1]
        ]
      )
      assert.deepStrictEqual(yield* frame.send("ui:notify", { text: "hi" }), { shown: { text: "hi" } })
      const last = parent.posted[parent.posted.length - 1].message as Json
      assert.strictEqual(last.method, "ui:notify")
      assert.deepStrictEqual(last.params, { text: "hi" })
      assert.strictEqual(last.appSid, SID)
    })
  )
})

describe("Frame.layer: the client inside the emulator's portal page", () => {
  const NOW = "2026-03-02T12:00:00Z"

  /** The emulator on the test's clock, its page for user 1, and a parent window that is that page. */
  const portalPage = Effect.gen(function* () {
    const state = Generator.generate({ ...Generator.defaults(DateTime.unsafeMake(NOW)), seed: 3, locale: "en" })
    const emulator = yield* Emulator.make({
      state,
      startAt: NOW,
      rateLimit: false,
      operatingLimit: false,
      appUrl: "http://localhost:5173/"
    })
    const handler = HttpApp.toWebHandlerRuntime(yield* Effect.runtime<never>())(emulator.app)
    const requests: Array<{ readonly url: string; readonly headers: Headers }> = []
    const fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init)
      requests.push({ url: request.url, headers: request.headers })
      return handler(request)
    }) as typeof globalThis.fetch
    const html = yield* Effect.promise(() =>
      handler(new Request(`${emulator.publicUrl}/marketplace/app/1/`)).then((response) => response.text())
    )
    const config: Json = JSON.parse(/id="portal-config">(.*?)<\/script>/s.exec(html)?.[1] ?? "null")
    let renewals = 0
    const parent = scriptedWindow({
      name: config.frame.name,
      origin: emulator.publicUrl,
      answer: async (command) => {
        if (command.appSid !== config.frame.appSid) return undefined
        if (command.name === "getInitData") return config.frame.init
        if (command.name !== "refreshAuth") return undefined
        renewals++
        const response = await handler(
          new Request(`${emulator.publicUrl}/marketplace/frame/`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ sessid: config.frame.sessid, command: "refreshAuth" })
          })
        )
        return response.json()
      }
    })
    const live = Layer.merge(ImRecent.layer, ImMessenger.layer).pipe(
      Layer.provideMerge(
        Frame.layer({ window: parent.window, transport: { retry: RetrySchedule.none } }).pipe(Layer.orDie)
      ),
      Layer.provide(FetchHttpClient.layer),
      Layer.provide(
        Layer.mergeAll(
          Layer.succeed(FetchHttpClient.Fetch, fetch),
          RequestThrottle.layerIsolated,
          OperatingBudget.layerIsolated
        )
      )
    )
    /** Expires the frame's token on the portal only (the frame still believes it valid). */
    const expireOnPortal = SynchronizedRef.update(emulator.portal.state, (current) => ({
      ...current,
      oauthTokens: current.oauthTokens.map((pair) =>
        pair.accessToken === config.frame.fields.AUTH_ID ? { ...pair, accessExpiresAt: 0 } : pair
      )
    }))
    const expected = (userId: number) =>
      Effect.map(
        SynchronizedRef.get(emulator.portal.state),
        (current) => current.recent.filter((row) => row.userId === userId).length
      )
    return { emulator, config, live, requests, expireOnPortal, expected, renewals: () => renewals }
  })

  it.effect("ImRecent, ImMessenger and batches run as the frame user, AUTH_ID in the body, no custom headers", () =>
    Effect.gen(function* () {
      const page = yield* portalPage
      const context = yield* Layer.build(page.live)
      const recent = Context.get(context, ImRecent.ImRecent)
      const { items } = yield* recent.get()
      assert.isAbove(items.length, 0)
      assert.isAtMost(items.length, yield* page.expected(1))
      assert.strictEqual(Context.get(context, Bitrix24.Bitrix24).portal, page.emulator.publicUrl)
      const rest = page.requests.filter((request) => request.url.includes("/rest/"))
      assert.deepStrictEqual(
        rest.map((request) => request.url),
        [`${page.emulator.publicUrl}/rest/im.recent.get`]
      )
      assert.isNull(rest[0].headers.get("x-request-id"))
      assert.isNull(rest[0].headers.get("user-agent"))
      assert.strictEqual(rest[0].headers.get("content-type"), "application/json")
      // ImMessenger and its batches run on the same frame transport
      const im = Context.get(context, ImMessenger.ImMessenger)
      const counters = yield* im.counters.get()
      const { dialog } = yield* im.batch({ dialog: ImCommand.dialog.get(items[0].id) }, { halt: true })
      assert.isObject(counters.TYPE)
      assert.strictEqual(dialog.id, items[0].chat_id)
    }).pipe(Effect.scoped)
  )

  it.effect("on expired_token it asks the parent with refreshAuth, then sends the call again", () =>
    Effect.gen(function* () {
      const page = yield* portalPage
      const context = yield* Layer.build(page.live)
      const recent = Context.get(context, ImRecent.ImRecent)
      yield* page.expireOnPortal
      const exit = yield* Effect.exit(recent.get())
      assert.isTrue(Exit.isSuccess(exit), String(exit))
      assert.strictEqual(page.renewals(), 1)
      assert.strictEqual(page.requests.filter((request) => request.url.includes("/rest/")).length, 2)
    }).pipe(Effect.scoped)
  )

  it.effect("once AUTH_EXPIRES has passed it renews before sending (one REST request)", () =>
    Effect.gen(function* () {
      const page = yield* portalPage
      const context = yield* Layer.build(page.live)
      const recent = Context.get(context, ImRecent.ImRecent)
      yield* TestClock.adjust("61 minutes")
      yield* recent.get()
      assert.strictEqual(page.renewals(), 1)
      assert.strictEqual(page.requests.filter((request) => request.url.includes("/rest/")).length, 1)
    }).pipe(Effect.scoped)
  )
})
