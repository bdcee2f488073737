/**
 * What a command can fail with, each error carrying the one line printed on stderr.
 *
 * - `UsageError`: flags or environment variables that cannot be used (exit status 2);
 * - `PortalError`: the portal could not be reached, refused the credentials, or answered with an error (exit
 *   status 1);
 * - `DatabaseError`: the database of `im-recent mirror` cannot be opened or written (exit status 1).
 *
 * Neither ever holds a secret: messages are built from the client's errors, which mask webhook codes and tokens,
 * and from the names (never the values) of environment variables.
 *
 * @since 0.1.0
 */
import type { Bitrix24Error } from "@im-recent/client"
import type * as ConfigError from "effect/ConfigError"
import * as Schema from "effect/Schema"

/**
 * A flag or environment value the command cannot use; `message` is the one line printed on stderr.
 *
 * @since 0.1.0
 * @category errors
 */
export class UsageError extends Schema.TaggedError<UsageError>("@im-recent/cli/UsageError")("UsageError", {
  message: Schema.String
}) {}

/**
 * Talking to the portal failed; `message` is the one line printed on stderr.
 *
 * @since 0.1.0
 * @category errors
 */
export class PortalError extends Schema.TaggedError<PortalError>("@im-recent/cli/PortalError")("PortalError", {
  message: Schema.String
}) {}

/**
 * The database (`im-recent mirror --db`) cannot be used; `message` is the one line printed on stderr, the URL in it
 * with its password masked.
 *
 * @since 0.1.0
 * @category errors
 */
export class DatabaseError extends Schema.TaggedError<DatabaseError>("@im-recent/cli/DatabaseError")("DatabaseError", {
  message: Schema.String
}) {}

/**
 * A usage error with this message.
 *
 * @since 0.1.0
 * @category constructors
 */
export const usage = (message: string): UsageError => new UsageError({ message })

/**
 * The line for a failed call to `portal` (its base URL, no secret in it); `credentials` names what to check when the
 * portal refuses the caller (`BITRIX24_WEBHOOK_URL`, …); `unrenewable`, when set, says why an expired OAuth access
 * token was not renewed.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromBitrix24Error = (
  error: Bitrix24Error.Bitrix24Error,
  where: { readonly portal: string; readonly credentials: string; readonly unrenewable?: string | undefined }
): PortalError => {
  switch (error._tag) {
    case "NetworkError":
    case "Timeout":
      return new PortalError({ message: `cannot reach the portal at ${where.portal}: ${error.message}` })
    case "AuthError":
      if (
        where.unrenewable !== undefined &&
        error.credential === "oauth" &&
        (error.reason === "expired_token" || error.reason === "invalid_token")
      ) {
        return new PortalError({
          message: `the portal at ${where.portal} says the OAuth access token ${error.reason === "expired_token" ? "expired" : "is invalid"}, and it was not renewed: ${where.unrenewable}`
        })
      }
      return new PortalError({
        message: `the portal at ${where.portal} refused the credentials: ${error.message}; check ${where.credentials}`
      })
    case "OAuthError":
      return new PortalError({
        message: `the portal at ${where.portal} refused the credentials: ${error.message}; check ${where.credentials}`
      })
    case "PortalMoved":
      return new PortalError({
        message: `the portal at ${where.portal} moved to ${error.location}: ${error.message}; update ${where.credentials}`
      })
    default:
      return new PortalError({ message: `the portal at ${where.portal} answered with an error: ${error.message}` })
  }
}

type Leaf = Exclude<ConfigError.ConfigError, ConfigError.And | ConfigError.Or>

const leaves = (error: ConfigError.ConfigError): ReadonlyArray<Leaf> => {
  switch (error._op) {
    case "And":
    case "Or":
      return [...leaves(error.left), ...leaves(error.right)]
    default:
      return [error]
  }
}

/**
 * The line for a portal configuration that cannot be used: the missing variables by name, and what is wrong with
 * the others (values are never shown).
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromConfigError = (error: ConfigError.ConfigError): UsageError => {
  const all = leaves(error)
  const invalid = all.flatMap((leaf) => (leaf._op === "InvalidData" ? [`${leaf.path.join(".")}: ${leaf.message}`] : []))
  const missing = all.flatMap((leaf) => (leaf._op === "MissingData" ? [leaf.path.join(".")] : []))
  if (invalid.length > 0) return usage(`the portal configuration cannot be used: ${invalid.join("; ")}`)
  const oauthMissing = missing.filter((name) => name !== "BITRIX24_WEBHOOK_URL")
  if (oauthMissing.length > 0) {
    return usage(
      `the portal configuration is incomplete: ${oauthMissing.join(", ")} ${oauthMissing.length === 1 ? "is" : "are"} not set ` +
        "(set BITRIX24_WEBHOOK_URL for a webhook, or all of BITRIX24_PORTAL_URL, BITRIX24_CLIENT_ID, " +
        "BITRIX24_CLIENT_SECRET, BITRIX24_ACCESS_TOKEN and BITRIX24_REFRESH_TOKEN for OAuth)"
    )
  }
  return usage(
    `the portal configuration cannot be used: ${all.map((leaf) => `${leaf.path.join(".")}: ${leaf.message}`).join("; ")}`
  )
}
