/**
 * Malformed HTTP over a real socket: what Node refuses before any handler runs (its parser's errors, a missing Host,
 * an unsupported Expect, CONNECT) gets the error envelope, and so does a body over the limit of any framing.
 */
import * as Net from "node:net"
import { NodeHttpServer } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Emulator, NodeServer } from "@im-recent/emulator"
import { Effect, Layer } from "effect"
import { options, secrets } from "./support.js"

/** The emulator on a free loopback port, on a `NodeServer`. */
const served = Emulator.layer(options()).pipe(
  Layer.provide(NodeHttpServer.layer(() => NodeServer.make(), { port: 0, host: "127.0.0.1" }))
)

/** Writes `chunks` to a fresh connection and reads until the server closes it (or 5 s pass). */
const exchange = (port: number, ...chunks: ReadonlyArray<string | Uint8Array>) =>
  Effect.async<string>((resume) => {
    const socket = Net.connect(port, "127.0.0.1")
    let received = ""
    const done = () => resume(Effect.succeed(received))
    socket.setEncoding("utf8")
    socket.on("data", (chunk: string) => {
      received += chunk
    })
    socket.on("close", done)
    socket.on("error", () => socket.destroy())
    socket.setTimeout(5000, () => socket.destroy())
    socket.on("connect", () => {
      for (const chunk of chunks) socket.write(chunk)
    })
  })

interface Parsed {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: { readonly error?: string; readonly error_description?: string } | undefined
}

const parse = (text: string): Parsed => {
  const [head = "", body = ""] = text.split("\r\n\r\n")
  const [statusLine = "", ...lines] = head.split("\r\n")
  const headers = Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()])
  )
  let json: Parsed["body"]
  try {
    json = JSON.parse(body)
  } catch {
    json = undefined
  }
  return { status: Number(statusLine.split(" ")[1]), headers, body: json }
}

const portOf = Effect.map(Emulator.Emulator, (emulator) => Number(new URL(emulator.publicUrl).port))

const refused = (answer: string, status: number, fragment: string) => {
  const parsed = parse(answer)
  assert.strictEqual(parsed.status, status, answer)
  assert.match(parsed.headers["content-type"] ?? "", /^application\/json/)
  assert.strictEqual(parsed.headers.connection, "close")
  assert.strictEqual(parsed.body?.error, "INVALID_REQUEST", answer)
  assert.include(parsed.body?.error_description, fragment)
}

const hookPath = `/rest/1/${secrets.hook1}/im.recent.get`

describe("NodeServer: malformed HTTP gets an error envelope", () => {
  it.live("a garbage request line: 400", () =>
    Effect.gen(function* () {
      const port = yield* portOf
      refused(yield* exchange(port, "GARBAGE\r\n\r\n"), 400, "request line")
      refused(yield* exchange(port, "GET /rest/ HTTP/9.x\r\nHost: a\r\n\r\n"), 400, "not valid HTTP")
    }).pipe(Effect.provide(served))
  )

  it.live("an invalid or repeated Content-Length: 400", () =>
    Effect.gen(function* () {
      const port = yield* portOf
      const post = (lengths: ReadonlyArray<string>) =>
        `POST ${hookPath} HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n${lengths
          .map((length) => `Content-Length: ${length}\r\n`)
          .join("")}\r\n{}`
      refused(yield* exchange(port, post(["2", "3"])), 400, "Content-Length")
      refused(yield* exchange(port, post(["abc"])), 400, "Content-Length")
      refused(yield* exchange(port, post(["-1"])), 400, "Content-Length")
    }).pipe(Effect.provide(served))
  )

  it.live("a malformed header or chunk: 400", () =>
    Effect.gen(function* () {
      const port = yield* portOf
      refused(yield* exchange(port, `GET ${hookPath} HTTP/1.1\r\nHo st: a\r\n\r\n`), 400, "header")
      refused(
        yield* exchange(
          port,
          `POST ${hookPath} HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`
        ),
        400,
        "framing"
      )
    }).pipe(Effect.provide(served))
  )

  it.live("headers over maxHeaderSize: 431, naming the limit", () =>
    Effect.gen(function* () {
      const port = yield* portOf
      const big = "x".repeat(NodeServer.defaultMaxHeaderSize + 1024)
      refused(
        yield* exchange(port, `GET ${hookPath} HTTP/1.1\r\nHost: a\r\nX-Big: ${big}\r\n\r\n`),
        431,
        `${NodeServer.defaultMaxHeaderSize} bytes`
      )
    }).pipe(Effect.provide(served))
  )

  it.live("the server keeps answering well-formed requests; after an answer on a connection it only closes", () =>
    Effect.gen(function* () {
      const port = yield* portOf
      yield* exchange(port, "GARBAGE\r\n\r\n")
      const good = parse(yield* exchange(port, `GET ${hookPath} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`))
      assert.strictEqual(good.status, 200)
      // a good request, then garbage on the same keep-alive connection: one answer, then the connection closes
      const both = yield* exchange(port, `GET ${hookPath} HTTP/1.1\r\nHost: a\r\n\r\n`, "GARBAGE\r\n\r\n")
      assert.strictEqual(both.match(/HTTP\/1\.1 /g)?.length, 1, both)
      assert.match(both, /^HTTP\/1\.1 200 /)
    }).pipe(Effect.provide(served))
  )

  it.live("an HTTP/1.1 request without Host: 400 (HTTP/1.0 needs none)", () =>
    Effect.gen(function* () {
      const port = yield* portOf
      refused(yield* exchange(port, `GET ${hookPath} HTTP/1.1\r\n\r\n`), 400, "no Host header")
      refused(yield* exchange(port, `POST ${hookPath} HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}`), 400, "no Host header")
      const old = parse(yield* exchange(port, `GET ${hookPath} HTTP/1.0\r\n\r\n`))
      assert.strictEqual(old.status, 200)
    }).pipe(Effect.provide(served))
  )

  it.live("an Expect other than 100-continue: 417; 100-continue is honoured", () =>
    Effect.gen(function* () {
      const port = yield* portOf
      const post = (expect: string) =>
        `POST ${hookPath} HTTP/1.1\r\nHost: a\r\nExpect: ${expect}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`
      refused(yield* exchange(port, post("bogus")), 417, "100-continue")
      const continued = yield* exchange(port, post("100-continue"))
      assert.match(continued, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /)
    }).pipe(Effect.provide(served))
  )

  it.live("CONNECT: 405 with Allow, not a closed connection", () =>
    Effect.gen(function* () {
      const port = yield* portOf
      const answer = yield* exchange(port, "CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\n\r\n")
      refused(answer, 405, "not a proxy")
      assert.include(parse(answer).headers.allow, "POST")
    }).pipe(Effect.provide(served))
  )

  it.live("a body over the limit (20 MB against 1 MiB), chunked or with a length: the 413 envelope, not a reset", () =>
    Effect.gen(function* () {
      const port = yield* portOf
      const chunk = new Uint8Array(1024 * 1024).fill(0x61)
      const chunked: Array<string | Uint8Array> = [
        `POST ${hookPath} HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n`
      ]
      for (let i = 0; i < 20; i++) chunked.push(`${chunk.length.toString(16)}\r\n`, chunk, "\r\n")
      chunked.push("0\r\n\r\n")
      const whole = new Uint8Array(20 * chunk.length).fill(0x61)
      const declared = [
        `POST ${hookPath} HTTP/1.1\r\nHost: a\r\nContent-Length: ${whole.length}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n`,
        whole
      ]
      for (const request of [chunked, declared]) {
        const parsed = parse(yield* exchange(port, ...request))
        assert.strictEqual(parsed.status, 413)
        assert.strictEqual(parsed.body?.error, "INVALID_REQUEST")
        assert.include(parsed.body?.error_description, "larger than 1048576 bytes")
      }
    }).pipe(Effect.provide(served))
  )

  it("refusalOf maps every parser code to a status and a description", () => {
    assert.deepStrictEqual(NodeServer.refusalOf("HPE_HEADER_OVERFLOW", 1000), {
      status: 431,
      description: "The request headers are larger than 1000 bytes"
    })
    assert.strictEqual(NodeServer.refusalOf("ERR_HTTP_REQUEST_TIMEOUT", 1000).status, 408)
    assert.strictEqual(NodeServer.refusalOf(undefined, 1000).status, 400)
    const answer = NodeServer.answerOf({ status: 400, description: "é" })
    assert.include(
      answer,
      `Content-Length: ${Buffer.byteLength(JSON.stringify({ error: "INVALID_REQUEST", error_description: "é" }))}`
    )
  })
})
