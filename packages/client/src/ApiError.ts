/**
 * The errors decoded from an `{ error, error_description }` envelope, mapped by its code whatever the
 * HTTP status: one class per documented group of system errors (`QueryLimitExceeded`,
 * `OperationTimeLimit`, `Overloaded`, `AuthError`, `OAuthError`, `MethodNotFound`, `ServerError`,
 * `PortalDeleted`, `InvalidRequest`, `BatchError`), `MethodError` for the method-specific codes and
 * `UnknownApiError` for everything else (the code kept verbatim). Whether sending the call again can
 * help is the domain catalog's answer for the code (`ErrorEnvelope.retryPolicyOf`).
 *
 * Every name here is also part of {@link Bitrix24Error}, the module most code imports.
 *
 * @since 0.1.0
 */
import { ErrorEnvelope, OperatingLimit } from "@im-recent/domain"
import type * as DateTime from "effect/DateTime"
import * as Schema from "effect/Schema"
import { always, apiFields, behaving, byCode, coded, explained, errorId as id } from "./internal/errorBody.js"

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

/**
 * The errors decoded from an `{ error, error_description }` envelope.
 *
 * @since 0.1.0
 * @category models
 */
export type ApiError = InstanceType<(typeof apiErrors)[number]>

/**
 * The schema of {@link ApiError} (to persist or send errors).
 *
 * @since 0.1.0
 * @category schemas
 */
export const ApiError = Schema.Union(...apiErrors)

/**
 * @since 0.1.0
 * @category guards
 */
export const isApiError = (u: unknown): u is ApiError => apiErrors.some((cls) => u instanceof cls)

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
