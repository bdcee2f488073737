/**
 * The error envelope `{ error, error_description }` and the catalog of documented error codes.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * `{ "error": "<CODE>", "error_description": "<text>" }`, sent with a 4xx/5xx status (and inside
 * `batch`'s `result_error`). Some servers leave `error_description` out.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ErrorEnvelope = Schema.Struct({
  error: Schema.String,
  error_description: Schema.optionalWith(Schema.String, { exact: true })
}).annotations({ identifier: "ErrorEnvelope" })

/**
 * @since 0.1.0
 * @category models
 */
export interface ErrorEnvelope extends Schema.Schema.Type<typeof ErrorEnvelope> {}

/**
 * When a failed call may be sent again:
 * - `safe`: refused before it ran (`QUERY_LIMIT_EXCEEDED`), retry after a back-off;
 * - `idempotent`: the server failed and may or may not have run the call; retry reads only;
 * - `after-reset`: the method's operating budget is spent; retry after `operating_reset_at`;
 * - `after-refresh`: the access token expired; retry with a renewed token;
 * - `never`: retrying cannot help.
 *
 * @since 0.1.0
 * @category models
 */
export type RetryPolicy = "safe" | "idempotent" | "after-reset" | "after-refresh" | "never"

/**
 * Where an error code comes from: REST system errors, method errors, or the OAuth server.
 *
 * @since 0.1.0
 * @category models
 */
export type ErrorSource = "system" | "method" | "oauth"

/**
 * One documented error code.
 *
 * @since 0.1.0
 * @category models
 */
export interface KnownError {
  readonly code: string
  readonly status: number
  readonly description: string
  readonly retry: RetryPolicy
  readonly source: ErrorSource
}

const entry = (
  code: string,
  status: number,
  description: string,
  retry: RetryPolicy,
  source: ErrorSource = "system"
): KnownError => ({ code, status, description, retry, source })

/**
 * Every documented error code with its HTTP status, text and retry policy. Sources: the REST system
 * errors table (`_includes/system-errors.md`), the method pages of `im.*` and their handlers in
 * `CIMRestService` (`im/classes/general/im_rest.php`; a code some handlers raise with another status or
 * text is listed once, with its most common ones), `api-reference/rest-v3.md`,
 * `api-reference/scopes/confirmation.md` and the OAuth pages (`settings/oauth/*`). Where the docs
 * disagree on a status, the one the method pages show wins (`INVALID_CREDENTIALS` is 401 there, 403 in
 * the system table).
 *
 * @since 0.1.0
 * @category catalog
 */
export const catalog: ReadonlyArray<KnownError> = [
  entry("INTERNAL_SERVER_ERROR", 500, "Internal server error", "idempotent"),
  entry("ERROR_UNEXPECTED_ANSWER", 500, "Server returned an unexpected response", "idempotent"),
  entry("QUERY_LIMIT_EXCEEDED", 503, "Too many requests", "safe"),
  entry("OPERATION_TIME_LIMIT", 429, "Method is blocked due to operation time limit", "after-reset"),
  entry("ERROR_BATCH_METHOD_NOT_ALLOWED", 405, "Method is not allowed for batch usage", "never"),
  entry("ERROR_BATCH_LENGTH_EXCEEDED", 400, "Max batch length exceeded", "never"),
  entry("NO_AUTH_FOUND", 401, "Wrong authorization data", "never"),
  entry("INVALID_REQUEST", 400, "Https required", "never"),
  entry("OVERLOAD_LIMIT", 503, "REST API is blocked due to overload", "never"),
  entry("ACCESS_DENIED", 403, "REST API is available only on commercial plans", "never"),
  entry("INVALID_CREDENTIALS", 401, "Invalid request credentials", "never"),
  entry("ERROR_MANIFEST_IS_NOT_AVAILABLE", 404, "Manifest is not available", "never"),
  entry(
    "insufficient_scope",
    403,
    "The request requires higher privileges than provided by the webhook token",
    "never"
  ),
  entry("expired_token", 401, "The access token provided has expired", "after-refresh"),
  entry("invalid_token", 401, "Token expired or invalid", "after-refresh"),
  entry("user_access_error", 403, "The user does not have access to the application", "never"),
  entry("PORTAL_DELETED", 500, "Portal was deleted", "never"),
  entry("ERROR_METHOD_NOT_FOUND", 404, "Method not found", "never"),
  entry("WRONG_AUTH_TYPE", 403, "Current authorization type is denied for this method", "never"),
  entry("METHOD_CONFIRM_WAITING", 401, "Waiting for confirmation", "never"),
  entry("METHOD_CONFIRM_DENIED", 403, "Method call denied", "never"),
  entry("DIALOG_ID_EMPTY", 400, "Dialog ID can't be empty", "never", "method"),
  entry("ACCESS_ERROR", 400, "You don't have permission to pin this chat", "never", "method"),
  entry("MESSAGE_ID_ERROR", 400, "Message ID can't be empty", "never", "method"),
  entry("CANT_EDIT_MESSAGE", 403, "Time has expired for modification or you don't have access", "never", "method"),
  entry("MESSAGE_EMPTY", 400, "Message can't be empty", "never", "method"),
  entry("ATTACH_ERROR", 400, "Incorrect attach params", "never", "method"),
  entry("CHAT_ID_EMPTY", 400, "Chat ID can't be empty", "never", "method"),
  entry("USER_ID_EMPTY", 400, "User ID can't be empty", "never", "method"),
  entry("USER_NOT_FOUND", 400, "User not found", "never", "method"),
  entry("PARAMS_ERROR", 400, "Incorrect params", "never", "method"),
  entry("INVALID_FORMAT", 400, "Parameter USERS has wrong type", "never", "method"),
  entry("WRONG_REQUEST", 400, "You don't have access or user isn't member in chat", "never", "method"),
  entry("invalid_request", 400, "The request is missing a required parameter", "never", "oauth"),
  entry("invalid_client", 401, "Invalid client credentials, or the application is not installed", "never", "oauth"),
  entry("invalid_grant", 400, "Invalid or expired refresh token", "never", "oauth"),
  entry("invalid_scope", 400, "The requested scope is invalid", "never", "oauth"),
  entry("PAYMENT_REQUIRED", 402, "Payment required", "never", "oauth")
]

const byCode = new Map(catalog.map((known) => [known.code, known]))
const byUpperCode = new Map(
  catalog.filter((known) => known.source !== "oauth").map((known) => [known.code.toUpperCase(), known])
)

/**
 * Looks a code up: the exact spelling first, then ignoring case (the portal sends some codes
 * upper-case and some lower-case). The OAuth server's lower-case `invalid_request` and the REST
 * `INVALID_REQUEST` are different errors, so only REST codes match case-insensitively.
 *
 * @since 0.1.0
 * @category catalog
 */
export const lookup = (code: string): KnownError | undefined => byCode.get(code) ?? byUpperCode.get(code.toUpperCase())

/**
 * Builds an envelope for a documented code with its documented text.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (code: string, description?: string): ErrorEnvelope => ({
  error: code,
  error_description: description ?? lookup(code)?.description ?? ""
})

/**
 * The retry policy of an error code: the catalog's for a documented code; for any other code by the HTTP status, as
 * the server's own failures go: `idempotent` for 5xx (the call may or may not have run), `never` otherwise.
 *
 * @since 0.1.0
 * @category catalog
 */
export const retryPolicyOf = (code: string, status?: number | undefined): RetryPolicy =>
  lookup(code)?.retry ?? (status !== undefined && status >= 500 ? "idempotent" : "never")

/**
 * Whether a policy lets the call be sent again at once or after its wait: always for `safe` and `after-reset`, for
 * `idempotent` only when running the call twice is harmless. (`after-refresh` needs a new token first.)
 *
 * @since 0.1.0
 * @category catalog
 */
export const allowsRetry = (policy: RetryPolicy, idempotent: boolean): boolean =>
  policy === "safe" || policy === "after-reset" || (policy === "idempotent" && idempotent)
