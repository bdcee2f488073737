/**
 * `POST /install` over real HTTP (the runner's router on a loopback port): a first installation registers the portal
 * with its application_token and the installing user's pair; a later event must carry the same token; refusals carry
 * their status and a typed reason, and no answer, error or listing shows a secret. Then an installed portal's OAuth
 * user mirrored through its entity, the pair renewed on every round and never reused (the emulator refuses a retired
 * refresh token with invalid_grant).
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpServer from "@effect/platform/HttpServer"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { RetrySchedule } from "@im-recent/client"
import { RecentItem } from "@im-recent/domain"
import { Emulator } from "@im-recent/emulator"
import { Database } from "@im-recent/sql"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { InstallEvent, MirrorServer, PortalEntity, PortalRegistry, Runner, Scheduler, UserSync } from "../src/index.js"
import * as Emulators from "./support/Emulators.js"

const sqliteUrl = () => `sqlite:${Path.join(Fs.mkdtempSync(Path.join(Os.tmpdir(), "im-recent-install-")), "m.db")}`

const stack = (url: string, options: PortalEntity.Options = {}) =>
  PortalEntity.layer(options).pipe(
    Layer.provide(UserSync.layerRecentMirror()),
    Layer.provide(NodeHttpClient.layerUndici),
    Layer.provideMerge(Layer.mergeAll(Runner.layerSingle(), PortalRegistry.layer)),
    Layer.provideMerge(Database.layer(url)),
    Layer.orDie
  )

/** The router on a loopback port, with an HttpClient aimed at it. */
const served = (url: string) =>
  HttpServer.serve(MirrorServer.router).pipe(
    Layer.provideMerge(NodeHttpServer.layerTest),
    Layer.provideMerge(stack(url))
  )

const secrets = {
  access: "ACCESS-0123456789abcdef",
  refresh: "REFRESH-0123456789abcdef",
  appToken: "APPTOKEN-0123456789abcdef"
}

const event = (overrides: Record<string, string | undefined> = {}) => {
  const fields: Record<string, string | undefined> = {
    event: "ONAPPINSTALL",
    "data[VERSION]": "1",
    "data[ACTIVE]": "Y",
    "data[INSTALLED]": "Y",
    "data[LANGUAGE_ID]": "en",
    ts: "1767225600",
    "auth[access_token]": secrets.access,
    "auth[expires]": "1767229200",
    "auth[expires_in]": "3600",
    "auth[scope]": "im,user",
    "auth[domain]": "company.bitrix24.com",
    "auth[server_endpoint]": "https://oauth.bitrix.info/rest/",
    "auth[status]": "L",
    "auth[client_endpoint]": "https://company.bitrix24.com/rest/",
    "auth[member_id]": "a223c6b3710f85df22e9377d6c4f7553",
    "auth[user_id]": "1",
    "auth[refresh_token]": secrets.refresh,
    "auth[application_token]": secrets.appToken,
    ...overrides
  }
  const form = new URLSearchParams()
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) form.set(key, value)
  return form
}

const postInstall = (form: URLSearchParams, contentType = "application/x-www-form-urlencoded") =>
  Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    const response = yield* client.execute(
      HttpClientRequest.post("/install").pipe(HttpClientRequest.bodyText(form.toString(), contentType))
    )
    const text = yield* response.text
    return { status: response.status, text, body: JSON.parse(text) as Record<string, unknown> }
  }).pipe(Effect.orDie)

const tokenRow = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const rows = yield* sql<{ access_token: string; refresh_token: string; generation: number | string }>`
    SELECT access_token, refresh_token, generation FROM im_recent_token
    WHERE key = ${PortalRegistry.tokenKey("company.bitrix24.com", 1)}`
  return rows[0]
})

const expectNoSecret = (text: string) => {
  for (const secret of [...Object.values(secrets), "OTHER-APPTOKEN-0123456789"]) expect(text).not.toContain(secret)
}

describe("POST /install", () => {
  it.live("a first installation registers the portal; the same application_token may install again", () =>
    Effect.gen(function* () {
      const first = yield* postInstall(event())
      expect(first.status).toBe(200)
      expect(first.body).toEqual({ portal: "company.bitrix24.com", userId: 1, firstInstall: true })
      expect(Number((yield* tokenRow)?.generation)).toBe(1)

      const again = yield* postInstall(
        event({ "auth[access_token]": "ACCESS-second-0123456789", "auth[refresh_token]": "REFRESH-second-0123456789" })
      )
      expect(again.status).toBe(200)
      expect(again.body.firstInstall).toBe(false)
      const row = yield* tokenRow
      expect([row?.access_token, Number(row?.generation)]).toEqual(["ACCESS-second-0123456789", 2])

      const registry = yield* PortalRegistry.PortalRegistry
      const [portal] = yield* registry.list
      expect(Option.getOrThrow(portal!.memberId)).toBe("a223c6b3710f85df22e9377d6c4f7553")
      expect(portal!.users.map((user) => [user.userId, user.auth._tag])).toEqual([[1, "OAuth"]])
      const listing = PortalRegistry.describePortal(portal!).join("\n")
      expect(listing).toContain("application_token ***")
      expectNoSecret(listing)
    }).pipe(Effect.provide(served(sqliteUrl())))
  )

  it.live("an event whose application_token is not the stored one is refused with 403, nothing written", () =>
    Effect.gen(function* () {
      yield* postInstall(event())
      const forged = yield* postInstall(
        event({ "auth[application_token]": "OTHER-APPTOKEN-0123456789", "auth[access_token]": "ACCESS-forged-0123" })
      )
      expect(forged.status).toBe(403)
      expect(forged.body).toMatchObject({ error: "application-token-mismatch", field: "auth[application_token]" })
      expectNoSecret(forged.text)
      expect((yield* tokenRow)?.access_token).toBe(secrets.access)

      const otherMember = yield* postInstall(event({ "auth[member_id]": "ffffffffffffffffffffffffffffffff" }))
      expect(otherMember.status).toBe(403)
      expect(otherMember.body.error).toBe("member-id-mismatch")
    }).pipe(Effect.provide(served(sqliteUrl())))
  )

  it.live("malformed requests: no application_token 401, not an install event 400, not a form 400", () =>
    Effect.gen(function* () {
      const noToken = yield* postInstall(event({ "auth[application_token]": undefined }))
      expect([noToken.status, noToken.body.error, noToken.body.field]).toEqual([
        401,
        "no-application-token",
        "auth[application_token]"
      ])
      const otherEvent = yield* postInstall(event({ event: "ONAPPUNINSTALL" }))
      expect([otherEvent.status, otherEvent.body.error, otherEvent.body.field]).toEqual([400, "invalid-event", "event"])
      const noUser = yield* postInstall(event({ "auth[user_id]": "x" }))
      expect([noUser.status, noUser.body.field]).toEqual([400, "auth[user_id]"])
      const json = yield* postInstall(event(), "application/json")
      expect([json.status, json.body.error]).toEqual([400, "not-form"])
      for (const answer of [noToken, otherEvent, noUser, json]) expectNoSecret(answer.text)
      const registry = yield* PortalRegistry.PortalRegistry
      expect(yield* registry.list).toEqual([])
      const client = yield* HttpClient.HttpClient
      const health = yield* client.get("/health")
      expect(yield* health.json).toEqual({ status: "ok" })
    }).pipe(Effect.provide(served(sqliteUrl())))
  )
})

describe("InstallEvent.parse", () => {
  const now = DateTime.unsafeMake("2026-01-01T00:00:00Z")
  it("takes the portal's origin and port from client_endpoint, the OAuth server from server_endpoint", () => {
    const parsed = InstallEvent.parse(
      event({
        "auth[domain]": "127.0.0.1:8443",
        "auth[client_endpoint]": "http://127.0.0.1:8443/rest/",
        "auth[server_endpoint]": "http://127.0.0.1:8443/rest/",
        "auth[expires]": undefined
      }),
      now
    )
    const value = Either.getOrThrow(parsed)
    expect([value.portal, value.baseUrl, value.oauthServer]).toEqual([
      "127.0.0.1:8443",
      "http://127.0.0.1:8443",
      "http://127.0.0.1:8443"
    ])
    expect(value.tokens.expiresAt).toEqual(DateTime.add(now, { seconds: 3600 }))
  })

  it("refuses a client_endpoint on another host, and plain http off loopback", () => {
    const elsewhere = InstallEvent.parse(event({ "auth[client_endpoint]": "https://evil.example/rest/" }), now)
    expect(Either.isLeft(elsewhere) && elsewhere.left.field).toBe("auth[client_endpoint]")
    const plain = InstallEvent.parse(event({ "auth[client_endpoint]": "http://company.bitrix24.com/rest/" }), now)
    expect(Either.isLeft(plain) && plain.left.description).toContain("https")
  })
})

describe("an installed portal's OAuth user", () => {
  it.scopedLive(
    "is mirrored through its entity; the pair renewed on each round, saved, never reused",
    () =>
      Effect.gen(function* () {
        // issued tokens live 30 s, under the client's 60 s renewal margin: every round renews the pair
        const portal = yield* Emulators.start({ accessTokenLifetime: 30 })
        const credentials = (yield* Emulator.oauthCredentials(portal.service))!
        const base = new URL(credentials.restUrl).origin
        const install = Either.getOrThrow(
          InstallEvent.parse(
            event({
              "auth[domain]": new URL(base).host,
              "auth[client_endpoint]": credentials.restUrl,
              "auth[server_endpoint]": `${base}/rest/`,
              "auth[user_id]": String(credentials.userId),
              "auth[access_token]": credentials.accessToken,
              "auth[refresh_token]": credentials.refreshToken,
              // the installed pair is about to expire: the first round renews it already
              "auth[expires]": String(Math.floor(Date.now() / 1000) + 10)
            }),
            yield* DateTime.now
          )
        )
        const application = {
          clientId: credentials.clientId,
          clientSecret: Redacted.make(credentials.clientSecret)
        }
        yield* Effect.gen(function* () {
          const registry = yield* PortalRegistry.PortalRegistry
          yield* registry.install(install)
          const sql = yield* SqlClient.SqlClient
          const key = PortalRegistry.tokenKey(install.portal, credentials.userId)
          const refreshTokens = new Set<string>([credentials.refreshToken])
          for (let round = 0; round < 3; round++) {
            const [report] = yield* Scheduler.syncAll()
            expect(report!.users).toMatchObject([{ userId: credentials.userId }])
            expect(report!.users[0]!.error).toBeUndefined()
            const [row] = yield* sql<{ refresh_token: string; generation: number | string }>`
              SELECT refresh_token, generation FROM im_recent_token WHERE key = ${key}`
            const current = (yield* Emulator.oauthCredentials(portal.service))!
            expect(row!.refresh_token).toBe(current.refreshToken)
            expect(refreshTokens.has(row!.refresh_token)).toBe(false)
            refreshTokens.add(row!.refresh_token)
          }
          const webhook = portal.webhooks.find((hook) => hook.userId === credentials.userId)!
          const fresh = (yield* Emulators.fullRead(webhook.url)).map((item) =>
            JSON.stringify(Schema.encodeSync(RecentItem.RecentItem)(item))
          )
          const rows = yield* sql<{ data: string }>`
            SELECT data FROM im_recent_item WHERE portal = ${install.portal} AND user_id = ${credentials.userId}
            ORDER BY position`
          expect(rows.map((row) => row.data)).toEqual(fresh)
        }).pipe(Effect.provide(stack(sqliteUrl(), { application, retry: RetrySchedule.none })))
      }),
    60_000
  )
})
