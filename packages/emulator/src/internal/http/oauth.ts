/**
 * The OAuth server's token endpoint, `/oauth/token/` (GET with a query string, or POST form / JSON), for
 * `grant_type=refresh_token`: a new token pair replaces the old one, whose refresh token stops working and whose
 * access token answers `expired_token` from then on. Refresh tokens last `refreshTokenLifetime` (180 days by default).
 *
 * Errors, as the OAuth server writes them (`{ error, error_description }`, no `time`):
 * - a missing `grant_type`, `client_id`, `client_secret` or `refresh_token`, an unreadable body, or a grant
 *   type other than `refresh_token` / `authorization_code`: 400 `invalid_request`;
 * - an unknown `client_id` or a wrong `client_secret`: 401 `invalid_client`;
 * - a refresh token that is unknown, already used, expired or another application's, or any authorization
 *   code (the emulator issues none): 400 `invalid_grant`.
 *
 * @internal
 */

import { randomBytes } from "node:crypto"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import type * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Ref from "effect/Ref"
import * as SynchronizedRef from "effect/SynchronizedRef"
import type { OAuthTokenPair, PortalState } from "../../PortalState.js"
import { memberIdOf } from "../state/identity.js"
import type { Engine } from "./call.js"
import { toSeconds } from "./clock.js"
import { errorBody, failure, json, type RestFailure } from "./envelope.js"
import { requestParams } from "./request.js"

const token = (): string => randomBytes(16).toString("hex")

/** Answers `/oauth/token/`. @internal */
export const handle = (
  engine: Engine
): Effect.Effect<HttpServerResponse.HttpServerResponse, never, HttpServerRequest.HttpServerRequest> =>
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    const { params } = yield* requestParams(request, engine.limits).pipe(
      Effect.mapError((error) => failure(400, "invalid_request", error.description))
    )
    const text = (name: string): string | undefined => {
      const value = params[name]
      return typeof value === "string" && value !== "" ? value : undefined
    }
    const grantType = text("grant_type")
    const clientId = text("client_id")
    const clientSecret = text("client_secret")
    if (grantType === undefined || clientId === undefined || clientSecret === undefined) {
      return yield* failure(400, "invalid_request")
    }
    const now = Math.floor(toSeconds(yield* engine.clock.nanos))
    const issued = yield* SynchronizedRef.modify(
      engine.portal.state,
      (state: PortalState): readonly [Either.Either<readonly [OAuthTokenPair, string], RestFailure>, PortalState] => {
        const app = state.oauthApps.find((candidate) => candidate.clientId === clientId)
        if (app === undefined || app.clientSecret !== clientSecret) {
          return [Either.left(failure(401, "invalid_client")), state]
        }
        if (grantType === "authorization_code") return [Either.left(failure(400, "invalid_grant")), state]
        if (grantType !== "refresh_token") {
          return [
            Either.left(failure(400, "invalid_request", `Unsupported grant_type ${JSON.stringify(grantType)}`)),
            state
          ]
        }
        const refreshToken = text("refresh_token")
        if (refreshToken === undefined) return [Either.left(failure(400, "invalid_request")), state]
        const pair = state.oauthTokens.find(
          (candidate) => candidate.refreshToken === refreshToken && candidate.clientId === clientId
        )
        if (pair === undefined || pair.refreshExpiresAt <= now)
          return [Either.left(failure(400, "invalid_grant")), state]
        const renewed: OAuthTokenPair = {
          ...pair,
          accessToken: token(),
          refreshToken: token(),
          accessExpiresAt: now + engine.accessTokenLifetime,
          refreshExpiresAt: now + engine.refreshTokenLifetime
        }
        return [
          Either.right([renewed, pair.accessToken] as const),
          { ...state, oauthTokens: state.oauthTokens.map((candidate) => (candidate === pair ? renewed : candidate)) }
        ]
      }
    )
    const [pair, replaced] = yield* issued
    yield* Ref.update(engine.retiredTokens, (retired) => new Set([...retired, replaced]))
    const host = new URL(engine.publicUrl).host
    return json(200, {
      access_token: pair.accessToken,
      client_endpoint: `${engine.publicUrl}/rest/`,
      domain: host,
      expires: pair.accessExpiresAt,
      expires_in: engine.accessTokenLifetime,
      member_id: memberIdOf(host),
      refresh_token: pair.refreshToken,
      scope: pair.scopes.join(","),
      server_endpoint: `${engine.publicUrl}/rest/`,
      status: "L",
      user_id: pair.userId
    })
  }).pipe(
    Effect.catchTag("RestFailure", (error) =>
      Effect.succeed(json(error.status, errorBody(error.code, error.description)))
    )
  )
