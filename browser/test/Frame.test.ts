/**
 * Apps inside the emulator's portal pages, in a real browser: Debian's Chromium (playwright-core), the emulator on
 * `http://127.0.0.1:<port>`, the app on `http://localhost:<other port>` (another origin), served by the test. The
 * official SDK's `B24Frame` and our frame transport run the same steps; the checks read page text, never pixels.
 */
import { mkdirSync, statSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { NodeHttpServer } from "@effect/platform-node"
import { assert, describe, it, layer, type Vitest } from "@effect/vitest"
import { Emulator, NodeServer } from "@im-recent/emulator"
import { Context, Effect, Layer, SynchronizedRef } from "effect"
import type { BrowserContext, Frame, Page } from "playwright-core"
import type {} from "./pages/api.js"
import * as AppServer from "./support/AppServer.js"
import * as Chromium from "./support/Chromium.js"

/** A parsed JSON body: tests index into it freely and assert on what they find. */
// biome-ignore lint/suspicious/noExplicitAny: parsed JSON is asserted on, never trusted
type Json = any

const results = fileURLToPath(new URL("../test-results/", import.meta.url))

class Env extends Context.Tag("Env")<
  Env,
  { readonly emulator: Emulator.Service; readonly app: AppServer.AppServer; readonly browser: BrowserContext }
>() {}

const EnvLive = Layer.scoped(
  Env,
  Effect.gen(function* () {
    const app = yield* AppServer.make
    const served = yield* Layer.build(
      Emulator.layer({ generator: { seed: 5, locale: "en" }, appUrl: app.appUrl, rateLimit: false }).pipe(
        Layer.provide(NodeHttpServer.layer(() => NodeServer.make(), { port: 0, host: "127.0.0.1" }))
      )
    )
    // launched last, closed first: its keep-alive connections would hold the servers' shutdown
    const browser = yield* Chromium.launch
    return { emulator: Context.get(served, Emulator.Emulator), app, browser }
  })
)

const promise = <A>(thunk: () => Promise<A>) => Effect.promise(thunk)

interface Opened {
  readonly page: Page
  /** The app's frame, its app connected to the portal. */
  readonly frame: Frame
  /** The frame's APP_SID (the last part of its window.name). */
  readonly appSid: string
}

/** Opens a portal page and waits for the app in its frame to connect. */
const open = (path: string) =>
  Effect.gen(function* () {
    const { app, browser, emulator } = yield* Env
    const page = yield* Effect.acquireRelease(
      promise(() => browser.newPage()),
      (page) => promise(() => page.close())
    )
    return yield* promise(async (): Promise<Opened> => {
      await page.goto(`${emulator.publicUrl}${path}`)
      const frame = await (await page.waitForSelector("iframe.app-frame")).contentFrame()
      if (frame === null) throw new Error("the portal page has no app frame")
      await frame.waitForURL((url) => url.origin === app.origin)
      await frame.waitForFunction(() => window.app !== undefined)
      await frame.evaluate(() => window.app.ready)
      const name = await frame.evaluate(() => window.name)
      return { page, frame, appSid: name.split("|")[2] ?? "" }
    })
  })

const waitForLog = (page: Page, text: string) =>
  promise(() =>
    page.waitForFunction((expected) => document.getElementById("frame-log")?.textContent?.includes(expected), text)
  )

/** What the emulator answers user 1 (the frame's user) for `im.recent.get`, read over a webhook. */
const expectedIds = (params: Record<string, string> = {}) =>
  Effect.gen(function* () {
    const { emulator } = yield* Env
    const hook = (yield* Emulator.webhookUrls(emulator)).find(
      (webhook) => webhook.userId === 1 && webhook.scopes.includes("im")
    )
    const body: Json = yield* promise(() =>
      fetch(`${hook?.url}im.recent.get`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(params)
      }).then((response) => response.json())
    )
    return body.result as ReadonlyArray<Json>
  })

const postOf = (appSid: string) =>
  Effect.map(Env, ({ app }) => {
    const fields = app.posts.find((post) => post.APP_SID === appSid)
    assert.isDefined(fields, `the portal posted no fields with APP_SID ${appSid}`)
    return fields as AppServer.Fields
  })

/** Adds frames of other origins to the portal page: the foreign origin, and a page of the app's origin. */
const intruders = (page: Page) =>
  Effect.gen(function* () {
    const { app } = yield* Env
    return yield* promise(async () => {
      const urls = [`${app.foreignOrigin}/foreign.html`, `${app.origin}/foreign.html`]
      await page.evaluate((sources) => {
        for (const source of sources) {
          const frame = document.createElement("iframe")
          frame.src = source
          frame.className = "intruder"
          document.body.append(frame)
        }
      }, urls)
      const frames = await Promise.all(
        urls.map(async (url) => {
          const handle = await page.waitForSelector(`iframe.intruder[src="${url}"]`)
          const frame = await handle.contentFrame()
          if (frame === null) throw new Error(`no frame for ${url}`)
          await frame.waitForURL(url)
          return frame
        })
      )
      return { foreign: frames[0], sameOrigin: frames[1] }
    })
  })

const sdks = ["official", "ours"] as const

const suite = (it: Vitest.MethodsNonLive<Env, true>) => {
  for (const sdk of sdks) {
    it.effect(`${sdk}: im.recent.get inside the portal page returns the emulator's list for the frame's user`, () =>
      Effect.gen(function* () {
        const { page, frame } = yield* open(`/marketplace/app/1/?sdk=${sdk}`)
        const ids = yield* promise(() => frame.evaluate(() => window.app.list()))
        const expected = (yield* expectedIds()).map((item) => String(item.id))
        assert.isAbove(expected.length, 0)
        assert.deepStrictEqual(ids, expected)
        yield* waitForLog(page, "getInitData")
        assert.strictEqual(yield* promise(() => frame.textContent("body")), `${sdk}: connected in DEFAULT`)
      }).pipe(Effect.scoped)
    )

    it.effect(`${sdk}: an expired access token is renewed through refreshAuth and the call succeeds`, () =>
      Effect.gen(function* () {
        const { emulator } = yield* Env
        const { page, frame, appSid } = yield* open(`/marketplace/app/1/?sdk=${sdk}`)
        const { AUTH_ID } = yield* postOf(appSid)
        // the portal says the token expired; the app still believes it valid for an hour
        yield* SynchronizedRef.update(emulator.portal.state, (state) => ({
          ...state,
          oauthTokens: state.oauthTokens.map((pair) =>
            pair.accessToken === AUTH_ID ? { ...pair, accessExpiresAt: 0 } : pair
          )
        }))
        const ids = yield* promise(() => frame.evaluate(() => window.app.list()))
        assert.deepStrictEqual(
          ids,
          (yield* expectedIds()).map((item) => String(item.id))
        )
        yield* waitForLog(page, "refreshAuth")
        const log = yield* promise(() =>
          page.$$eval("#frame-log li", (items) => items.map((item) => item.textContent ?? ""))
        )
        assert.strictEqual(log.filter((line) => line === "refreshAuth").length, 1, log.join("\n"))
      }).pipe(Effect.scoped)
    )

    it.effect(`${sdk}: a message posted from a foreign origin is ignored by the app and by the portal`, () =>
      Effect.gen(function* () {
        const { app } = yield* Env
        const { page, frame, appSid } = yield* open(`/marketplace/app/1/?sdk=${sdk}`)
        const { foreign, sameOrigin } = yield* intruders(page)

        // the portal: a command with the right APP_SID, from another origin, then from a non-app frame of the app's origin
        const forged = `setTitle:${JSON.stringify({ title: "Forged" })}:k1:${appSid}`
        yield* promise(() => foreign.evaluate((message) => window.top?.postMessage(message, "*"), forged))
        yield* waitForLog(
          page,
          `Ignored a message from ${app.foreignOrigin}: not the application's origin ${app.origin}`
        )
        yield* promise(() => sameOrigin.evaluate((message) => window.top?.postMessage(message, "*"), forged))
        yield* waitForLog(page, `Ignored a message from ${app.origin}: not from an application frame of this page`)
        assert.strictEqual(yield* promise(() => page.textContent("#app-title")), "Application")

        // the app: a command the portal leaves unanswered, a forged answer from the foreign origin, then the portal's
        yield* promise(() => frame.evaluate(() => window.app.hold("imrecentTestHold")))
        yield* waitForLog(page, "imrecentTestHold: not emulated, not answered")
        const logs = yield* promise(() => frame.evaluate(() => window.app.logs))
        const sent = logs.find((line) =>
          sdk === "ours"
            ? line.message === "Frame: sent a command to the portal" && line.context.command === "imrecentTestHold"
            : line.message.startsWith("send to") && line.context.command === "imrecentTestHold"
        )
        const key = String(sdk === "ours" ? sent?.context.callback : sent?.context.callbackKey)
        assert.match(key, /^[0-9a-z-]+$/i)
        yield* promise(() =>
          foreign.evaluate((message) => window.parent.frames[0].postMessage(message, "*"), `${key}:{"forged":true}`)
        )
        const rejected =
          sdk === "ours"
            ? "Frame: ignored a message that is not from the portal"
            : "message rejected: unexpected origin"
        yield* promise(() =>
          frame.waitForFunction(
            ([message, origin]) =>
              window.app.logs.some((line) => line.message === message && line.context.origin === origin),
            [rejected, app.foreignOrigin] as const
          )
        )
        assert.strictEqual(yield* promise(() => frame.evaluate(() => window.app.held.imrecentTestHold)), "pending")
        yield* promise(() =>
          page.evaluate(
            ([message, origin]) =>
              document
                .querySelector<HTMLIFrameElement>("iframe.app-frame")
                ?.contentWindow?.postMessage(message, origin),
            [`${key}:{"genuine":true}`, app.origin] as const
          )
        )
        yield* promise(() => frame.waitForFunction(() => window.app.held.imrecentTestHold !== "pending"))
        assert.deepStrictEqual(yield* promise(() => frame.evaluate(() => window.app.held.imrecentTestHold)), {
          genuine: true
        })
      }).pipe(Effect.scoped)
    )
  }

  it.effect("ours: the portal page answers the UI commands, keeps options across reloadWindow, opens a slider", () =>
    Effect.gen(function* () {
      const { page, frame } = yield* open("/marketplace/app/1/?sdk=ours")
      const command = (name: string, params?: Record<string, unknown>) =>
        promise(() => frame.evaluate(([name, params]) => window.app.command?.(name, params), [name, params] as const))
      const text = (selector: string) => promise(() => page.textContent(selector))

      assert.deepStrictEqual(yield* command("setTitle", { title: "Chats" }), {})
      assert.strictEqual(yield* text("#app-title"), "Chats")
      assert.deepStrictEqual(yield* command("resizeWindow", { width: "100%", height: 321 }), {
        width: "100%",
        height: 321
      })
      assert.strictEqual(
        yield* promise(() => page.$eval("iframe.app-frame", (element) => (element as HTMLIFrameElement).style.height)),
        "321px"
      )
      assert.deepStrictEqual(yield* command("setScroll", { scroll: 0 }), {})
      assert.deepStrictEqual(yield* command("imOpenMessenger", { dialogId: "chat7", messageId: 12 }), {})
      assert.strictEqual(yield* text("#notice"), "The messenger opens dialog chat7, message 12")
      assert.deepStrictEqual(yield* command("setAppOption", { name: "theme", value: "dark" }), {})
      assert.deepStrictEqual(yield* command("setUserOption", { name: "lang", value: "en" }), {})

      // reloadWindow: the portal posts the app again; its new start data has the options
      yield* promise(() =>
        frame.evaluate(() => {
          Object.assign(window, { beforeReload: true })
          void window.app.command?.("reloadWindow")
        })
      )
      yield* promise(() => frame.waitForFunction(() => !("beforeReload" in window) && window.app !== undefined))
      yield* promise(() => frame.evaluate(() => window.app.ready))
      assert.deepStrictEqual(yield* promise(() => frame.evaluate(() => window.app.options?.())), {
        app: { theme: "dark" },
        user: { lang: "en" }
      })

      // openApplication: the app again in a slider, with the parameters as PLACEMENT_OPTIONS; answered when it closes
      yield* promise(() =>
        frame.evaluate(() => {
          void window.app.command?.("openApplication", { view: "settings" }).then((answer) => {
            window.app.held.opened = answer
          })
        })
      )
      const slider = yield* promise(async () => {
        const element = await page.waitForSelector(".slider iframe.app-frame")
        const content = await element.contentFrame()
        if (content === null) throw new Error("the slider has no frame")
        await content.waitForFunction(() => window.app !== undefined)
        return content
      })
      assert.deepStrictEqual(yield* promise(() => slider.evaluate(() => window.app.ready)), {
        placement: "DEFAULT",
        options: { view: "settings" }
      })
      yield* promise(() => slider.evaluate(() => void window.app.command?.("closeApplication")))
      yield* promise(() => frame.waitForFunction(() => window.app.held.opened !== undefined))
      assert.deepStrictEqual(yield* promise(() => frame.evaluate(() => window.app.held.opened)), {})
      yield* waitForLog(page, "openApplication: the slider was closed")
      assert.strictEqual(yield* promise(() => page.$$eval(".slider", (sliders) => sliders.length)), 0)

      // closeApplication: the app's frame goes
      yield* promise(() => frame.evaluate(() => void window.app.command?.("closeApplication")))
      yield* promise(() => page.waitForSelector("iframe.app-frame", { state: "detached" }))
      assert.strictEqual(yield* text("#notice"), "The application was closed (closeApplication).")
    }).pipe(Effect.scoped)
  )

  it.effect("a placement page passes its PLACEMENT and PLACEMENT_OPTIONS (POST fields and getInitData)", () =>
    Effect.gen(function* () {
      const { emulator } = yield* Env
      const ids = (yield* expectedIds()).map((item) => String(item.id))
      for (const [sdk, placement, query] of [
        ["ours", "IM_SIDEBAR", "&context=files"],
        ["official", "IM_CONTEXT_MENU", ""]
      ] as const) {
        const { frame, appSid } = yield* open(`/placement/${placement}/?sdk=${sdk}${query}`)
        const fields = yield* postOf(appSid)
        assert.deepStrictEqual(Object.keys(fields).sort(), [
          "APP_SID",
          "AUTH_EXPIRES",
          "AUTH_ID",
          "DOMAIN",
          "LANG",
          "PLACEMENT",
          "PLACEMENT_OPTIONS",
          "PROTOCOL",
          "REFRESH_ID",
          "member_id",
          "status"
        ])
        assert.strictEqual(fields.DOMAIN, new URL(emulator.publicUrl).host)
        assert.strictEqual(fields.PROTOCOL, "0")
        assert.strictEqual(fields.PLACEMENT, placement)
        const options = JSON.parse(fields.PLACEMENT_OPTIONS)
        assert.strictEqual(options.sdk, sdk)
        assert.include(ids, options.dialogId)
        if (placement === "IM_SIDEBAR") assert.strictEqual(options.context, "files")
        else assert.match(options.messageId, /^[1-9][0-9]*$/)
        const ready = yield* promise(() => frame.evaluate(() => window.app.ready))
        assert.deepStrictEqual(ready, { placement, options })
        assert.strictEqual(yield* promise(() => frame.textContent("body")), `${sdk}: connected in ${placement}`)
      }
    }).pipe(Effect.scoped)
  )

  it.effect("the example app lists the user's recent chats in the portal page (screenshot in test-results/)", () =>
    Effect.gen(function* () {
      const { page, frame } = yield* open("/marketplace/app/1/?sdk=example").pipe(
        Effect.catchAllDefect(() => Effect.dieMessage("the example app did not start"))
      )
      const items = yield* expectedIds({ SKIP_OPENLINES: "Y" })
      yield* promise(() => frame.waitForSelector("ol li"))
      const text = yield* promise(() => frame.textContent("#app"))
      assert.include(text, `${items.length} recent chats (DEFAULT)`)
      for (const item of items.slice(0, 3)) assert.include(text, item.title)
      yield* waitForLog(page, "resizeWindow")
      assert.strictEqual(yield* promise(() => page.textContent("#app-title")), "Recent chats")
      mkdirSync(results, { recursive: true })
      const file = `${results}portal-page.png`
      yield* promise(() => page.screenshot({ path: file }))
      assert.isAbove(statSync(file).size, 0)
    }).pipe(Effect.scoped)
  )
}

if (Chromium.missing === undefined) {
  layer(EnvLive, { excludeTestServices: true, timeout: "180 seconds" })(
    "apps inside the emulator's portal pages, in Chromium",
    suite
  )
} else {
  describe(`apps inside the emulator's portal pages, in Chromium — skipped: ${Chromium.missing}`, () => {
    it.skip("B24Frame and our frame transport in the portal page", () => {})
  })
}
