/**
 * `pnpm bench`: every benchmark, a table on stdout, and the figures in `bench/results/latest.json`.
 *
 * Every figure is a ratio of two things measured in the same run, in alternation, median over the rounds (after
 * warm-up rounds). `--quick` runs the same code paths with fewer rounds and smaller payloads, in seconds, and writes
 * `bench/results/quick.tmp.json` instead (not committed): CI runs it so that the benchmarks cannot rot. `--only=a,b`
 * picks benchmarks (`decode`, `roundtrip`, `throughput`, `ratelimit`, `memory`, `coldstart`, `fleet`, `mirror`, `cluster`).
 *
 * @since 0.1.0
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { cpus } from "node:os"
import * as PostgresServer from "../../packages/sql/test/support/PostgresServer.js"
import * as Cluster from "./cluster.js"
import * as ColdStart from "./coldStart.js"
import type * as DecodeWorker from "./decodeWorker.js"
import * as FleetStart from "./fleetStart.js"
import * as Child from "./internal/child.js"
import { ratios, round, rounded, summarize } from "./internal/stats.js"
import type * as MemoryWorker from "./memoryWorker.js"
import type * as MirrorWorker from "./mirrorWorker.js"
import type * as RateLimitWorker from "./rateLimitWorker.js"
import type * as RoundtripWorker from "./roundtripWorker.js"
import * as Throughput from "./throughput.js"

const quick = process.argv.includes("--quick")
const onlyFlag = process.argv.find((arg) => arg.startsWith("--only="))
const only = onlyFlag === undefined ? undefined : new Set(onlyFlag.slice("--only=".length).split(","))
const enabled = (name: string) => only === undefined || only.has(name)

/** One line of the table. */
interface Row {
  readonly benchmark: string
  readonly figure: string
  readonly value: string
  readonly target: string
  readonly verdict: string
}

const rows: Array<Row> = []
const results: Record<string, unknown> = {}
const gcFlags = ["--expose-gc"]

/** Quick runs are too short to judge: their figures only show that the code paths work. */
const verdict = (met: boolean): string => (quick ? "-" : met ? "met" : "MISSED")
const times = (value: number) => `${value.toFixed(2)}x`
const range = (summary: { readonly min: number; readonly max: number }, digits = 2) =>
  `(${summary.min.toFixed(digits)}–${summary.max.toFixed(digits)})`

const log = (message: string) => process.stderr.write(`bench: ${message}\n`)

// ---------------------------------------------------------------------------------------------------------- 1 decode
/** Parse + decode over parse alone: at most 1.6x for 1,000 items (and the quick runs' smaller sizes), 1.5x above. */
const decodeTarget = (items: number): number => (items >= 10000 ? 1.5 : 1.6)

const decode = async () => {
  const config: DecodeWorker.Config = quick
    ? { sizes: [200, 1000], rounds: 3, warmup: 1, itemsPerSample: 2000 }
    : { sizes: [1000, 10000], rounds: 9, warmup: 2, itemsPerSample: 20000 }
  log(`decode: ${config.sizes.join(" and ")} items, ${config.rounds} rounds`)
  const result = await Child.run<DecodeWorker.Result>("decodeWorker.ts", [JSON.stringify(config)], {
    nodeFlags: gcFlags
  })
  const bySize: Record<string, unknown> = {}
  for (const size of result) {
    const target = decodeTarget(size.items)
    const ratio = summarize(size.fast.map((fast, i) => fast / size.parse[i]!))
    const regular = summarize(size.regular.map((regular, i) => regular / size.parse[i]!))
    bySize[size.items] = {
      bytes: size.bytes,
      repetitions: size.repetitions,
      parseMs: rounded(summarize(size.parse)),
      parseAndFastDecodeMs: rounded(summarize(size.fast)),
      parseAndRegularDecodeMs: rounded(summarize(size.regular)),
      ratio: rounded(ratio),
      regularRatio: rounded(regular),
      target
    }
    rows.push({
      benchmark: `1 decode ${size.items} items`,
      figure: "(JSON.parse + FastDecode) / JSON.parse",
      value: `${times(ratio.median)} ${range(ratio)}`,
      target: `<= ${times(target)}`,
      verdict: verdict(ratio.median <= target)
    })
    rows.push({
      benchmark: `1 decode ${size.items} items`,
      figure: "(JSON.parse + Schema.decodeUnknownSync) / JSON.parse",
      value: `${times(regular.median)} ${range(regular)}`,
      target: "reference",
      verdict: "report"
    })
  }
  results.decode = bySize
}

// ------------------------------------------------------------------------------------------------------ 2 round trip
const roundtrip = async () => {
  const rounds = quick ? { rounds: 3, warmup: 1, callsPerSample: 5 } : { rounds: 25, warmup: 3, callsPerSample: 20 }
  const out: Record<string, unknown> = {}
  for (const tls of [false, true]) {
    const scheme = tls ? "https" : "http"
    log(`round trip over ${scheme}: ${rounds.rounds} rounds of ${rounds.callsPerSample} calls per client`)
    const server = await Child.server({ kind: "emulator", rows: 1000, items: 200, tls, rateLimit: false })
    try {
      const config: RoundtripWorker.Config = {
        webhookUrl: server.first.webhookUrl!,
        clients: tls ? ["raw", "oursUndici", "ours", "sdk"] : ["raw", "oursUndici", "ours"],
        items: 200,
        ...rounds
      }
      const samples = await Child.run<RoundtripWorker.Result>("roundtripWorker.ts", [JSON.stringify(config)], {
        env: server.first.caFile === undefined ? {} : { NODE_EXTRA_CA_CERTS: server.first.caFile }
      })
      const versus = (a: string, b: string) => summarize(samples[a]!.map((value, i) => value / samples[b]![i]!))
      const entry: Record<string, unknown> = Object.fromEntries(
        Object.entries(samples).map(([name, values]) => [`${name}Ms`, rounded(summarize(values))])
      )
      const benchmark = `2 round trip ${scheme}, 200 items`
      for (const [client, label] of [
        ["oursUndici", "ImRecent.get (NodeHttpClient.layerUndici)"],
        ["ours", "ImRecent.get (FetchHttpClient)"]
      ] as const) {
        const ratio = versus(client, "raw")
        entry[`${client}VsRaw`] = rounded(ratio)
        // over http: ours on undici within 1.10x of the raw call, on the default FetchHttpClient within 1.20x
        const limit = tls ? undefined : client === "oursUndici" ? 1.1 : 1.2
        rows.push({
          benchmark,
          figure: `${label} / (fetch + JSON.parse)`,
          value: `${times(ratio.median)} ${range(ratio)}`,
          target: limit === undefined ? "reference" : `<= ${times(limit)}`,
          verdict: limit === undefined ? "report" : verdict(ratio.median <= limit)
        })
      }
      if (samples.sdk !== undefined) {
        for (const [client, label] of [
          ["oursUndici", "ImRecent.get (undici)"],
          ["ours", "ImRecent.get (fetch)"]
        ] as const) {
          const ratio = versus(client, "sdk")
          entry[`${client}VsSdk`] = rounded(ratio)
          rows.push({
            benchmark,
            figure: `${label} / b24jssdk call`,
            value: `${times(ratio.median)} ${range(ratio)}`,
            target: client === "oursUndici" ? "<= 0.90x" : "reference",
            verdict: client === "oursUndici" ? verdict(ratio.median <= 0.9) : "report"
          })
        }
        const sdkVsRaw = versus("sdk", "raw")
        entry.sdkVsRaw = rounded(sdkVsRaw)
        rows.push({
          benchmark,
          figure: "b24jssdk call / (fetch + JSON.parse)",
          value: `${times(sdkVsRaw.median)} ${range(sdkVsRaw)}`,
          target: "reference",
          verdict: "report"
        })
      }
      out[scheme] = entry
    } finally {
      await server.stop()
    }
  }
  results.roundtrip = { ...out, items: 200, callsPerSample: rounds.callsPerSample }
}

// ------------------------------------------------------------------------------------------------------ 3 throughput
const throughput = async () => {
  const config: Throughput.Config = quick
    ? { rows: 1000, items: 200, connections: 16, seconds: 1, rounds: 1, warmup: 1 }
    : { rows: 1000, items: 200, connections: 16, seconds: 3, rounds: 5, warmup: 1 }
  log(`throughput: ${config.rounds} rounds of ${config.seconds} s per server, ${config.connections} connections`)
  const result = await Throughput.run(config)
  const ratio = summarize(result.ratio)
  results.throughput = {
    rows: result.rows,
    items: config.items,
    bodyBytes: result.bodyBytes,
    connections: config.connections,
    seconds: config.seconds,
    emulatorRps: rounded(summarize(result.emulator), 0),
    plainRps: rounded(summarize(result.plain), 0),
    ratio: rounded(ratio),
    target: 0.7
  }
  rows.push({
    benchmark: `3 emulator throughput (${result.rows} rows, 200 in window)`,
    figure: "emulator req/s / plain node:http req/s",
    value: `${ratio.median.toFixed(2)} ${range(ratio)} (${Math.round(summarize(result.emulator).median)} / ${Math.round(summarize(result.plain).median)})`,
    target: ">= 0.70",
    verdict: verdict(ratio.median >= 0.7)
  })
}

// ------------------------------------------------------------------------------------------------------ 4 rate limit
const rateLimit = async () => {
  const burst = 20
  const drainPerSecond = 20
  const calls = quick ? 40 : 300
  log(`rate limit: ${calls} calls at ${burst} burst / ${drainPerSecond} per second`)
  const server = await Child.server({
    kind: "emulator",
    rows: 1000,
    items: 200,
    tls: false,
    rateLimit: { burst, drainPerSecond }
  })
  try {
    const result = await Child.run<RateLimitWorker.Result>("rateLimitWorker.ts", [
      JSON.stringify({
        webhookUrl: server.first.webhookUrl!,
        calls,
        burst,
        drainPerSecond
      } satisfies RateLimitWorker.Config)
    ])
    const stats = await server.stats()
    const refused = stats.byStatus["503"] ?? 0
    const clientRefused = result.failures.QueryLimitExceeded ?? 0
    const theoretical = (calls - burst) / drainPerSecond
    const ratio = theoretical / result.seconds
    results.rateLimit = {
      calls,
      burst,
      drainPerSecond,
      seconds: round(result.seconds),
      theoreticalSeconds: theoretical,
      ratio: round(ratio),
      succeeded: result.succeeded,
      failures: result.failures,
      serverResponses: stats.responses,
      serverQueryLimitExceeded: refused,
      target: 0.98
    }
    rows.push({
      benchmark: `4 rate limit (${calls} calls, ${burst} burst, ${drainPerSecond}/s)`,
      figure: `theoretical ${theoretical} s / achieved`,
      value: `${ratio.toFixed(3)} (${result.seconds.toFixed(2)} s)`,
      target: ">= 0.98",
      verdict: verdict(ratio >= 0.98)
    })
    rows.push({
      benchmark: `4 rate limit (${calls} calls, ${burst} burst, ${drainPerSecond}/s)`,
      figure: "QUERY_LIMIT_EXCEEDED: server / client",
      value: `${refused} / ${clientRefused} (${result.succeeded} of ${calls} succeeded)`,
      target: "0 / 0",
      verdict: verdict(refused === 0 && clientRefused === 0 && result.succeeded === calls)
    })
  } finally {
    await server.stop()
  }
}

// ---------------------------------------------------------------------------------------------------------- 5 memory
const memory = async () => {
  const items = quick ? 1000 : 10000
  log(`memory: decoding ${items} items`)
  const result = await Child.run<MemoryWorker.Result>(
    "memoryWorker.ts",
    [JSON.stringify({ items } satisfies MemoryWorker.Config)],
    { nodeFlags: gcFlags }
  )
  const peak = result.peakHeap / result.bytes
  const withText = (result.peakHeap + result.textHeap) / result.bytes
  results.memory = {
    items,
    bytes: result.bytes,
    textHeapBytes: result.textHeap,
    parsedHeapBytes: result.parsedHeap,
    decodedHeapBytes: result.decodedHeap,
    peakHeapBytes: result.peakHeap,
    peakMultiple: round(peak, 2),
    peakWithTextMultiple: round(withText, 2)
  }
  rows.push({
    benchmark: `5 memory, decoding ${items} items (${(result.bytes / 1e6).toFixed(1)} MB)`,
    figure: "live heap at the end of decoding / text size",
    value: `${peak.toFixed(2)}x (${withText.toFixed(2)}x with the text itself)`,
    target: "report",
    verdict: "report"
  })
}

// ------------------------------------------------------------------------------------------------------ 6 cold start
/** `im-recent --help` over `node -e ""`. */
const coldStartTarget = 3

const coldStart = async () => {
  const config: ColdStart.Config = quick
    ? { rounds: 3, warmup: 1, installed: false }
    : { rounds: 15, warmup: 2, installed: true }
  log(`cold start: ${config.rounds} rounds, the bin from the ${config.installed ? "installed tarball" : "workspace"}`)
  const result = await ColdStart.run(config, log)
  results.coldStart = {
    source: result.source,
    nodeMs: rounded(result.node),
    helpMs: rounded(result.help),
    emulatorHandshakeMs: rounded(result.emulator),
    tsxHelpMs: rounded(result.tsxHelp),
    helpOverNode: rounded(result.helpOverNode),
    helpTarget: coldStartTarget,
    emulatorOverNode: rounded(result.emulatorOverNode),
    tsxOverBundle: rounded(result.tsxOverBundle)
  }
  const ms = (summary: { readonly median: number }) => `${Math.round(summary.median)} ms`
  const benchmark = `6 cold start (${result.source})`
  rows.push({
    benchmark,
    figure: "im-recent --help / node -e ''",
    value: `${times(result.helpOverNode.median)} ${range(result.helpOverNode)} (${ms(result.help)} / ${ms(result.node)})`,
    target: `<= ${times(coldStartTarget)}`,
    verdict: verdict(result.helpOverNode.median <= coldStartTarget)
  })
  rows.push({
    benchmark,
    figure: "im-recent emulator to its handshake / node -e ''",
    value: `${times(result.emulatorOverNode.median)} ${range(result.emulatorOverNode)} (${ms(result.emulator)})`,
    target: "report",
    verdict: "report"
  })
  rows.push({
    benchmark,
    figure: "tsx src/bin.ts --help / im-recent --help",
    value: `${times(result.tsxOverBundle.median)} ${range(result.tsxOverBundle)} (${ms(result.tsxHelp)})`,
    target: "reference",
    verdict: "report"
  })
}

// ----------------------------------------------------------------------------------------------------- 7 fleet start
const fleetStart = async () => {
  const config: FleetStart.Config = quick
    ? { rounds: 2, warmup: 1, sizes: [3] }
    : { rounds: 7, warmup: 1, sizes: [10, 50] }
  log(`fleet start: ${config.rounds} rounds, --portals ${config.sizes.join(" and ")} next to one portal`)
  const result = await FleetStart.run(config)
  results.fleetStart = {
    singleHandshakeMs: rounded(result.single),
    fleets: result.fleets.map((fleet) => ({
      portals: fleet.portals,
      handshakeMs: rounded(fleet.handshake),
      overSingle: rounded(fleet.overSingle),
      perExtraPortalMs: rounded(fleet.perExtraPortal)
    }))
  }
  const ms = (summary: { readonly median: number }) => `${Math.round(summary.median)} ms`
  for (const fleet of result.fleets) {
    rows.push({
      benchmark: `7 fleet start (--portals ${fleet.portals})`,
      figure: "to its handshake / one portal's",
      value: `${times(fleet.overSingle.median)} ${range(fleet.overSingle)} (${ms(fleet.handshake)} / ${ms(result.single)})`,
      target: "report",
      verdict: "report"
    })
    rows.push({
      benchmark: `7 fleet start (--portals ${fleet.portals})`,
      figure: "each portal after the first adds",
      value: `${ms(fleet.perExtraPortal)} ${range(fleet.perExtraPortal, 0)}`,
      target: "report",
      verdict: "report"
    })
  }
}
/**
 * Why each benchmark that could not run failed, by name. A failed benchmark is tried once more (a busy machine can
 * make a child miss its timeout); if it fails again, the others still run and their figures are still written, and
 * the run exits with status 1 after the table.
 */
const failures: Record<string, string> = {}
let current = "(none)"
const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error))
// a rejection nobody awaits (a child's late failure) is reported against the benchmark running, instead of ending
// the run without any figure
process.on("unhandledRejection", (error) => {
  log(`${current}: unhandled rejection: ${describe(error)}`)
  failures[current] ??= `unhandled rejection: ${describe(error)}`
})
// ---------------------------------------------------------------------------------------------------------- 8 mirror
const mirror = async () => {
  // ten minutes after the generated history: exactly 1,000 (213) items in the default window, none dated later
  const size = quick ? { rows: 250, items: 213 } : { rows: 1228, items: 1000 }
  const rounds = quick ? { rounds: 2, warmup: 1 } : { rounds: 12, warmup: 2 }
  const delta = 10
  const unavailable = PostgresServer.unavailableReason()
  if (unavailable !== undefined) log(`mirror: Postgres skipped: ${unavailable}`)
  log(`mirror: ${size.items} items in full, ${delta}-item deltas, ${rounds.rounds} rounds`)
  const postgres = unavailable === undefined ? await PostgresServer.start() : undefined
  const server = await Child.server({ kind: "emulator", ...size, at: "history-end", tls: false, rateLimit: false })
  try {
    const config: MirrorWorker.Config = {
      webhookUrl: server.first.webhookUrl!,
      items: size.items,
      delta,
      postgresUrl: postgres?.url,
      ...rounds
    }
    const samples = await Child.run<MirrorWorker.Result>("mirrorWorker.ts", [JSON.stringify(config)], {
      nodeFlags: gcFlags
    })
    const entry: Record<string, unknown> = { items: size.items, delta, postgres: unavailable ?? "ran" }
    for (const step of ["full", "delta"] as const) {
      const got = samples[step]
      const benchmark =
        step === "full"
          ? `8 mirror, full load of ${size.items} items`
          : `8 mirror, ${delta}-item delta (of ${size.items})`
      const figures: Record<string, unknown> = { getMs: rounded(summarize(got.get!)) }
      for (const [engine, label] of [
        ["sqlite", "SQLite file"],
        ["pg", "Postgres"]
      ] as const) {
        if (got[engine] === undefined) {
          rows.push({
            benchmark,
            figure: `sync into ${label} / (fetch + decode)`,
            value: `skipped: ${unavailable}`,
            target: "report",
            verdict: "-"
          })
          continue
        }
        const ratio = summarize(ratios(got[engine]!, got.get!))
        figures[`${engine}Ms`] = rounded(summarize(got[engine]!))
        figures[`${engine}VsGet`] = rounded(ratio)
        rows.push({
          benchmark,
          figure: `sync into ${label} / (fetch + decode)`,
          value: `${times(ratio.median)} ${range(ratio)} (${Math.round(summarize(got[engine]!).median)} ms / ${Math.round(summarize(got.get!).median)} ms)`,
          target: "report",
          verdict: "report"
        })
      }
      entry[step] = figures
    }
    results.mirror = entry
  } finally {
    await server.stop()
    postgres?.stop()
  }
}

// --------------------------------------------------------------------------------------------------------- 9 cluster
const cluster = async () => {
  const config: Cluster.Config = quick
    ? { portals: 3, usersPerPortal: 3, rounds: 1, rate: { portals: 1, users: 6, drainPerSecond: 5, seconds: 3 } }
    : { portals: 10, usersPerPortal: 8, rounds: 3, rate: { portals: 2, users: 16, drainPerSecond: 5, seconds: 20 } }
  const result = await Cluster.run(config, log)
  results.cluster = result
  if (result.skipped !== undefined) {
    rows.push({ benchmark: "9 cluster", figure: "skipped", value: result.skipped, target: "-", verdict: "-" })
    return
  }
  const one = result.scaling[0]!.usersPerSecond.median
  for (const scaling of result.scaling) {
    rows.push({
      benchmark: `9 cluster, ${result.users} users, ${scaling.runners} runner(s)`,
      figure: "users mirrored per second (one round of all)",
      value: `${scaling.usersPerSecond.median.toFixed(1)} ${range(scaling.usersPerSecond, 1)} (${times(scaling.usersPerSecond.median / one)} of 1 runner)`,
      target: "report",
      verdict: "report"
    })
    rows.push({
      benchmark: `9 cluster, ${result.users} users, ${scaling.runners} runner(s)`,
      figure: "CPU s/s: runners, postgres, emulators",
      value: `${scaling.cpu.runners.toFixed(2)}, ${scaling.cpu.postgres.toFixed(2)}, ${scaling.cpu.emulators.toFixed(2)} (of ${cpus().length} cores)`,
      target: "report",
      verdict: "report"
    })
  }
  const ratios = result.rate.map((portal) => portal.ratio)
  rows.push({
    benchmark: `9 cluster request rate (${result.drainPerSecond}/s allowed)`,
    figure: "per-portal request rate / allowance, work queued",
    value: `${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)} (${result.rate.map((portal) => portal.requests).join(", ")} requests)`,
    target: ">= 0.95",
    verdict: verdict(Math.min(...ratios) >= 0.95)
  })
  rows.push({
    benchmark: `9 cluster request rate (${result.drainPerSecond}/s allowed)`,
    figure: "QUERY_LIMIT_EXCEEDED answers (any request above the allowance)",
    value: String(result.queryLimitExceeded),
    target: "0",
    verdict: result.queryLimitExceeded === 0 ? (quick ? "-" : "met") : "MISSED"
  })
}

const started = Date.now()
for (const [name, run] of [
  ["decode", decode],
  ["roundtrip", roundtrip],
  ["throughput", throughput],
  ["ratelimit", rateLimit],
  ["memory", memory],
  ["coldstart", coldStart],
  ["fleet", fleetStart],
  ["mirror", mirror],
  ["cluster", cluster]
] as const) {
  if (!enabled(name)) continue
  current = name
  const firstRow = rows.length
  let error: string | undefined
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      await run()
      error = undefined
      break
    } catch (cause) {
      rows.length = firstRow
      error = describe(cause)
      log(`${name}: FAILED (attempt ${attempt} of 2): ${error}`)
    }
  }
  if (error !== undefined) {
    failures[name] = error
    rows.push({ benchmark: name, figure: "FAILED", value: error, target: "-", verdict: "FAILED" })
  }
}
current = "(after the benchmarks)"

const cpu = cpus()
const report = {
  date: new Date().toISOString(),
  mode: quick ? "quick" : "full",
  node: process.version,
  cpu: cpu[0]?.model ?? "unknown",
  cores: cpu.length,
  seconds: Math.round((Date.now() - started) / 1000),
  ...results
}
const failed = Object.keys(failures)
const resultsDir = new URL("../results/", import.meta.url)
mkdirSync(resultsDir, { recursive: true })
const file = new URL(quick ? "quick.tmp.json" : "latest.json", resultsDir)
// A full run of some benchmarks (--only) replaces their figures and keeps the others' from the last full run.
const previous = !quick && only !== undefined && existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {}
// `failures` lists the benchmarks that could not run in the run that wrote the file (those of an earlier run that ran
// again are taken off)
const previousFailures = Object.fromEntries(
  Object.entries((previous.failures ?? {}) as Record<string, string>).filter(([name]) => !enabled(name))
)
const allFailures = { ...previousFailures, ...failures }
const { failures: _, ...previousFigures } = previous
writeFileSync(
  file,
  `${JSON.stringify({ ...previousFigures, ...report, ...(Object.keys(allFailures).length === 0 ? {} : { failures: allFailures }) }, null, 2)}\n`
)

const header: Row = { benchmark: "benchmark", figure: "figure", value: "result", target: "target", verdict: "verdict" }
const columns = ["benchmark", "figure", "value", "target", "verdict"] as const
const widths = columns.map((column) => Math.max(...[header, ...rows].map((row) => row[column].length)))
const line = (row: Row) => `| ${columns.map((column, i) => row[column].padEnd(widths[i]!)).join(" | ")} |`
process.stdout.write(
  `${[
    `${report.mode} run, Node ${report.node}, ${report.cpu} x${report.cores}, ${report.seconds} s${quick ? " (figures not judged: too few rounds)" : ""}`,
    line(header),
    `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`,
    ...rows.map(line),
    `written to ${file.pathname}`,
    ...(failed.length === 0 ? [] : [`FAILED: ${failed.join(", ")} (the figures of the others were written)`])
  ].join("\n")}\n`
)
if (failed.length > 0) process.exitCode = 1
