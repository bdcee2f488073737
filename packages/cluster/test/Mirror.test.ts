/**
 * The cluster's work on one runner and SQLite (the embedded default), end to end against in-process emulated portals:
 * portals registered by webhook, rounds sent through `Sharding` to each portal's entity, every user's mirror compared
 * with a fresh full read of the portal, before and after users post messages, and the change outbox without a gap.
 *
 * These run on the live clock: the runner's shard locks, heartbeats and assignment refreshes are timed by the
 * database and the cluster's own fibers, not by a test clock.
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { RetrySchedule } from "@im-recent/client"
import { RecentItem } from "@im-recent/domain"
import { Database } from "@im-recent/sql"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { PortalEntity, PortalRegistry, Runner, Scheduler, UserSync } from "../src/index.js"
import * as Emulators from "./support/Emulators.js"

const sqliteFile = () => Path.join(Fs.mkdtempSync(Path.join(Os.tmpdir(), "im-recent-cluster-")), "mirror.db")

/** One runner on a SQLite file with the Portal entity; no scheduler: the test sends the rounds. */
const stack = (url: string, options: PortalEntity.Options = {}) => {
  const services = Layer.mergeAll(Runner.layerSingle(), PortalRegistry.layer).pipe(
    Layer.provideMerge(Database.layer(url))
  )
  return PortalEntity.layer(options).pipe(
    Layer.provide(UserSync.layerRecentMirror()),
    Layer.provide(NodeHttpClient.layerUndici),
    Layer.provideMerge(services),
    Layer.orDie
  )
}

const encode = Schema.encodeSync(RecentItem.RecentItem)

/** The change outbox has no gap: ids 1, 2, 3, … up to the last. */
const expectOutboxWithoutGap = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const [row] = yield* sql<{ count: number | string; first: number | string | null; last: number | string | null }>`
    SELECT count(*) AS count, min(id) AS first, max(id) AS last FROM im_recent_change`
  expect(Number(row!.count)).toBeGreaterThan(0)
  expect([Number(row!.first), Number(row!.last)]).toEqual([1, Number(row!.count)])
})

/** Every registered user's mirror equals a fresh full read of the portal. */
const expectMirrorsMatch = (portals: ReadonlyArray<Emulators.Portal>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    let users = 0
    for (const portal of portals) {
      const domain = new URL(portal.service.publicUrl).host
      for (const hook of portal.webhooks) {
        const fresh = (yield* Emulators.fullRead(hook.url)).map((item) => JSON.stringify(encode(item)))
        const rows = yield* sql<{ data: string }>`
          SELECT data FROM im_recent_item WHERE portal = ${domain} AND user_id = ${hook.userId} ORDER BY position`
        expect(
          rows.map((row) => row.data),
          `${domain} user ${hook.userId}`
        ).toEqual(fresh)
        users += 1
      }
    }
    return users
  })

describe("the mirror on a single runner (SQLite)", () => {
  it.scopedLive(
    "every (portal, user) mirror equals a fresh full read, before and after users post; no request over the limit",
    () =>
      Effect.gen(function* () {
        const portals = [
          yield* Emulators.start({ generator: { seed: 1, users: 5, chats: 3, messages: { perChat: 3 } } }),
          yield* Emulators.start({ generator: { seed: 2, users: 4, chats: 2, messages: { perChat: 3 } } })
        ]
        const url = `sqlite:${sqliteFile()}`
        // no retries: a QUERY_LIMIT_EXCEEDED would show up as a failed user in the reports
        yield* Effect.gen(function* () {
          const registry = yield* PortalRegistry.PortalRegistry
          for (const portal of portals) {
            for (const hook of portal.webhooks) yield* registry.addWebhook(Redacted.make(hook.url))
          }
          const first = yield* Scheduler.syncAll()
          expect(first.map((report) => report.portal).sort()).toEqual(
            portals.map((portal) => new URL(portal.service.publicUrl).host).sort()
          )
          for (const report of first) {
            expect(report.users.filter((user) => user.error !== undefined)).toEqual([])
            expect(report.users.every((user) => user.kind === "full")).toBe(true)
          }
          expect(yield* expectMirrorsMatch(portals)).toBe(portals[0]!.webhooks.length + portals[1]!.webhooks.length)

          const [a, b] = [portals[0]!.webhooks[0]!, portals[0]!.webhooks[1]!]
          yield* Emulators.post(a.url, b.userId, "cluster test: hello")
          yield* Emulators.post(b.url, a.userId, "cluster test: hello back")
          const second = yield* Scheduler.syncAll()
          for (const report of second) {
            expect(report.users.filter((user) => user.error !== undefined)).toEqual([])
            expect(report.users.every((user) => user.kind === "delta")).toBe(true)
          }
          const changed = second.flatMap((report) => report.users).reduce((sum, user) => sum + (user.changed ?? 0), 0)
          expect(changed).toBeGreaterThanOrEqual(2)
          yield* expectMirrorsMatch(portals)
          yield* expectOutboxWithoutGap

          const client = yield* PortalEntity.Portal.client
          const status = yield* client(new URL(portals[0]!.service.publicUrl).host).Status()
          expect(status.requests).toBe(portals[0]!.webhooks.length * 2)
        }).pipe(Effect.provide(stack(url, { retry: RetrySchedule.none })))
      }),
    60_000
  )

  it.live("a round of an unknown portal fails with UnknownPortal", () =>
    Effect.gen(function* () {
      const client = yield* PortalEntity.Portal.client
      const error = yield* Effect.flip(client("nowhere.example").SyncAll())
      expect(error._tag).toBe("UnknownPortal")
    }).pipe(Effect.provide(stack(`sqlite:${sqliteFile()}`)))
  )
})
