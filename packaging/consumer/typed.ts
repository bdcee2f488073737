// A TypeScript consumer of every published package, type-checked with moduleResolution "nodenext" and
// skipLibCheck false: the published declarations must stand on their own.
import { FetchHttpClient, type HttpClient } from "@effect/platform"
import type { SqlError } from "@effect/sql"
import { SqliteClient } from "@effect/sql-sqlite-node"
import { Bitrix24, type Bitrix24Error, ImRecent, RecentSync, RetrySchedule, TokenStore } from "@im-recent/client"
// @ts-expect-error internal modules are not part of the public surface
import type * as Internal from "@im-recent/client/internal/http"
import { Fixtures, Replay, Stateful } from "@im-recent/contracts"
import type * as Suite from "@im-recent/contracts/Suite"
import { AtomDateTime, RecentGet, RecentItem } from "@im-recent/domain"
import { Emulator, Generator } from "@im-recent/emulator"
import { type Migrations, SqlSnapshotStore, SqlTokenStore } from "@im-recent/sql"
import { type ConfigError, DateTime, Effect, Layer, Option, Redacted, Schema, Stream } from "effect"
import type { RequestHandler } from "msw"

export const decodeResponse: (input: unknown) => RecentGet.Response = Schema.decodeUnknownSync(RecentGet.Response)

export const titles: Effect.Effect<
  ReadonlyArray<string>,
  Bitrix24Error.Bitrix24Error | string,
  ImRecent.ImRecent
> = Effect.gen(function* () {
  const recent = yield* ImRecent.ImRecent
  const { items } = yield* recent.get({ SKIP_CHAT: true, LAST_SYNC_DATE: DateTime.unsafeMake("2026-02-25T18:30:00Z") })
  return items.map(RecentItem.title)
}).pipe(Effect.catchTag("AuthError", (error) => Effect.fail(`reconnect: ${error.reason}`)))

export const live: Layer.Layer<ImRecent.ImRecent, Bitrix24Error.InvalidEndpoint, HttpClient.HttpClient> =
  ImRecent.layer.pipe(
    Layer.provide(
      Bitrix24.layerWebhook(Redacted.make("https://example.bitrix24.com/rest/1/0123456789abcdef/"), {
        retry: RetrySchedule.none
      })
    )
  )

export const program: Effect.Effect<
  ReadonlyArray<string>,
  Bitrix24Error.Bitrix24Error | Bitrix24Error.InvalidEndpoint | string
> = titles.pipe(Effect.provide(live), Effect.provide(FetchHttpClient.layer))

export const syncLayer = RecentSync.layerMemory({ interval: "30 seconds" })

export const keepGoing = Effect.flatMap(RecentSync.RecentSync, (sync) =>
  Stream.runDrain(sync.changesRetrying({ onRetry: (retry) => Effect.log(retry.error.message) }))
)

// listing strictly adds ListOverflow to the error type; by default the result says what may be missing
export const strictList: Effect.Effect<
  ImRecent.ListResult,
  Bitrix24Error.Bitrix24Error | ImRecent.ListOverflow,
  ImRecent.ImRecent
> = Effect.flatMap(ImRecent.ImRecent, (recent) => recent.listAll({}, { onOverflow: "fail" }))
export const lenientList: Effect.Effect<ImRecent.ListResult, Bitrix24Error.Bitrix24Error, ImRecent.ImRecent> =
  Effect.flatMap(ImRecent.ImRecent, (recent) => recent.listAll())

// OAuth requires its TokenStore, provided to it
export const oauthLive: Layer.Layer<
  Bitrix24.Bitrix24,
  Bitrix24Error.InvalidEndpoint | Bitrix24Error.TokenStoreError,
  HttpClient.HttpClient
> = Bitrix24.layerOAuth({
  portalUrl: "https://example.bitrix24.com",
  clientId: "local.app",
  clientSecret: Redacted.make("secret"),
  tokens: TokenStore.tokens({ accessToken: Redacted.make("a"), refreshToken: Redacted.make("r") })
}).pipe(Layer.provide(TokenStore.layerInMemoryOnly()))

export const handlers: ReadonlyArray<RequestHandler> = Replay.handlers({ baseUrl: "https://docs.test", language: "en" })
export const stateful = Stateful.make({ baseUrl: "https://portal.test", generator: { seed: 1 } })
export const documented: unknown = Fixtures.read("im.recent.get.en.json")

const state = Generator.generate({ ...Generator.defaults(DateTime.unsafeNow()), seed: 7, locale: "en" })
export const emulator = Emulator.webHandler({ state })

export const firstDate: Option.Option<string> = Option.map(Option.some(DateTime.unsafeNow()), (now) =>
  AtomDateTime.format(DateTime.setZone(now, DateTime.zoneMakeOffset(3 * 60 * 60 * 1000)))
)

export type SuiteRun = typeof Suite.run

// durable state in SQLite: the OAuth pair (renewed under the row's lock) and RecentSync's snapshot
const database = SqliteClient.layer({ filename: "im-recent.db" })
export const sqlTokenStore: Layer.Layer<
  TokenStore.TokenStore,
  Migrations.SchemaTooNew | Migrations.MigrationFailed | SqlError.SqlError | ConfigError.ConfigError
> = SqlTokenStore.layer({ key: "example.bitrix24.com" }).pipe(Layer.provide(database))
export const sqlOAuthLive = Bitrix24.layerOAuth({
  portalUrl: "https://example.bitrix24.com",
  clientId: "local.app",
  clientSecret: Redacted.make("secret")
}).pipe(Layer.provide(sqlTokenStore))
export const sqlSyncLayer = RecentSync.layer().pipe(
  Layer.provide(SqlSnapshotStore.layer({ key: "example.bitrix24.com/user/1" })),
  Layer.provide(database)
)

// The import above must fail: only the modules at the top of dist are public.
export type InternalIsUnreachable = typeof Internal
