/**
 * Who is calling: a webhook from the URL path, or an OAuth access token from the `Authorization: Bearer`
 * header, the `auth` parameter or the `access_token` parameter (query, JSON body or form body).
 *
 * Error choices (documented codes; the texts are the documented ones):
 * - webhook with an unknown user id, a wrong code, an inactive user, or past its expiry: 401
 *   `INVALID_CREDENTIALS` "Invalid request credentials" — what the `im.recent.*` pages document for 401, and
 *   what a portal answers when a webhook no longer authenticates (an edited webhook's old code included);
 * - OAuth request without a token, or with a token the portal never issued (or revoked by a refresh): 401
 *   `NO_AUTH_FOUND` "Wrong authorization data" — the system-errors table's code for an invalid access token;
 * - OAuth token past its expiry: 401 `expired_token`, the code clients refresh on;
 * - OAuth token of a user who left: 401 `INVALID_CREDENTIALS`;
 * - a credential without the method's scope: 403 `insufficient_scope`.
 *
 * @internal
 */
import * as Either from "effect/Either"
import type * as PhpQuery from "../PhpQuery.js"
import type { PortalState } from "../PortalState.js"
import { failure, type RestFailure } from "./httpEnvelope.js"

/** An authenticated caller. `key` identifies the webhook or application for the operating limit. @internal */
export interface Credential {
  readonly kind: "webhook" | "oauth"
  readonly userId: number
  readonly scopes: ReadonlyArray<string>
  readonly key: string
}

const invalidCredentials = () => failure(401, "INVALID_CREDENTIALS")

const activeUser = (state: PortalState, userId: number): boolean =>
  state.users.some((user) => user.id === userId && user.active)

/** Authenticates `/rest/{userId}/{code}/…` at `now` (Unix seconds). @internal */
export const webhook = (
  state: PortalState,
  userId: string,
  code: string,
  now: number
): Either.Either<Credential, RestFailure> => {
  if (!/^[1-9][0-9]{0,15}$/.test(userId)) return Either.left(invalidCredentials())
  const id = Number(userId)
  const hook = state.webhooks.find((candidate) => candidate.userId === id && candidate.code === code)
  if (hook === undefined || !activeUser(state, id)) return Either.left(invalidCredentials())
  if (hook.expiresAt !== null && hook.expiresAt.epochMillis <= now * 1000) return Either.left(invalidCredentials())
  return Either.right({ kind: "webhook", userId: id, scopes: hook.scopes, key: `webhook\u0000${id}\u0000${code}` })
}

/** The access token a request carries, if any. @internal */
export const accessToken = (authorization: string | undefined, params: PhpQuery.Params): string | undefined => {
  const bearer = authorization?.match(/^\s*Bearer\s+(\S+)\s*$/i)
  if (bearer) return bearer[1]
  for (const name of ["auth", "access_token"]) {
    const value = params[name]
    if (typeof value === "string" && value !== "") return value
  }
  return undefined
}

/** Authenticates an OAuth call at `now` (Unix seconds). @internal */
export const oauth = (
  state: PortalState,
  token: string | undefined,
  now: number
): Either.Either<Credential, RestFailure> => {
  if (token === undefined) return Either.left(failure(401, "NO_AUTH_FOUND"))
  const pair = state.oauthTokens.find((candidate) => candidate.accessToken === token)
  if (pair === undefined) return Either.left(failure(401, "NO_AUTH_FOUND"))
  if (pair.accessExpiresAt <= now) return Either.left(failure(401, "expired_token"))
  if (!activeUser(state, pair.userId)) return Either.left(invalidCredentials())
  return Either.right({ kind: "oauth", userId: pair.userId, scopes: pair.scopes, key: `app\u0000${pair.clientId}` })
}

/** Whether a credential grants a method's scope; `basic` and an empty scope are always granted. @internal */
export const hasScope = (credential: Credential, scope: string): boolean =>
  scope === "" || scope === "basic" || credential.scopes.includes(scope)

/** The parameters without the credential and without the SDKs' telemetry. @internal */
export const stripTransport = (params: PhpQuery.Params): PhpQuery.Params => {
  const {
    auth: _auth,
    access_token: _token,
    bx24_request_id: _id,
    bx24_sdk_ver: _ver,
    bx24_sdk_type: _type,
    ...rest
  } = params
  return rest
}
