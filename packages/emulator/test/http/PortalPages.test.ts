/**
 * The portal pages that frame an application (their markup, fields and sessions), and the frame endpoint the pages
 * call. The pages' script itself runs in a real browser in `browser/test/Frame.test.ts`.
 */
import { createHash } from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import { Emulator, PortalPages } from "@im-recent/emulator"
import { Effect } from "effect"
import { type Answer, base, call, get, type Json, options, postJson, secrets } from "./support.js"

const appUrl = "http://localhost:5173/app/index.html?lang=en"
const withApp = (overrides: Partial<Emulator.Options> = {}) => options({ appUrl, ...overrides })

/** The page's configuration, read back from its JSON script element. */
const configOf = (answer: Answer): Json => {
  assert.strictEqual(answer.status, 200, answer.text)
  assert.strictEqual(answer.headers.get("content-type"), "text/html")
  const match = /<script type="application\/json" id="portal-config">(.*?)<\/script>/s.exec(answer.text)
  assert.isNotNull(match)
  return JSON.parse(match?.[1] ?? "null")
}

const echo = (emulator: Emulator.Service, token: string) =>
  call(emulator, postJson(`${base}/rest/test.echo`, { auth: token }))

const frameCall = (emulator: Emulator.Service, body: Record<string, unknown>) =>
  call(emulator, postJson(`${base}/marketplace/frame/`, body))

describe("the application page /marketplace/app/1/", () => {
  it.effect("frames the app URL with the portal's POST fields, query and window.name, and a working token", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(withApp())
      const config = configOf(yield* call(emulator, get(`${base}/marketplace/app/1/`)))
      const { fields, init } = config.frame
      const appSid: string = config.frame.appSid
      assert.match(appSid, /^[0-9a-f]{32}$/)
      assert.strictEqual(config.appOrigin, "http://localhost:5173")
      assert.strictEqual(config.frame.name, `portal.test|1|${appSid}`)
      const action = new URL(config.frame.action)
      assert.strictEqual(`${action.origin}${action.pathname}`, "http://localhost:5173/app/index.html")
      assert.deepStrictEqual(Object.fromEntries(action.searchParams), {
        lang: "en",
        DOMAIN: "portal.test",
        PROTOCOL: "1",
        LANG: "en",
        APP_SID: appSid
      })
      const memberId = createHash("md5").update("portal.test").digest("hex")
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
      assert.deepStrictEqual(
        { ...fields, AUTH_ID: "", REFRESH_ID: "" },
        {
          DOMAIN: "portal.test",
          PROTOCOL: "1",
          LANG: "en",
          APP_SID: appSid,
          AUTH_ID: "",
          AUTH_EXPIRES: "3600",
          REFRESH_ID: "",
          member_id: memberId,
          status: "L",
          PLACEMENT: "DEFAULT",
          PLACEMENT_OPTIONS: "{}"
        }
      )
      assert.deepStrictEqual(
        { ...init, AUTH_ID: "", REFRESH_ID: "" },
        {
          DOMAIN: "portal.test",
          PROTOCOL: "1",
          LANG: "en",
          PATH: "/marketplace/app/1/",
          AUTH_ID: "",
          AUTH_EXPIRES: "3600",
          REFRESH_ID: "",
          MEMBER_ID: memberId,
          IS_ADMIN: true,
          APP_OPTIONS: {},
          USER_OPTIONS: {},
          PLACEMENT: "DEFAULT",
          PLACEMENT_OPTIONS: {},
          INSTALL: false,
          FIRST_RUN: false
        }
      )
      assert.strictEqual(init.AUTH_ID, fields.AUTH_ID)
      // the frame's token is an access token of the portal's application, for user 1
      const answer = yield* echo(emulator, fields.AUTH_ID)
      assert.strictEqual(answer.status, 200, answer.text)
      assert.strictEqual(answer.body.result.userId, 1)
      // every page load opens a session of its own
      const again = configOf(yield* call(emulator, get(`${base}/marketplace/app/1/`)))
      assert.notStrictEqual(again.frame.appSid, appSid)
      assert.notStrictEqual(again.frame.fields.AUTH_ID, fields.AUTH_ID)
    })
  )

  it.effect("?user= picks the frame's user; unknown and fired users get a page saying so", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(withApp())
      const config = configOf(yield* call(emulator, get(`${base}/marketplace/app/1/?user=2`)))
      assert.strictEqual(config.user, "Bob Test")
      assert.strictEqual(config.frame.init.IS_ADMIN, false)
      assert.strictEqual((yield* echo(emulator, config.frame.fields.AUTH_ID)).body.result.userId, 2)
      for (const user of ["3", "99", "x"]) {
        const refused = yield* call(emulator, get(`${base}/marketplace/app/1/?user=${user}`))
        assert.strictEqual(refused.status, 404, user)
        assert.include(refused.text, `No active user ${user} on this portal.`)
      }
    })
  )

  it.effect("without an application URL, or for another application, the page says what is missing", () =>
    Effect.gen(function* () {
      const bare = yield* Emulator.make(options())
      const noUrl = yield* call(bare, get(`${base}/marketplace/app/1/`))
      assert.strictEqual(noUrl.status, 404)
      assert.include(noUrl.text, "No application URL is set: start the emulator with --app-url (or the appUrl option).")
      const emulator = yield* Emulator.make(withApp())
      const other = yield* call(emulator, get(`${base}/marketplace/app/2/`))
      assert.strictEqual(other.status, 404)
      assert.include(
        other.text,
        "No application 2: application 1 is the one with a URL (the portal&#39;s first application)."
      )
    })
  )

  it.effect("query values cannot leave the page's JSON or markup", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(withApp())
      const hostile = encodeURIComponent(`</script><script>alert(1)</script><!--`)
      const answer = yield* call(emulator, get(`${base}/placement/IM_SIDEBAR/?note=${hostile}`))
      assert.strictEqual(answer.text.split("</script>").length - 1, 2)
      assert.notInclude(answer.text, "<!--")
      assert.strictEqual(configOf(answer).frame.init.PLACEMENT_OPTIONS.note, `</script><script>alert(1)</script><!--`)
    })
  )

  it.effect("an appUrl that is not an absolute http(s) URL is refused with OptionsError", () =>
    Effect.gen(function* () {
      for (const [url, problem] of [
        ["not a url", `appUrl "not a url" is not a URL`],
        ["ftp://example.com/app", `appUrl "ftp://example.com/app" must be http or https`],
        ["https://user:pw@example.com/app", "appUrl must not carry a user name or password"]
      ] as const) {
        const error = yield* Effect.flip(Emulator.make(withApp({ appUrl: url })))
        assert.deepStrictEqual(error.problems, [problem])
      }
    })
  )
})

describe("the placement pages /placement/{PLACEMENT}/", () => {
  it.effect("pass PLACEMENT, and the query (but user and app) as PLACEMENT_OPTIONS, with a dialog by default", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(withApp())
      const sidebar = configOf(yield* call(emulator, get(`${base}/placement/IM_SIDEBAR/?user=1&app=1&context=files`)))
      assert.strictEqual(sidebar.placement, "IM_SIDEBAR")
      assert.strictEqual(sidebar.frame.fields.PLACEMENT, "IM_SIDEBAR")
      // user 1's newest recent item is the dialog with user 2
      assert.deepStrictEqual(JSON.parse(sidebar.frame.fields.PLACEMENT_OPTIONS), { context: "files", dialogId: "2" })
      assert.deepStrictEqual(sidebar.frame.init.PLACEMENT_OPTIONS, { context: "files", dialogId: "2" })
      const menu = configOf(yield* call(emulator, get(`${base}/placement/IM_CONTEXT_MENU/`)))
      assert.deepStrictEqual(menu.frame.init.PLACEMENT_OPTIONS, { dialogId: "2", messageId: "1" })
      const given = configOf(yield* call(emulator, get(`${base}/placement/IM_TEXTAREA/?dialogId=chat7`)))
      assert.deepStrictEqual(given.frame.init.PLACEMENT_OPTIONS, { dialogId: "chat7" })
      const navigation = configOf(yield* call(emulator, get(`${base}/placement/IM_NAVIGATION/`)))
      assert.deepStrictEqual(navigation.frame.init.PLACEMENT_OPTIONS, {})
      const bad = yield* call(emulator, get(`${base}/placement/im-sidebar/`))
      assert.strictEqual(bad.status, 400)
      assert.include(bad.text, "A placement code is upper-case letters, digits and _, such as IM_SIDEBAR.")
    })
  )

  it("PortalPages.pages lists the application page and one page per messenger placement", () => {
    assert.deepStrictEqual(PortalPages.pages("http://127.0.0.1:41777"), [
      { placement: "DEFAULT", url: "http://127.0.0.1:41777/marketplace/app/1/" },
      { placement: "IM_NAVIGATION", url: "http://127.0.0.1:41777/placement/IM_NAVIGATION/" },
      { placement: "IM_CONTEXT_MENU", url: "http://127.0.0.1:41777/placement/IM_CONTEXT_MENU/" },
      { placement: "IM_SIDEBAR", url: "http://127.0.0.1:41777/placement/IM_SIDEBAR/" },
      { placement: "IM_TEXTAREA", url: "http://127.0.0.1:41777/placement/IM_TEXTAREA/" },
      { placement: "IM_SMILES_SELECTOR", url: "http://127.0.0.1:41777/placement/IM_SMILES_SELECTOR/" }
    ])
  })
})

describe("the frame endpoint /marketplace/frame/", () => {
  it.effect("refreshAuth issues a new pair for the session; the old access token then answers expired_token", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(withApp())
      const { frame } = configOf(yield* call(emulator, get(`${base}/marketplace/app/1/`)))
      const renewed = yield* frameCall(emulator, { sessid: frame.sessid, command: "refreshAuth" })
      assert.strictEqual(renewed.status, 200, renewed.text)
      assert.deepStrictEqual(Object.keys(renewed.body), ["AUTH_ID", "AUTH_EXPIRES", "REFRESH_ID", "member_id"])
      assert.notStrictEqual(renewed.body.AUTH_ID, frame.fields.AUTH_ID)
      assert.strictEqual((yield* echo(emulator, renewed.body.AUTH_ID)).body.result.userId, 1)
      assert.strictEqual((yield* echo(emulator, frame.fields.AUTH_ID)).body.error, "expired_token")
      // the handshake's own pair is untouched
      assert.strictEqual((yield* echo(emulator, secrets.access1)).status, 200)
    })
  )

  it.effect("setAppOption and setUserOption are kept for every later getInitData (user options per user)", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(withApp())
      const { frame } = configOf(yield* call(emulator, get(`${base}/marketplace/app/1/`)))
      const app = yield* frameCall(emulator, {
        sessid: frame.sessid,
        command: "setAppOption",
        name: "theme",
        value: "dark"
      })
      assert.deepStrictEqual(app.body, { APP_OPTIONS: { theme: "dark" } })
      const user = yield* frameCall(emulator, {
        sessid: frame.sessid,
        command: "setUserOption",
        name: "pinned",
        value: [1, 2]
      })
      assert.deepStrictEqual(user.body, { USER_OPTIONS: { pinned: "[1,2]" } })
      const later = configOf(yield* call(emulator, get(`${base}/placement/IM_SIDEBAR/`)))
      assert.deepStrictEqual(later.frame.init.APP_OPTIONS, { theme: "dark" })
      assert.deepStrictEqual(later.frame.init.USER_OPTIONS, { pinned: "[1,2]" })
      const bob = configOf(yield* call(emulator, get(`${base}/marketplace/app/1/?user=2`)))
      assert.deepStrictEqual(bob.frame.init.APP_OPTIONS, { theme: "dark" })
      assert.deepStrictEqual(bob.frame.init.USER_OPTIONS, {})
      const unnamed = yield* frameCall(emulator, { sessid: frame.sessid, command: "setAppOption", value: "x" })
      assert.strictEqual(unnamed.status, 400)
    })
  )

  it.effect("openApplication opens a session of its own for the same user, its parameters as PLACEMENT_OPTIONS", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(withApp())
      const { frame } = configOf(yield* call(emulator, get(`${base}/marketplace/app/1/?user=2`)))
      const opened = yield* frameCall(emulator, {
        sessid: frame.sessid,
        command: "openApplication",
        params: { view: "settings" }
      })
      assert.strictEqual(opened.status, 200, opened.text)
      const slider = opened.body.frame
      assert.notStrictEqual(slider.appSid, frame.appSid)
      assert.strictEqual(slider.fields.PLACEMENT, "DEFAULT")
      assert.deepStrictEqual(slider.init.PLACEMENT_OPTIONS, { view: "settings" })
      assert.strictEqual((yield* echo(emulator, slider.fields.AUTH_ID)).body.result.userId, 2)
    })
  )

  it.effect("an unknown session or command is refused; the endpoint is not REST (no CORS headers)", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(withApp())
      const unknown = yield* frameCall(emulator, { sessid: "nope", command: "refreshAuth" })
      assert.strictEqual(unknown.status, 403)
      assert.deepStrictEqual(unknown.body, {
        error: "SESSION_EXPIRED",
        error_description: "Unknown frame session: reload the page"
      })
      assert.isNull(unknown.headers.get("access-control-allow-origin"))
      const { frame } = configOf(yield* call(emulator, get(`${base}/marketplace/app/1/`)))
      const bad = yield* frameCall(emulator, { sessid: frame.sessid, command: "rm -rf" })
      assert.strictEqual(bad.status, 400)
      const viaGet = yield* call(emulator, get(`${base}/marketplace/frame/`))
      assert.strictEqual(viaGet.status, 404)
    })
  )
})
