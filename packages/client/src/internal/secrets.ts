import * as Redacted from "effect/Redacted"

/** What replaces a secret in any text the client produces. */
export const REDACTED = "<redacted>"

/** Keys whose values are secrets wherever they show up (JSON bodies, form bodies, query strings). */
const SECRET_KEYS =
  /(["']?\b(?:auth|access_token|refresh_token|client_secret|password|token)\b["']?\s*[:=]\s*["']?)([^"'&\s,;}<]*)/gi

/** A webhook path `/rest/<userId>/<code>/`: the code is the secret. */
const WEBHOOK_PATH = /(\/rest\/\d+\/)([^/\s"'?#<>]+)/g

/**
 * Removes secrets from a text: every known secret value, the values of secret-looking keys and the
 * code of a webhook path.
 */
export type Masker = (text: string) => string

/** Builds a masker for the given secrets (values shorter than 4 characters are ignored). */
export const makeMasker =
  (secrets: () => Iterable<Redacted.Redacted<string> | string>): Masker =>
  (text) => {
    let out = text
    for (const secret of secrets()) {
      const value = Redacted.isRedacted(secret) ? Redacted.value(secret) : secret
      if (value.length >= 4) out = out.split(value).join(REDACTED)
    }
    return out.replace(SECRET_KEYS, `$1${REDACTED}`).replace(WEBHOOK_PATH, `$1${REDACTED}`)
  }

/** A masker that knows no secret values, only the key and path patterns. */
export const maskPatterns: Masker = makeMasker(() => [])

/** The first `max` characters of a text with whitespace runs collapsed, masked. */
export const snippet = (text: string, mask: Masker, max = 200): string => {
  const collapsed = text.replace(/\s+/g, " ").trim()
  // mask before cutting so a secret cannot survive half-cut, then cut again after masking
  const masked = mask(collapsed.length > max * 4 ? collapsed.slice(0, max * 4) : collapsed)
  return masked.length > max ? `${masked.slice(0, max)}…` : masked
}
