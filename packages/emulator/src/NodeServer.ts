/**
 * The `node:http` / `node:https` server the emulator listens on, answering what Node itself would refuse with an error
 * envelope.
 *
 * Node answers some requests before any handler runs: its HTTP parser rejects a garbage request line, an invalid or
 * repeated `Content-Length`, a broken header or chunk, or headers larger than `maxHeaderSize`; and it refuses an
 * HTTP/1.1 request without a `Host` header (400), an `Expect` other than `100-continue` (417) and a `CONNECT` (it
 * closes the connection). Node then writes a bare status with an empty body, or nothing, which a REST client cannot
 * tell from a proxy's answer. This server answers them like the rest of the emulator instead:
 * `{ "error": "INVALID_REQUEST", "error_description": "…" }` with the status (`CONNECT`: 405, as nginx answers it),
 * then closes the connection (after a parse error the stream cannot be trusted). Where the connection no longer
 * allows an answer (reset by the client, or an answer already written on it), it is only closed.
 *
 * Use it wherever the emulator is served over a socket:
 *
 * ```ts
 * import { NodeHttpServer } from "@effect/platform-node"
 * import { Emulator, NodeServer } from "@im-recent/emulator"
 *
 * Emulator.layer().pipe(Layer.provide(NodeHttpServer.layer(() => NodeServer.make(), { port: 0, host: "127.0.0.1" })))
 * ```
 *
 * @since 0.1.0
 */
import * as Http from "node:http"
import * as Https from "node:https"
import type * as Stream from "node:stream"

/**
 * Room for long GET query strings (batch by GET): 80 KiB. The emulator answers `414` past its own URL limit.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultMaxHeaderSize = 80 * 1024

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Serve HTTPS with this certificate chain and key (PEM). */
  readonly tls?: { readonly cert: string; readonly key: string } | undefined
  /** The largest request head Node accepts, in bytes (default {@link defaultMaxHeaderSize}). */
  readonly maxHeaderSize?: number | undefined
}

/**
 * What a parse error is answered with: its HTTP status and the error description.
 *
 * @since 0.1.0
 * @category models
 */
export interface Refusal {
  readonly status: number
  readonly description: string
}

const statusText: Readonly<Record<number, string>> = {
  400: "Bad Request",
  405: "Method Not Allowed",
  408: "Request Timeout",
  413: "Payload Too Large",
  417: "Expectation Failed",
  431: "Request Header Fields Too Large"
}

/**
 * What Node answers itself, before the emulator sees the request: an HTTP/1.1 request without `Host` (RFC 9112
 * §3.2), an `Expect` other than `100-continue` (RFC 9110 §10.1.1), and `CONNECT` (a proxy's method).
 *
 * @since 0.1.0
 * @category constants
 */
export const refusals = {
  missingHost: { status: 400, description: "The request has no Host header (HTTP/1.1 requires one)" },
  expectation: { status: 417, description: "The Expect header asks for more than 100-continue" },
  connect: { status: 405, description: "CONNECT is not answered: this is a REST server, not a proxy" }
} as const satisfies Record<string, Refusal>

/** The methods a 405 names in `Allow`: the emulator answers every other method (the REST server reads them all). */
const allowed = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"

/**
 * How a `clientError` of Node's HTTP parser is answered, by its error code (`HPE_*` from llhttp, or Node's own).
 *
 * @since 0.1.0
 * @category constructors
 */
export const refusalOf = (code: string | undefined, maxHeaderSize: number): Refusal => {
  switch (code) {
    case "HPE_HEADER_OVERFLOW":
      return { status: 431, description: `The request headers are larger than ${maxHeaderSize} bytes` }
    case "HPE_CHUNK_EXTENSIONS_OVERFLOW":
      return { status: 413, description: "The chunk extensions of the request body are too large" }
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return { status: 408, description: "The request was not received in time" }
    case "HPE_INVALID_CONTENT_LENGTH":
    case "HPE_UNEXPECTED_CONTENT_LENGTH":
      return { status: 400, description: "The Content-Length header is not a single valid length" }
    case "HPE_INVALID_TRANSFER_ENCODING":
    case "HPE_INVALID_CHUNK_SIZE":
    case "HPE_STRICT":
      return { status: 400, description: "The request body's framing (Transfer-Encoding, chunks) is not valid HTTP" }
    case "HPE_INVALID_METHOD":
    case "HPE_INVALID_URL":
    case "HPE_INVALID_VERSION":
    case "HPE_INVALID_CONSTANT":
      return { status: 400, description: "The request line is not valid HTTP" }
    case "HPE_INVALID_HEADER_TOKEN":
    case "HPE_LF_EXPECTED":
    case "HPE_CR_EXPECTED":
    case "HPE_UNEXPECTED_SPACE":
      return { status: 400, description: "A request header is not valid HTTP" }
    default:
      return { status: 400, description: "The request is not valid HTTP" }
  }
}

const bodyOf = (refusal: Refusal): string =>
  JSON.stringify({ error: "INVALID_REQUEST", error_description: refusal.description })

/**
 * The bytes of an answer to a refused request: a complete HTTP/1.1 response with the JSON error envelope, closing
 * the connection.
 *
 * @since 0.1.0
 * @category constructors
 */
export const answerOf = (refusal: Refusal): string => {
  const body = bodyOf(refusal)
  return [
    `HTTP/1.1 ${refusal.status} ${statusText[refusal.status] ?? "Bad Request"}`,
    "Content-Type: application/json; charset=utf-8",
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...(refusal.status === 405 ? [`Allow: ${allowed}`] : []),
    "Connection: close",
    "",
    body
  ].join("\r\n")
}

/** Answers a parsed request Node would refuse on its own, through its response, and closes the connection. */
const refuse = (response: Http.ServerResponse, refusal: Refusal): void => {
  const body = bodyOf(refusal)
  response.writeHead(refusal.status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    connection: "close"
  })
  response.end(body)
}

const missingHost = (request: Http.IncomingMessage): boolean =>
  request.httpVersionMajor === 1 && request.httpVersionMinor === 1 && request.headers.host === undefined

/**
 * Makes `server` answer with an error envelope what Node would refuse on its own (see the module's description): its
 * parser's errors, a request without `Host`, an unsupported `Expect`, and `CONNECT`.
 *
 * @since 0.1.0
 * @category utils
 */
export const answerClientErrors = <S extends Http.Server | Https.Server>(
  server: S,
  maxHeaderSize: number = defaultMaxHeaderSize
): S => {
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Stream.Duplex) => {
    // Node's own rule: answer only on a connection that can still carry one and carried nothing yet
    const written = (socket as Stream.Duplex & { readonly bytesWritten?: number }).bytesWritten ?? 0
    if (error.code === "ECONNRESET" || !socket.writable || written > 0) {
      socket.destroy()
      return
    }
    socket.end(answerOf(refusalOf(error.code, maxHeaderSize)))
  })
  server.on("checkExpectation", (_request: Http.IncomingMessage, response: Http.ServerResponse) =>
    refuse(response, refusals.expectation)
  )
  server.on("connect", (_request: Http.IncomingMessage, socket: Stream.Duplex) => {
    if (socket.writable) socket.end(answerOf(refusals.connect))
    else socket.destroy()
  })
  // Node's own Host check answers with an empty body; this one answers before any `request` listener runs.
  ;(server as { requireHostHeader?: boolean }).requireHostHeader = false
  const emit = server.emit as (this: S, event: string | symbol, ...args: Array<unknown>) => boolean
  server.emit = function (this: S, event: string | symbol, ...args: Array<unknown>): boolean {
    if (event === "request" && missingHost(args[0] as Http.IncomingMessage)) {
      refuse(args[1] as Http.ServerResponse, refusals.missingHost)
      return true
    }
    return emit.call(this, event, ...args)
  } as S["emit"]
  return server
}

/**
 * A `node:http` server (or `node:https` with `tls`) that answers what Node would refuse with an error envelope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Http.Server => {
  const maxHeaderSize = options.maxHeaderSize ?? defaultMaxHeaderSize
  const server =
    options.tls === undefined
      ? Http.createServer({ maxHeaderSize })
      : (Https.createServer({ cert: options.tls.cert, key: options.tls.key, maxHeaderSize }) as unknown as Http.Server)
  return answerClientErrors(server, maxHeaderSize)
}
