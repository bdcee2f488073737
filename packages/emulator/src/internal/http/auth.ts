/**
 * Who is calling, checked the way the portal's authentication handlers do, after the method was found (so the
 * method's scope is known):
 *
 * - a webhook (`Bitrix\Rest\APAuth\Auth`): the user id and code from the path `/rest/{userId}/{code}/…`, or the
 *   `aplogin` / `ap` parameters on `/rest/{method}`. An unknown user id or code, or a webhook past its `expiresAt`
 *   (an emulator feature; portals' webhooks do not expire): 401 `INVALID_CREDENTIALS`; a webhook without the
 *   method's scope: 401 `insufficient_scope` "… provided by the webhook token"; a user who left (inactive): 401
 *   `authorization_error` "Unable to authorize user" (`CRestUtil::makeAuth` fails);
 * - an OAuth access token (`Bitrix\Rest\OAuth\Auth::getAuthKey`): `Authorization: Bearer …`, else the first of the
 *   `auth` / `access_token` parameters that is present and not an array (query, JSON body or form body). An empty
 *   token, or none: 401 `NO_AUTH_FOUND` "Wrong authorization data" (`CRestUtil::checkAuth`); a token the portal never
 *   issued: the same; a token past its expiry, or one a refresh replaced: 401 `expired_token`; then the scope (401
 *   `insufficient_scope` "… provided by the access token"), then the user (`authorization_error`).
 *
 * @internal
 */
import * as Either from "effect/Either"
import type * as PhpQuery from "../../PhpQuery.js"
import type { PortalState } from "../../PortalState.js"
import type { RestFailure } from "./envelope.js"
import * as ServerErrors from "./serverErrors.js"

/** An authenticated caller. `key` identifies the webhook or application for the operating limit. @internal */
export interface Credential {
  readonly kind: "webhook" | "oauth"
  readonly userId: number
  readonly scopes: ReadonlyArray<string>
  readonly key: string
}

const activeUser = (state: PortalState, userId: number): boolean =>
  state.users.some((user) => user.id === userId && user.active)

/** Whether a credential grants a method's scope; `basic` and an empty scope are always granted. @internal */
export const hasScope = (scopes: ReadonlyArray<string>, scope: string): boolean =>
  scope === "" || scope === "basic" || scopes.includes(scope)

/** Authenticates a webhook's user id and code for a method of `scope` at `now` (Unix seconds). @internal */
export const webhook = (
  state: PortalState,
  userId: string,
  code: string,
  scope: string,
  now: number
): Either.Either<Credential, RestFailure> => {
  // `strval(intval($uid)) === $uid`; anything else is looked up as a login, which no emulated user has
  if (!/^-?[1-9][0-9]{0,15}$/.test(userId)) return Either.left(ServerErrors.invalidCredentials())
  const id = Number(userId)
  const hook = state.webhooks.find((candidate) => candidate.userId === id && candidate.code === code)
  if (hook === undefined) return Either.left(ServerErrors.invalidCredentials())
  if (hook.expiresAt !== null && hook.expiresAt.epochMillis <= now * 1000) {
    return Either.left(ServerErrors.invalidCredentials())
  }
  if (!hasScope(hook.scopes, scope)) return Either.left(ServerErrors.insufficientScope("webhook"))
  if (!activeUser(state, id)) return Either.left(ServerErrors.authorizationError())
  return Either.right({ kind: "webhook", userId: id, scopes: hook.scopes, key: `webhook\u0000${id}\u0000${code}` })
}

/**
 * The access token a request carries: the `Bearer` header's rest, else the first of `auth` / `access_token` that is
 * present and not an array (a number is read as its text). `undefined` when there is none.
 *
 * @internal
 */
export const accessToken = (authorization: string | undefined, params: PhpQuery.Params): string | undefined => {
  if (authorization !== undefined && /^Bearer\s+/i.test(authorization)) return authorization.replace(/^Bearer\s+/i, "")
  for (const name of ["auth", "access_token"]) {
    if (!Object.hasOwn(params, name)) continue
    const value = params[name]
    if (value !== null && typeof value === "object") continue
    return value === null || value === undefined || value === false ? "" : value === true ? "1" : String(value)
  }
  return undefined
}

/** `aplogin` / `ap` on `/rest/{method}`: a webhook's user id and code given as parameters. @internal */
export const webhookParams = (
  params: PhpQuery.Params
): { readonly userId: string; readonly code: string } | undefined => {
  const userId = params.aplogin
  const code = params.ap
  return typeof userId === "string" && typeof code === "string" ? { userId, code } : undefined
}

/**
 * Authenticates an OAuth access token for a method of `scope` at `now` (Unix seconds). `retired` holds the access
 * tokens a refresh replaced.
 *
 * @internal
 */
export const oauth = (
  state: PortalState,
  retired: ReadonlySet<string>,
  token: string | undefined,
  scope: string,
  now: number
): Either.Either<Credential, RestFailure> => {
  // `if ($authKey)`: PHP truthiness
  if (token === undefined || token === "" || token === "0") return Either.left(ServerErrors.noAuthFound())
  if (retired.has(token)) return Either.left(ServerErrors.expiredToken())
  const pair = state.oauthTokens.find((candidate) => candidate.accessToken === token)
  if (pair === undefined) return Either.left(ServerErrors.noAuthFound())
  if (pair.accessExpiresAt <= now) return Either.left(ServerErrors.expiredToken())
  if (!hasScope(pair.scopes, scope)) return Either.left(ServerErrors.insufficientScope("oauth"))
  if (!activeUser(state, pair.userId)) return Either.left(ServerErrors.authorizationError())
  return Either.right({ kind: "oauth", userId: pair.userId, scopes: pair.scopes, key: `app\u0000${pair.clientId}` })
}

/**
 * The parameters a method receives: without the credential (`parameters_clear`: `auth`, `access_token`, `aplogin`,
 * `ap`) and without the SDKs' telemetry. @internal
 */
export const stripTransport = (params: PhpQuery.Params): PhpQuery.Params => {
  const {
    auth: _auth,
    access_token: _token,
    aplogin: _login,
    ap: _ap,
    bx24_request_id: _id,
    bx24_sdk_ver: _ver,
    bx24_sdk_type: _type,
    ...rest
  } = params
  return rest
}
