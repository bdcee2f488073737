/**
 * Benchmark 2, in its own process (started with `NODE_EXTRA_CA_CERTS` when the server speaks https, so every client
 * trusts the emulator's CA the same way): `im.recent.get` returning 200 items, made by the clients of `clients.ts`
 * in alternation. One sample is the mean time of `callsPerSample` sequential calls on a warm keep-alive connection.
 *
 * Prints one JSON line: {@link Result}.
 *
 * @since 0.1.0
 */
import * as Clients from "./internal/clients.js"
import { interleave } from "./internal/stats.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Config {
  readonly webhookUrl: string
  readonly clients: ReadonlyArray<"raw" | "ours" | "oursUndici" | "oursNode" | "sdk">
  readonly items: number
  readonly rounds: number
  readonly warmup: number
  readonly callsPerSample: number
}

/**
 * Milliseconds per call, per client and round.
 *
 * @since 0.1.0
 * @category models
 */
export type Result = Readonly<Record<string, ReadonlyArray<number>>>

const config = JSON.parse(process.argv[2] ?? "{}") as Config
const constructors = {
  raw: Clients.raw,
  ours: Clients.ours,
  oursUndici: Clients.oursUndici,
  oursNode: Clients.oursNode,
  sdk: Clients.sdk
} satisfies Record<Config["clients"][number], (webhookUrl: string) => Clients.Client>
const clients = Object.fromEntries(
  config.clients.map((name) => [name, constructors[name](config.webhookUrl)] as const)
) as Record<string, Clients.Client>

const sample = (client: Clients.Client) => async (): Promise<number> => {
  const start = performance.now()
  const items = await client.calls(config.callsPerSample)
  const elapsed = performance.now() - start
  if (items !== config.items) throw new Error(`expected ${config.items} items, got ${items}`)
  return elapsed / config.callsPerSample
}

const samples = await interleave(
  Object.fromEntries(Object.entries(clients).map(([name, client]) => [name, sample(client)])),
  config
)
for (const client of Object.values(clients)) await client.dispose()
process.stdout.write(`${JSON.stringify(samples satisfies Result)}\n`)
process.exit(0)
