/**
 * Everything a Bitrix24 call can fail with, as `Schema.TaggedError` classes.
 *
 * The `{ error, error_description }` envelope is decoded first and mapped by its code, whatever the
 * HTTP status: one class per documented group of system errors (`QueryLimitExceeded`,
 * `OperationTimeLimit`, `Overloaded`, `AuthError`, `OAuthError`, `MethodNotFound`, `ServerError`,
 * `PortalDeleted`, `InvalidRequest`, `BatchError`), `MethodError` for the method-specific codes and
 * `UnknownApiError` for everything else (the code kept verbatim). Transport problems are
 * `NetworkError`, `Timeout`, `InvalidResponseBody` (HTML pages, truncated JSON) and `DecodeError` (a
 * 200 body of the wrong shape); `PortalMoved` is a redirect to another host, which the client does
 * not follow; `InvalidParams` is a call the client refused to send.
 *
 * Every call error carries the REST `method`, the HTTP `status` (when a response arrived), the
 * `requestId` sent as `X-Request-Id`, a readable `message`, and says whether sending it again can
 * help (`retryPolicy`, `retryable`), mirroring the domain's error catalog. No secret is ever part of
 * an error: webhook codes and tokens are masked out of every text kept here.
 *
 * @since 0.1.0
 */
import { ErrorEnvelope } from "@im-recent/domain"
import type * as DateTime from "effect/DateTime"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"

/**
 * When a failed call may be sent again (the domain catalog's policy):
 * `safe` (refused before running), `idempotent` (may have run; retry reads and idempotent writes),
 * `after-reset` (the method's operating budget is spent), `after-refresh` (renew the token first),
 * `never`.
 *
 * @since 0.1.0
 * @category models
 */
export type RetryPolicy = ErrorEnvelope.RetryPolicy

const callContext = {
  /** The REST method (`im.recent.get`), or `oauth.token` for the token refresh. */
  method: Schema.String,
  /** The id sent as `X-Request-Id`. */
  requestId: Schema.String,
  /** The HTTP status, when a response arrived. */
  status: Schema.optional(Schema.Int)
}

const apiFields = {
  ...callContext,
  /** The code exactly as the server sent it. */
  code: Schema.String,
  /** `error_description` as the server sent it (secrets masked), `""` when missing. */
  description: Schema.String
}

interface Context {
  readonly method: string
  readonly requestId: string
  readonly status?: number | undefined
}

const where = (self: Context): string =>
  ` [method ${self.method}${self.status === undefined ? "" : `, HTTP ${self.status}`}, request ${self.requestId}]`

const said = (self: { readonly code: string; readonly description: string }): string =>
  self.description === "" ? self.code : `${self.code} (${self.description})`

const retryableBy = (policy: RetryPolicy): boolean => ErrorEnvelope.allowsRetry(policy, true)

/**
 * `QUERY_LIMIT_EXCEEDED` (HTTP 503): the portal's request-rate bucket was full. The server refused the
 * call before running it, so it is always safe to send again after a back-off.
 *
 * @since 0.1.0
 * @category errors
 */
export class QueryLimitExceeded extends Schema.TaggedError<QueryLimitExceeded>(
  "@im-recent/client/Bitrix24Error/QueryLimitExceeded"
)("QueryLimitExceeded", apiFields) {
  /**
   * @since 0.1.0
   */
  get retryPolicy(): RetryPolicy {
    return "safe"
  }
  /**
   * @since 0.1.0
   */
  get retryable(): boolean {
    return true
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${said(this)}: the portal's request-rate limit was exceeded; the call did not run and is retried after a back-off${where(this)}`
  }
}

/**
 * `OPERATION_TIME_LIMIT` (HTTP 429): the method's accumulated execution time over the last ten minutes
 * is over the budget. `resetAt` is when the oldest minute bucket expires (from the last successful
 * response of that method, when known); the method is available again after it.
 *
 * @since 0.1.0
 * @category errors
 */
export class OperationTimeLimit extends Schema.TaggedError<OperationTimeLimit>(
  "@im-recent/client/Bitrix24Error/OperationTimeLimit"
)("OperationTimeLimit", { ...apiFields, resetAt: Schema.optional(Schema.DateTimeUtc) }) {
  /**
   * @since 0.1.0
   */
  get retryPolicy(): RetryPolicy {
    return "after-reset"
  }
  /**
   * @since 0.1.0
   */
  get retryable(): boolean {
    return true
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    const reset: DateTime.Utc | undefined = this.resetAt
    return `${said(this)}: the method's operating-time budget is spent; it is available again ${
      reset === undefined ? "after an unknown delay (at most 10 minutes)" : `at ${reset.toJSON()}`
    }${where(this)}`
  }
}

/**
 * `OVERLOAD_LIMIT` (HTTP 503): a manual block of the REST API by Bitrix24 support. Never retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class Overloaded extends Schema.TaggedError<Overloaded>("@im-recent/client/Bitrix24Error/Overloaded")(
  "Overloaded",
  apiFields
) {
  /**
   * @since 0.1.0
   */
  get retryPolicy(): RetryPolicy {
    return "never"
  }
  /**
   * @since 0.1.0
   */
  get retryable(): boolean {
    return false
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${said(this)}: the REST API is blocked for this portal by Bitrix24 support (a manual block; retrying cannot lift it)${where(this)}`
  }
}

/**
 * The reasons of {@link AuthError}: the REST system errors about who is calling.
 *
 * @since 0.1.0
 * @category models
 */
export const AuthReason = Schema.Literal(
  "INVALID_CREDENTIALS",
  "NO_AUTH_FOUND",
  "expired_token",
  "invalid_token",
  "insufficient_scope",
  "user_access_error",
  "WRONG_AUTH_TYPE",
  "METHOD_CONFIRM_WAITING",
  "METHOD_CONFIRM_DENIED",
  "ACCESS_DENIED",
  "authorization_error"
)

/**
 * @since 0.1.0
 * @category models
 */
export type AuthReason = typeof AuthReason.Type

const authHints: Record<AuthReason, string> = {
  INVALID_CREDENTIALS:
    "the webhook code or token was refused (wrong, revoked or expired), or its user lacks the rights for this call",
  NO_AUTH_FOUND: "wrong access token or webhook code",
  expired_token: "the access token expired and could not be renewed",
  invalid_token: "the access token was refused and could not be renewed",
  insufficient_scope: "the webhook or application lacks the scope this method needs (im)",
  user_access_error: "the application is installed, but this user may not use it",
  WRONG_AUTH_TYPE: "this method is not available with this kind of authorization",
  METHOD_CONFIRM_WAITING: "the method waits for an administrator's confirmation",
  METHOD_CONFIRM_DENIED: "an administrator denied this method",
  ACCESS_DENIED: "the REST API is available on commercial plans only",
  authorization_error: "the user behind the webhook or token cannot be signed in (dismissed or blocked)"
}

/**
 * How the refused call was authorized, when known: an incoming webhook or an OAuth access token.
 *
 * @since 0.1.0
 * @category models
 */
export const CredentialKind = Schema.Literal("webhook", "oauth")

/**
 * @since 0.1.0
 * @category models
 */
export type CredentialKind = typeof CredentialKind.Type

/** What a token error means to a webhook: there is no token to renew. */
const webhookTokenHint =
  "but this call used an incoming webhook, which has no access token to renew: check that the webhook still exists and is active on the portal (not deleted or edited, its user still employed), or create a new one"

/**
 * The portal refused the caller: bad or expired credentials, missing scope or rights, a method that
 * needs confirmation, or a plan without REST. `reason` is the documented code; `code` keeps the
 * server's spelling; `credential` says whether a webhook or an OAuth token was refused. Only
 * `expired_token`/`invalid_token` on an OAuth token are recoverable, by the OAuth layer's automatic
 * renewal; reaching the caller they are final.
 *
 * @since 0.1.0
 * @category errors
 */
export class AuthError extends Schema.TaggedError<AuthError>("@im-recent/client/Bitrix24Error/AuthError")("AuthError", {
  ...apiFields,
  reason: AuthReason,
  credential: Schema.optional(CredentialKind)
}) {
  /**
   * @since 0.1.0
   */
  get retryPolicy(): RetryPolicy {
    return (this.reason === "expired_token" || this.reason === "invalid_token") && this.credential !== "webhook"
      ? "after-refresh"
      : "never"
  }
  /**
   * @since 0.1.0
   */
  get retryable(): boolean {
    return false
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    const hint =
      this.credential === "webhook" && this.reason === "expired_token"
        ? `the portal says an access token expired, ${webhookTokenHint}`
        : this.credential === "webhook" && this.reason === "invalid_token"
          ? `the portal says an access token is invalid, ${webhookTokenHint}`
          : authHints[this.reason]
    return `${said(this)}: ${hint}${where(this)}`
  }
}

/**
 * The reasons of {@link OAuthError}: the OAuth server's error codes.
 *
 * @since 0.1.0
 * @category models
 */
export const OAuthReason = Schema.Literal(
  "invalid_grant",
  "invalid_client",
  "invalid_request",
  "invalid_scope",
  "insufficient_scope",
  "PAYMENT_REQUIRED"
)

/**
 * @since 0.1.0
 * @category models
 */
export type OAuthReason = typeof OAuthReason.Type

const oauthHints: Record<OAuthReason, string> = {
  invalid_grant: "the refresh token is expired, revoked or already used; authorize the application again",
  invalid_client: "wrong client id or secret, or the application is not installed on the portal",
  invalid_request: "the token request was malformed",
  invalid_scope: "the requested scope is invalid",
  insufficient_scope: "the application lacks the requested scope",
  PAYMENT_REQUIRED: "the application's subscription is not paid"
}

/**
 * The OAuth server refused to renew the tokens. Terminal: the call fails at once and no further
 * refresh is attempted with the refused refresh token.
 *
 * @since 0.1.0
 * @category errors
 */
export class OAuthError extends Schema.TaggedError<OAuthError>("@im-recent/client/Bitrix24Error/OAuthError")(
  "OAuthError",
  { ...apiFields, reason: OAuthReason }
) {
  /**
   * @since 0.1.0
   */
  get retryPolicy(): RetryPolicy {
    return "never"
  }
  /**
   * @since 0.1.0
   */
  get retryable(): boolean {
    return false
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `OAuth token renewal failed with ${said(this)}: ${oauthHints[this.reason]}${where(this)}`
  }
}

/**
 * `ERROR_METHOD_NOT_FOUND` / `ERROR_MANIFEST_IS_NOT_AVAILABLE` (HTTP 404): no such method here (a
 * REST-3-only method called on the v2 path, a module that is not installed, a typo).
 *
 * @since 0.1.0
 * @category errors
 */
export class MethodNotFound extends Schema.TaggedError<MethodNotFound>(
  "@im-recent/client/Bitrix24Error/MethodNotFound"
)("MethodNotFound", apiFields) {
  /**
   * @since 0.1.0
   */
  get retryPolicy(): RetryPolicy {
    return "never"
  }
  /**
   * @since 0.1.0
   */
  get retryable(): boolean {
    return false
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${said(this)}: the portal does not offer this method${where(this)}`
  }
}

/**
 * `INTERNAL_SERVER_ERROR` / `ERROR_UNEXPECTED_ANSWER` (HTTP 500): the call may or may not have run;
 * idempotent calls are retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class ServerError extends Schema.TaggedError<ServerError>("@im-recent/client/Bitrix24Error/ServerError")(
  "ServerError",
  apiFields
) {
  /**
   * @since 0.1.0
   */
  get retryPolicy(): RetryPolicy {
    return "idempotent"
  }
  /**
   * @since 0.1.0
   */
  get retryable(): boolean {
    return true
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${said(this)}: the portal failed while handling the call${where(this)}`
  }
}

/**
 * `PORTAL_DELETED` (HTTP 500): the portal is gone, or (on-premise) its public part is closed.
 *
 * @since 0.1.0
 * @category errors
 */
export class PortalDeleted extends Schema.TaggedError<PortalDeleted>("@im-recent/client/Bitrix24Error/PortalDeleted")(
  "PortalDeleted",
  apiFields
) {
  /**
   * @since 0.1.0
   */
  get retryPolicy(): RetryPolicy {
    return "never"
  }
  /**
   * @since 0.1.0
   */
  get retryable(): boolean {
    return false
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${said(this)}: the portal was deleted or its public part is closed${where(this)}`
  }
}

/**
 * `INVALID_REQUEST` (HTTP 400, "Https required"): the portal refused a plain-http call.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidRequest extends Schema.TaggedError<InvalidRequest>(
  "@im-recent/client/Bitrix24Error/InvalidRequest"
)("InvalidRequest", apiFields) {
  /**
   * @since 0.1.0
   */
  get retryPolicy(): RetryPolicy {
    return "never"
  }
  /**
   * @since 0.1.0
   */
  get retryable(): boolean {
    return false
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${said(this)}: the portal requires https${where(this)}`
  }
}

/**
 * `ERROR_BATCH_METHOD_NOT_ALLOWED` (405) / `ERROR_BATCH_LENGTH_EXCEEDED` (400): a `batch` the portal
 * refuses (a method not allowed inside batch, more than 50 commands).
 *
 * @since 0.1.0
 * @category errors
 */
export class BatchError extends Schema.TaggedError<BatchError>("@im-recent/client/Bitrix24Error/BatchError")(
  "BatchError",
  apiFields
) {
  /**
   * @since 0.1.0
   */
  get retryPolicy(): RetryPolicy {
    return "never"
  }
  /**
   * @since 0.1.0
   */
  get retryable(): boolean {
    return false
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${said(this)}: the portal refused the batch${where(this)}`
  }
}

/**
 * A documented method-specific error, such as `DIALOG_ID_EMPTY` or `ACCESS_ERROR` of `im.recent.pin`.
 *
 * @since 0.1.0
 * @category errors
 */
export class MethodError extends Schema.TaggedError<MethodError>("@im-recent/client/Bitrix24Error/MethodError")(
  "MethodError",
  apiFields
) {
  /**
   * @since 0.1.0
   */
  get retryPolicy(): RetryPolicy {
    return "never"
  }
  /**
   * @since 0.1.0
   */
  get retryable(): boolean {
    return false
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${said(this)}${where(this)}`
  }
}

/**
 * An error code the client does not know, kept verbatim with its status and description. Retried
 * (for idempotent calls) only when the status is 5xx.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnknownApiError extends Schema.TaggedError<UnknownApiError>(
  "@im-recent/client/Bitrix24Error/UnknownApiError"
)("UnknownApiError", apiFields) {
  /**
   * @since 0.1.0
   */
  get retryPolicy(): RetryPolicy {
    return ErrorEnvelope.retryPolicyOf(this.code, this.status)
  }
  /**
   * @since 0.1.0
   */
  get retryable(): boolean {
    return retryableBy(this.retryPolicy)
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${said(this)}: an error code this client does not know${where(this)}`
  }
}

/**
 * The portal answered with a redirect to another host (scheme, host or port). Bitrix24 answers `302`
 * this way when a portal's address changes (a renamed cloud portal, a new domain). The client does not
 * follow it: the webhook code (in the path) or the OAuth token (in the body) would go along to a host
 * it was not configured for. `location` is the new origin only (`https://new-name.bitrix24.com`), never
 * a path: point the webhook URL or portal URL at it.
 *
 * @since 0.1.0
 * @category errors
 */
export class PortalMoved extends Schema.TaggedError<PortalMoved>("@im-recent/client/Bitrix24Error/PortalMoved")(
  "PortalMoved",
  { ...callContext, location: Schema.String }
) {
  /**
   * @since 0.1.0
   */
  get retryPolicy(): RetryPolicy {
    return "never"
  }
  /**
   * @since 0.1.0
   */
  get retryable(): boolean {
    return false
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `The portal redirected the call to another host, ${this.location}: Bitrix24 does this when a portal's address changes. The call was not sent there (the webhook code or token would go with it); point the webhook URL or portal URL at the new address${where(this)}`
  }
}

/**
 * The request or the response body could not travel (connection refused or reset, DNS, TLS). The
 * call may have run; idempotent calls are retried, except when no retry can help: the host name does
 * not resolve (`ENOTFOUND`), or a loopback host refused the connection (`ECONNREFUSED`: nothing
 * listens on that port of this machine).
 *
 * @since 0.1.0
 * @category errors
 */
export class NetworkError extends Schema.TaggedError<NetworkError>("@im-recent/client/Bitrix24Error/NetworkError")(
  "NetworkError",
  {
    ...callContext,
    description: Schema.String,
    /** The system error code, when the platform gave one: `ECONNREFUSED`, `ENOTFOUND`, `ECONNRESET`, … */
    code: Schema.optional(Schema.String),
    /** Whether the request went to a loopback host (`localhost`, `127.0.0.0/8`, `::1`). */
    loopback: Schema.optional(Schema.Boolean)
  }
) {
  /**
   * Why retrying cannot help, when it cannot.
   *
   * @since 0.1.0
   */
  get hopeless(): string | undefined {
    if (this.code === "ENOTFOUND") return "the host name does not resolve"
    if (this.code === "ECONNREFUSED" && this.loopback === true) return "nothing listens on that port of this machine"
    return undefined
  }
  /**
   * @since 0.1.0
   */
  get retryPolicy(): RetryPolicy {
    return this.hopeless === undefined ? "idempotent" : "never"
  }
  /**
   * @since 0.1.0
   */
  get retryable(): boolean {
    return this.hopeless === undefined
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    const hopeless = this.hopeless
    return `Network error: ${this.description}${hopeless === undefined ? "" : ` (${hopeless}: not retried)`}${where(this)}`
  }
}

/**
 * No complete response within the per-request timeout (60 s by default, the server's own cap). The
 * request was interrupted; idempotent calls are retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class Timeout extends Schema.TaggedError<Timeout>("@im-recent/client/Bitrix24Error/Timeout")("Timeout", {
  ...callContext,
  timeoutMillis: Schema.Number
}) {
  /**
   * @since 0.1.0
   */
  get retryPolicy(): RetryPolicy {
    return "idempotent"
  }
  /**
   * @since 0.1.0
   */
  get retryable(): boolean {
    return true
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `No response within ${this.timeoutMillis} ms; the request was cancelled${where(this)}`
  }
}

/**
 * Why a body was unusable: an HTML page (proxies, maintenance pages), text that is not JSON (or
 * truncated JSON), an empty body, JSON that is neither a result nor an error envelope, or a redirect
 * within the portal that cannot be followed (no usable `Location`, or more than 5 in a row).
 *
 * @since 0.1.0
 * @category models
 */
export const InvalidBodyReason = Schema.Literal("Html", "NotJson", "Empty", "UnexpectedJson", "Redirect")

/**
 * The response body was not a Bitrix24 answer: `snippet` keeps its first characters (secrets
 * masked). Retried for idempotent calls when the status is 5xx or 429 (proxies and gateways) or 2xx
 * (a body cut in transit).
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidResponseBody extends Schema.TaggedError<InvalidResponseBody>(
  "@im-recent/client/Bitrix24Error/InvalidResponseBody"
)("InvalidResponseBody", {
  ...callContext,
  reason: InvalidBodyReason,
  contentType: Schema.optional(Schema.String),
  snippet: Schema.String
}) {
  /**
   * @since 0.1.0
   */
  get retryPolicy(): RetryPolicy {
    const status = this.status
    return status === undefined || status >= 500 || status === 429 || (status >= 200 && status < 300)
      ? "idempotent"
      : "never"
  }
  /**
   * @since 0.1.0
   */
  get retryable(): boolean {
    return retryableBy(this.retryPolicy)
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    if (this.reason === "Redirect") {
      return `The server answered with a redirect the client cannot follow (${
        this.snippet === "" ? "no usable Location" : this.snippet
      })${where(this)}`
    }
    const what =
      this.reason === "Html"
        ? "an HTML page"
        : this.reason === "Empty"
          ? "an empty body"
          : this.reason === "NotJson"
            ? "a body that is not valid JSON"
            : "JSON that is neither a result nor an error envelope"
    return `The server answered with ${what}${this.contentType === undefined ? "" : ` (${this.contentType})`}: ${
      this.snippet === "" ? "<empty>" : JSON.stringify(this.snippet)
    }${where(this)}`
  }
}

/**
 * One schema issue: where (`result[0].message.date`), what was expected, and the offending value
 * (JSON, shortened, secrets masked).
 *
 * @since 0.1.0
 * @category models
 */
export const Issue = Schema.Struct({
  path: Schema.String,
  message: Schema.String,
  actual: Schema.optional(Schema.String)
}).annotations({ identifier: "Issue" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Issue extends Schema.Schema.Type<typeof Issue> {}

const renderIssues = (issues: ReadonlyArray<Issue>): string =>
  issues
    .slice(0, 5)
    .map((issue) => `${issue.path === "" ? "<root>" : issue.path}: ${issue.message}`)
    .join("; ") + (issues.length > 5 ? `; and ${issues.length - 5} more` : "")

/**
 * A successful response whose body does not match the expected schema.
 *
 * @since 0.1.0
 * @category errors
 */
export class DecodeError extends Schema.TaggedError<DecodeError>("@im-recent/client/Bitrix24Error/DecodeError")(
  "DecodeError",
  { ...callContext, issues: Schema.Array(Issue) }
) {
  /**
   * @since 0.1.0
   */
  get retryPolicy(): RetryPolicy {
    return "never"
  }
  /**
   * @since 0.1.0
   */
  get retryable(): boolean {
    return false
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `The response does not match the expected shape: ${renderIssues(this.issues)}${where(this)}`
  }
}

/**
 * The client refused to send a call: parameters that do not encode (an invalid dialog id, a
 * `LIMIT` over 200) or a malformed method name.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidParams extends Schema.TaggedError<InvalidParams>("@im-recent/client/Bitrix24Error/InvalidParams")(
  "InvalidParams",
  { ...callContext, issues: Schema.Array(Issue) }
) {
  /**
   * @since 0.1.0
   */
  get retryPolicy(): RetryPolicy {
    return "never"
  }
  /**
   * @since 0.1.0
   */
  get retryable(): boolean {
    return false
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Invalid parameters, the call was not sent: ${renderIssues(this.issues)}${where(this)}`
  }
}

/**
 * The errors decoded from an `{ error, error_description }` envelope.
 *
 * @since 0.1.0
 * @category models
 */
export type ApiError =
  | QueryLimitExceeded
  | OperationTimeLimit
  | Overloaded
  | AuthError
  | OAuthError
  | MethodNotFound
  | ServerError
  | PortalDeleted
  | InvalidRequest
  | BatchError
  | MethodError
  | UnknownApiError

/**
 * Everything a call can fail with.
 *
 * @since 0.1.0
 * @category models
 */
export type Bitrix24Error =
  | ApiError
  | PortalMoved
  | NetworkError
  | Timeout
  | InvalidResponseBody
  | DecodeError
  | InvalidParams

/**
 * The schema of {@link Bitrix24Error} (to persist or send errors).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Bitrix24Error = Schema.Union(
  QueryLimitExceeded,
  OperationTimeLimit,
  Overloaded,
  AuthError,
  OAuthError,
  MethodNotFound,
  ServerError,
  PortalDeleted,
  InvalidRequest,
  BatchError,
  MethodError,
  UnknownApiError,
  PortalMoved,
  NetworkError,
  Timeout,
  InvalidResponseBody,
  DecodeError,
  InvalidParams
)

const classes = [
  QueryLimitExceeded,
  OperationTimeLimit,
  Overloaded,
  AuthError,
  OAuthError,
  MethodNotFound,
  ServerError,
  PortalDeleted,
  InvalidRequest,
  BatchError,
  MethodError,
  UnknownApiError,
  PortalMoved,
  NetworkError,
  Timeout,
  InvalidResponseBody,
  DecodeError,
  InvalidParams
] as const

/**
 * @since 0.1.0
 * @category guards
 */
export const isBitrix24Error = (u: unknown): u is Bitrix24Error => classes.some((cls) => u instanceof cls)

/**
 * Whether sending the call again can help: always for `safe` and `after-reset` errors, and for
 * `idempotent` ones when the call is idempotent (every `im.recent.*` call is).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isRetryable = (error: Bitrix24Error, idempotent = true): boolean =>
  ErrorEnvelope.allowsRetry(error.retryPolicy, idempotent)

const authReasons: ReadonlyMap<string, AuthReason> = new Map(AuthReason.literals.map((r) => [r.toUpperCase(), r]))
const oauthReasons: ReadonlyMap<string, OAuthReason> = new Map(OAuthReason.literals.map((r) => [r.toUpperCase(), r]))

/**
 * Maps an error envelope to its error class. `source: "oauth"` reads the OAuth server's codes;
 * `credential` (how the call was authorized) words an `AuthError` for it.
 * Codes are matched ignoring case (the portal spells some upper-case, some lower-case); unknown
 * codes become {@link UnknownApiError}.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromEnvelope = (
  envelope: ErrorEnvelope.ErrorEnvelope,
  context: {
    readonly method: string
    readonly requestId: string
    readonly status?: number | undefined
    readonly resetAt?: DateTime.Utc | undefined
    readonly source?: "rest" | "oauth"
    readonly credential?: CredentialKind | undefined
  }
): ApiError => {
  const fields = {
    method: context.method,
    requestId: context.requestId,
    status: context.status,
    code: envelope.error,
    description: envelope.error_description ?? ""
  }
  const upper = envelope.error.toUpperCase()
  if (context.source === "oauth") {
    const reason = oauthReasons.get(upper)
    return reason === undefined ? new UnknownApiError(fields) : new OAuthError({ ...fields, reason })
  }
  const known = ErrorEnvelope.lookup(envelope.error)
  switch (known?.code) {
    case "QUERY_LIMIT_EXCEEDED":
      return new QueryLimitExceeded(fields)
    case "OPERATION_TIME_LIMIT":
      return new OperationTimeLimit({ ...fields, resetAt: context.resetAt })
    case "OVERLOAD_LIMIT":
      return new Overloaded(fields)
    case "INTERNAL_SERVER_ERROR":
    case "ERROR_UNEXPECTED_ANSWER":
      return new ServerError(fields)
    case "PORTAL_DELETED":
      return new PortalDeleted(fields)
    case "INVALID_REQUEST":
      return new InvalidRequest(fields)
    case "ERROR_BATCH_METHOD_NOT_ALLOWED":
    case "ERROR_BATCH_LENGTH_EXCEEDED":
      return new BatchError(fields)
    case "ERROR_METHOD_NOT_FOUND":
    case "ERROR_MANIFEST_IS_NOT_AVAILABLE":
      return new MethodNotFound(fields)
  }
  const authReason = authReasons.get(upper)
  if (authReason !== undefined) {
    return new AuthError({ ...fields, reason: authReason, credential: context.credential })
  }
  if (known?.source === "method") return new MethodError(fields)
  if (known?.source === "oauth") {
    const reason = oauthReasons.get(upper)
    if (reason !== undefined) return new OAuthError({ ...fields, reason })
  }
  return new UnknownApiError(fields)
}

/**
 * A portal, webhook or OAuth server URL that cannot be used: malformed, not https on a non-loopback
 * host, or not of the webhook shape. Raised when a layer is built; the message never shows a secret.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidEndpoint extends Schema.TaggedError<InvalidEndpoint>(
  "@im-recent/client/Bitrix24Error/InvalidEndpoint"
)("InvalidEndpoint", {
  reason: Schema.Literal("HttpsRequired", "MalformedUrl", "MalformedWebhook"),
  description: Schema.String
}) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return this.description
  }
}

/**
 * The token store failed to load or save the OAuth tokens.
 *
 * @since 0.1.0
 * @category errors
 */
export class TokenStoreError extends Schema.TaggedError<TokenStoreError>(
  "@im-recent/client/Bitrix24Error/TokenStoreError"
)("TokenStoreError", {
  operation: Schema.Literal("load", "save"),
  description: Schema.String
}) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `The token store failed to ${this.operation} the OAuth tokens: ${this.description}`
  }
}

/**
 * @since 0.1.0
 * @category guards
 */
export const isApiError = (u: unknown): u is ApiError =>
  Predicate.hasProperty(u, "code") && isBitrix24Error(u) && "description" in u
