/**
 * The portals and users the cluster mirrors, in the database every runner shares (tables `im_recent_portal` and
 * `im_recent_portal_user` of `@im-recent/sql`'s migrations).
 *
 * A portal is keyed by its domain (`company.bitrix24.com`, with the port when it is not the scheme's default), the
 * key of its `Portal` entity. It is registered either by a webhook (`im-recent portals add <webhook-url>`: one user of
 * the portal, whose webhook code is the secret) or by the application's installation event (`POST /install`: the
 * portal's `member_id`, its `application_token` and the installing user's OAuth pair, kept in `im_recent_token`).
 * Secrets (webhook codes, `application_token`, tokens) are `Redacted` in every value this module returns and
 * masked in {@link describeUser}/{@link describePortal}; they reach the database as bound parameters only.
 *
 * @since 0.1.0
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Bitrix24Auth } from "@im-recent/client"
import * as Arr from "effect/Array"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as InstallEvent from "./InstallEvent.js"
import { timestamp } from "./internal/sql.js"
import * as TokenRow from "./internal/tokenRow.js"

/**
 * How a user is reached: the user's webhook URL, or the application's OAuth pair (kept in `im_recent_token` under
 * {@link tokenKey}).
 *
 * @since 0.1.0
 * @category models
 */
export type UserAuth =
  | { readonly _tag: "Webhook"; readonly url: Redacted.Redacted<string> }
  | { readonly _tag: "OAuth"; readonly tokenKey: string }

/**
 * One mirrored user of a portal.
 *
 * @since 0.1.0
 * @category models
 */
export interface User {
  readonly portal: string
  readonly userId: number
  readonly auth: UserAuth
}

/**
 * A registered portal and its users.
 *
 * @since 0.1.0
 * @category models
 */
export interface Portal {
  /** The domain: `company.bitrix24.com` (with `:port` when not the scheme's default). The `Portal` entity's id. */
  readonly portal: string
  /** `https://company.bitrix24.com`: where its REST API is. */
  readonly baseUrl: string
  readonly memberId: Option.Option<string>
  /** The secret that proves an event comes from this portal (set by the installation event). */
  readonly applicationToken: Option.Option<Redacted.Redacted<string>>
  /** The application's client id, when installed. */
  readonly clientId: Option.Option<string>
  /** The OAuth server the installation event named (`auth[server_endpoint]`'s origin). */
  readonly oauthServer: Option.Option<string>
  readonly users: ReadonlyArray<User>
}

/**
 * Why a registration was refused.
 *
 * @since 0.1.0
 * @category models
 */
export const Reason = Schema.Literal("bad-webhook", "application-token-mismatch", "member-id-mismatch", "storage")

/**
 * @since 0.1.0
 * @category models
 */
export type Reason = typeof Reason.Type

/**
 * A registration refused or failed; `description` says why (never with a secret in it).
 *
 * @since 0.1.0
 * @category errors
 */
export class RegistryError extends Schema.TaggedError<RegistryError>("@im-recent/cluster/PortalRegistry/RegistryError")(
  "RegistryError",
  { reason: Reason, portal: Schema.optional(Schema.String), description: Schema.String }
) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return this.portal === undefined ? this.description : `${this.portal}: ${this.description}`
  }
}

/**
 * What an installation did: registered a new portal, or renewed a known one (its token matched).
 *
 * @since 0.1.0
 * @category models
 */
export interface Installed {
  readonly portal: string
  readonly userId: number
  readonly firstInstall: boolean
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Registers the user of a webhook URL (and its portal); registering it again replaces the URL. */
  readonly addWebhook: (url: Redacted.Redacted<string>) => Effect.Effect<User, RegistryError>
  /**
   * Registers an installation: a portal seen for the first time is registered with the event's `application_token`;
   * a known portal's event must carry the stored one (refused otherwise, nothing written). The installing user's
   * OAuth pair is stored for the portal's entity to use and renew.
   */
  readonly install: (event: InstallEvent.InstallEvent) => Effect.Effect<Installed, RegistryError>
  /** Every registered portal, by domain. */
  readonly list: Effect.Effect<ReadonlyArray<Portal>, RegistryError>
  /** One portal by domain. */
  readonly get: (portal: string) => Effect.Effect<Option.Option<Portal>, RegistryError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class PortalRegistry extends Context.Tag("@im-recent/cluster/PortalRegistry")<PortalRegistry, Service>() {}

/**
 * The `im_recent_token` key of a user's OAuth pair.
 *
 * @since 0.1.0
 * @category utils
 */
export const tokenKey = (portal: string, userId: number): string => `portal:${portal}:user:${userId}`

/**
 * A webhook URL as it may be shown: its code replaced by `***`.
 *
 * @since 0.1.0
 * @category utils
 */
export const maskWebhook = (url: string): string => url.replace(/(\/rest\/\d+\/)[^/?#]+/, "$1***")

/**
 * One line about a user, secrets masked.
 *
 * @since 0.1.0
 * @category utils
 */
export const describeUser = (user: User): string =>
  `user ${user.userId}: ${user.auth._tag === "Webhook" ? `webhook ${maskWebhook(Redacted.value(user.auth.url))}` : "oauth (token pair stored)"}`

/**
 * Lines about a portal and its users, secrets masked.
 *
 * @since 0.1.0
 * @category utils
 */
export const describePortal = (portal: Portal): ReadonlyArray<string> => [
  [
    portal.portal,
    portal.baseUrl,
    ...Option.toArray(Option.map(portal.memberId, (id) => `member_id ${id}`)),
    ...Option.toArray(Option.map(portal.clientId, (id) => `client_id ${id}`)),
    ...Option.toArray(Option.map(portal.applicationToken, () => "application_token ***"))
  ].join("  "),
  ...portal.users.map((user) => `  ${describeUser(user)}`)
]

interface PortalRow {
  readonly portal: string
  readonly member_id: string | null
  readonly base_url: string
  readonly application_token: string | null
  readonly client_id: string | null
  readonly oauth_server: string | null
}

interface UserRow {
  readonly portal: string
  readonly user_id: number | string
  readonly auth: string
  readonly webhook_url: string | null
}

const storage = (portal: string | undefined) => (error: SqlError) =>
  new RegistryError({
    reason: "storage",
    portal,
    // a driver may quote bound values: the message is not shown, only that the database failed
    description: `the portal registry could not be read or written (${error._tag}${
      typeof (error.cause as { code?: unknown } | undefined)?.code === "string"
        ? ` ${(error.cause as { code: string }).code}`
        : ""
    })`
  })

const userOf = (row: UserRow): User => ({
  portal: row.portal,
  userId: Number(row.user_id),
  auth:
    row.auth === "webhook" && row.webhook_url !== null
      ? { _tag: "Webhook", url: Redacted.make(row.webhook_url) }
      : { _tag: "OAuth", tokenKey: tokenKey(row.portal, Number(row.user_id)) }
})

const portalOf = (row: PortalRow, users: ReadonlyArray<UserRow>): Portal => ({
  portal: row.portal,
  baseUrl: row.base_url,
  memberId: Option.fromNullable(row.member_id),
  applicationToken: Option.map(Option.fromNullable(row.application_token), Redacted.make),
  clientId: Option.fromNullable(row.client_id),
  oauthServer: Option.fromNullable(row.oauth_server),
  users: users.filter((user) => user.portal === row.portal).map(userOf)
})

/** Constant-time comparison of two secrets. */
const sameSecret = (a: string, b: string): boolean => {
  let diff = a.length ^ b.length
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0)
  return diff === 0
}

/**
 * The registry over the `SqlClient` in context (whose schema `Migrations` brought up to date).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, SqlClient.SqlClient> = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  const now = Effect.map(Clock.currentTimeMillis, (millis) => timestamp(sql, millis))

  const upsertPortal = (row: PortalRow, at: Date | string) =>
    sql`INSERT INTO im_recent_portal (portal, member_id, base_url, application_token, client_id, oauth_server, registered_at, updated_at)
      VALUES (${row.portal}, ${row.member_id}, ${row.base_url}, ${row.application_token}, ${row.client_id}, ${row.oauth_server}, ${at}, ${at})
      ON CONFLICT (portal) DO UPDATE SET
        member_id = COALESCE(excluded.member_id, im_recent_portal.member_id),
        base_url = excluded.base_url,
        application_token = COALESCE(excluded.application_token, im_recent_portal.application_token),
        client_id = COALESCE(excluded.client_id, im_recent_portal.client_id),
        oauth_server = COALESCE(excluded.oauth_server, im_recent_portal.oauth_server),
        updated_at = excluded.updated_at`

  const upsertUser = (user: UserRow, at: Date | string) =>
    sql`INSERT INTO im_recent_portal_user (portal, user_id, auth, webhook_url, registered_at)
      VALUES (${user.portal}, ${user.user_id}, ${user.auth}, ${user.webhook_url}, ${at})
      ON CONFLICT (portal, user_id) DO UPDATE SET auth = excluded.auth, webhook_url = excluded.webhook_url`

  const addWebhook = (url: Redacted.Redacted<string>) =>
    Effect.gen(function* () {
      const auth = yield* Bitrix24Auth.webhook(url).pipe(
        Effect.mapError(
          (error) => new RegistryError({ reason: "bad-webhook", description: maskWebhook(error.message) })
        )
      )
      const portal = new URL(auth.portal).host
      const userId = Number(auth.identity.slice("webhook:".length))
      const at = yield* now
      yield* sql
        .withTransaction(
          Effect.zipRight(
            upsertPortal(
              {
                portal,
                member_id: null,
                base_url: auth.portal,
                application_token: null,
                client_id: null,
                oauth_server: null
              },
              at
            ),
            upsertUser({ portal, user_id: userId, auth: "webhook", webhook_url: Redacted.value(url) }, at)
          )
        )
        .pipe(Effect.mapError(storage(portal)))
      return { portal, userId, auth: { _tag: "Webhook", url } } satisfies User
    }).pipe(Effect.withSpan("PortalRegistry.addWebhook"))

  const install = (event: InstallEvent.InstallEvent) =>
    Effect.gen(function* () {
      const portal = event.portal
      const at = yield* now
      const outcome = yield* sql.withTransaction(
        Effect.gen(function* () {
          // Postgres: the row lock serializes two installs of one portal; SQLite: one writer at a time
          const found = yield* sql.onDialectOrElse({
            pg: () =>
              sql<PortalRow>`SELECT * FROM im_recent_portal WHERE portal = ${portal} OR member_id = ${event.memberId} FOR UPDATE`,
            orElse: () =>
              sql<PortalRow>`SELECT * FROM im_recent_portal WHERE portal = ${portal} OR member_id = ${event.memberId}`
          })
          const token = Redacted.value(event.applicationToken)
          for (const row of found) {
            if (row.member_id !== null && row.member_id !== event.memberId) {
              return yield* new RegistryError({
                reason: "member-id-mismatch",
                portal,
                description: "the portal is registered with another member_id: refused"
              })
            }
            if (row.application_token !== null && !sameSecret(row.application_token, token)) {
              return yield* new RegistryError({
                reason: "application-token-mismatch",
                portal,
                description: "the event's application_token is not the one stored at installation: refused"
              })
            }
          }
          yield* upsertPortal(
            {
              portal,
              member_id: event.memberId,
              base_url: event.baseUrl,
              application_token: token,
              client_id: event.clientId ?? null,
              oauth_server: event.oauthServer ?? null
            },
            at
          )
          yield* upsertUser({ portal, user_id: event.userId, auth: "oauth", webhook_url: null }, at)
          yield* TokenRow.write(sql, tokenKey(portal, event.userId), event.tokens, at)
          return { portal, userId: event.userId, firstInstall: !found.some((row) => row.application_token !== null) }
        })
      )
      return outcome
    }).pipe(
      Effect.catchTag("SqlError", (error) => Effect.fail(storage(event.portal)(error))),
      Effect.withSpan("PortalRegistry.install")
    )

  const load = (portal: Option.Option<string>) =>
    Effect.gen(function* () {
      const portals = yield* Option.match(portal, {
        onNone: () => sql<PortalRow>`SELECT * FROM im_recent_portal ORDER BY portal`,
        onSome: (p) => sql<PortalRow>`SELECT * FROM im_recent_portal WHERE portal = ${p}`
      })
      const users = yield* Option.match(portal, {
        onNone: () => sql<UserRow>`SELECT * FROM im_recent_portal_user ORDER BY portal, user_id`,
        onSome: (p) => sql<UserRow>`SELECT * FROM im_recent_portal_user WHERE portal = ${p} ORDER BY user_id`
      })
      return portals.map((row) => portalOf(row, users))
    }).pipe(Effect.mapError(storage(Option.getOrUndefined(portal))))

  return PortalRegistry.of({
    addWebhook,
    install,
    list: load(Option.none()).pipe(Effect.withSpan("PortalRegistry.list")),
    get: (portal) => load(Option.some(portal)).pipe(Effect.map(Arr.head), Effect.withSpan("PortalRegistry.get"))
  })
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<PortalRegistry, never, SqlClient.SqlClient> = Layer.effect(PortalRegistry, make)
