/**
 * A benchmark server, run as a child process so that it has a core to itself and the load generator's work is not
 * counted as the server's. It is given a {@link Spec} as JSON in `argv[2]` and prints one line of JSON on stdout once
 * it listens ({@link Handshake}); on the IPC message `"stats"` it answers with the status codes it has sent.
 *
 * - `emulator`: `Emulator.layer` on the emulator's `NodeServer` (`node:http`, or with `tls` `node:https` with a
 *   generated CA), as `im-recent emulator` serves it, with the `windowed` portal of {@link Portal} (or the one just
 *   after its history, `at: "history-end"`) and the given rate
 *   limit;
 * - `plain`: a `node:http` server answering every request with the bytes of `bodyFile` (the ceiling of what Node can
 *   serve on this machine).
 *
 * @since 0.1.0
 */
import { readFileSync, writeFileSync } from "node:fs"
import * as Http from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { Emulator, NodeServer, Tls } from "@im-recent/emulator"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Portal from "./internal/portal.js"

/**
 * What to serve.
 *
 * @since 0.1.0
 * @category models
 */
export type Spec =
  | {
      readonly kind: "emulator"
      readonly rows: number
      /**
       * The portal's clock at the start: an instant where the answer has exactly `items` items (the default), or
       * `"history-end"`: ten minutes after the generated history ends, nothing dated after it, `items` ignored.
       */
      readonly at?: "windowed" | "history-end" | undefined
      readonly items: number
      readonly tls: boolean
      readonly rateLimit: false | { readonly burst: number; readonly drainPerSecond: number }
    }
  | { readonly kind: "plain"; readonly bodyFile: string }

/**
 * The first stdout line.
 *
 * @since 0.1.0
 * @category models
 */
export interface Handshake {
  readonly baseUrl: string
  /** The caller's webhook URL (`emulator` only). */
  readonly webhookUrl?: string
  /** The CA certificate (PEM file) to trust (`tls` only). */
  readonly caFile?: string
  /** How many recent rows the caller has (`emulator` only). */
  readonly rows?: number
}

/**
 * The answer to `"stats"`: responses sent, by HTTP status.
 *
 * @since 0.1.0
 * @category models
 */
export interface Stats {
  /** TCP connections accepted. */
  readonly connections: number
  readonly responses: number
  readonly byStatus: Readonly<Record<string, number>>
}

const byStatus: Record<string, number> = {}
let responses = 0
let connections = 0
const accepted = () => {
  connections++
}
const count = (_: Http.IncomingMessage, response: Http.ServerResponse) => {
  response.on("finish", () => {
    responses++
    byStatus[response.statusCode] = (byStatus[response.statusCode] ?? 0) + 1
  })
}
process.on("message", (message) => {
  if (message === "stats") process.send?.({ connections, responses, byStatus } satisfies Stats)
})
process.on("disconnect", () => process.exit(0))
// a normal exit, so that `--cpu-prof` writes its profile
process.on("SIGTERM", () => process.exit(0))

const serveEmulator = (spec: Extract<Spec, { kind: "emulator" }>): void => {
  const { state, startAt, rows } =
    spec.at === "history-end" ? Portal.afterHistory(spec.rows) : Portal.windowed(spec.rows, spec.items)
  const program = Effect.gen(function* () {
    let server: Http.Server
    let caFile: string | undefined
    if (spec.tls) {
      const certificate = yield* Tls.selfSigned()
      caFile = join(tmpdir(), `im-recent-bench-ca-${process.pid}.pem`)
      writeFileSync(caFile, certificate.ca)
      server = NodeServer.make({ tls: certificate })
    } else {
      server = NodeServer.make()
    }
    server.on("request", count)
    server.on(spec.tls ? "secureConnection" : "connection", accepted)
    const context = yield* Layer.build(
      Emulator.layer({ state, startAt, rateLimit: spec.rateLimit, scheme: spec.tls ? "https" : "http" }).pipe(
        Layer.provide(NodeHttpServer.layer(() => server, { port: 0, host: "127.0.0.1" }))
      )
    )
    const emulator = Context.get(context, Emulator.Emulator)
    const handshake: Handshake = {
      baseUrl: emulator.publicUrl,
      webhookUrl: `${emulator.publicUrl}/rest/${Portal.callerId}/${encodeURIComponent(Portal.webhookCode(state))}/`,
      rows,
      ...(caFile === undefined ? {} : { caFile })
    }
    process.stdout.write(`${JSON.stringify(handshake)}\n`)
    return yield* Effect.never
  })
  Effect.runFork(Effect.scoped(program))
}

const servePlain = (spec: Extract<Spec, { kind: "plain" }>): void => {
  const body = readFileSync(spec.bodyFile)
  const server = Http.createServer((_, response) => {
    response.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": body.length })
    response.end(body)
  })
  server.on("request", count)
  server.on("connection", accepted)
  server.listen(0, "127.0.0.1", () => {
    const handshake: Handshake = { baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}` }
    process.stdout.write(`${JSON.stringify(handshake)}\n`)
  })
}

const spec = JSON.parse(process.argv[2] ?? "{}") as Spec
if (spec.kind === "plain") servePlain(spec)
else serveEmulator(spec)
