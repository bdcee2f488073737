import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import * as Http from "node:http"
import * as Https from "node:https"
import type * as Net from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { assert, describe, it } from "@effect/vitest"
import { Cli, EmulatorCommand } from "@im-recent/cli"
import { Generator, PortalState, StateFile } from "@im-recent/emulator"
import { DateTime, Effect, Exit, FiberId, Option } from "effect"
import { cli, groupExited, linesOf, pnpmInWorkspace } from "./support.js"

/** A parsed JSON body: tests index into it freely and assert on what they find. */
// biome-ignore lint/suspicious/noExplicitAny: parsed JSON is asserted on, never trusted
type Json = any

const promise = <A>(thunk: () => Promise<A>) => Effect.promise(thunk)

const httpsJson = (url: string, ca: string) =>
  Effect.async<{ status: number; body: Json }, Error>((resume) => {
    Https.get(url, { ca }, (response) => {
      let text = ""
      response.setEncoding("utf8").on("data", (chunk: string) => {
        text += chunk
      })
      response.on("end", () => resume(Effect.succeed({ status: response.statusCode ?? 0, body: JSON.parse(text) })))
    }).on("error", (error) => resume(Effect.fail(error)))
  })

const live = { timeout: 90_000 }

interface Received {
  readonly contentType: string | undefined
  readonly fields: ReadonlyMap<string, string>
}

/** A receiver of install events on a loopback port (0: a free one); `waitFor(n)` resolves once it got n events. */
const receiver = (port = 0) =>
  Effect.acquireRelease(
    Effect.async<{
      readonly server: Http.Server
      readonly url: string
      readonly received: Array<Received>
      readonly waitFor: (count: number) => Promise<void>
    }>((resume) => {
      const received: Array<Received> = []
      const waiting: Array<{ count: number; resolve: () => void }> = []
      const server = Http.createServer((request, response) => {
        let body = ""
        request.setEncoding("utf8").on("data", (chunk: string) => {
          body += chunk
        })
        request.on("end", () => {
          received.push({ contentType: request.headers["content-type"], fields: new Map(new URLSearchParams(body)) })
          response.writeHead(200).end("ok")
          for (const waiter of waiting.filter((candidate) => received.length >= candidate.count)) waiter.resolve()
        })
      })
      server.listen(port, "127.0.0.1", () => {
        const address = server.address() as Net.AddressInfo
        resume(
          Effect.succeed({
            server,
            url: `http://127.0.0.1:${address.port}/install`,
            received,
            waitFor: (count) =>
              received.length >= count
                ? Promise.resolve()
                : new Promise<void>((resolve) => waiting.push({ count, resolve }))
          })
        )
      })
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )

/** A loopback port nothing listens on (it was free a moment ago). */
const closedPort = Effect.async<number>((resume) => {
  const server = Http.createServer()
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as Net.AddressInfo
    server.close(() => resume(Effect.succeed(port)))
  })
})

/** Resolves once stderr has a line matching `pattern`. */
const stderrLine = (running: { readonly stderr: () => string }, pattern: RegExp) =>
  Effect.promise(async () => {
    while (!linesOf(running.stderr()).some((line) => pattern.test(line))) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  })

describe("im-recent emulator (live)", () => {
  it.live(
    "prints the handshake as the first stdout line, serves webhooks, and exits 0 on SIGTERM",
    () =>
      Effect.gen(function* () {
        const running = yield* cli(["emulator", "--port", "0", "--seed", "1", "--users", "6", "--chats", "3"])
        const line = yield* promise(() => running.line(/^\{/))
        const handshake = JSON.parse(line) as EmulatorCommand.Handshake
        assert.match(handshake.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/)
        assert.match(handshake.memberId, /^[0-9a-f]{32}$/)
        assert.deepStrictEqual(Object.keys(handshake), ["baseUrl", "memberId", "webhook", "webhooks", "oauth"])
        assert.isUndefined(handshake.caFile)
        const first = handshake.webhooks[0]
        assert.strictEqual(first.userId, 1)
        assert.match(first.url, new RegExp(`^${handshake.baseUrl}/rest/1/[^/]+/$`))
        // every webhook with its scopes; `webhook` is user 1's with `im` (user 1 also has one without)
        for (const hook of handshake.webhooks) assert.isArray(hook.scopes, JSON.stringify(hook))
        const own = handshake.webhooks.filter((hook) => hook.userId === 1)
        assert.isTrue(own.some((hook) => !hook.scopes.includes("im")))
        assert.strictEqual(handshake.webhook, own.find((hook) => hook.scopes.includes("im"))?.url)
        const outside = handshake.webhooks.find((hook) => hook.userId === 1 && !hook.scopes.includes("im"))!
        assert.strictEqual((yield* promise(() => fetch(`${outside.url}im.recent.get`))).status, 401)
        const response = yield* promise(() => fetch(`${first.url}im.recent.get`))
        assert.strictEqual(response.status, 200)
        const body = (yield* promise(() => response.json())) as Json
        assert.isArray(body.result)
        assert.isObject(body.time)
        running.child.kill("SIGTERM")
        const exit = yield* promise(() => running.exited)
        assert.deepStrictEqual(exit, { code: 0, signal: null }, running.stderr())
        assert.strictEqual(running.stderr(), "")
        yield* promise(() =>
          fetch(`${first.url}im.recent.get`).then(
            () => assert.fail("the server is gone"),
            () => undefined
          )
        )
      }).pipe(Effect.scoped),
    live
  )

  it.live(
    "--tls: HTTPS with a generated authority in caFile; SIGINT also exits 0 and removes the file",
    () =>
      Effect.gen(function* () {
        const running = yield* cli(["emulator", "--port", "0", "--tls", "--users", "4", "--chats", "2"])
        const handshake = JSON.parse(yield* promise(() => running.line(/^\{/))) as EmulatorCommand.Handshake
        assert.match(handshake.baseUrl, /^https:\/\/127\.0\.0\.1:\d+$/)
        assert.isString(handshake.caFile)
        const ca = readFileSync(handshake.caFile!, "utf8")
        const answer = yield* httpsJson(`${handshake.webhooks[0].url}im.recent.get`, ca)
        assert.strictEqual(answer.status, 200)
        const localhost = handshake.webhooks[0].url.replace("127.0.0.1", "localhost")
        assert.strictEqual((yield* httpsJson(`${localhost}im.counters.get`, ca)).status, 200)
        running.child.kill("SIGINT")
        assert.deepStrictEqual(yield* promise(() => running.exited), { code: 0, signal: null })
        assert.isFalse(existsSync(handshake.caFile!))
      }).pipe(Effect.scoped),
    live
  )

  it.live(
    "--state, --now, --timezone and --no-rate-limit",
    () =>
      Effect.gen(function* () {
        const directory = mkdtempSync(join(tmpdir(), "im-recent-cli-test-"))
        yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(directory, { recursive: true, force: true })))
        const state = Generator.generate({
          ...Generator.defaults(DateTime.unsafeMake("2026-02-26T06:00:00Z")),
          users: 4,
          chats: 2,
          seed: 9
        })
        const file = join(directory, "portal.json")
        writeFileSync(file, yield* PortalState.toJson(state))
        const running = yield* cli([
          "emulator",
          "--state",
          file,
          "--now",
          "2026-02-26T09:07:18+03:00",
          "--timezone",
          "Asia/Tokyo",
          "--no-rate-limit"
        ])
        const handshake = JSON.parse(yield* promise(() => running.line(/^\{/))) as EmulatorCommand.Handshake
        assert.deepStrictEqual(
          handshake.webhooks.map((hook) => hook.userId),
          state.webhooks.map((hook) => hook.userId)
        )
        const url = `${handshake.webhooks[0].url}im.recent.get`
        const statuses: Array<number> = []
        let last: Json
        for (let i = 0; i < 60; i++) {
          const response = yield* promise(() => fetch(url))
          statuses.push(response.status)
          last = yield* promise(() => response.json())
        }
        assert.isTrue(
          statuses.every((status) => status === 200),
          "no rate limit"
        )
        assert.match(last.time.date_start, /^2026-02-26T15:0\d:\d\d\+09:00$/)
        running.child.kill("SIGTERM")
        assert.deepStrictEqual(yield* promise(() => running.exited), { code: 0, signal: null })
      }).pipe(Effect.scoped),
    live
  )

  it.live(
    "--save: a generated portal is saved; after SIGTERM a restart on the file has the posted messages and continues their ids",
    () =>
      Effect.gen(function* () {
        const directory = mkdtempSync(join(tmpdir(), "im-recent-cli-test-"))
        yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(directory, { recursive: true, force: true })))
        const file = join(directory, "portal.json")
        const post = (handshake: EmulatorCommand.Handshake, text: string) =>
          promise(async () => {
            const response = await fetch(`${handshake.webhook}im.message.add`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ DIALOG_ID: "chat1", MESSAGE: text })
            })
            return ((await response.json()) as Json).result as number
          })
        const lastMessage = (handshake: EmulatorCommand.Handshake) =>
          promise(async () => {
            const body = (await (await fetch(`${handshake.webhook}im.recent.get`)).json()) as Json
            return body.result.find((item: Json) => item.id === "chat1").message as { id: number; text: string }
          })

        const first = yield* cli(["emulator", "--users", "4", "--chats", "2", "--save", file])
        const before = JSON.parse(yield* promise(() => first.line(/^\{/))) as EmulatorCommand.Handshake
        assert.isTrue(existsSync(file), "saved at start")
        const ids = [yield* post(before, "first"), yield* post(before, "second")]
        assert.strictEqual(ids[1], ids[0] + 1)
        first.child.kill("SIGTERM")
        assert.deepStrictEqual(yield* promise(() => first.exited), { code: 0, signal: null }, first.stderr())
        assert.strictEqual(first.stderr(), "")

        const second = yield* cli(["emulator", "--state", file, "--save", file, "--save-interval", "0.2"])
        const after = JSON.parse(yield* promise(() => second.line(/^\{/))) as EmulatorCommand.Handshake
        const last = yield* lastMessage(after)
        assert.deepStrictEqual([last.id, last.text], [ids[1], "second"], "the posted messages are there")
        const third = yield* post(after, "third")
        assert.strictEqual(third, ids[1] + 1, "ids continue after the saved messages")
        second.child.kill("SIGINT")
        assert.deepStrictEqual(yield* promise(() => second.exited), { code: 0, signal: null }, second.stderr())
        const saved = yield* StateFile.read(file).pipe(Effect.provide(NodeContext.layer))
        assert.deepStrictEqual(
          saved.messages.filter((message) => ids.includes(message.id) || message.id === third).map((m) => m.text),
          ["first", "second", "third"]
        )
        assert.deepStrictEqual(readdirSync(directory), ["portal.json"], "no temporary file left")
      }).pipe(Effect.scoped),
    live
  )

  it.live(
    "the handshake's OAuth app answers the seed's OAuth cURL; renewal retires the old token; ignored input warns in one line",
    () =>
      Effect.gen(function* () {
        const running = yield* cli(["emulator", "--now", "2026-02-26T09:07:18+03:00", "--users", "6", "--chats", "3"])
        const handshake = JSON.parse(yield* promise(() => running.line(/^\{/))) as EmulatorCommand.Handshake
        const oauth = handshake.oauth
        if (oauth === undefined) return assert.fail(`no oauth in ${JSON.stringify(handshake)}`)
        assert.strictEqual(oauth.restUrl, `${handshake.baseUrl}/rest/`)
        assert.strictEqual(oauth.tokenUrl, `${handshake.baseUrl}/oauth/token/`)
        assert.strictEqual(oauth.userId, 1)
        // the seed doc's "cURL (OAuth)" request
        const seed = (accessToken: string, extra: Record<string, unknown> = {}) =>
          promise(() =>
            fetch(`${oauth.restUrl}im.recent.get`, {
              method: "POST",
              headers: { "Content-Type": "application/json", Accept: "application/json" },
              body: JSON.stringify({
                SKIP_OPENLINES: "Y",
                LAST_UPDATE: "2026-02-25T18:30:00+01:00",
                auth: accessToken,
                ...extra
              })
            })
          )
        const answer = yield* seed(oauth.accessToken)
        assert.strictEqual(answer.status, 200)
        // the portal's clock starts at --now and runs on: a loaded machine may answer a few seconds later
        const dated = Date.parse(answer.headers.get("date") ?? "") - Date.parse("2026-02-26T06:07:18Z")
        assert.isTrue(dated >= 0 && dated < 120_000, `Date ${answer.headers.get("date")} is not --now's clock`)
        assert.isArray(((yield* promise(() => answer.json())) as Json).result)

        const renewed = (yield* promise(() =>
          fetch(
            `${oauth.tokenUrl}?${new URLSearchParams({
              grant_type: "refresh_token",
              client_id: oauth.clientId,
              client_secret: oauth.clientSecret,
              refresh_token: oauth.refreshToken
            })}`
          ).then((response) => response.json())
        )) as Json
        const old = yield* seed(oauth.accessToken)
        assert.strictEqual(old.status, 401)
        assert.deepStrictEqual(yield* promise(() => old.json()), {
          error: "expired_token",
          error_description: "The access token provided has expired"
        })
        assert.strictEqual((yield* seed(renewed.access_token, { LIMIT: 10 })).status, 200)
        running.child.kill("SIGTERM")
        assert.deepStrictEqual(yield* promise(() => running.exited), { code: 0, signal: null })
        const lines = linesOf(running.stderr())
        assert.deepStrictEqual(lines, ["im-recent: warn: im.recent.get: ignored LIMIT (not read by this method)"])
        for (const secret of [oauth.accessToken, oauth.clientSecret, renewed.access_token]) {
          assert.notInclude(running.stderr(), secret)
        }
      }).pipe(Effect.scoped),
    live
  )

  it.live(
    "--app-url: the handshake lists the portal pages, which frame the application",
    () =>
      Effect.gen(function* () {
        const appUrl = "http://localhost:5173/app/"
        const running = yield* cli(["emulator", "--port", "0", "--users", "3", "--chats", "1", "--app-url", appUrl])
        const handshake = JSON.parse(yield* promise(() => running.line(/^\{/))) as EmulatorCommand.Handshake
        assert.deepStrictEqual(
          handshake.pages?.map((page) => page.placement),
          ["DEFAULT", "IM_NAVIGATION", "IM_CONTEXT_MENU", "IM_SIDEBAR", "IM_TEXTAREA", "IM_SMILES_SELECTOR"]
        )
        assert.strictEqual(handshake.pages?.[0].url, `${handshake.baseUrl}/marketplace/app/1/`)
        const page = yield* promise(() => fetch(handshake.pages?.[3].url ?? ""))
        assert.strictEqual(page.status, 200)
        const text = yield* promise(() => page.text())
        assert.include(text, `"appOrigin":"http://localhost:5173"`)
        assert.include(text, `"PLACEMENT":"IM_SIDEBAR"`)
        running.child.kill("SIGTERM")
        assert.deepStrictEqual(yield* promise(() => running.exited), { code: 0, signal: null })
      }).pipe(Effect.scoped),
    live
  )

  it.live(
    "bad flags: one line on stderr, nothing on stdout, exit status 2, no stack trace",
    () =>
      Effect.gen(function* () {
        for (const args of [
          ["emulator", "--port", "abc"],
          ["emulator", "--bogus"],
          ["emulator", "--rate", "fast"],
          ["emulator", "--state", "/nonexistent/portal.json"],
          ["emulator", "--tls", "--cert", "a.pem", "--key", "b.pem"]
        ]) {
          const running = yield* cli(args)
          const exit = yield* promise(() => running.exited)
          const stderr = running.stderr()
          const stdout = running.stdout()
          assert.strictEqual(exit.code, 2, `${args.join(" ")}: ${stderr}`)
          assert.strictEqual(stdout, "")
          const lines = stderr.split("\n").filter((line) => line !== "")
          assert.strictEqual(lines.length, 1, stderr)
          assert.match(lines[0], /^im-recent: /)
          assert.notMatch(stderr, /\n\s+at /)
        }
      }).pipe(Effect.scoped),
    live
  )

  it.live(
    '--portals 3 --install-to: {"portals": [...]} of three handshakes, and one ONAPPINSTALL per portal with its tokens',
    () =>
      Effect.gen(function* () {
        const sink = yield* receiver()
        const running = yield* cli([
          "emulator",
          "--portals",
          "3",
          "--seed",
          "5",
          "--users",
          "3",
          "--chats",
          "1",
          "--locale",
          "en",
          "--install-to",
          sink.url
        ])
        const line = yield* promise(() => running.line(/^\{/))
        const { portals, ...rest } = JSON.parse(line) as EmulatorCommand.FleetHandshake
        assert.deepStrictEqual(Object.keys(rest), [], "one key: portals")
        assert.strictEqual(portals.length, 3)
        assert.strictEqual(new Set(portals.map((portal) => portal.baseUrl)).size, 3, "three ports")
        assert.strictEqual(new Set(portals.map((portal) => portal.memberId)).size, 3)
        for (const portal of portals) {
          // each element is shaped as the single portal's handshake
          assert.deepStrictEqual(Object.keys(portal), ["baseUrl", "memberId", "webhook", "webhooks", "oauth"])
          assert.deepStrictEqual(Object.keys(portal.oauth!), [
            "clientId",
            "clientSecret",
            "applicationToken",
            "memberId",
            "userId",
            "accessToken",
            "refreshToken",
            "expires",
            "restUrl",
            "tokenUrl"
          ])
          const answer = yield* promise(() => fetch(`${portal.webhook}im.recent.get`))
          assert.strictEqual(answer.status, 200)
        }
        // portal 0 is the single emulator's portal of the same seed: the same webhook codes
        const single = yield* cli(["emulator", "--seed", "5", "--users", "3", "--chats", "1", "--locale", "en"])
        const alone = JSON.parse(yield* promise(() => single.line(/^\{/))) as EmulatorCommand.Handshake
        const code = (url: string | undefined) => url?.split("/")[5]
        assert.strictEqual(code(portals[0].webhook), code(alone.webhook))
        assert.notStrictEqual(code(portals[1].webhook), code(alone.webhook))
        single.child.kill("SIGTERM")

        yield* promise(() => sink.waitFor(3))
        for (const portal of portals) {
          const event = sink.received.find((candidate) => candidate.fields.get("auth[member_id]") === portal.memberId)
          if (event === undefined) return assert.fail(`no ONAPPINSTALL from ${portal.baseUrl}`)
          assert.strictEqual(event.contentType, "application/x-www-form-urlencoded")
          assert.strictEqual(event.fields.get("event"), "ONAPPINSTALL")
          assert.strictEqual(event.fields.get("data[LANGUAGE_ID]"), "en")
          assert.strictEqual(event.fields.get("auth[access_token]"), portal.oauth?.accessToken)
          assert.strictEqual(event.fields.get("auth[refresh_token]"), portal.oauth?.refreshToken)
          assert.strictEqual(event.fields.get("auth[application_token]"), portal.oauth?.applicationToken)
          assert.strictEqual(event.fields.get("auth[client_endpoint]"), `${portal.baseUrl}/rest/`)
          assert.strictEqual(event.fields.get("auth[domain]"), new URL(portal.baseUrl).host)
        }
        yield* stderrLine(running, /delivered/)
        running.child.kill("SIGTERM")
        assert.deepStrictEqual(yield* promise(() => running.exited), { code: 0, signal: null }, running.stderr())
        assert.strictEqual(sink.received.length, 3, "one event per portal, no more")
        const lines = linesOf(running.stderr())
        assert.strictEqual(lines.length, 3, running.stderr())
        for (const stderrLine of lines) {
          assert.match(
            stderrLine,
            /^im-recent: info: ONAPPINSTALL of http:\/\/127\.0\.0\.1:\d+ to .*: delivered \(HTTP 200\) on attempt 1$/
          )
        }
        for (const portal of portals) {
          for (const secret of [
            portal.oauth!.accessToken,
            portal.oauth!.refreshToken,
            portal.oauth!.clientSecret,
            portal.oauth!.applicationToken
          ]) {
            assert.notInclude(running.stderr(), secret)
          }
        }
      }).pipe(Effect.scoped),
    live
  )

  it.live(
    "--install-to without --portals: the single portal's event, sent again once the receiver comes up late",
    () =>
      Effect.gen(function* () {
        const port = yield* closedPort
        const running = yield* cli([
          "emulator",
          "--users",
          "3",
          "--chats",
          "1",
          "--install-to",
          `http://127.0.0.1:${port}/install?key=receiver-secret`
        ])
        const handshake = JSON.parse(yield* promise(() => running.line(/^\{/))) as EmulatorCommand.Handshake
        assert.isString(handshake.baseUrl, "the single handshake, not a fleet's")
        yield* stderrLine(running, /attempt 1 failed/)
        const sink = yield* receiver(port)
        yield* promise(() => sink.waitFor(1))
        assert.strictEqual(sink.received[0].fields.get("auth[member_id]"), handshake.memberId)
        assert.strictEqual(sink.received[0].fields.get("auth[application_token]"), handshake.oauth?.applicationToken)
        yield* stderrLine(running, /delivered/)
        running.child.kill("SIGTERM")
        assert.deepStrictEqual(yield* promise(() => running.exited), { code: 0, signal: null })
        const lines = linesOf(running.stderr())
        assert.match(
          lines[0],
          /^im-recent: info: ONAPPINSTALL of .* to http:\/\/127\.0\.0\.1:\d+\/install\?…: attempt 1 failed: .*ECONNREFUSED/
        )
        assert.match(lines[1], /: trying again in 1s$/)
        assert.match(lines.at(-1)!, /: delivered \(HTTP 200\) on attempt \d+$/)
        assert.notInclude(running.stderr(), "receiver-secret")
        assert.notInclude(running.stderr(), handshake.oauth!.accessToken)
      }).pipe(Effect.scoped),
    live
  )

  it.live(
    "--portals 2 --save FILE: one file per portal (FILE-0.json, FILE-1.json); --state FILE continues each",
    () =>
      Effect.gen(function* () {
        const directory = mkdtempSync(join(tmpdir(), "im-recent-cli-test-"))
        yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(directory, { recursive: true, force: true })))
        const file = join(directory, "portal.json")
        const first = yield* cli(["emulator", "--portals", "2", "--users", "3", "--chats", "1", "--save", file])
        const before = JSON.parse(yield* promise(() => first.line(/^\{/))) as EmulatorCommand.FleetHandshake
        assert.deepStrictEqual(readdirSync(directory).sort(), ["portal-0.json", "portal-1.json"])
        const posted = yield* promise(async () => {
          const response = await fetch(`${before.portals[1].webhook}im.message.add`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ DIALOG_ID: "chat1", MESSAGE: "on portal 1" })
          })
          return ((await response.json()) as Json).result as number
        })
        first.child.kill("SIGTERM")
        assert.deepStrictEqual(yield* promise(() => first.exited), { code: 0, signal: null }, first.stderr())

        const second = yield* cli(["emulator", "--portals", "2", "--state", file])
        const after = JSON.parse(yield* promise(() => second.line(/^\{/))) as EmulatorCommand.FleetHandshake
        const codes = (handshake: EmulatorCommand.FleetHandshake) =>
          handshake.portals.map((portal) => portal.webhook?.split("/")[5])
        assert.deepStrictEqual(codes(after), codes(before))
        const lastOf = (portal: EmulatorCommand.Handshake) =>
          promise(async () => {
            const body = (await (await fetch(`${portal.webhook}im.recent.get`)).json()) as Json
            return body.result.find((item: Json) => item.id === "chat1")?.message?.id as number | undefined
          })
        assert.strictEqual(yield* lastOf(after.portals[1]), posted)
        assert.notStrictEqual(yield* lastOf(after.portals[0]), posted, "portal 0 never saw it")
        second.child.kill("SIGTERM")
        yield* promise(() => second.exited)
        // a fleet's --state needs every portal's file
        const third = yield* cli(["emulator", "--portals", "3", "--state", file])
        assert.strictEqual((yield* promise(() => third.exited)).code, 2)
        assert.match(third.stderr(), /^im-recent: --state .*portal-2\.json /)
      }).pipe(Effect.scoped),
    live
  )

  it.live(
    "bad --portals and --install-to: one line naming the flag, nothing on stdout, exit status 2",
    () =>
      Effect.gen(function* () {
        for (const [args, pattern] of [
          [["emulator", "--portals", "0"], /^im-recent: --portals must be from 1 to 256, got 0\n$/],
          [["emulator", "--portals", "abc"], /^im-recent: --portals abc is refused: not an integer\. Accepted: N, /],
          [["emulator", "--install-to", "notaurl"], /^im-recent: --install-to "notaurl" is not an absolute URL/]
        ] as const) {
          const running = yield* cli(args)
          const exit = yield* promise(() => running.exited)
          assert.strictEqual(exit.code, 2, `${args.join(" ")}: ${running.stderr()}`)
          assert.strictEqual(running.stdout(), "")
          assert.strictEqual(linesOf(running.stderr()).length, 1, running.stderr())
          assert.match(running.stderr(), pattern)
        }
      }).pipe(Effect.scoped),
    live
  )

  it.live(
    "a port fetch refuses (6000): one line naming the port and why, exit status 2, nothing on stdout",
    () =>
      Effect.gen(function* () {
        const running = yield* cli(["emulator", "--port", "6000"])
        const exit = yield* promise(() => running.exited)
        assert.strictEqual(exit.code, 2, running.stderr())
        assert.strictEqual(running.stdout(), "")
        assert.match(
          running.stderr(),
          /^im-recent: --port 6000: port 6000 is on the Fetch standard's list .*fetch.*\n$/
        )
      }).pipe(Effect.scoped),
    live
  )

  it.live(
    "a port already in use: one line, exit status 1",
    () =>
      Effect.gen(function* () {
        const first = yield* cli(["emulator", "--port", "0", "--users", "3", "--chats", "1"])
        const { baseUrl } = JSON.parse(yield* promise(() => first.line(/^\{/))) as EmulatorCommand.Handshake
        const port = new URL(baseUrl).port
        const second = yield* cli(["emulator", "--port", port, "--users", "3", "--chats", "1"])
        const exit = yield* promise(() => second.exited)
        assert.strictEqual(exit.code, 1)
        assert.match(second.stderr(), /^im-recent: cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE.*\n$/)
      }).pipe(Effect.scoped),
    live
  )

  it.live(
    "through `pnpm im-recent` from the workspace root nothing precedes the handshake on stdout",
    () =>
      Effect.gen(function* () {
        const running = yield* pnpmInWorkspace(["im-recent", "emulator", "--port", "0", "--users", "3", "--chats", "1"])
        const handshake = JSON.parse(yield* promise(() => running.line(/^\{/))) as EmulatorCommand.Handshake
        assert.strictEqual(running.stdout().indexOf("{"), 0)
        const response = yield* promise(() => fetch(`${handshake.webhooks[0].url}im.recent.get`))
        assert.strictEqual(response.status, 200)
        process.kill(-running.child.pid!, "SIGTERM")
        yield* promise(() => running.exited)
        // pnpm exits first; the node process in its group closes its server, then exits
        yield* promise(() => groupExited(running.child.pid!))
        yield* promise(() =>
          fetch(`${handshake.webhooks[0].url}im.recent.get`).then(
            () => assert.fail("the emulator stopped with its process group"),
            () => undefined
          )
        )
      }).pipe(Effect.scoped),
    live
  )
})

const flags = (overrides: Partial<EmulatorCommand.Flags> = {}): EmulatorCommand.Flags => ({
  port: 0,
  host: "127.0.0.1",
  state: Option.none(),
  save: Option.none(),
  saveInterval: Option.none(),
  seed: Option.none(),
  users: Option.none(),
  chats: Option.none(),
  locale: Option.none(),
  now: Option.none(),
  timezone: Option.none(),
  rate: Option.none(),
  noRateLimit: false,
  operatingLimit: Option.none(),
  tls: false,
  cert: Option.none(),
  key: Option.none(),
  appUrl: Option.none(),
  portals: Option.none(),
  installTo: Option.none(),
  ...overrides
})

const settings = (overrides: Partial<EmulatorCommand.Flags>) =>
  EmulatorCommand.settings(flags(overrides)).pipe(Effect.provide(NodeContext.layer))

const usageError = (overrides: Partial<EmulatorCommand.Flags>) =>
  Effect.map(Effect.flip(settings(overrides)), (error) => error.message)

describe("EmulatorCommand.settings", () => {
  it.effect("maps flags to emulator options", () =>
    Effect.gen(function* () {
      const result = yield* settings({
        seed: Option.some(4),
        users: Option.some(5),
        locale: Option.some("en"),
        now: Option.some("2026-02-26T09:07:18+03:00"),
        timezone: Option.some("UTC"),
        rate: Option.some("250/5"),
        operatingLimit: Option.some(420),
        tls: true
      })
      assert.deepStrictEqual(result.options.generator, { seed: 4, users: 5, locale: "en" })
      assert.deepStrictEqual(result.options.rateLimit, { burst: 250, drainPerSecond: 5 })
      assert.deepStrictEqual(result.options.operatingLimit, { limitSeconds: 420 })
      assert.strictEqual(result.options.timeZone, "UTC")
      assert.strictEqual(result.options.scheme, "https")
      assert.strictEqual(DateTime.toEpochMillis(result.options.startAt as DateTime.DateTime), 1_772_086_038_000)
      assert.deepStrictEqual(result.tls, { _tag: "Generate" })
      assert.strictEqual((yield* settings({ noRateLimit: true })).options.rateLimit, false)
    })
  )

  it.effect("refuses flags that cannot work, each with a line that names the flag", () =>
    Effect.gen(function* () {
      assert.include(yield* usageError({ port: 70_000 }), "--port")
      for (const port of [9, 6000]) {
        const line = yield* usageError({ port })
        assert.include(line, `--port ${port}`)
        assert.include(line, "clients using fetch")
      }
      assert.strictEqual((yield* settings({ port: 6001 })).port, 6001)
      assert.include(yield* usageError({ rate: Option.some("50") }), "--rate")
      assert.include(yield* usageError({ rate: Option.some("0/2") }), "--rate")
      assert.include(yield* usageError({ rate: Option.some("50/2"), noRateLimit: true }), "--no-rate-limit")
      assert.include(yield* usageError({ now: Option.some("2026-02-26 09:07") }), "--now")
      assert.include(yield* usageError({ timezone: Option.some("Nowhere/City") }), "--timezone")
      assert.include(yield* usageError({ users: Option.some(1) }), "--users")
      assert.include(yield* usageError({ operatingLimit: Option.some(0) }), "--operating-limit")
      assert.include(yield* usageError({ cert: Option.some("a.pem") }), "--cert")
      assert.include(yield* usageError({ state: Option.some("portal.json"), seed: Option.some(1) }), "--seed")
    })
  )

  it.effect(
    "--save: the file and the interval (default 5 s); refused without a directory, or with a bad interval",
    () =>
      Effect.gen(function* () {
        const directory = mkdtempSync(join(tmpdir(), "im-recent-cli-test-"))
        yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(directory, { recursive: true, force: true })))
        const file = join(directory, "portal.json")
        assert.deepStrictEqual(
          (yield* settings({ save: Option.some(file) })).save,
          Option.some({ path: file, intervalSeconds: 5 })
        )
        assert.deepStrictEqual(
          (yield* settings({ save: Option.some(file), saveInterval: Option.some(0.5) })).save,
          Option.some({ path: file, intervalSeconds: 0.5 })
        )
        assert.isTrue(Option.isNone((yield* settings({})).save))
        assert.include(yield* usageError({ saveInterval: Option.some(2) }), "--save-interval needs --save")
        assert.include(yield* usageError({ save: Option.some(file), saveInterval: Option.some(0) }), "--save-interval")
        const nowhere = join(directory, "missing", "portal.json")
        assert.include(yield* usageError({ save: Option.some(nowhere) }), `--save ${nowhere}`)
      }).pipe(Effect.scoped)
  )

  it.effect("--portals and --install-to: the fleet's settings; values that cannot work name the flag", () =>
    Effect.gen(function* () {
      const fleet = yield* settings({
        portals: Option.some(4),
        seed: Option.some(9),
        installTo: Option.some("http://x/")
      })
      assert.deepStrictEqual(fleet.fleet, Option.some({ portals: 4, seed: 9, states: undefined }))
      assert.deepStrictEqual(fleet.installTo, Option.some("http://x/"))
      assert.isTrue(Option.isNone((yield* settings({})).fleet))
      assert.deepStrictEqual(
        (yield* settings({ portals: Option.some(1) })).fleet,
        Option.some({ portals: 1, seed: 1, states: undefined })
      )
      assert.strictEqual(yield* usageError({ portals: Option.some(0) }), "--portals must be from 1 to 256, got 0")
      assert.include(yield* usageError({ portals: Option.some(257) }), "--portals must be from 1 to 256")
      assert.strictEqual(
        yield* usageError({ installTo: Option.some("notaurl") }),
        '--install-to "notaurl" is not an absolute URL (like http://127.0.0.1:8080/install)'
      )
      assert.include(yield* usageError({ installTo: Option.some("mailto:a@b.c") }), "--install-to ")
      assert.strictEqual(
        yield* usageError({ port: 65_534, portals: Option.some(3) }),
        "--port 65534 with --portals 3: the ports 65534…65536 go past 65535; pick a lower port (0 picks free ones)"
      )
      const line = yield* usageError({ port: 5998, portals: Option.some(3) })
      assert.include(line, "--port 5998 with --portals 3: portal 2 would listen on 6000: ")
      assert.strictEqual((yield* settings({ port: 5997, portals: Option.some(3) })).port, 5997)
    })
  )

  it("portalFile: -<index> before the extension, or at the end", () => {
    assert.strictEqual(EmulatorCommand.portalFile("portal.json", 0), "portal-0.json")
    assert.strictEqual(EmulatorCommand.portalFile("/tmp/a.b/state.v2.json", 12), "/tmp/a.b/state.v2-12.json")
    assert.strictEqual(EmulatorCommand.portalFile("/tmp/a.b/state", 1), "/tmp/a.b/state-1")
    assert.strictEqual(EmulatorCommand.portalFile("dir/.portal", 3), "dir/.portal-3")
  })

  it.effect("--app-url goes to the emulator's appUrl; a URL it cannot frame is refused", () =>
    Effect.gen(function* () {
      const result = yield* settings({ appUrl: Option.some("http://localhost:5173/") })
      assert.strictEqual(result.options.appUrl, "http://localhost:5173/")
      assert.isUndefined((yield* settings({})).options.appUrl)
      assert.include(yield* usageError({ appUrl: Option.some("localhost:5173") }), "appUrl")
    })
  )

  it.effect("a --state file that is not a portal state names the file, in one short line without its secrets", () =>
    Effect.gen(function* () {
      const directory = mkdtempSync(join(tmpdir(), "im-recent-cli-test-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(directory, { recursive: true, force: true })))
      const file = join(directory, "bad.json")
      writeFileSync(file, '{"version": 2}')
      assert.include(yield* usageError({ state: Option.some(file) }), `--state ${file} is not a portal state`)
      // a saved portal, broken: its webhook code where a message belongs, then 300 broken messages
      const encoded = JSON.parse(
        yield* PortalState.toJson(
          Generator.generate({ ...Generator.defaults(DateTime.unsafeMake(0)), users: 3, chats: 1, seed: 4 })
        )
      )
      const secret = encoded.webhooks[0].code as string
      encoded.messages = [secret, ...Array.from({ length: 300 }, () => ({ id: 0 }))]
      writeFileSync(file, JSON.stringify(encoded))
      const line = yield* usageError({ state: Option.some(file) })
      assert.include(line, `--state ${file} is not a portal state: `)
      assert.notInclude(line, secret)
      assert.notInclude(line, "\n")
      assert.isBelow(line.length, 500 + file.length)
    }).pipe(Effect.scoped)
  )
})

describe("EmulatorCommand.readerWebhook", () => {
  const hook = (userId: number, scopes: ReadonlyArray<string>) => ({ userId, scopes, url: `u${userId}${scopes}` })

  it("user 1's first webhook with im, else the first with im, else none", () => {
    assert.deepStrictEqual(
      EmulatorCommand.readerWebhook([hook(2, ["im"]), hook(1, ["crm"]), hook(1, ["im", "user"]), hook(1, ["im"])]),
      hook(1, ["im", "user"])
    )
    assert.deepStrictEqual(EmulatorCommand.readerWebhook([hook(1, ["crm"]), hook(3, ["im"])]), hook(3, ["im"]))
    assert.isUndefined(EmulatorCommand.readerWebhook([hook(1, ["crm"])]))
  })
})

describe("Cli.exitCode", () => {
  it("0 for success and interruption, 2 for usage errors, 1 otherwise", () => {
    assert.strictEqual(Cli.exitCode(Exit.void), 0)
    assert.strictEqual(Cli.exitCode(Exit.interrupt(FiberId.none)), 0)
    assert.strictEqual(Cli.exitCode(Exit.fail(new EmulatorCommand.UsageError({ message: "x" }))), 2)
    assert.strictEqual(Cli.exitCode(Exit.fail(new EmulatorCommand.EmulatorError({ message: "x" }))), 1)
    assert.strictEqual(Cli.exitCode(Exit.die(new Error("boom"))), 1)
  })
})
