/**
 * Benchmark 3: how many `im.recent.get` requests per second the emulator answers (user 1 with ~1,000 recent rows,
 * 200 of them in the window: a 400 KB answer), against a plain `node:http` server answering the same bytes from
 * memory — the most Node can serve on this machine, the ceiling.
 *
 * Each server runs in its own child process; the load comes from the parent (`autocannon`: 16 keep-alive
 * connections, one request in flight on each). Runs alternate between the two servers, and each round's figure is the
 * ratio of the two rates measured back to back.
 *
 * @since 0.1.0
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import autocannon from "autocannon"
import * as Child from "./internal/child.js"
import { interleave, ratios } from "./internal/stats.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Config {
  readonly rows: number
  readonly items: number
  readonly connections: number
  readonly seconds: number
  readonly rounds: number
  readonly warmup: number
}

/**
 * Requests per second of each server per round, the per-round ratios, and what was sent.
 *
 * @since 0.1.0
 * @category models
 */
export interface Result {
  readonly emulator: ReadonlyArray<number>
  readonly plain: ReadonlyArray<number>
  readonly ratio: ReadonlyArray<number>
  readonly bodyBytes: number
  readonly rows: number
}

const load = (url: string, config: Config): Promise<number> =>
  new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections: config.connections,
        pipelining: 1,
        duration: config.seconds,
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}"
      },
      (error, result) => {
        if (error) reject(error)
        else if (result.errors > 0 || result.non2xx > 0 || result.timeouts > 0) {
          reject(new Error(`${url}: ${result.errors} errors, ${result.non2xx} non-2xx, ${result.timeouts} timeouts`))
        } else resolve(result.requests.total / config.seconds)
      }
    )
  })

/**
 * Runs the benchmark.
 *
 * @since 0.1.0
 * @category benchmarks
 */
export const run = async (config: Config): Promise<Result> => {
  const emulator = await Child.server({
    kind: "emulator",
    rows: config.rows,
    items: config.items,
    tls: false,
    rateLimit: false
  })
  const directory = mkdtempSync(join(tmpdir(), "im-recent-bench-"))
  try {
    const url = `${emulator.first.webhookUrl}im.recent.get`
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })
    const body = Buffer.from(await response.arrayBuffer())
    const items = (JSON.parse(body.toString("utf8")) as { result: Array<unknown> }).result.length
    if (response.status !== 200 || items !== config.items) throw new Error(`the emulator answered ${items} items`)
    const bodyFile = join(directory, "body.json")
    writeFileSync(bodyFile, body)
    const plain = await Child.server({ kind: "plain", bodyFile })
    try {
      const samples = await interleave(
        {
          emulator: () => load(url, config),
          plain: () => load(`${plain.first.baseUrl}/rest/1/code/im.recent.get`, config)
        },
        config
      )
      return {
        ...samples,
        ratio: ratios(samples.emulator, samples.plain),
        bodyBytes: body.length,
        rows: emulator.first.rows ?? 0
      }
    } finally {
      await plain.stop()
    }
  } finally {
    await emulator.stop()
    rmSync(directory, { recursive: true, force: true })
  }
}
