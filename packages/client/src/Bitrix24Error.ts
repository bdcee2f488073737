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
 * help (`retryPolicy`, `retryable`): for the envelope's codes the domain's catalog decides
 * (`ErrorEnvelope.retryPolicyOf`). No secret is ever part of an error: webhook codes and tokens are
 * masked out of every text kept here.
 *
 * @since 0.1.0
 */
import { ErrorEnvelope, OperatingLimit } from "@im-recent/domain"
import type * as DateTime from "effect/DateTime"
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

const id = (tag: string): string => `@im-recent/client/Bitrix24Error/${tag}`

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
 * What every call error says about itself besides its fields.
 *
 * @since 0.1.0
 * @category models
 */
export interface Behaviour {
  /** When sending the call again can help (see {@link RetryPolicy}). */
  readonly retryPolicy: RetryPolicy
  /** Whether sending it again can help (for an idempotent call). */
  readonly retryable: boolean
  /** What happened, for people: the code, what it means, the method, status and request id. */
  readonly message: string
}

// biome-ignore lint/suspicious/noExplicitAny: TypeScript requires a mixin's constructor to take `...args: any[]`
type Constructor<A> = new (...args: Array<any>) => A

/** The error classes' one body: `retryPolicy`, `retryable` and `message` from the class's own rules. */
const behaving = <B extends Constructor<Context>>(
  Base: B,
  rules: {
    readonly retryPolicy: (self: InstanceType<B>) => RetryPolicy
    readonly message: (self: InstanceType<B>) => string
  }
): B & Constructor<Behaviour> =>
  class extends Base {
    get retryPolicy(): RetryPolicy {
      return rules.retryPolicy(this as InstanceType<B>)
    }
    get retryable(): boolean {
      return retryableBy(this.retryPolicy)
    }
    get message(): string {
      return rules.message(this as InstanceType<B>)
    }
  }

/** The catalog's policy for the error's code (`ErrorEnvelope.retryPolicyOf`: by status for an unknown code). */
const byCode = (self: { readonly code: string; readonly status?: number | undefined }): RetryPolicy =>
  ErrorEnvelope.retryPolicyOf(self.code, self.status)

const always = (policy: RetryPolicy) => (): RetryPolicy => policy

/** `CODE (description): what it means [method …, HTTP …, request …]`. */
const explained =
  (meaning: string) =>
  (self: Context & { readonly code: string; readonly description: string }): string =>
    `${said(self)}${meaning === "" ? "" : `: ${meaning}`}${where(self)}`

/** An envelope error that is what its code says: the catalog's policy for the code, `meaning` in the message. */
const coded = <B extends Constructor<Context & { readonly code: string; readonly description: string }>>(
  Base: B,
  meaning: string
): B & Constructor<Behaviour> => behaving(Base, { retryPolicy: byCode, message: explained(meaning) })

/**
 * `QUERY_LIMIT_EXCEEDED` (HTTP 503): the portal's request-rate bucket was full. The server refused the
 * call before running it, so it is always safe to send again after a back-off.
 *
 * @since 0.1.0
 * @category errors
 */
export class QueryLimitExceeded extends coded(
  Schema.TaggedError<QueryLimitExceeded>(id("QueryLimitExceeded"))("QueryLimitExceeded", apiFields),
  "the portal's request-rate limit was exceeded; the call did not run and is retried after a back-off"
) {}

/**
 * `OVERLOAD_LIMIT` (HTTP 503): a manual block of the REST API by Bitrix24 support. Never retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class Overloaded extends coded(
  Schema.TaggedError<Overloaded>(id("Overloaded"))("Overloaded", apiFields),
  "the REST API is blocked for this portal by Bitrix24 support (a manual block; retrying cannot lift it)"
) {}

/**
 * `ERROR_METHOD_NOT_FOUND` / `ERROR_MANIFEST_IS_NOT_AVAILABLE` (HTTP 404): no such method here (a
 * REST-3-only method called on the v2 path, a module that is not installed, a typo).
 *
 * @since 0.1.0
 * @category errors
 */
export class MethodNotFound extends coded(
  Schema.TaggedError<MethodNotFound>(id("MethodNotFound"))("MethodNotFound", apiFields),
  "the portal does not offer this method"
) {}

/**
 * `INTERNAL_SERVER_ERROR` / `ERROR_UNEXPECTED_ANSWER` (HTTP 500): the call may or may not have run;
 * idempotent calls are retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class ServerError extends coded(
  Schema.TaggedError<ServerError>(id("ServerError"))("ServerError", apiFields),
  "the portal failed while handling the call"
) {}

/**
 * `PORTAL_DELETED` (HTTP 500): the portal is gone, or (on-premise) its public part is closed.
 *
 * @since 0.1.0
 * @category errors
 */
export class PortalDeleted extends coded(
  Schema.TaggedError<PortalDeleted>(id("PortalDeleted"))("PortalDeleted", apiFields),
  "the portal was deleted or its public part is closed"
) {}

/**
 * `INVALID_REQUEST` (HTTP 400, "Https required"): the portal refused a plain-http call.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidRequest extends coded(
  Schema.TaggedError<InvalidRequest>(id("InvalidRequest"))("InvalidRequest", apiFields),
  "the portal requires https"
) {}

/**
 * `ERROR_BATCH_METHOD_NOT_ALLOWED` (405) / `ERROR_BATCH_LENGTH_EXCEEDED` (400): a `batch` the portal
 * refuses (a method not allowed inside batch, more than 50 commands).
 *
 * @since 0.1.0
 * @category errors
 */
export class BatchError extends coded(
  Schema.TaggedError<BatchError>(id("BatchError"))("BatchError", apiFields),
  "the portal refused the batch"
) {}

/**
 * A documented method-specific error, such as `DIALOG_ID_EMPTY` or `ACCESS_ERROR` of `im.recent.pin`.
 *
 * @since 0.1.0
 * @category errors
 */
export class MethodError extends coded(
  Schema.TaggedError<MethodError>(id("MethodError"))("MethodError", apiFields),
  ""
) {}

/**
 * An error code the client does not know, kept verbatim with its status and description. Retried
 * (for idempotent calls) only when the status is 5xx.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnknownApiError extends coded(
  Schema.TaggedError<UnknownApiError>(id("UnknownApiError"))("UnknownApiError", apiFields),
  "an error code this client does not know"
) {}

/**
 * `OPERATION_TIME_LIMIT` (HTTP 429): the method's accumulated execution time over the last ten minutes
 * is over the budget. `resetAt` is when the oldest minute bucket expires (from the last successful
 * response of that method, when known); the method is available again after it.
 *
 * @since 0.1.0
 * @category errors
 */
export class OperationTimeLimit extends behaving(
  Schema.TaggedError<OperationTimeLimit>(id("OperationTimeLimit"))("OperationTimeLimit", {
    ...apiFields,
    resetAt: Schema.optional(Schema.DateTimeUtc)
  }),
  {
    retryPolicy: byCode,
    message: (self) =>
      explained(
        `the method's operating-time budget is spent; it is available again ${
          self.resetAt === undefined
            ? `after an unknown delay (at most ${OperatingLimit.windowSeconds / 60} minutes)`
            : `at ${self.resetAt.toJSON()}`
        }`
      )(self)
  }
) {}

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
export class AuthError extends behaving(
  Schema.TaggedError<AuthError>(id("AuthError"))("AuthError", {
    ...apiFields,
    reason: AuthReason,
    credential: Schema.optional(CredentialKind)
  }),
  {
    retryPolicy: (self) =>
      self.credential === "webhook" ? "never" : (ErrorEnvelope.lookup(self.reason)?.retry ?? "never"),
    message: (self) => {
      const token = self.reason === "expired_token" ? "expired" : self.reason === "invalid_token" ? "is invalid" : ""
      return explained(
        self.credential === "webhook" && token !== ""
          ? `the portal says an access token ${token}, ${webhookTokenHint}`
          : authHints[self.reason]
      )(self)
    }
  }
) {}

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
export class OAuthError extends behaving(
  Schema.TaggedError<OAuthError>(id("OAuthError"))("OAuthError", { ...apiFields, reason: OAuthReason }),
  {
    retryPolicy: always("never"),
    message: (self) => `OAuth token renewal failed with ${explained(oauthHints[self.reason])(self)}`
  }
) {}

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
export class PortalMoved extends behaving(
  Schema.TaggedError<PortalMoved>(id("PortalMoved"))("PortalMoved", { ...callContext, location: Schema.String }),
  {
    retryPolicy: always("never"),
    message: (self) =>
      `The portal redirected the call to another host, ${self.location}: Bitrix24 does this when a portal's address changes. The call was not sent there (the webhook code or token would go with it); point the webhook URL or portal URL at the new address${where(self)}`
  }
) {}

/** Why no retry can help a network error, when none can. */
const hopeless = (self: { readonly code?: string | undefined; readonly loopback?: boolean | undefined }) =>
  self.code === "ENOTFOUND"
    ? "the host name does not resolve"
    : self.code === "ECONNREFUSED" && self.loopback === true
      ? "nothing listens on that port of this machine"
      : undefined

/**
 * The request or the response body could not travel (connection refused or reset, DNS, TLS). The
 * call may have run; idempotent calls are retried, except when no retry can help: the host name does
 * not resolve (`ENOTFOUND`), or a loopback host refused the connection (`ECONNREFUSED`: nothing
 * listens on that port of this machine).
 *
 * @since 0.1.0
 * @category errors
 */
export class NetworkError extends behaving(
  Schema.TaggedError<NetworkError>(id("NetworkError"))("NetworkError", {
    ...callContext,
    description: Schema.String,
    /** The system error code, when the platform gave one: `ECONNREFUSED`, `ENOTFOUND`, `ECONNRESET`, … */
    code: Schema.optional(Schema.String),
    /** Whether the request went to a loopback host (`localhost`, `127.0.0.0/8`, `::1`). */
    loopback: Schema.optional(Schema.Boolean)
  }),
  {
    retryPolicy: (self) => (hopeless(self) === undefined ? "idempotent" : "never"),
    message: (self) => {
      const why = hopeless(self)
      return `Network error: ${self.description}${why === undefined ? "" : ` (${why}: not retried)`}${where(self)}`
    }
  }
) {
  /**
   * Why retrying cannot help, when it cannot.
   *
   * @since 0.1.0
   */
  get hopeless(): string | undefined {
    return hopeless(this)
  }
}

/**
 * No complete response within the per-request timeout (60 s by default, the server's own cap). The
 * request was interrupted; idempotent calls are retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class Timeout extends behaving(
  Schema.TaggedError<Timeout>(id("Timeout"))("Timeout", { ...callContext, timeoutMillis: Schema.Number }),
  {
    retryPolicy: always("idempotent"),
    message: (self) => `No response within ${self.timeoutMillis} ms; the request was cancelled${where(self)}`
  }
) {}

/**
 * Why a body was unusable: an HTML page (proxies, maintenance pages), text that is not JSON (or
 * truncated JSON), an empty body, JSON that is neither a result nor an error envelope, or a redirect
 * within the portal that cannot be followed (no usable `Location`, or more than 5 in a row).
 *
 * @since 0.1.0
 * @category models
 */
export const InvalidBodyReason = Schema.Literal("Html", "NotJson", "Empty", "UnexpectedJson", "Redirect")

const bodyKinds: Record<Exclude<typeof InvalidBodyReason.Type, "Redirect">, string> = {
  Html: "an HTML page",
  Empty: "an empty body",
  NotJson: "a body that is not valid JSON",
  UnexpectedJson: "JSON that is neither a result nor an error envelope"
}

/**
 * The response body was not a Bitrix24 answer: `snippet` keeps its first characters (secrets
 * masked). Retried for idempotent calls when the status is 5xx or 429 (proxies and gateways) or 2xx
 * (a body cut in transit).
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidResponseBody extends behaving(
  Schema.TaggedError<InvalidResponseBody>(id("InvalidResponseBody"))("InvalidResponseBody", {
    ...callContext,
    reason: InvalidBodyReason,
    contentType: Schema.optional(Schema.String),
    snippet: Schema.String
  }),
  {
    retryPolicy: ({ status }) =>
      status === undefined || status >= 500 || status === 429 || (status >= 200 && status < 300)
        ? "idempotent"
        : "never",
    message: (self) =>
      self.reason === "Redirect"
        ? `The server answered with a redirect the client cannot follow (${self.snippet === "" ? "no usable Location" : self.snippet})${where(self)}`
        : `The server answered with ${bodyKinds[self.reason]}${self.contentType === undefined ? "" : ` (${self.contentType})`}: ${
            self.snippet === "" ? "<empty>" : JSON.stringify(self.snippet)
          }${where(self)}`
  }
) {}

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
export class DecodeError extends behaving(
  Schema.TaggedError<DecodeError>(id("DecodeError"))("DecodeError", { ...callContext, issues: Schema.Array(Issue) }),
  {
    retryPolicy: always("never"),
    message: (self) => `The response does not match the expected shape: ${renderIssues(self.issues)}${where(self)}`
  }
) {}

/**
 * The client refused to send a call: parameters that do not encode (an invalid dialog id, a
 * `LIMIT` over 200) or a malformed method name.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidParams extends behaving(
  Schema.TaggedError<InvalidParams>(id("InvalidParams"))("InvalidParams", {
    ...callContext,
    issues: Schema.Array(Issue)
  }),
  {
    retryPolicy: always("never"),
    message: (self) => `Invalid parameters, the call was not sent: ${renderIssues(self.issues)}${where(self)}`
  }
) {}

const apiErrors = [
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
  UnknownApiError
] as const

const callErrors = [
  ...apiErrors,
  PortalMoved,
  NetworkError,
  Timeout,
  InvalidResponseBody,
  DecodeError,
  InvalidParams
] as const

/**
 * The errors decoded from an `{ error, error_description }` envelope.
 *
 * @since 0.1.0
 * @category models
 */
export type ApiError = InstanceType<(typeof apiErrors)[number]>

/**
 * Everything a call can fail with.
 *
 * @since 0.1.0
 * @category models
 */
export type Bitrix24Error = InstanceType<(typeof callErrors)[number]>

/**
 * The schema of {@link Bitrix24Error} (to persist or send errors).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Bitrix24Error = Schema.Union(...callErrors)

/**
 * @since 0.1.0
 * @category guards
 */
export const isBitrix24Error = (u: unknown): u is Bitrix24Error => callErrors.some((cls) => u instanceof cls)

/**
 * @since 0.1.0
 * @category guards
 */
export const isApiError = (u: unknown): u is ApiError => apiErrors.some((cls) => u instanceof cls)

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

/** The class of each documented code that has a class of its own (besides `OPERATION_TIME_LIMIT`). */
const codeClasses = new Map(
  (
    [
      ["QUERY_LIMIT_EXCEEDED", QueryLimitExceeded],
      ["OVERLOAD_LIMIT", Overloaded],
      ["INTERNAL_SERVER_ERROR", ServerError],
      ["ERROR_UNEXPECTED_ANSWER", ServerError],
      ["PORTAL_DELETED", PortalDeleted],
      ["INVALID_REQUEST", InvalidRequest],
      ["ERROR_BATCH_METHOD_NOT_ALLOWED", BatchError],
      ["ERROR_BATCH_LENGTH_EXCEEDED", BatchError],
      ["ERROR_METHOD_NOT_FOUND", MethodNotFound],
      ["ERROR_MANIFEST_IS_NOT_AVAILABLE", MethodNotFound]
    ] as const
  ).map(([code, cls]) => [code as string, cls])
)

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
  const oauthReason = oauthReasons.get(upper)
  if (context.source === "oauth") {
    return oauthReason === undefined ? new UnknownApiError(fields) : new OAuthError({ ...fields, reason: oauthReason })
  }
  const known = ErrorEnvelope.lookup(envelope.error)
  if (known?.code === "OPERATION_TIME_LIMIT") return new OperationTimeLimit({ ...fields, resetAt: context.resetAt })
  const codeClass = known === undefined ? undefined : codeClasses.get(known.code)
  if (codeClass !== undefined) return new codeClass(fields)
  const authReason = authReasons.get(upper)
  if (authReason !== undefined) return new AuthError({ ...fields, reason: authReason, credential: context.credential })
  if (known?.source === "method") return new MethodError(fields)
  if (known?.source === "oauth" && oauthReason !== undefined) return new OAuthError({ ...fields, reason: oauthReason })
  return new UnknownApiError(fields)
}

/**
 * A portal, webhook or OAuth server URL that cannot be used: malformed, not https on a non-loopback
 * host, or not of the webhook shape. Raised when a layer is built; the message never shows a secret.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidEndpoint extends Schema.TaggedError<InvalidEndpoint>(id("InvalidEndpoint"))("InvalidEndpoint", {
  reason: Schema.Literal("HttpsRequired", "MalformedUrl", "MalformedWebhook"),
  description: Schema.String
}) {
  /** @since 0.1.0 */
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
export class TokenStoreError extends Schema.TaggedError<TokenStoreError>(id("TokenStoreError"))("TokenStoreError", {
  operation: Schema.Literal("load", "save"),
  description: Schema.String
}) {
  /** @since 0.1.0 */
  override get message(): string {
    return `The token store failed to ${this.operation} the OAuth tokens: ${this.description}`
  }
}
