// A plain Node ESM program: the OAuth pair in a SQLite file through @im-recent/sql's SqlTokenStore (the file given as
// the first argument), as two processes would share it. Prints one JSON line of facts a test can check; never a token.
import { SqliteClient } from "@effect/sql-sqlite-node"
import { TokenStore } from "@im-recent/client"
import { SqlTokenStore } from "@im-recent/sql"
import { Effect, Layer, Option, Redacted } from "effect"

const pair = (access, refresh) =>
  TokenStore.tokens({ accessToken: Redacted.make(access), refreshToken: Redacted.make(refresh) })

const program = Effect.gen(function* () {
  const store = yield* TokenStore.TokenStore
  const empty = Option.isNone(yield* store.load)
  yield* store.save(pair("access-1", "refresh-1"))
  let refreshes = 0
  const refresh = () => Effect.sync(() => (refreshes += 1)).pipe(Effect.as(pair("access-2", "refresh-2")))
  // the holder of the stored pair renews it; a holder of the retired pair gets the stored one, without a refresh
  const renewed = yield* store.renew(pair("access-1", "refresh-1"), refresh)
  const late = yield* store.renew(pair("access-1", "refresh-1"), refresh)
  const loaded = Option.getOrThrow(yield* store.load)
  return {
    empty,
    refreshes,
    renewed: Redacted.value(renewed.refreshToken) === "refresh-2",
    lateGotStored: Redacted.value(late.refreshToken) === "refresh-2",
    stored: Redacted.value(loaded.accessToken) === "access-2"
  }
})

const Live = SqlTokenStore.layer({ key: "example.bitrix24.com" }).pipe(
  Layer.provide(SqliteClient.layer({ filename: process.argv[2] }))
)
console.log(JSON.stringify(await Effect.runPromise(program.pipe(Effect.provide(Live)))))
