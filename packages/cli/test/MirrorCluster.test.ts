/**
 * `im-recent portals add|list` and `im-recent mirror --db sqlite:… --http …` through the real process, against an
 * emulated portal in the test process: users registered by webhook (codes never printed), the runner's HTTP side
 * (`/health`, `/sync`, `/portals`, `/install`), and a clean exit on SIGTERM. Live clock: the runner is another
 * process.
 */
import * as Fs from "node:fs"
import * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { describe, expect, it } from "@effect/vitest"
import { Emulator, NodeServer } from "@im-recent/emulator"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { cli } from "./support.js"

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = Net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as Net.AddressInfo
      server.close(() => resolve(port))
    })
  })

/** What the runner's routes answer, as far as the test reads it. */
interface Answer {
  readonly status?: string
  readonly reports: ReadonlyArray<{ portal: string; users: ReadonlyArray<{ userId: number; error?: string }> }>
  readonly portals: ReadonlyArray<{ portal: string; runner: string | null }>
  readonly [key: string]: unknown
}

const finished = (args: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const run = yield* cli(args)
    const exit = yield* Effect.promise(() => run.exited)
    return { code: exit.code, stdout: run.stdout(), stderr: run.stderr() }
  })

describe("im-recent portals and mirror (one runner on SQLite)", () => {
  it.scopedLive(
    "registers webhook users, mirrors them through the runner's /sync, answers /health, /portals and /install",
    () =>
      Effect.gen(function* () {
        const context = yield* Layer.build(
          Emulator.layer({ generator: { seed: 3, users: 4, chats: 2, messages: { perChat: 3 } } }).pipe(
            Layer.provide(NodeHttpServer.layer(() => NodeServer.make(), { port: 0, host: "127.0.0.1" })),
            Layer.orDie
          )
        )
        const emulator = yield* Effect.provide(Emulator.Emulator, context)
        const state = yield* emulator.portal.state.get
        const active = new Set(state.users.filter((user) => user.active).map((user) => user.id))
        const hooks = (yield* Emulator.webhookUrls(emulator))
          .filter((hook) => hook.scopes.includes("im") && active.has(hook.userId))
          .slice(0, 2)
        const codes = hooks.map((hook) => /\/rest\/\d+\/([^/]+)\//.exec(hook.url)![1]!)
        const db = `sqlite:${Path.join(Fs.mkdtempSync(Path.join(Os.tmpdir(), "im-recent-cli-cluster-")), "m.db")}`

        for (const hook of hooks) {
          const added = yield* finished(["portals", "add", "--db", db, hook.url])
          expect(added.code, added.stderr).toBe(0)
          expect(added.stdout).toContain(`user ${hook.userId}: webhook`)
        }
        const listed = yield* finished(["portals", "list", "--db", db])
        expect(listed.code).toBe(0)
        const domain = new URL(emulator.publicUrl).host
        expect(listed.stdout).toContain(domain)
        for (const code of codes) expect(listed.stdout + listed.stderr).not.toContain(code)

        const bad = yield* finished(["portals", "add", "--db", db, "https://company.bitrix24.com/rest/x/"])
        expect(bad.code).toBe(2)
        expect(bad.stderr).toMatch(/^im-recent: webhook-url: /)

        const http = `127.0.0.1:${yield* Effect.promise(freePort)}`
        const runner = yield* cli(["mirror", "--db", db, "--http", http, "--interval", "1h"])
        yield* Effect.promise(() => runner.line(/^Mirroring the registered portals/))
        const call = (path: string, init?: RequestInit) =>
          Effect.promise(async () => {
            const response = await fetch(`http://${http}${path}`, init)
            return { status: response.status, body: (await response.json()) as Answer }
          })
        expect((yield* call("/health")).body).toEqual({ status: "ok" })
        const sync = yield* call("/sync", { method: "POST" })
        expect(sync.status).toBe(200)
        expect(sync.body.reports).toHaveLength(1)
        expect(sync.body.reports[0]!.portal).toBe(domain)
        expect(sync.body.reports[0]!.users.map((user) => [user.userId, user.error])).toEqual(
          hooks.map((hook) => [hook.userId, undefined])
        )
        const portals = yield* call("/portals")
        expect(portals.body.portals).toMatchObject([{ portal: domain, runner: "localhost:34431" }])
        const install = yield* call("/install", {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({
            event: "ONAPPINSTALL",
            "auth[domain]": "other.bitrix24.com",
            "auth[member_id]": "m1",
            "auth[user_id]": "1",
            "auth[access_token]": "access-0123456789",
            "auth[refresh_token]": "refresh-0123456789",
            "auth[application_token]": "apptoken-0123456789"
          }).toString()
        })
        expect(install.body).toEqual({ portal: "other.bitrix24.com", userId: 1, firstInstall: true })

        runner.child.kill("SIGTERM")
        const exit = yield* Effect.promise(() => runner.exited)
        expect(exit.code).toBe(0)
        for (const code of codes) expect(runner.stdout() + runner.stderr()).not.toContain(code)
      }),
    90_000
  )
})
