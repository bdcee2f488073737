/**
 * SqlTokenStore on both engines: the row per key, errors without secrets, the round trip of any pair, and `renew`
 * (the stored pair when another process renewed, one refresh otherwise), then several clients with separate SQLite
 * connections renewing one expiring pair at the same moment against the emulator.
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { FetchHttpClient } from "@effect/platform"
import * as SqlClient from "@effect/sql/SqlClient"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { type Bitrix24, Bitrix24Error, TokenStore } from "@im-recent/client"
import {
  Arbitrary,
  type Context,
  DateTime,
  Effect,
  Either,
  FastCheck,
  Layer,
  ManagedRuntime,
  Option,
  Redacted,
  Ref,
  Schema,
  TestClock
} from "effect"
import { Migrations, SqlTokenStore } from "../src/index.js"
import { type Dialect, dialects, skipNote } from "./support/Databases.js"
import * as OAuthClient from "./support/OAuthClient.js"
import * as Renewal from "./support/Renewal.js"

const ACCESS = "Zq8sqlAccessToken"
const REFRESH = "Zq8sqlRefreshToken"
const NEW_ACCESS = "Zq8sqlNewAccessToken"
const NEW_REFRESH = "Zq8sqlNewRefreshToken"

const pair = (access: string, refresh: string, expiresAt?: string) =>
  TokenStore.tokens({
    accessToken: Redacted.make(access),
    refreshToken: Redacted.make(refresh),
    expiresAt: expiresAt === undefined ? undefined : DateTime.unsafeMake(expiresAt)
  })

const plain = (tokens: TokenStore.Tokens) => Schema.encodeSync(TokenStore.Tokens)(tokens)

const storeOf = (key: string) => Effect.zipRight(Effect.orDie(Migrations.run), SqlTokenStore.make({ key }))

const rowOf = (key: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql<{
        access_token: string
        refresh_token: string
        generation: number | string
      }>`SELECT access_token, refresh_token, generation FROM im_recent_token WHERE key = ${key}`,
      (rows) => rows.map((row) => ({ ...row, generation: Number(row.generation) }))
    )
  )

/** A pair the database can hold: Postgres's timestamptz ends at year 294276 and starts at 4713 BC. */
const storableTokens = (dialect: Dialect) =>
  dialect.name === "sqlite"
    ? Arbitrary.make(TokenStore.Tokens)
    : FastCheck.record(
        {
          accessToken: FastCheck.string(),
          refreshToken: FastCheck.string(),
          expiresAt: FastCheck.option(
            FastCheck.date({
              min: new Date("0001-01-01T00:00:00.000Z"),
              max: new Date("9999-12-31T23:59:59.999Z"),
              noInvalidDate: true
            }),
            { nil: undefined }
          )
        },
        { requiredKeys: ["accessToken", "refreshToken"] }
      ).map((fields) =>
        TokenStore.tokens({
          accessToken: Redacted.make(fields.accessToken),
          refreshToken: Redacted.make(fields.refreshToken),
          expiresAt: fields.expiresAt === undefined ? undefined : DateTime.unsafeFromDate(fields.expiresAt)
        })
      )

for (const dialect of dialects) {
  describe.skipIf(dialect.skip !== undefined)(`SqlTokenStore on ${dialect.name}${skipNote(dialect)}`, () => {
    it.effect("load is None until a save; a save replaces the row whole and counts generations; keys are apart", () =>
      Effect.gen(function* () {
        const store = yield* storeOf("portal-a")
        const other = yield* storeOf("portal-b")
        assert.deepStrictEqual(yield* store.load, Option.none())
        yield* store.save(pair(ACCESS, REFRESH, "2026-03-01T10:00:00.123Z"))
        assert.deepStrictEqual(plain(Option.getOrThrow(yield* store.load)), {
          accessToken: ACCESS,
          refreshToken: REFRESH,
          expiresAt: "2026-03-01T10:00:00.123Z"
        })
        yield* store.save(pair(NEW_ACCESS, NEW_REFRESH))
        assert.deepStrictEqual(plain(Option.getOrThrow(yield* store.load)), {
          accessToken: NEW_ACCESS,
          refreshToken: NEW_REFRESH
        })
        assert.deepStrictEqual(yield* rowOf("portal-a"), [
          { access_token: NEW_ACCESS, refresh_token: NEW_REFRESH, generation: 2 }
        ])
        assert.deepStrictEqual(yield* other.load, Option.none())
      }).pipe(Effect.provide(dialect.fresh().layer))
    )

    it.effect("a failure names the row and the operation, never a token", () =>
      Effect.gen(function* () {
        const store = yield* storeOf("portal-a")
        yield* store.save(pair(ACCESS, REFRESH))
        const sql = yield* SqlClient.SqlClient
        yield* sql`DROP TABLE im_recent_token`
        const saving = yield* Effect.flip(store.save(pair(NEW_ACCESS, NEW_REFRESH)))
        assert.instanceOf(saving, Bitrix24Error.TokenStoreError)
        assert.strictEqual(saving.operation, "save")
        assert.include(saving.message, 'row "portal-a" of im_recent_token')
        const loading = yield* Effect.flip(store.load)
        assert.strictEqual(loading.operation, "load")
        const renewing = yield* Effect.flip(
          store.renew!(pair(ACCESS, REFRESH), () => Effect.succeed(pair(NEW_ACCESS, NEW_REFRESH)))
        )
        assert.strictEqual(renewing._tag, "TokenStoreError")
        for (const error of [saving, loading, renewing]) {
          for (const secret of [ACCESS, REFRESH, NEW_ACCESS, NEW_REFRESH]) assert.notInclude(error.message, secret)
        }
      }).pipe(Effect.provide(dialect.fresh().layer))
    )

    it.effect.skipIf(dialect.name === "pg")(
      `a row that holds no pair fails to load and to renew, without its values${
        dialect.name === "pg" ? " — skipped: Postgres's timestamptz cannot hold a malformed expiry" : ""
      }`,
      () =>
        Effect.gen(function* () {
          const store = yield* storeOf("portal-a")
          yield* store.save(pair(ACCESS, REFRESH))
          const sql = yield* SqlClient.SqlClient
          yield* sql`UPDATE im_recent_token SET expires_at = 'next tuesday' WHERE key = 'portal-a'`
          const loading = yield* Effect.flip(store.load)
          const renewing = yield* Effect.flip(store.renew!(pair(ACCESS, REFRESH), () => Effect.die("not sent")))
          for (const error of [loading, renewing]) {
            assert.instanceOf(error, Bitrix24Error.TokenStoreError)
            assert.include(error.message, 'the row "portal-a" of im_recent_token does not hold a token pair')
            assert.notInclude(error.message, ACCESS)
            assert.notInclude(error.message, REFRESH)
          }
        }).pipe(Effect.provide(dialect.fresh().layer))
    )

    it.effect(
      "renew: the stored pair when another renewed meanwhile (no refresh); else one refresh, stored; a failed refresh stores nothing",
      () =>
        Effect.gen(function* () {
          const store = yield* storeOf("portal-a")
          const refreshes = yield* Ref.make<ReadonlyArray<string>>([])
          const refreshTo =
            (next: TokenStore.Tokens) =>
            (held: TokenStore.Tokens): Effect.Effect<TokenStore.Tokens> =>
              Effect.as(
                Ref.update(refreshes, (sent) => [...sent, Redacted.value(held.refreshToken)]),
                next
              )
          const first = pair(ACCESS, REFRESH)
          const second = pair(NEW_ACCESS, NEW_REFRESH, "2026-03-01T11:00:00.000Z")
          yield* store.save(first)

          assert.deepStrictEqual(plain(yield* store.renew!(first, refreshTo(second))), plain(second))
          assert.deepStrictEqual(yield* Ref.get(refreshes), [REFRESH])
          assert.deepStrictEqual(plain(Option.getOrThrow(yield* store.load)), plain(second))

          // a process still holding the first pair: its refresh token is retired, the stored pair comes back
          const third = pair("a3", "r3")
          assert.deepStrictEqual(plain(yield* store.renew!(first, refreshTo(third))), plain(second))
          assert.deepStrictEqual(yield* Ref.get(refreshes), [REFRESH])

          // the portal refuses: the error comes through, the row keeps the pair
          const refused = yield* Effect.flip(store.renew!(second, () => Effect.fail("invalid_grant" as const)))
          assert.strictEqual(refused, "invalid_grant")
          assert.deepStrictEqual(plain(Option.getOrThrow(yield* store.load)), plain(second))
          assert.deepStrictEqual(
            (yield* rowOf("portal-a")).map((row) => row.generation),
            [2]
          )

          // no row yet (the pair came from the options): the held pair is renewed and stored
          const empty = yield* storeOf("portal-new")
          assert.deepStrictEqual(plain(yield* empty.renew!(first, refreshTo(third))), plain(third))
          assert.deepStrictEqual(plain(Option.getOrThrow(yield* empty.load)), plain(third))
        }).pipe(Effect.provide(dialect.fresh().layer))
    )

    // one database for every run of the property (each run saves over the same row)
    let runtime: ManagedRuntime.ManagedRuntime<SqlClient.SqlClient, unknown> | undefined
    const shared = () => {
      runtime ??= ManagedRuntime.make(dialect.fresh().layer)
      return runtime
    }
    afterAll(() => runtime?.dispose())
    it.effect.prop(
      "any pair the column types hold comes back as it was saved",
      [storableTokens(dialect)],
      ([tokens]) =>
        Effect.gen(function* () {
          const store = yield* storeOf("prop")
          yield* store.save(tokens)
          const loaded = Option.getOrThrow(yield* store.load)
          assert.deepStrictEqual(plain(loaded), plain(tokens))
        }).pipe(Effect.provide(shared())),
      { timeout: 120_000, fastCheck: { numRuns: 100 } }
    )
  })
}

const sqliteFile = () => Path.join(Fs.mkdtempSync(Path.join(Os.tmpdir(), "im-recent-renew-")), "tokens.db")

const NOW = "2026-03-02T12:00:00Z"
const CLIENTS = 4

/** `CLIENTS` clients of the emulator, each with its own store layer, built one after the other. */
const clients = (
  emulator: Renewal.Counted,
  store: () => Layer.Layer<TokenStore.TokenStore, unknown>,
  held: TokenStore.Tokens
) =>
  Effect.forEach(Array.from({ length: CLIENTS }), () =>
    Layer.build(OAuthClient.client(emulator.application, store(), held))
  )

/** Every client calls the portal at once, its access token expired: each call renews it first. */
const allCall = (contexts: ReadonlyArray<Context.Context<Bitrix24.Bitrix24>>) =>
  Effect.forEach(contexts, (context) => Effect.either(Effect.provide(OAuthClient.callPortal, context)), {
    concurrency: "unbounded"
  })

describe("one pair, several clients with separate SQLite connections, all renewing at once (emulator)", () => {
  it.scoped("SqlTokenStore: one token request, no invalid_grant, every call made with the new pair", () =>
    Effect.gen(function* () {
      const emulator = yield* Renewal.inProcess(NOW)
      const filename = sqliteFile()
      const held = Renewal.pairOf(emulator.credentials, DateTime.unsafeMake(emulator.credentials.expires * 1000))
      const contexts = yield* clients(
        emulator,
        () => SqlTokenStore.layer({ key: "portal" }).pipe(Layer.provide(SqliteClient.layer({ filename }))),
        held
      )
      yield* TestClock.adjust("3600 seconds")
      const outcomes = yield* allCall(contexts).pipe(Effect.provideService(FetchHttpClient.Fetch, emulator.fetch))
      assert.deepStrictEqual(
        outcomes.map((outcome) => (Either.isRight(outcome) ? "ok" : outcome.left._tag)),
        Array.from({ length: CLIENTS }, () => "ok")
      )
      assert.deepStrictEqual(emulator.counts, { tokenRequests: 1, invalidGrant: 0 })
      const current = yield* emulator.current
      assert.notStrictEqual(current.refreshToken, emulator.credentials.refreshToken)
      const rows = yield* rowOf("portal").pipe(Effect.provide(SqliteClient.layer({ filename })))
      assert.deepStrictEqual(rows, [
        { access_token: current.accessToken, refresh_token: current.refreshToken, generation: 1 }
      ])
    })
  )

  it.scoped("control: in-memory stores seeded with the same pair get invalid_grant from the emulator", () =>
    Effect.gen(function* () {
      const emulator = yield* Renewal.inProcess(NOW)
      const held = Renewal.pairOf(emulator.credentials, DateTime.unsafeMake(emulator.credentials.expires * 1000))
      const contexts = yield* clients(emulator, () => TokenStore.layerInMemoryOnly(), held)
      yield* TestClock.adjust("3600 seconds")
      const outcomes = yield* allCall(contexts).pipe(Effect.provideService(FetchHttpClient.Fetch, emulator.fetch))
      assert.deepStrictEqual(emulator.counts, { tokenRequests: CLIENTS, invalidGrant: CLIENTS - 1 })
      assert.deepStrictEqual(
        outcomes.map((outcome) => (Either.isRight(outcome) ? "ok" : `${outcome.left._tag}`)).sort(),
        ["OAuthError", "OAuthError", "OAuthError", "ok"]
      )
    })
  )

  it.scoped("control: the same SQL store without its renew hook gets invalid_grant too", () =>
    Effect.gen(function* () {
      const emulator = yield* Renewal.inProcess(NOW)
      const filename = sqliteFile()
      const held = Renewal.pairOf(emulator.credentials, DateTime.unsafeMake(emulator.credentials.expires * 1000))
      const unlocked = () =>
        Layer.effect(
          TokenStore.TokenStore,
          Effect.map(storeOf("portal"), ({ load, save }) => TokenStore.make({ load, save }))
        ).pipe(Layer.provide(SqliteClient.layer({ filename })))
      const contexts = yield* clients(emulator, unlocked, held)
      yield* TestClock.adjust("3600 seconds")
      yield* allCall(contexts).pipe(Effect.provideService(FetchHttpClient.Fetch, emulator.fetch))
      assert.deepStrictEqual(emulator.counts, { tokenRequests: CLIENTS, invalidGrant: CLIENTS - 1 })
    })
  )
})
