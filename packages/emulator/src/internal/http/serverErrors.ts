/**
 * The errors the REST server itself raises, with the code, HTTP status and text its PHP source writes (public
 * mirror `yuliai/bitrix-modules`, `rest/`): the emulator answers with these, not with the documentation's table,
 * where some texts and statuses differ.
 *
 * @internal
 */
import { failure, type RestFailure } from "./envelope.js"

/** `CRestServer::process` / `isTokenCheck` / `processCall`: an unknown method (also `/rest/` without one). */
export const methodNotFound = (): RestFailure => failure(404, "ERROR_METHOD_NOT_FOUND", "Method not found!")

/** `CRestUtil::checkAuth`: no authentication handler recognised the request. */
export const noAuthFound = (): RestFailure => failure(401, "NO_AUTH_FOUND", "Wrong authorization data")

/** `APAuth\Auth::check`: the webhook's user id and code match no active webhook. */
export const invalidCredentials = (): RestFailure => failure(401, "INVALID_CREDENTIALS", "Invalid request credentials")

/** `OAuth\Auth::onRestCheckAuth`: the access token's `expires` has passed. */
export const expiredToken = (): RestFailure => failure(401, "expired_token", "The access token provided has expired")

/**
 * `APAuth\Auth::check` / `OAuth\Auth::onRestCheckAuth`: the credential lacks the method's scope. The status is 401:
 * `OAuthException` answers `STATUS_UNAUTHORIZED` unless the result carries an `error_status`, and neither sets one.
 */
export const insufficientScope = (kind: "webhook" | "oauth"): RestFailure =>
  failure(
    401,
    "insufficient_scope",
    `The request requires higher privileges than provided by the ${kind === "webhook" ? "webhook" : "access"} token`
  )

/** `CRestServerBatchItem::checkAuth`: a batch command without the scope (`OAuthException` with no description). */
export const batchInsufficientScope = (): RestFailure => failure(401, "insufficient_scope", "")

/** `APAuth\Auth::onRestCheckAuth` / `OAuth\Auth::onRestCheckAuth`: `CRestUtil::makeAuth` cannot sign the user in. */
export const authorizationError = (): RestFailure => failure(401, "authorization_error", "Unable to authorize user")

/** `CRestServer::processCall`: `LoadLimiter::is` — the method's operating time is over the limit. */
export const operationTimeLimit = (): RestFailure =>
  failure(429, "OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit.")

/** `APAuth\Auth::onRestCheckAuth` / `OAuth\Auth::onRestCheckAuth`: REST blocked by support (`HoldEntity`). */
export const overloadLimit = (): RestFailure => failure(503, "OVERLOAD_LIMIT", "REST API is blocked due to overload.")

/** `CRestProvider::methodsBatch`: a command past the 50th. */
export const batchLengthExceeded = (): RestFailure =>
  failure(400, "ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded")

/** `CRestProvider::methodsBatch`: `batch`, `download` or `upload` as a command. */
export const batchMethodNotAllowed = (): RestFailure =>
  failure(405, "ERROR_BATCH_METHOD_NOT_ALLOWED", "Method is not allowed for batch usage")
