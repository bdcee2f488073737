/**
 * Smoke tests of the example programs: each runs as a child process, configured through the environment like a
 * real app, against the emulator serving on a loopback port in this process; the assertions read its output.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NodeHttpServer } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Emulator, Generator, NodeServer } from "@im-recent/emulator"
import { Context, DateTime, Effect, Layer } from "effect"

const examplesDir = new URL("..", import.meta.url).pathname

/** The environment of the examples: this process's, without any portal configuration of the developer's. */
const baseEnv = (): Record<string, string> =>
  Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && !entry[0].startsWith("BITRIX24_")
    )
  )

interface Run {
  readonly child: ChildProcess
  readonly stdout: () => string
  readonly stderr: () => string
  /** Resolves with the first stdout line that matches. */
  readonly line: (pattern: RegExp) => Promise<string>
  readonly exited: Promise<number | null>
}

/** Runs `src/<file>` under Node with tsx's loader; the child is killed when the scope closes. */
const example = (file: string, env: Record<string, string>) =>
  Effect.acquireRelease(
    Effect.sync((): Run => {
      const child = spawn(process.execPath, ["--import", "tsx", `src/${file}`], {
        cwd: examplesDir,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...baseEnv(), ...env }
      })
      let stdout = ""
      let stderr = ""
      const waiting: Array<{ pattern: RegExp; resolve: (line: string) => void }> = []
      child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk
        for (const waiter of [...waiting]) {
          const found = stdout.split("\n").find((line) => waiter.pattern.test(line))
          if (found !== undefined) {
            waiting.splice(waiting.indexOf(waiter), 1)
            waiter.resolve(found)
          }
        }
      })
      child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk
      })
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
      return {
        child,
        stdout: () => stdout,
        stderr: () => stderr,
        line: (pattern) =>
          new Promise<string>((resolve, reject) => {
            waiting.push({ pattern, resolve })
            void exited.then(() => reject(new Error(`exited without ${pattern}; stdout: ${stdout}; stderr: ${stderr}`)))
          }),
        exited
      }
    }),
    (run) =>
      Effect.sync(() => {
        if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill("SIGKILL")
      })
  )

const state = Generator.generate({
  ...Generator.defaults(DateTime.unsafeNow()),
  seed: 5,
  users: 8,
  chats: 4,
  locale: "en"
})

/** The emulator on a free loopback port, for the scope of one test. */
const emulator = Effect.map(
  Layer.build(
    Emulator.layer({ state }).pipe(
      Layer.provide(NodeHttpServer.layer(() => NodeServer.make(), { port: 0, host: "127.0.0.1" }))
    )
  ),
  (context) => Context.get(context, Emulator.Emulator)
)

const webhook = (service: Emulator.Service, userId: number) =>
  Effect.map(Emulator.webhookUrls(service), (urls) => {
    const hook = state.webhooks.find((candidate) => candidate.userId === userId && candidate.scopes.includes("im"))!
    return urls.find((url) => url.userId === userId && url.url.includes(`/${hook.code}/`))!.url
  })

/** A call straight to the emulator, outside the example. */
const call = (url: string, body: Record<string, unknown>) =>
  Effect.promise(() =>
    fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then(
      async (response) => ({ status: response.status, body: (await response.json()) as Record<string, unknown> })
    )
  )

// each program is a cold `node --import tsx` start (the OAuth test makes three): on a busy 2-core machine one takes
// up to 20 s, so the budget is generous; no assertion depends on time
const live = { timeout: 180_000 }

describe("example programs against the emulator (live)", () => {
  it.live(
    "list-recent.ts prints every chat the portal lists, and a refused webhook as one line without its code",
    () =>
      Effect.gen(function* () {
        const service = yield* emulator
        const url = yield* webhook(service, 1)
        const expected = yield* call(`${url}im.recent.get`, { SKIP_OPENLINES: "Y" })
        const titles = (expected.body.result as Array<{ title: string | [] }>).map((item) =>
          typeof item.title === "string" ? item.title : ""
        )
        assert.isAbove(titles.length, 3)

        const run = yield* example("list-recent.ts", { BITRIX24_WEBHOOK_URL: url })
        assert.strictEqual(yield* Effect.promise(() => run.exited), 0, run.stderr())
        const lines = run.stdout().trimEnd().split("\n")
        assert.strictEqual(lines.length, titles.length + 1)
        for (const [i, title] of titles.entries()) assert.isTrue(lines[i].includes(title), `${lines[i]} / ${title}`)
        assert.match(lines[titles.length], /^\d+ chats; portal time \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/)

        const wrong = url.replace(/\/rest\/1\/[^/]+\//, "/rest/1/notthecode1234/")
        const refused = yield* example("list-recent.ts", { BITRIX24_WEBHOOK_URL: wrong })
        assert.strictEqual(yield* Effect.promise(() => refused.exited), 1)
        assert.strictEqual(
          refused.stderr(),
          "The portal refused the credentials (INVALID_CREDENTIALS): check the webhook\n"
        )
        assert.notInclude(refused.stdout() + refused.stderr(), "notthecode1234")
      }).pipe(Effect.scoped),
    live
  )

  it.live(
    "delta-sync.ts loads the list, then prints a message posted meanwhile from its delta",
    () =>
      Effect.gen(function* () {
        const service = yield* emulator
        const me = yield* webhook(service, 1)
        const colleague = state.users.find(
          (user) =>
            user.id !== 1 &&
            user.active &&
            !user.bot &&
            state.webhooks.some((hook) => hook.userId === user.id && hook.scopes.includes("im"))
        )!
        const run = yield* example("delta-sync.ts", {
          BITRIX24_WEBHOOK_URL: me,
          SYNC_INTERVAL: "1 second",
          SYNC_STEPS: "4"
        })
        yield* Effect.promise(() => run.line(/^full sync \(initial\): \d+ chats/))
        const sent = yield* call(`${yield* webhook(service, colleague.id)}im.message.add`, {
          DIALOG_ID: 1,
          MESSAGE: "Smoke test says hi"
        })
        assert.strictEqual(sent.status, 200, JSON.stringify(sent.body))
        const delta = yield* Effect.promise(() =>
          run.line(/^delta sync \(delta\): \d+ chats, (1 new, 0|0 new, 1) changed/)
        )
        assert.match(delta, /0 removed$/)
        yield* Effect.promise(() =>
          run.line(
            new RegExp(`^  ${colleague.firstName} ${colleague.lastName}: "Smoke test says hi" \\(\\d+ unread\\)$`)
          )
        )
        assert.strictEqual(yield* Effect.promise(() => run.exited), 0, run.stderr())
        assert.strictEqual(
          run
            .stdout()
            .split("\n")
            .filter((line) => /^(full|delta) sync/.test(line)).length,
          4
        )
      }).pipe(Effect.scoped),
    live
  )

  it.live(
    "oauth-token-file.ts, configured from the handshake's oauth object as its header says: reads the list; with an expired token renews it against /oauth/token/, saves the pair, and uses the file next time",
    () =>
      Effect.gen(function* () {
        const service = yield* emulator
        const directory = mkdtempSync(join(tmpdir(), "im-recent-examples-"))
        yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(directory, { recursive: true, force: true })))
        const file = join(directory, "tokens.json")
        // what `im-recent emulator` prints as the handshake's `oauth` (it calls the same function)
        const oauth = yield* Emulator.oauthCredentials(service)
        if (oauth === undefined) return assert.fail("the generated portal has no OAuth application")
        const baseUrl = service.publicUrl
        assert.strictEqual(oauth.restUrl, `${baseUrl}/rest/`)
        assert.strictEqual(oauth.tokenUrl, `${baseUrl}/oauth/token/`)
        // the mapping in the example's header
        const env = {
          BITRIX24_PORTAL_URL: baseUrl,
          BITRIX24_OAUTH_SERVER_URL: baseUrl,
          BITRIX24_CLIENT_ID: oauth.clientId,
          BITRIX24_CLIENT_SECRET: oauth.clientSecret,
          BITRIX24_ACCESS_TOKEN: oauth.accessToken,
          BITRIX24_REFRESH_TOKEN: oauth.refreshToken,
          BITRIX24_TOKEN_EXPIRES_AT: String(oauth.expires),
          TOKEN_FILE: file
        }
        const secrets = [oauth.clientSecret, oauth.accessToken, oauth.refreshToken]

        // a fresh token: the list, no renewal, nothing saved
        const fresh = yield* example("oauth-token-file.ts", env)
        assert.strictEqual(yield* Effect.promise(() => fresh.exited), 0, fresh.stderr())
        const listed = fresh.stdout().trimEnd().split("\n")
        assert.strictEqual(listed[0], `No ${file} yet: starting from BITRIX24_ACCESS_TOKEN / BITRIX24_REFRESH_TOKEN`)
        assert.match(listed[1], /^\d+ recent chats$/)
        assert.strictEqual(listed.length, 2, fresh.stdout())
        assert.isFalse(existsSync(file))

        // BITRIX24_TOKEN_EXPIRES_AT=0: the token is taken as expired and the first call renews it
        const expired = { ...env, BITRIX24_TOKEN_EXPIRES_AT: "0" }
        const first = yield* example("oauth-token-file.ts", expired)
        assert.strictEqual(yield* Effect.promise(() => first.exited), 0, first.stderr())
        const output = first.stdout().trimEnd().split("\n")
        // the client logs the renewal (runMain's pretty logger writes to stdout); the rest is the example's own output
        assert.isTrue(
          output.some((line) => /^\[[\d:.]+\] INFO .*OAuth tokens renewed/.test(line)),
          first.stdout()
        )
        const firstLines = output.filter((line) => !line.startsWith("[") && !line.startsWith(" "))
        assert.strictEqual(firstLines[0], listed[0])
        assert.match(firstLines[1], new RegExp(`^Saved the renewed tokens to ${file} \\(access token expires \\d{4}-`))
        assert.strictEqual(firstLines[2], listed[1])
        const saved = JSON.parse(readFileSync(file, "utf8")) as { accessToken: string; refreshToken: string }
        assert.notStrictEqual(saved.accessToken, oauth.accessToken)
        assert.notStrictEqual(saved.refreshToken, oauth.refreshToken)
        assert.isFalse(existsSync(`${file}.tmp`))
        for (const secret of [...secrets, saved.accessToken, saved.refreshToken]) {
          assert.notInclude(first.stdout() + first.stderr(), secret)
        }
        // the refresh replaced the old pair: only the saved one works now
        assert.strictEqual((yield* call(`${oauth.restUrl}im.recent.get`, { auth: oauth.accessToken })).status, 401)
        assert.strictEqual((yield* call(`${oauth.restUrl}im.recent.get`, { auth: saved.accessToken })).status, 200)

        const second = yield* example("oauth-token-file.ts", expired)
        assert.strictEqual(yield* Effect.promise(() => second.exited), 0, second.stderr())
        assert.deepStrictEqual(second.stdout().trimEnd().split("\n"), [`Loaded the tokens from ${file}`, listed[1]])
      }).pipe(Effect.scoped),
    live
  )

  it.live(
    "any-method.ts calls im.counters.get with Bitrix24.call and im.dialog.read as an ImCommand in a batch",
    () =>
      Effect.gen(function* () {
        const service = yield* emulator
        const url = yield* webhook(service, 1)
        const counters = () =>
          Effect.map(
            call(`${url}im.counters.get`, {}),
            (response) => (response.body.result as { TYPE: { ALL: number } }).TYPE.ALL
          )
        const list = (yield* call(`${url}im.recent.get`, {})).body.result as Array<{ id: string; counter: number }>
        const unread = list.find((item) => item.counter > 0 && item.id.startsWith("chat"))
        assert.isDefined(unread, "the generated portal has a chat with unread messages")
        const total = yield* counters()

        const run = yield* example("any-method.ts", { BITRIX24_WEBHOOK_URL: url, DIALOG_ID: unread!.id })
        assert.strictEqual(yield* Effect.promise(() => run.exited), 0, run.stderr())
        const lines = run.stdout().trimEnd().split("\n")
        assert.strictEqual(lines[0], `Bitrix24.call im.counters.get: ${total} unread in all`)
        assert.match(
          lines[1],
          new RegExp(
            `^ImCommand\\.make im\\.dialog\\.read ${unread!.id}: read up to message \\d+, 0 unread; ${total - unread!.counter} unread in all$`
          )
        )
        assert.strictEqual(yield* counters(), total - unread!.counter)
      }).pipe(Effect.scoped),
    live
  )
})
