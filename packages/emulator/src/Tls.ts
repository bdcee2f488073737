/**
 * A throw-away certificate authority and a server certificate signed by it, for serving the emulator over HTTPS
 * on the loopback interface. Clients trust the authority's certificate (`ca`), e.g. with `NODE_EXTRA_CA_CERTS`
 * or `https.request({ ca })`; nothing is installed system-wide. Keys are ECDSA P-256, signatures SHA-256.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

/**
 * PEM texts: the server's certificate and private key, and the authority's certificate clients trust.
 *
 * @since 0.1.0
 * @category models
 */
export interface Certificate {
  readonly cert: string
  readonly key: string
  readonly ca: string
}

/**
 * The certificate could not be generated.
 *
 * @since 0.1.0
 * @category errors
 */
export class TlsError extends Schema.TaggedError<TlsError>("@im-recent/emulator/TlsError")("TlsError", {
  message: Schema.String
}) {}

/**
 * Names the server certificate is valid for: `localhost`, `127.0.0.1` and `::1`.
 *
 * @since 0.1.0
 * @category constants
 */
export const loopbackNames: ReadonlyArray<string> = ["localhost", "127.0.0.1", "::1"]

const DAY = 86_400_000
const IP = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:]*)$/i

/**
 * Generates an authority and a server certificate for `names` (DNS names or IP addresses), valid from a day ago
 * for `days` days (wall-clock time: TLS peers check it against their own clocks).
 *
 * @since 0.1.0
 * @category constructors
 */
export const selfSigned = (
  options: { readonly names?: ReadonlyArray<string> | undefined; readonly days?: number | undefined } = {}
): Effect.Effect<Certificate, TlsError> =>
  Effect.tryPromise({
    try: async () => {
      // Loaded on demand: the certificate library is most of what the emulator would otherwise load at start.
      const { generate } = (await import("selfsigned")).default
      const names = options.names ?? loopbackNames
      const now = Date.now()
      const validity = {
        keyType: "ec" as const,
        curve: "P-256" as const,
        algorithm: "sha256",
        notBeforeDate: new Date(now - DAY),
        notAfterDate: new Date(now + (options.days ?? 365) * DAY)
      }
      const authority = await generate([{ name: "commonName", value: "im-recent emulator local CA" }], {
        ...validity,
        extensions: [
          { name: "basicConstraints", cA: true, critical: true },
          { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }
        ]
      })
      const server = await generate([{ name: "commonName", value: names[0] ?? "localhost" }], {
        ...validity,
        ca: { key: authority.private, cert: authority.cert },
        extensions: [
          { name: "basicConstraints", cA: false },
          { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
          { name: "extKeyUsage", serverAuth: true },
          {
            name: "subjectAltName",
            altNames: names.map((name) =>
              IP.test(name) ? { type: 7 as const, ip: name } : { type: 2 as const, value: name }
            )
          }
        ]
      })
      return { cert: server.cert, key: server.private, ca: authority.cert }
    },
    catch: (cause) => new TlsError({ message: `Could not generate a certificate: ${String(cause)}` })
  })
