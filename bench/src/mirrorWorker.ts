/**
 * Benchmark 7, in its own process: what keeping the list in a database costs (`RecentMirror` of `@im-recent/sql`), as
 * a ratio to fetching and decoding the same answer without storing it (`ImRecent.get`), against the emulator server
 * (a portal just after its generated history, whose caller has `items` items, none dated after the portal's clock),
 * in alternation within each round:
 *
 * - full: `ImRecent.get()` vs a mirror's first sync into empty tables (every item inserted, one outbox row each, the
 *   cursor), on SQLite (a file, WAL) and on Postgres;
 * - delta: `ImRecent.get({ LAST_SYNC_DATE })` vs a mirror's delta, each right after the caller posted in `delta`
 *   group chats of the list (not timed), so both answers hold those `delta` items; the mirror writes them, the
 *   positions that moved, the cursor and the outbox. (Each sample waits two seconds, not timed: a delta holds what
 *   changed at or after its sync date's second, so the posts must fall in a later second than the previous ones.)
 *
 * Prints one JSON line: {@link Result}.
 *
 * @since 0.1.0
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as SqlClient from "@effect/sql/SqlClient"
import { ImRecent } from "@im-recent/client"
import { Database, RecentMirror } from "@im-recent/sql"
import type * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Clients from "./internal/clients.js"
import { collectGarbage, interleave } from "./internal/stats.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Config {
  readonly webhookUrl: string
  readonly items: number
  readonly delta: number
  /** A Postgres URL to a server the worker may create a database on; none: SQLite only. */
  readonly postgresUrl: string | undefined
  readonly rounds: number
  readonly warmup: number
}

/**
 * Milliseconds per operation, per contender and round: `full.get`, `full.sqlite`, `full.pg`, `delta.get`, ….
 *
 * @since 0.1.0
 * @category models
 */
export type Result = Readonly<Record<"full" | "delta", Readonly<Record<string, ReadonlyArray<number>>>>>

const config = JSON.parse(process.argv[2] ?? "{}") as Config

const databases: Record<string, string> = {
  sqlite: `sqlite:${Path.join(Fs.mkdtempSync(Path.join(Os.tmpdir(), "im-recent-bench-")), "mirror.db")}`
}
if (config.postgresUrl !== undefined) {
  const url = new URL(config.postgresUrl)
  const name = `bench_${process.pid}_${Date.now()}`
  const admin = ManagedRuntime.make(Database.layer(config.postgresUrl))
  await admin.runPromise(Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe(`CREATE DATABASE "${name}"`)))
  await admin.dispose()
  url.pathname = `/${name}`
  databases.pg = url.toString()
}

const client = Clients.oursLayer(config.webhookUrl, undefined, "undici").pipe(Layer.orDie)
const plain = ManagedRuntime.make(client)

/** One runtime per database: its client, and ImRecent on its own connection to the portal. */
const runtimes = Object.fromEntries(
  Object.entries(databases).map(([name, url]) => [
    name,
    ManagedRuntime.make(Layer.merge(Database.layer(url).pipe(Layer.orDie), client))
  ])
)

const expect = (what: string, got: number, wanted: number) => {
  if (got !== wanted) throw new Error(`${what}: expected ${wanted} items, got ${got}`)
}

/** The mirror after a reset of the tables (not timed): a first sync is then a full load into empty tables. */
const freshMirror = (name: string) =>
  runtimes[name]!.runPromise(
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* sql`DELETE FROM im_recent_item`
      yield* sql`DELETE FROM im_recent_cursor`
      yield* sql`DELETE FROM im_recent_change`
      return yield* RecentMirror.make({ fullRefreshEvery: "365 days" })
    }).pipe(Effect.orDie)
  )

const timed = async <A>(run: () => Promise<A>): Promise<readonly [number, A]> => {
  collectGarbage()
  const start = performance.now()
  const value = await run()
  return [performance.now() - start, value] as const
}

// ----------------------------------------------------------------------------------------------------------- full
const full = await interleave(
  {
    get: async () => {
      const [ms, result] = await timed(() =>
        plain.runPromise(Effect.flatMap(ImRecent.ImRecent, (recent) => recent.get()).pipe(Effect.orDie))
      )
      expect("full get", result.items.length, config.items)
      return ms
    },
    ...Object.fromEntries(
      Object.keys(databases).map((name) => [
        name,
        async () => {
          const mirror = await freshMirror(name)
          const [ms, sync] = await timed(() => runtimes[name]!.runPromise(mirror.sync.pipe(Effect.orDie)))
          expect(`full ${name}`, sync.items, config.items)
          expect(`full ${name} changes`, sync.changes.length, config.items)
          return ms
        }
      ])
    )
  },
  config
)

// ---------------------------------------------------------------------------------------------------------- delta
/** The chats of the list the caller posts in: group chats, where a post of theirs never drops a row. */
const initial = await plain.runPromise(Effect.flatMap(ImRecent.ImRecent, (recent) => recent.get()).pipe(Effect.orDie))
const chats = initial.items.filter((item) => item.type === "chat").map((item) => item.id)
let next = 0
/** Posts in `delta` chats (skipping those that refuse the caller's posts); not timed. */
const touch = async () => {
  let posted = 0
  for (let tries = 0; posted < config.delta && tries < chats.length; tries++) {
    const dialog = chats[next++ % chats.length]!
    const answer = await fetch(`${config.webhookUrl}im.message.add`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ DIALOG_ID: dialog, MESSAGE: "bench" })
    })
    if (answer.ok) posted++
  }
  if (posted < config.delta) throw new Error(`could post in only ${posted} chats`)
}

const mirrors = Object.fromEntries(
  await Promise.all(
    Object.keys(databases).map(async (name) => {
      const mirror = await freshMirror(name)
      await runtimes[name]!.runPromise(mirror.sync.pipe(Effect.orDie))
      return [name, mirror] as const
    })
  )
)
const second = () => new Promise((resolve) => setTimeout(resolve, 1050))
/**
 * A delta holds the items changed at or after the sync date's second: a contender first catches up (not timed) a
 * second after the previous contender's posts, and posts a second after that, so its delta holds its own posts only.
 */
const catchUpThenTouch = async (catchUp: () => Promise<unknown>) => {
  await second()
  await catchUp()
  await second()
  await touch()
}
let syncDate: DateTime.DateTime = initial.nextSyncDate
const getSince = () =>
  plain.runPromise(
    Effect.flatMap(ImRecent.ImRecent, (recent) => recent.get({ LAST_SYNC_DATE: syncDate })).pipe(Effect.orDie)
  )
const delta = await interleave(
  {
    get: async () => {
      await catchUpThenTouch(async () => {
        syncDate = (await getSince()).nextSyncDate
      })
      const [ms, result] = await timed(getSince)
      expect("delta get", result.items.length, config.delta)
      syncDate = result.nextSyncDate
      return ms
    },
    ...Object.fromEntries(
      Object.keys(databases).map((name) => [
        name,
        async () => {
          const sync = () => runtimes[name]!.runPromise(mirrors[name]!.sync.pipe(Effect.orDie))
          await catchUpThenTouch(sync)
          const [ms, result] = await timed(sync)
          if (result.kind !== "delta") throw new Error(`${name}: a ${result.reason} sync instead of a delta`)
          expect(`delta ${name} changes`, result.changes.length, config.delta)
          return ms
        }
      ])
    )
  },
  config
)

await plain.dispose()
for (const runtime of Object.values(runtimes)) await runtime.dispose()
process.stdout.write(`${JSON.stringify({ full, delta } satisfies Result)}\n`)
process.exit(0)
