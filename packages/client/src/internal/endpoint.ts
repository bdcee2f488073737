import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import { InvalidEndpoint } from "../Bitrix24Error.js"
import { maskPatterns, REDACTED } from "./secrets.js"

/** A portal (or OAuth server) base URL: origin plus an optional path prefix, no trailing slash. */
export interface Base {
  readonly origin: string
  readonly base: string
}

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(["localhost", "[::1]", "::1"])

/** Loopback hosts may use plain http: `localhost`, `127.0.0.0/8` and `::1`. */
export const isLoopback = (hostname: string): boolean =>
  LOOPBACK_HOSTS.has(hostname.toLowerCase()) ||
  hostname.toLowerCase().endsWith(".localhost") ||
  /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)

const parseUrl = (input: string, what: string, display: string): Either.Either<URL, InvalidEndpoint> => {
  try {
    return Either.right(new URL(input))
  } catch {
    return Either.left(
      new InvalidEndpoint({ reason: "MalformedUrl", description: `${what} is not a valid URL: ${display}` })
    )
  }
}

const checkScheme = (url: URL, what: string, display: string): Either.Either<URL, InvalidEndpoint> => {
  if (url.protocol === "https:") return Either.right(url)
  if (url.protocol === "http:" && isLoopback(url.hostname)) return Either.right(url)
  return Either.left(
    new InvalidEndpoint({
      reason: url.protocol === "http:" ? "HttpsRequired" : "MalformedUrl",
      description:
        url.protocol === "http:"
          ? `${what} must use https (plain http is allowed for loopback hosts only): ${display}`
          : `${what} must be an https URL: ${display}`
    })
  )
}

const checkNoExtras = (url: URL, what: string, display: string): Either.Either<URL, InvalidEndpoint> =>
  url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== ""
    ? Either.left(
        new InvalidEndpoint({
          reason: "MalformedUrl",
          description: `${what} must not carry credentials, a query or a fragment: ${display}`
        })
      )
    : Either.right(url)

/** Parses a portal or OAuth server base URL (`https://portal.bitrix24.com`, a path prefix allowed). */
export const parseBase = (input: string | URL, what: string): Either.Either<Base, InvalidEndpoint> => {
  const text = typeof input === "string" ? input.trim() : input.toString()
  const display = maskPatterns(text)
  return parseUrl(text, what, display).pipe(
    Either.flatMap((url) => checkScheme(url, what, display)),
    Either.flatMap((url) => checkNoExtras(url, what, display)),
    Either.map((url) => {
      const path = url.pathname.replace(/\/+$/, "")
      return { origin: url.origin, base: `${url.origin}${path}` }
    })
  )
}

/** A parsed incoming-webhook URL. */
export interface Webhook extends Base {
  readonly userId: number
  readonly code: Redacted.Redacted<string>
}

const WEBHOOK = /^(.*)\/rest\/([1-9]\d*)\/([A-Za-z0-9_-]+)\/?$/

/**
 * Parses `https://<portal>/rest/<userId>/<code>/`. Every message it produces masks the code (and
 * it never echoes the input when the code cannot be located).
 */
export const parseWebhook = (input: Redacted.Redacted<string>): Either.Either<Webhook, InvalidEndpoint> => {
  const text = Redacted.value(input).trim()
  const malformed = (description: string) =>
    Either.left(new InvalidEndpoint({ reason: "MalformedWebhook", description }))
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return malformed(
      "The webhook URL is not a valid URL; expected https://<portal>/rest/<userId>/<code>/ (value not shown)"
    )
  }
  const match = WEBHOOK.exec(url.pathname)
  if (match === null) {
    return malformed(
      `The webhook URL must look like https://<portal>/rest/<userId>/<code>/; got a path with ${
        url.pathname.split("/").filter((s) => s !== "").length
      } segment(s) on ${url.origin} (value not shown)`
    )
  }
  const display = `${url.origin}${match[1]}/rest/${match[2]}/${REDACTED}/`
  return checkScheme(url, "The webhook URL", display).pipe(
    Either.flatMap((u) => checkNoExtras(u, "The webhook URL", display)),
    Either.map(() => ({
      origin: url.origin,
      base: `${url.origin}${match[1]}`,
      userId: Number(match[2]),
      code: Redacted.make(match[3])
    }))
  )
}

const METHOD = /^[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*$/

/** REST method names: dotted identifiers only (they become a path segment). */
export const isMethodName = (method: string): boolean => METHOD.test(method)
