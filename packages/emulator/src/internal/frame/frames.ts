/**
 * The portal's side of an application frame: the pages that frame the application (`/marketplace/app/{id}/` and
 * `/placement/{PLACEMENT}/`), and the endpoint those pages call for what needs the portal (`/marketplace/frame/`).
 *
 * Each page load opens a frame session: a fresh OAuth token pair of the application for the page's user (an access
 * token the REST endpoint accepts like any other, valid `accessTokenLifetime` seconds), and a random `APP_SID`. The
 * endpoint answers, by the session id the page holds:
 * - `refreshAuth`: a new pair for the session, replacing the old one (whose access token then answers `expired_token`);
 * - `setAppOption` / `setUserOption`: the application's (or the user's) options, kept while the emulator runs and
 *   given to every later `getInitData`;
 * - `openApplication`: a new session for the same user in a slider, its `PLACEMENT_OPTIONS` the command's parameters.
 *
 * @internal
 */
import { randomBytes } from "node:crypto"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Ref from "effect/Ref"
import * as SynchronizedRef from "effect/SynchronizedRef"
import type { OAuthApp, OAuthTokenPair, PortalState, PortalUser } from "../../PortalState.js"
import type { Engine } from "../http/call.js"
import { toSeconds } from "../http/clock.js"
import { errorBody, json } from "../http/envelope.js"
import { requestParams } from "../http/request.js"
import { memberIdOf } from "../state/identity.js"
import * as Page from "./page.js"

/** The messenger placements a page opens with a dialog in its `PLACEMENT_OPTIONS` by default. @internal */
export const dialogPlacements: ReadonlySet<string> = new Set([
  "IM_CONTEXT_MENU",
  "IM_SIDEBAR",
  "IM_TEXTAREA",
  "IM_SMILES_SELECTOR"
])

/** Sessions kept at most; the oldest is forgotten first. */
const maxSessions = 1_000

interface Session {
  readonly id: string
  readonly app: OAuthApp
  readonly userId: number
  accessToken: string
}

/** The frame pages and their endpoint over an engine. @internal */
export interface Frames {
  readonly appPage: Effect.Effect<HttpServerResponse.HttpServerResponse, never, HttpServerRequest.HttpServerRequest>
  readonly placementPage: Effect.Effect<
    HttpServerResponse.HttpServerResponse,
    never,
    HttpServerRequest.HttpServerRequest
  >
  readonly endpoint: Effect.Effect<HttpServerResponse.HttpServerResponse, never, HttpServerRequest.HttpServerRequest>
}

type Options = Readonly<Record<string, string>>

const random = (bytes: number): string => randomBytes(bytes).toString("hex")

const html = (status: number, body: string) => HttpServerResponse.text(body, { status, contentType: "text/html" })

class PageProblem {
  constructor(
    readonly status: number,
    readonly message: string
  ) {}
}

const dialogIdOf = (row: PortalState["recent"][number]): string =>
  row.itemType === "P" ? String(row.itemId) : `chat${row.itemId}`

/** The user's newest recent item, for a messenger placement's default dialog. */
const newestDialog = (state: PortalState, userId: number) => {
  const rows = state.recent
    .filter((row) => row.userId === userId)
    .map((row) => ({ row, at: (row.dateMessage ?? row.dateUpdate).epochMillis }))
    .sort((a, b) => b.at - a.at)
  return rows[0]?.row
}

/** Builds the pages and endpoint; their sessions and options live as long as the engine. @internal */
export const make = (engine: Engine): Effect.Effect<Frames> =>
  Effect.gen(function* () {
    const sessions = yield* Ref.make<ReadonlyMap<string, Session>>(new Map())
    const options = yield* Ref.make<ReadonlyMap<string, Options>>(new Map())
    const appUrl = engine.appUrl === undefined ? undefined : new URL(engine.appUrl)
    const portalUrl = new URL(engine.publicUrl)
    const domain = portalUrl.host
    const protocol = portalUrl.protocol === "https:" ? "1" : "0"
    const memberId = memberIdOf(domain)
    const appKey = (app: OAuthApp) => `app\u0000${app.clientId}`
    const userKey = (app: OAuthApp, userId: number) => `user\u0000${app.clientId}\u0000${userId}`
    const now = Effect.map(engine.clock.nanos, (nanos) => Math.floor(toSeconds(nanos)))

    /** A new token pair for `app` and `userId`, replacing (and retiring) the pair of `replaces` when given. */
    const issue = (app: OAuthApp, userId: number, replaces: string | undefined) =>
      Effect.gen(function* () {
        const at = yield* now
        const pair: OAuthTokenPair = {
          clientId: app.clientId,
          userId,
          accessToken: random(32),
          refreshToken: random(32),
          scopes: app.scopes,
          accessExpiresAt: at + engine.accessTokenLifetime,
          refreshExpiresAt: at + engine.refreshTokenLifetime
        }
        yield* SynchronizedRef.update(engine.portal.state, (state) => ({
          ...state,
          oauthTokens: [...state.oauthTokens.filter((candidate) => candidate.accessToken !== replaces), pair]
        }))
        if (replaces !== undefined)
          yield* Ref.update(engine.retiredTokens, (retired) => new Set([...retired, replaces]))
        return pair
      })

    const authFields = (pair: OAuthTokenPair) => ({
      AUTH_ID: pair.accessToken,
      AUTH_EXPIRES: String(engine.accessTokenLifetime),
      REFRESH_ID: pair.refreshToken
    })

    /** Opens a session and describes its frame. */
    const open = (
      appIndex: number,
      app: OAuthApp,
      appUrl: URL,
      user: PortalUser,
      placement: string,
      placementOptions: unknown
    ) =>
      Effect.gen(function* () {
        const pair = yield* issue(app, user.id, undefined)
        const session: Session = { id: random(16), app, userId: user.id, accessToken: pair.accessToken }
        yield* Ref.update(sessions, (current) => {
          const next = new Map(current)
          next.set(session.id, session)
          for (const key of next.keys()) {
            if (next.size <= maxSessions) break
            next.delete(key)
          }
          return next
        })
        const stored = yield* Ref.get(options)
        const state = yield* SynchronizedRef.get(engine.portal.state)
        const appSid = random(16)
        const action = new URL(appUrl)
        const query = { DOMAIN: domain, PROTOCOL: protocol, LANG: state.portal.language, APP_SID: appSid }
        for (const [name, value] of Object.entries(query)) action.searchParams.set(name, value)
        const frame: Page.FrameConfig = {
          sessid: session.id,
          appSid,
          name: `${domain}|${protocol}|${appSid}`,
          action: action.toString(),
          fields: {
            ...query,
            ...authFields(pair),
            member_id: memberId,
            status: "L",
            PLACEMENT: placement,
            PLACEMENT_OPTIONS: JSON.stringify(placementOptions)
          },
          init: {
            DOMAIN: domain,
            PROTOCOL: protocol,
            LANG: state.portal.language,
            PATH: `/marketplace/app/${appIndex + 1}/`,
            ...authFields(pair),
            MEMBER_ID: memberId,
            IS_ADMIN: user.id === 1,
            APP_OPTIONS: stored.get(appKey(app)) ?? {},
            USER_OPTIONS: stored.get(userKey(app, user.id)) ?? {},
            PLACEMENT: placement,
            PLACEMENT_OPTIONS: placementOptions,
            INSTALL: false,
            FIRST_RUN: false
          }
        }
        return frame
      })

    /** The page of `placement` for the request's `app` and `user` (query), or why there is none. */
    const page = (placement: string, appId: string, query: URLSearchParams) =>
      Effect.gen(function* () {
        if (appUrl === undefined) {
          return yield* Effect.fail(
            new PageProblem(404, "No application URL is set: start the emulator with --app-url (or the appUrl option).")
          )
        }
        if (!/^[A-Z][A-Z0-9_]{0,63}$/.test(placement)) {
          return yield* Effect.fail(
            new PageProblem(400, "A placement code is upper-case letters, digits and _, such as IM_SIDEBAR.")
          )
        }
        const state = yield* SynchronizedRef.get(engine.portal.state)
        const appIndex = /^[1-9][0-9]{0,5}$/.test(appId) ? Number(appId) - 1 : -1
        // the application URL belongs to the portal's first application
        const app = appIndex === 0 ? state.oauthApps[0] : undefined
        if (app === undefined) {
          return yield* Effect.fail(
            new PageProblem(
              404,
              `No application ${appId}: application 1 is the one with a URL (the portal's first application).`
            )
          )
        }
        const userParam = query.get("user")
        const userId =
          userParam === null
            ? (state.oauthTokens.find((pair) => pair.clientId === app.clientId)?.userId ?? 1)
            : /^[1-9][0-9]{0,9}$/.test(userParam)
              ? Number(userParam)
              : 0
        const user = state.users.find((candidate) => candidate.id === userId && candidate.active)
        if (user === undefined) {
          return yield* Effect.fail(new PageProblem(404, `No active user ${userParam ?? userId} on this portal.`))
        }
        const given = [...query.entries()].filter(([name]) => name !== "user" && name !== "app")
        const placementOptions: Record<string, string> = Object.fromEntries(given)
        if (dialogPlacements.has(placement) && placementOptions.dialogId === undefined) {
          const row = newestDialog(state, user.id)
          if (row !== undefined) {
            placementOptions.dialogId = dialogIdOf(row)
            if (placement === "IM_CONTEXT_MENU" && placementOptions.messageId === undefined && row.messageId > 0) {
              placementOptions.messageId = String(row.messageId)
            }
          }
        }
        const frame = yield* open(appIndex, app, appUrl, user, placement, placementOptions)
        const userName = `${user.firstName} ${user.lastName}`.trim()
        const config: Page.PageConfig = {
          appOrigin: appUrl.origin,
          endpoint: "/marketplace/frame/",
          portal: domain,
          user: userName,
          placement,
          frame
        }
        return html(
          200,
          Page.render(config, state.portal.language, placement === "DEFAULT" ? "Application" : placement)
        )
      }).pipe(Effect.catchAll((problem) => Effect.succeed(html(problem.status, Page.problem(problem.message)))))

    const requestUrl = Effect.map(
      HttpServerRequest.HttpServerRequest,
      (request) => new URL(request.url, engine.publicUrl)
    )

    const appPage = Effect.flatMap(requestUrl, (url) => {
      const appId = url.pathname.split("/").filter((part) => part !== "")[2] ?? ""
      return page("DEFAULT", appId, url.searchParams)
    })

    const placementPage = Effect.flatMap(requestUrl, (url) => {
      const placement = decodeURIComponent(url.pathname.split("/").filter((part) => part !== "")[1] ?? "")
      return page(placement, url.searchParams.get("app") ?? "1", url.searchParams)
    })

    const refused = (status: number, code: string, description: string) =>
      Effect.succeed(json(status, errorBody(code, description)))

    const endpoint = Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const read = yield* Effect.either(requestParams(request, engine.limits))
      if (Either.isLeft(read)) return yield* refused(read.left.status, read.left.code, read.left.description)
      const params = read.right.params
      const session = typeof params.sessid === "string" ? (yield* Ref.get(sessions)).get(params.sessid) : undefined
      if (session === undefined) return yield* refused(403, "SESSION_EXPIRED", "Unknown frame session: reload the page")
      switch (params.command) {
        case "refreshAuth": {
          const pair = yield* issue(session.app, session.userId, session.accessToken)
          session.accessToken = pair.accessToken
          return json(200, { ...authFields(pair), member_id: memberId })
        }
        case "setAppOption":
        case "setUserOption": {
          if (typeof params.name !== "string" || params.name === "") {
            return yield* refused(400, "INVALID_REQUEST", "An option needs a name")
          }
          const key = params.command === "setAppOption" ? appKey(session.app) : userKey(session.app, session.userId)
          const value = typeof params.value === "string" ? params.value : JSON.stringify(params.value ?? null)
          const updated = yield* Ref.modify(options, (current) => {
            const next = { ...current.get(key), [params.name as string]: value }
            return [next, new Map(current).set(key, next)]
          })
          return json(200, params.command === "setAppOption" ? { APP_OPTIONS: updated } : { USER_OPTIONS: updated })
        }
        case "openApplication": {
          const state = yield* SynchronizedRef.get(engine.portal.state)
          const user = state.users.find((candidate) => candidate.id === session.userId)
          if (user === undefined || appUrl === undefined) {
            return yield* refused(404, "NOT_FOUND", "The application or its user is gone")
          }
          const placementOptions =
            typeof params.params === "object" && params.params !== null ? params.params : ({} as object)
          const frame = yield* open(0, session.app, appUrl, user, "DEFAULT", placementOptions)
          return json(200, { frame })
        }
        default:
          return yield* refused(400, "INVALID_REQUEST", "Unknown frame command")
      }
    })

    return { appPage, placementPage, endpoint }
  })
