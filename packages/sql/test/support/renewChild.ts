/**
 * One worker process of the cross-process renewal test: its own database client and `SqlTokenStore` layer (or, with
 * `RENEW_HOOK=off`, the same store without its `renew`), an OAuth client of the emulator, and one REST call.
 *
 * It builds everything, prints `ready`, waits for a line on stdin (the test releases every worker at once), makes the
 * call (its stored access token counts as expired: the call renews it first) and prints one JSON line: `{ "ok": true
 * }` or `{ "ok": false, "tag", "reason" }`. Never a token.
 *
 * Environment: DATABASE (`sqlite:<file>` or a `postgres://` URL), PORTAL_URL, CLIENT_ID, CLIENT_SECRET, USER_ID,
 * TOKEN_KEY, RENEW_HOOK (`on` | `off`).
 */
import * as Readline from "node:readline"
import { TokenStore } from "@im-recent/client"
import { Effect, Layer } from "effect"
import { SqlTokenStore } from "../../src/index.js"
import * as OAuthClient from "./OAuthClient.js"
import { reopen } from "./Reopen.js"

const env = (name: string): string => {
  const value = process.env[name]
  if (value === undefined) throw new Error(`${name} is not set`)
  return value
}

const sqlLayer = reopen(env("DATABASE"))

const options = { key: env("TOKEN_KEY") }
const store =
  env("RENEW_HOOK") === "on"
    ? SqlTokenStore.layer(options)
    : Layer.effect(
        TokenStore.TokenStore,
        Effect.map(SqlTokenStore.make(options), ({ load, save }) => TokenStore.make({ load, save }))
      )

const application: OAuthClient.Application = {
  publicUrl: env("PORTAL_URL"),
  clientId: env("CLIENT_ID"),
  clientSecret: env("CLIENT_SECRET"),
  userId: Number(env("USER_ID"))
}

const released = Effect.async<void>((resume) => {
  const lines = Readline.createInterface({ input: process.stdin })
  lines.once("line", () => {
    lines.close()
    resume(Effect.void)
  })
})

const program = Effect.gen(function* () {
  process.stdout.write("ready\n")
  yield* released
  const outcome = yield* Effect.either(OAuthClient.callPortal)
  const line =
    outcome._tag === "Right"
      ? { ok: true }
      : { ok: false, tag: outcome.left._tag, reason: "reason" in outcome.left ? outcome.left.reason : undefined }
  process.stdout.write(`${JSON.stringify(line)}\n`)
}).pipe(Effect.provide(OAuthClient.client(application, store.pipe(Layer.provide(sqlLayer)))))

Effect.runPromise(program).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  }
)
