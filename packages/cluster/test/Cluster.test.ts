/**
 * Three runner processes on one Postgres, ten emulated portals (two users by webhook and one by OAuth installation
 * each), users posting messages all along. One runner is killed with SIGKILL mid-run; its portals must be answered by
 * the survivors within `Runner.failoverBound`. After the writers stop and a final round, every (portal, user) mirror
 * equals a fresh full read, the change outbox has no gap, no portal ever answered QUERY_LIMIT_EXCEEDED, and no refresh
 * token was used twice (the emulators refuse a retired one with invalid_grant).
 *
 * Live clock: the runners are separate processes; their heartbeats and shard locks are timed by Postgres.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { RecentItem } from "@im-recent/domain"
import { Database } from "@im-recent/sql"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import { inject } from "vitest"
import * as PostgresServer from "../../sql/test/support/PostgresServer.js"
// the ProvidedContext keys (postgresUrl, postgresUnavailable) its global setup provides
import type {} from "../../sql/test/support/postgresGlobalSetup.js"
import { InstallEvent, PortalRegistry, Runner } from "../src/index.js"
import * as Emulators from "./support/Emulators.js"
import * as Fleet from "./support/Fleet.js"

const unavailable = inject("postgresUnavailable")

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = Net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as Net.AddressInfo
      server.close(() => resolve(port))
    })
  })

const createDatabase = (): string => {
  const base = inject("postgresUrl")!
  const name = `cluster_${process.pid}_${Date.now().toString(36)}`
  execFileSync(
    Path.join(PostgresServer.binDirectory()!, "psql"),
    [base, "-v", "ON_ERROR_STOP=1", "-q", "-c", `CREATE DATABASE "${name}"`],
    {
      stdio: "pipe"
    }
  )
  const url = new URL(base)
  url.pathname = `/${name}`
  return url.toString()
}

interface RunnerProcess {
  readonly child: ChildProcess
  readonly listen: string
  readonly http: string
  readonly log: string
}

const startRunner = (db: string, index: number) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const listen = `127.0.0.1:${await freePort()}`
      const http = `127.0.0.1:${await freePort()}`
      const log = Path.join(Os.tmpdir(), `im-recent-runner-${process.pid}-${index}.log`)
      const out = Fs.openSync(log, "w")
      const child = spawn(process.execPath, ["--import", "tsx", "test/support/runner.ts", db, listen, http], {
        cwd: Path.join(import.meta.dirname, ".."),
        stdio: ["ignore", out, out],
        env: {
          ...process.env,
          BITRIX24_CLIENT_ID: Fleet.application.clientId,
          BITRIX24_CLIENT_SECRET: Fleet.application.clientSecret
        }
      })
      return { child, listen, http, log } satisfies RunnerProcess
    }),
    (runner) => Effect.sync(() => runner.child.exitCode === null && runner.child.kill("SIGKILL"))
  )

const getJson = (url: string, method: "GET" | "POST" = "GET") =>
  Effect.tryPromise(async () => {
    const response = await fetch(url, { method, signal: AbortSignal.timeout(120_000) })
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`)
    return (await response.json()) as unknown
  })

const waitHealthy = (runner: RunnerProcess) =>
  getJson(`http://${runner.http}/health`).pipe(
    Effect.retry({ times: 240, schedule: Schedule.spaced("250 millis") }),
    Effect.orElse(() =>
      Effect.dieMessage(`runner ${runner.listen} never healthy:\n${Fs.readFileSync(runner.log, "utf8")}`)
    )
  )

interface PortalStatus {
  readonly portal: string
  readonly runner: string | null
}

const owners = (runner: RunnerProcess) =>
  Effect.map(getJson(`http://${runner.http}/portals`), (body) => (body as { portals: Array<PortalStatus> }).portals)

const encode = Schema.encodeSync(RecentItem.RecentItem)

/** The change outbox has no gap: ids 1, 2, 3, … up to the last. */
const expectOutboxWithoutGap = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const [row] = yield* sql<{ count: number | string; first: number | string | null; last: number | string | null }>`
    SELECT count(*) AS count, min(id) AS first, max(id) AS last FROM im_recent_change`
  expect(Number(row!.count)).toBeGreaterThan(0)
  expect([Number(row!.first), Number(row!.last)]).toEqual([1, Number(row!.count)])
})

describe.skipIf(unavailable !== undefined)(
  `three runners on one Postgres${unavailable === undefined ? "" : ` — skipped: ${unavailable}`}`,
  () => {
    it.scopedLive(
      "a killed runner's portals move within the failover bound; mirrors equal fresh reads; no gap in the outbox; no limit exceeded, no token reused",
      () =>
        Effect.gen(function* () {
          const portals = yield* Effect.forEach(
            Array.from({ length: 10 }, (_, i) => i + 1),
            (seed) => Fleet.start({ seed, users: 4, accessTokenLifetime: 30 })
          )
          const db = createDatabase()
          // register: the webhook users other than the OAuth one, and the OAuth user by its installation event
          yield* Effect.gen(function* () {
            const registry = yield* PortalRegistry.PortalRegistry
            for (const portal of portals) {
              for (const hook of portal.webhooks.filter((hook) => hook.userId !== portal.oauth.userId).slice(0, 2)) {
                yield* registry.addWebhook(Redacted.make(hook.url))
              }
              const base = new URL(portal.oauth.restUrl).origin
              const form = new URLSearchParams({
                event: "ONAPPINSTALL",
                "auth[domain]": portal.domain,
                "auth[client_endpoint]": portal.oauth.restUrl,
                "auth[server_endpoint]": `${base}/rest/`,
                "auth[member_id]": `member${portal.domain.replace(/\D/g, "")}`,
                "auth[user_id]": String(portal.oauth.userId),
                "auth[access_token]": portal.oauth.accessToken,
                "auth[refresh_token]": portal.oauth.refreshToken,
                // about to expire: renewed at the first round, then on every round (issued pairs live 30 s, under
                // the client's 60 s renewal margin)
                "auth[expires]": String(Math.floor(Date.now() / 1000) + 5),
                "auth[application_token]": `apptoken-${portal.domain}`
              })
              yield* registry.install(Either.getOrThrow(InstallEvent.parse(form, yield* DateTime.now)))
            }
          }).pipe(Effect.provide(PortalRegistry.layer.pipe(Layer.provide(Database.layer(db)), Layer.orDie)))

          const runners = yield* Effect.forEach([0, 1, 2], (index) => startRunner(db, index))
          yield* Effect.forEach(runners, waitHealthy, { concurrency: "unbounded" })

          // users keep posting until told to stop
          let writing = true
          let posted = 0
          const writers = yield* Effect.fork(
            Effect.gen(function* () {
              let n = 0
              while (writing) {
                const portal = portals[n % portals.length]!
                const [a, b] = [portal.webhooks[n % 2]!, portal.webhooks[(n + 1) % 2]!]
                yield* portal.post(a.userId, b.userId, `message ${n}`)
                posted += 1
                n += 1
                yield* Effect.sleep("50 millis")
              }
            })
          )

          // every portal answered by some runner
          const assigned = yield* owners(runners[0]!).pipe(
            Effect.filterOrFail((found) => found.every((status) => status.runner !== null)),
            Effect.retry({ times: 120, schedule: Schedule.spaced("500 millis") }),
            Effect.orDie
          )
          yield* Effect.sleep("3 seconds")
          const counts = new Map<string, number>()
          for (const status of assigned) counts.set(status.runner!, (counts.get(status.runner!) ?? 0) + 1)
          const victim = runners.reduce((best, runner) =>
            (counts.get(runner.listen) ?? 0) > (counts.get(best.listen) ?? 0) ? runner : best
          )
          const moved = assigned.filter((status) => status.runner === victim.listen).map((status) => status.portal)
          expect(moved.length).toBeGreaterThan(0)
          const survivors = runners.filter((runner) => runner !== victim)

          victim.child.kill("SIGKILL")
          const killedAt = Date.now()
          const bound = Duration.toMillis(Runner.failoverBound())
          let movedAt: number | undefined
          while (Date.now() - killedAt < bound + 20_000) {
            const now = yield* owners(survivors[0]!).pipe(Effect.orElseSucceed(() => []))
            const live = new Set(survivors.map((runner) => runner.listen))
            if (
              now.length === portals.length &&
              now.every((status) => status.runner !== null && live.has(status.runner))
            ) {
              movedAt = Date.now()
              break
            }
            yield* Effect.sleep("250 millis")
          }
          expect(movedAt, "the killed runner's portals never moved").toBeDefined()
          console.log(`failover: ${moved.length} portals moved in ${movedAt! - killedAt} ms (bound ${bound} ms)`)
          expect(movedAt! - killedAt).toBeLessThanOrEqual(bound)

          yield* Effect.sleep("3 seconds")
          writing = false
          yield* Fiber.join(writers)
          expect(posted).toBeGreaterThan(50)

          const final = (yield* getJson(`http://${survivors[0]!.http}/sync`, "POST")) as {
            reports: Array<{ portal: string; users: Array<{ userId: number; error?: string }> }>
          }
          expect(final.reports.length).toBe(portals.length)
          expect(final.reports.flatMap((report) => report.users.filter((user) => user.error !== undefined))).toEqual([])
          for (const runner of survivors) runner.child.kill("SIGTERM")

          // the runners' answers: nothing over the limit, no refresh token used twice
          expect(portals.map((portal) => portal.counters.queryLimitExceeded)).toEqual(portals.map(() => 0))
          expect(portals.map((portal) => portal.counters.invalidGrant)).toEqual(portals.map(() => 0))
          expect(portals.reduce((sum, portal) => sum + portal.counters.renewals, 0)).toBeGreaterThan(0)

          // every mirror equals a fresh full read
          yield* Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            for (const portal of portals) {
              const users = yield* sql<{ user_id: number | string }>`
                SELECT user_id FROM im_recent_portal_user WHERE portal = ${portal.domain}`
              expect(users.length).toBe(3)
              for (const { user_id } of users) {
                const hook = portal.webhooks.find((candidate) => candidate.userId === Number(user_id))!
                const fresh = (yield* Emulators.fullRead(hook.url)).map((item) => JSON.stringify(encode(item)))
                const rows = yield* sql<{ data: string }>`
                  SELECT data FROM im_recent_item WHERE portal = ${portal.domain} AND user_id = ${Number(user_id)}
                  ORDER BY position`
                expect(
                  rows.map((row) => row.data),
                  `${portal.domain} user ${user_id}`
                ).toEqual(fresh)
              }
            }
            yield* expectOutboxWithoutGap
          }).pipe(Effect.provide(Database.layer(db).pipe(Layer.orDie)))
        }),
      240_000
    )
  }
)
