/**
 * What a log line may show of a request: every secret masked (webhook codes, access and refresh tokens, client
 * secrets: the portal's own and whatever the request carried as one), and everything echoed from the request cut to a
 * bounded length, so a 20 KB path gives a short line.
 *
 * @internal
 */
import type * as PhpQuery from "../../PhpQuery.js"
import type { PortalState } from "../../PortalState.js"
import { applicationTokenOf } from "../state/identity.js"

/** How much of one echoed value (a method name, a path) a log line shows. @internal */
export const maxValue = 100

/** How long one note of a warning line may be. @internal */
export const maxNote = 300

/** How long a whole log message may be. @internal */
export const maxLine = 2000

const mask = "***"

/** `text` cut to `max` characters, saying how many were left out. @internal */
export const bounded = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max)}…(${text.length - max} more characters)`

/** Parameter names that carry a credential (`auth`, `access_token`, `ap` on REST calls; the token endpoint's). */
const secretNames = ["auth", "access_token", "refresh_token", "client_secret", "ap", "code", "password"]

const secretPairs = new RegExp(`\\b(${secretNames.join("|")})=([^&\\s"',;)]+)`, "gi")
const secretJson = new RegExp(`"(${secretNames.join("|")})"(\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, "gi")
const bearer = /\b(Bearer\s+)[^\s"',;]+/gi
/** The code of a webhook path, `/rest/{userId}/{code}`, as the router reads it. */
const webhookCode = /(\/rest\/+[^/?#\s]+\/+)[^/?#\s]+/gi

/** The strings worth masking among `values`: long enough to be a credential, longest first. */
const usable = (values: Iterable<string>): ReadonlyArray<string> =>
  [...new Set(values)].filter((value) => value.length >= 4).sort((a, b) => b.length - a.length)

const maskSorted = (text: string, secrets: ReadonlyArray<string>): string => {
  let masked = text
  for (const secret of secrets) masked = masked.split(secret).join(mask)
  return masked
    .replace(webhookCode, `$1${mask}`)
    .replace(secretPairs, `$1=${mask}`)
    .replace(secretJson, `"$1"$2"${mask}"`)
    .replace(bearer, `$1${mask}`)
}

/**
 * Masks secrets in `text`: the values of credential parameters (`auth=…`, `"access_token": "…"`, `Bearer …`), the code
 * of any webhook path, and every one of `secrets` wherever it appears. @internal
 */
export const maskSecrets = (text: string, secrets: Iterable<string> = []): string => maskSorted(text, usable(secrets))

/**
 * At most `max` characters of `text`, secrets masked, saying how many were left out. Masking comes first, over
 * enough of the text that a secret starting within the first `max` characters is masked whole: no part of one
 * survives at the cut, and a long text costs no more than a short one. @internal
 */
export const excerpt = (text: string, max: number, secrets: Iterable<string> = []): string => {
  const sorted = usable(secrets)
  const head = text.slice(0, max + (sorted[0]?.length ?? 0) + 64)
  const masked = maskSorted(head, sorted)
  const left = masked.length - Math.min(max, masked.length) + (text.length - head.length)
  return left === 0 ? masked : `${masked.slice(0, max)}…(${left} more characters)`
}

/** A log message: secrets masked, at most {@link maxLine} characters. @internal */
export const line = (text: string, secrets: Iterable<string> = []): string => excerpt(text, maxLine, secrets)

/**
 * A request's method and target as a log line shows it: the path only (a query string is reduced to `?…`), a
 * webhook's code masked, cut to a bounded length. @internal
 */
export const target = (httpMethod: string, url: string, secrets: Iterable<string> = []): string => {
  const end = url.search(/[?#]/)
  const path = end === -1 ? url : url.slice(0, end)
  return `${bounded(httpMethod, 16)} ${excerpt(path, maxValue * 3, secrets)}${end === -1 ? "" : "?…"}`
}

const decoded = (text: string): string => {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/**
 * The credentials a request URL carries: a webhook path's code (`/rest/{userId}/{code}…`), raw and decoded, and the
 * values of credential parameters in the query string. @internal
 */
export const urlSecrets = (url: string): ReadonlyArray<string> => {
  const found: Array<string> = []
  const end = url.search(/[?#]/)
  const parts = (end === -1 ? url : url.slice(0, end)).split("/").filter((part) => part !== "")
  if (parts[0] === "rest" && parts.length >= 3) found.push(parts[2], decoded(parts[2]))
  if (end !== -1 && url[end] === "?") {
    for (const [key, value] of new URLSearchParams(url.slice(end + 1).replace(/#.*$/, ""))) {
      if (secretNames.includes(key.replace(/\[.*$/, "").toLowerCase())) found.push(value)
    }
  }
  return found
}

/**
 * The credentials of a portal state: webhook codes, client secrets and application tokens, access and refresh
 * tokens. @internal
 */
export const stateSecrets = (state: PortalState, retired: Iterable<string> = []): ReadonlyArray<string> => [
  ...state.webhooks.map((hook) => hook.code),
  ...state.oauthApps.flatMap((app) => [app.clientSecret, applicationTokenOf(app)]),
  ...state.oauthTokens.flatMap((pair) => [pair.accessToken, pair.refreshToken]),
  ...retired
]

/** The values of a request's credential parameters (`auth`, `access_token`, `ap`, …), at any depth. @internal */
export const paramSecrets = (params: PhpQuery.Params): ReadonlyArray<string> => {
  const found: Array<string> = []
  const names = new Set(secretNames)
  const visit = (value: unknown, secret: boolean, depth: number) => {
    if (depth > 4) return
    if (typeof value === "string") {
      if (secret) found.push(value)
    } else if (value !== null && typeof value === "object") {
      for (const [key, child] of Object.entries(value)) visit(child, secret || names.has(key.toLowerCase()), depth + 1)
    }
  }
  visit(params, false, 0)
  return found
}
