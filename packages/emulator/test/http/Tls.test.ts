import * as Https from "node:https"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { assert, describe, it } from "@effect/vitest"
import { Emulator, NodeServer, Tls } from "@im-recent/emulator"
import { Effect, Layer } from "effect"
import { type Json, options, secrets } from "./support.js"

const fetchJson = (url: string, ca: string) =>
  Effect.async<{ status: number; body: Json }, Error>((resume) => {
    const request = Https.get(url, { ca }, (response) => {
      let text = ""
      response.setEncoding("utf8")
      response.on("data", (chunk) => {
        text += chunk
      })
      response.on("end", () => resume(Effect.succeed({ status: response.statusCode ?? 0, body: JSON.parse(text) })))
    })
    request.on("error", (error) => resume(Effect.fail(error)))
  })

describe("Tls.selfSigned", () => {
  it.live("serves the emulator over HTTPS to clients that trust only the generated authority", () =>
    Effect.gen(function* () {
      const certificate = yield* Tls.selfSigned()
      assert.match(certificate.ca, /^-----BEGIN CERTIFICATE-----/)
      assert.notStrictEqual(certificate.ca, certificate.cert)
      yield* Effect.gen(function* () {
        const emulator = yield* Emulator.Emulator
        assert.match(emulator.publicUrl, /^https:\/\/127\.0\.0\.1:\d+$/)
        const port = emulator.publicUrl.split(":")[2]
        for (const host of ["127.0.0.1", "localhost"]) {
          const answer = yield* fetchJson(
            `https://${host}:${port}/rest/1/${secrets.hook1}/im.recent.get`,
            certificate.ca
          )
          assert.strictEqual(answer.status, 200)
          assert.strictEqual(answer.body.result[0].id, 2)
        }
        const untrusted = yield* Effect.flip(
          fetchJson(`${emulator.publicUrl}/rest/1/${secrets.hook1}/test.echo`, certificate.cert)
        )
        assert.match(untrusted.message, /certificate/i, "the server certificate alone is not an authority")
      }).pipe(
        Effect.provide(
          Emulator.layer(options({ scheme: "https" })).pipe(
            Layer.provide(
              NodeHttpServer.layer(() => NodeServer.make({ tls: certificate }), { port: 0, host: "127.0.0.1" })
            )
          )
        )
      )
    })
  )
})
