/**
 * The mirror as a cluster (`@im-recent/cluster`): `im-recent mirror` runner processes on one Postgres (a throwaway
 * server), emulated portals in this process, counted at their HTTP boundary.
 *
 * 1. **Users per second with 1, 2 and 3 runners.** Portals with the rate limit off (and the runners told so:
 *    `BITRIX24_RATE_LIMIT=100000/100000`), so that what the runners (and the machine) can do is what is measured. For each runner count, in alternation from round to round: the runners
 *    started on the same database, every portal's entity placed and the placement settled (spread over all the
 *    runners, unchanged for 3 s), a warm-up round, then one round of every registered user (`POST /sync`: every
 *    portal at once, each on the runner that owns it) timed. The CPU time of the runners,
 *    of Postgres and of this process (the emulators) over the timed round says what saturates.
 * 2. **Request rate against the allowance while work is queued.** One runner, portals whose leaky bucket lets
 *    `drainPerSecond` requests a second through after the burst; rounds sent back to back for a while; the rate the
 *    server saw per portal (the least-squares slope of arrival time over request number) against `drainPerSecond`, and
 *    the server's `QUERY_LIMIT_EXCEEDED` answers: the emulator runs the server's leaky bucket with that allowance, so
 *    any request above it would have been refused. The entity marks its bucket full when it starts
 *    (it cannot know what the previous owner spent), so it runs at the drain rate from its first request.
 *
 * @since 0.1.0
 */
import { type ChildProcess, spawn } from "node:child_process"
import { openSync, readdirSync, readFileSync } from "node:fs"
import { type AddressInfo, createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import * as HttpServer from "@effect/platform/HttpServer"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { PortalRegistry } from "@im-recent/cluster"
import { Emulator, Generator, NodeServer } from "@im-recent/emulator"
import { Database } from "@im-recent/sql"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Scope from "effect/Scope"
import * as Postgres from "../../packages/sql/test/support/PostgresServer.js"
import { type Summary, summarize } from "./internal/stats.js"

const cliBin = fileURLToPath(new URL("../../packages/cli/src/bin.ts", import.meta.url))
const cliDir = fileURLToPath(new URL("../../packages/cli/", import.meta.url))

export interface Config {
  readonly portals: number
  readonly usersPerPortal: number
  readonly rounds: number
  readonly rate: {
    readonly portals: number
    readonly users: number
    readonly drainPerSecond: number
    readonly seconds: number
  }
}

export interface Scaling {
  readonly runners: number
  readonly usersPerSecond: Summary
  /** CPU seconds per second of the timed rounds (medians): runners, Postgres, this process (the emulators). */
  readonly cpu: { readonly runners: number; readonly postgres: number; readonly emulators: number }
}

export interface Result {
  readonly skipped?: string
  readonly users: number
  readonly scaling: ReadonlyArray<Scaling>
  readonly rate: ReadonlyArray<{ readonly portal: string; readonly requests: number; readonly ratio: number }>
  readonly queryLimitExceeded: number
  readonly drainPerSecond: number
}

interface Portal {
  readonly domain: string
  readonly webhooks: ReadonlyArray<string>
  readonly requests: Array<number>
  refused: number
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })

const startPortal = (seed: number, users: number, rateLimit: false | { burst: number; drainPerSecond: number }) =>
  Effect.gen(function* () {
    const context = yield* Layer.build(
      NodeHttpServer.layer(() => NodeServer.make(), { port: 0, host: "127.0.0.1" }).pipe(Layer.orDie)
    )
    const server = yield* Effect.provide(HttpServer.HttpServer, context)
    const publicUrl = Emulator.addressUrl(server.address)
    const service = yield* Emulator.make({
      state: Generator.generate({
        ...Generator.defaults(yield* DateTime.now),
        seed,
        users,
        chats: 4,
        messages: { perChat: 3 }
      }),
      publicUrl,
      rateLimit,
      operatingLimit: false
    }).pipe(Effect.orDie)
    const portal: Portal = { domain: new URL(publicUrl).host, webhooks: [], requests: [], refused: 0 }
    const counted = Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      if (request.url.startsWith("/rest/")) portal.requests.push(performance.now())
      const response = yield* service.app
      if (response.status === 503) portal.refused += 1
      return response
    })
    yield* Layer.buildWithScope(HttpServer.serve(counted), yield* Effect.scope).pipe(
      Effect.provide(context),
      Effect.orDie
    )
    const state = yield* service.portal.state.get
    const active = new Set(state.users.filter((user) => user.active).map((user) => user.id))
    const hooks = yield* Emulator.webhookUrls(service)
    return {
      ...portal,
      webhooks: hooks.filter((hook) => hook.scopes.includes("im") && active.has(hook.userId)).map((hook) => hook.url)
    } satisfies Portal
  })

/** CPU seconds used so far by a process (utime + stime from /proc). */
const cpuOf = (pid: number): number => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return 0
  }
}

const postgresPids = (): ReadonlyArray<number> =>
  readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, "utf8").trim().startsWith("postgres")
      } catch {
        return false
      }
    })
    .map(Number)

const cpuOfAll = (pids: ReadonlyArray<number>) => pids.reduce((sum, pid) => sum + cpuOf(pid), 0)

/** CPU seconds of every Postgres process by pid: backends come and go, so a delta is taken per pid. */
const postgresCpu = (): ReadonlyMap<number, number> => new Map(postgresPids().map((pid) => [pid, cpuOf(pid)]))

const postgresSince = (before: ReadonlyMap<number, number>): number =>
  [...postgresCpu()].reduce((sum, [pid, cpu]) => sum + cpu - (before.get(pid) ?? 0), 0)

/** Descendants too: the runner is `node --import tsx`, one process. */
interface Runner {
  readonly child: ChildProcess
  readonly http: string
}

const startRunner = async (db: string, log: string, rateLimit: string): Promise<Runner> => {
  const listen = `127.0.0.1:${await freePort()}`
  const http = `127.0.0.1:${await freePort()}`
  const out = openSync(log, "a")
  const child = spawn(
    process.execPath,
    ["--import", "tsx", cliBin, "mirror", "--db", db, "--listen", listen, "--http", http, "--interval", "1h"],
    { cwd: cliDir, stdio: ["ignore", out, out], env: { ...process.env, BITRIX24_RATE_LIMIT: rateLimit } }
  )
  for (let attempt = 0; attempt < 600; attempt++) {
    if (child.exitCode !== null) throw new Error(`a runner exited (${child.exitCode}): see ${log}`)
    try {
      const response = await fetch(`http://${http}/health`)
      if (response.ok) return { child, http }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`a runner never answered /health: see ${log}`)
}

const stopRunners = async (runners: ReadonlyArray<Runner>) => {
  await Promise.all(
    runners.map(
      (runner) =>
        new Promise<void>((resolve) => {
          if (runner.child.exitCode !== null) return resolve()
          runner.child.once("exit", () => resolve())
          runner.child.kill("SIGTERM")
          setTimeout(() => runner.child.kill("SIGKILL"), 20_000).unref()
        })
    )
  )
}

const json = async (url: string, method: "GET" | "POST" = "GET") => {
  const response = await fetch(url, { method, signal: AbortSignal.timeout(600_000) })
  if (!response.ok) throw new Error(`${method} ${url}: HTTP ${response.status}`)
  return (await response.json()) as unknown
}

interface Report {
  readonly portal: string
  readonly users: ReadonlyArray<{ readonly error?: string }>
}

const round = async (runner: Runner, expectUsers: number) => {
  const { reports } = (await json(`http://${runner.http}/sync`, "POST")) as { reports: ReadonlyArray<Report> }
  const users = reports.flatMap((report) => report.users)
  const failed = users.filter((user) => user.error !== undefined)
  if (users.length !== expectUsers || failed.length > 0) {
    throw new Error(`a round synced ${users.length - failed.length} of ${expectUsers} users: ${failed[0]?.error ?? ""}`)
  }
}

/**
 * Waits until every portal's entity answers from one of the `runners` runners (spread over all of them, or over fewer
 * after 30 s: placement is by hash) and the placement stayed the same over three polls a second apart: a runner that joins takes shards from the others, and the entities that move start
 * anew (a full load), which must not fall into the timed round.
 */
const placed = async (runner: Runner, portals: number, runners: number) => {
  let previous = ""
  let stable = 0
  for (let attempt = 0; attempt < 300; attempt++) {
    const { portals: statuses } = (await json(`http://${runner.http}/portals`)) as {
      portals: ReadonlyArray<{ portal: string; runner: string | null }>
    }
    const placement = JSON.stringify(statuses.map((status) => [status.portal, status.runner]))
    const spread = new Set(statuses.map((status) => status.runner)).size
    // shards are placed by hash: a few portals may all land on one runner for good, so after 30 s a placement that
    // holds still counts even when some runner got none
    const complete =
      statuses.length === portals &&
      statuses.every((status) => status.runner !== null) &&
      (spread === Math.min(runners, portals) || attempt >= 30)
    stable = complete && placement === previous ? stable + 1 : 0
    if (stable >= 3) return
    previous = placement
    await new Promise((resolve) => setTimeout(resolve, 1000))
  }
  throw new Error("the portals' entities never settled on the runners")
}

const register = (db: string, portals: ReadonlyArray<Portal>) =>
  Effect.gen(function* () {
    const registry = yield* PortalRegistry.PortalRegistry
    for (const portal of portals) for (const url of portal.webhooks) yield* registry.addWebhook(Redacted.make(url))
  }).pipe(Effect.provide(PortalRegistry.layer.pipe(Layer.provide(Database.layer(db)), Layer.orDie)))

export const run = async (config: Config, log: (message: string) => void): Promise<Result> => {
  const reason = Postgres.unavailableReason()
  if (reason !== undefined) {
    return { skipped: reason, users: 0, scaling: [], rate: [], queryLimitExceeded: 0, drainPerSecond: 0 }
  }
  const server = await Postgres.start()
  const scope = Effect.runSync(Scope.make())
  const logFile = join(tmpdir(), `im-recent-bench-cluster-${process.pid}.log`)
  try {
    // 1. scaling
    const portals = await Effect.runPromise(
      Effect.forEach(
        Array.from({ length: config.portals }, (_, i) => i + 1),
        (seed) => startPortal(seed, config.usersPerPortal, false)
      ).pipe(Scope.extend(scope))
    )
    const users = portals.reduce((sum, portal) => sum + portal.webhooks.length, 0)
    const db = server.createDatabase("scaling")
    await Effect.runPromise(register(db, portals))
    log(
      `cluster: ${portals.length} portals, ${users} users; 1, 2 and 3 runners, ${config.rounds} rounds (log: ${logFile})`
    )
    const samples = new Map<number, Array<number>>([
      [1, []],
      [2, []],
      [3, []]
    ])
    const cpu = new Map<number, Array<{ runners: number; postgres: number; emulators: number }>>([
      [1, []],
      [2, []],
      [3, []]
    ])
    for (let r = 0; r < config.rounds; r++) {
      const order = r % 2 === 0 ? [1, 2, 3] : [3, 2, 1]
      for (const count of order) {
        const runners: Array<Runner> = []
        try {
          for (let i = 0; i < count; i++) runners.push(await startRunner(db, logFile, "100000/100000"))
          await placed(runners[0]!, portals.length, count)
          await round(runners[0]!, users)
          const before = {
            runners: cpuOfAll(runners.map((runner) => runner.child.pid!)),
            postgres: postgresCpu(),
            emulators: process.cpuUsage()
          }
          const start = performance.now()
          await round(runners[0]!, users)
          const seconds = (performance.now() - start) / 1000
          const emulators = process.cpuUsage(before.emulators)
          samples.get(count)!.push(users / seconds)
          cpu.get(count)!.push({
            runners: (cpuOfAll(runners.map((runner) => runner.child.pid!)) - before.runners) / seconds,
            postgres: postgresSince(before.postgres) / seconds,
            emulators: (emulators.user + emulators.system) / 1e6 / seconds
          })
          log(`cluster: ${count} runner(s): ${(users / seconds).toFixed(1)} users/s`)
        } finally {
          await stopRunners(runners)
        }
      }
    }
    const median = (values: ReadonlyArray<number>) => summarize(values).median
    const scaling = [1, 2, 3].map((count) => ({
      runners: count,
      usersPerSecond: summarize(samples.get(count)!),
      cpu: {
        runners: median(cpu.get(count)!.map((c) => c.runners)),
        postgres: median(cpu.get(count)!.map((c) => c.postgres)),
        emulators: median(cpu.get(count)!.map((c) => c.emulators))
      }
    }))

    // 2. the request rate against the allowance: the runners are told the portals' own limit
    const burst = 10
    const limited = await Effect.runPromise(
      Effect.forEach(
        Array.from({ length: config.rate.portals }, (_, i) => 100 + i),
        (seed) => startPortal(seed, config.rate.users, { burst, drainPerSecond: config.rate.drainPerSecond })
      ).pipe(Scope.extend(scope))
    )
    const rateDb = server.createDatabase("rate")
    await Effect.runPromise(register(rateDb, limited))
    const limitedUsers = limited.reduce((sum, portal) => sum + portal.webhooks.length, 0)
    log(
      `cluster: request rate, ${limited.length} portals at ${config.rate.drainPerSecond}/s, ${config.rate.seconds} s of queued rounds`
    )
    const runner = await startRunner(rateDb, logFile, `${burst}/${config.rate.drainPerSecond}`)
    try {
      const until = performance.now() + config.rate.seconds * 1000
      while (performance.now() < until) await round(runner, limitedUsers)
    } finally {
      await stopRunners([runner])
    }
    const rate = limited.map((portal) => {
      // the sustained rate: the least-squares slope of arrival time over request number (a first request that
      // arrives late, on a new connection, would make first-to-last spans read high)
      const n = portal.requests.length
      const meanIndex = (n - 1) / 2
      const meanTime = portal.requests.reduce((sum, t) => sum + t, 0) / n
      let covariance = 0
      let variance = 0
      portal.requests.forEach((t, i) => {
        covariance += (i - meanIndex) * (t - meanTime)
        variance += (i - meanIndex) ** 2
      })
      const perSecond = 1000 / (covariance / variance)
      return { portal: portal.domain, requests: n, ratio: perSecond / config.rate.drainPerSecond }
    })
    return {
      users,
      scaling,
      rate,
      queryLimitExceeded: limited.reduce((sum, portal) => sum + portal.refused, 0),
      drainPerSecond: config.rate.drainPerSecond
    }
  } finally {
    await Effect.runPromise(Scope.close(scope, Effect.runSync(Effect.exit(Effect.void))))
    server.stop()
  }
}
