/**
 * `im-recent` against a portal that goes away and comes back, OAuth token pairs that must survive a run, and ports
 * `fetch` refuses: child processes, as a user runs them, against spawned `im-recent emulator`s.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Connection, type EmulatorCommand } from "@im-recent/cli"
import { Effect } from "effect"
import { cli, linesOf } from "./support.js"

const live = { timeout: 240_000 }
const promise = <A>(thunk: () => Promise<A>) => Effect.promise(thunk)

/** A loopback port nothing listens on now. */
const freePort = promise(
  () =>
    new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as { port: number }
        server.close(() => resolve(port))
      })
    })
)

/** Resolves once `text()` matches (polling the output a child has written so far); the test's timeout bounds it. */
const eventually = (text: () => string, pattern: RegExp) =>
  promise(async () => {
    while (!pattern.test(text())) await new Promise((resolve) => setTimeout(resolve, 50))
  })

/** A fresh directory, removed with the scope. */
const directory = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "im-recent-cli-"))),
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
)

/** Every stderr line is one `im-recent: ` message, and the runtime's own report never shows. */
const assertOwnLines = (stderr: string) => {
  for (const line of linesOf(stderr)) assert.match(line, /^im-recent: /, stderr)
  assert.notInclude(stderr, "Fiber terminated")
  assert.notInclude(stderr, "unhandled error")
}

describe("im-recent watch across a portal restart (live)", () => {
  it.live(
    "the emulator stops and starts again on the same port: watch reports the failures, keeps going and prints what changed after",
    () =>
      Effect.gen(function* () {
        const port = yield* freePort
        const args = [
          "emulator",
          "--port",
          String(port),
          "--seed",
          "1",
          "--users",
          "6",
          "--chats",
          "3",
          "--locale",
          "en"
        ]
        const before = yield* cli(args)
        const handshake = JSON.parse(yield* promise(() => before.line(/^\{/))) as EmulatorCommand.Handshake
        const watch = yield* cli(["watch", "--interval", "1s"], {
          BITRIX24_WEBHOOK_URL: handshake.webhooks[0]!.url,
          COLUMNS: "200"
        })
        yield* promise(() => watch.line(/Press Ctrl-C to stop\.$/))

        before.child.kill("SIGTERM")
        assert.strictEqual((yield* promise(() => before.exited)).code, 0)
        yield* eventually(watch.stderr, /sync failed, trying again in \d+s: cannot reach the portal/)
        yield* Effect.sleep("2 seconds")
        const after = yield* cli(args)
        const again = JSON.parse(yield* promise(() => after.line(/^\{/))) as EmulatorCommand.Handshake
        // the same seed: the same webhooks, so the watch's URL works again
        assert.deepStrictEqual(again.webhooks, handshake.webhooks)
        const colleague = again.webhooks.find((hook) => hook.userId === 2)!
        const posted = yield* promise(() =>
          fetch(`${colleague.url}im.message.add`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ DIALOG_ID: 1, MESSAGE: "Back after the restart" })
          })
        )
        assert.strictEqual(posted.status, 200)
        const line = yield* promise(() => watch.line(/Back after the restart/))
        assert.match(line, /^\d\d:\d\d:\d\d {2}.+ \(dialog\) {2}Back after the restart/)
        assert.strictEqual(watch.child.exitCode, null, "still running")

        watch.child.kill("SIGINT")
        assert.deepStrictEqual(yield* promise(() => watch.exited), { code: 0, signal: null }, watch.stderr())
        assertOwnLines(watch.stderr())
        assert.notInclude(watch.stderr(), handshake.webhooks[0]!.url.split("/").at(-2)!)
      }).pipe(Effect.scoped),
    live
  )
})

describe("im-recent with OAuth and --token-file (live)", () => {
  it.live(
    "a renewal is saved to the file (0600), which the next run uses; without a file an expired token is not renewed, and says why",
    () =>
      Effect.gen(function* () {
        const emulator = yield* cli(["emulator", "--users", "5", "--chats", "2", "--locale", "en"])
        const handshake = JSON.parse(yield* promise(() => emulator.line(/^\{/))) as EmulatorCommand.Handshake
        const oauth = handshake.oauth!
        const dir = yield* directory
        const file = join(dir, "tokens.json")
        const env = {
          BITRIX24_PORTAL_URL: handshake.baseUrl,
          BITRIX24_OAUTH_SERVER_URL: handshake.baseUrl,
          BITRIX24_CLIENT_ID: oauth.clientId,
          BITRIX24_CLIENT_SECRET: oauth.clientSecret,
          BITRIX24_ACCESS_TOKEN: oauth.accessToken,
          BITRIX24_REFRESH_TOKEN: oauth.refreshToken,
          // taken as expired: the first run renews the pair
          BITRIX24_TOKEN_EXPIRES_AT: "0"
        }
        const secrets = [oauth.clientSecret, oauth.accessToken, oauth.refreshToken]

        const first = yield* cli(["--log-level", "debug", "recent", "--token-file", file], env)
        assert.strictEqual((yield* promise(() => first.exited)).code, 0, first.stderr())
        assert.match(first.stdout(), /^ {3}TITLE/)
        assert.include(first.stderr(), "OAuth tokens renewed")
        assertOwnLines(first.stderr())
        const saved = JSON.parse(readFileSync(file, "utf8")) as { accessToken: string; refreshToken: string }
        assert.notStrictEqual(saved.refreshToken, oauth.refreshToken)
        assert.strictEqual(statSync(file).mode & 0o777, 0o600)
        for (const secret of [...secrets, saved.accessToken, saved.refreshToken]) {
          assert.notInclude(first.stdout() + first.stderr(), secret)
        }

        // the next run: the file's pair wins over the (now retired) pair of the variables
        const second = yield* cli(["recent"], { ...env, BITRIX24_TOKEN_FILE: file })
        assert.strictEqual((yield* promise(() => second.exited)).code, 0, second.stderr())
        assert.strictEqual(second.stderr(), "")
        assert.deepStrictEqual(JSON.parse(readFileSync(file, "utf8")), saved)

        // no file: the retired access token is refused, and the command does not spend the refresh token
        const unsaved = { ...env, BITRIX24_TOKEN_EXPIRES_AT: String(oauth.expires) }
        for (const command of ["recent", "watch"]) {
          const refused = yield* cli([command], unsaved)
          assert.strictEqual((yield* promise(() => refused.exited)).code, 1, refused.stderr())
          const lines = linesOf(refused.stderr())
          assert.strictEqual(lines.length, 1, refused.stderr())
          assert.strictEqual(
            lines[0],
            `im-recent: the portal at ${handshake.baseUrl} says the OAuth access token expired, and it was not renewed: ${Connection.unrenewableNotice}`
          )
          assert.strictEqual(refused.stdout(), "")
        }

        // a refresh token the portal has retired, at debug level: one line for the failure, no runtime report
        const retired = yield* cli(["--log-level", "debug", "recent", "--token-file", join(dir, "other.json")], env)
        assert.strictEqual((yield* promise(() => retired.exited)).code, 1, retired.stderr())
        assertOwnLines(retired.stderr())
        assert.match(retired.stderr(), /refused the credentials: OAuth token renewal failed with invalid_grant/)
        for (const secret of secrets) assert.notInclude(retired.stderr(), secret)
      }).pipe(Effect.scoped),
    live
  )
})

describe("a port fetch refuses (live)", () => {
  it.live(
    "BITRIX24_WEBHOOK_URL on port 6000: one line naming the port and why, at once, exit status 1",
    () =>
      Effect.gen(function* () {
        const run = yield* cli(["recent"], { BITRIX24_WEBHOOK_URL: "http://127.0.0.1:6000/rest/1/s3cretc0de42/" })
        assert.strictEqual((yield* promise(() => run.exited)).code, 1)
        const lines = linesOf(run.stderr())
        assert.strictEqual(lines.length, 1, run.stderr())
        assert.match(
          lines[0]!,
          /^im-recent: cannot reach the portal at http:\/\/127\.0\.0\.1:6000: Network error: .*bad port \(port 6000 is on the Fetch standard's list of blocked ports/
        )
        assert.notInclude(run.stderr(), "retrying")
        assert.notInclude(run.stderr(), "s3cretc0de42")
      }).pipe(Effect.scoped),
    live
  )
})
