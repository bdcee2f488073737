/**
 * Benchmark 5, in its own process (run with `--expose-gc`): the heap while decoding a large `im.recent.get`
 * response. After a full GC at each step, the heap in use is read with the response text alone, then with the
 * `JSON.parse` result too, then with the decoded value as well: at the end of decoding the parsed input and the
 * decoded output are both alive, which is the peak of what decoding keeps (garbage aside). Figures are multiples of
 * the response's UTF-8 size.
 *
 * Prints one JSON line: {@link Result}.
 *
 * @since 0.1.0
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { FastDecode, RecentGet } from "@im-recent/domain"
import * as Either from "effect/Either"
import * as Payload from "./internal/payload.js"
import { collectGarbage } from "./internal/stats.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Config {
  readonly items: number
}

/**
 * Bytes: the text's UTF-8 size, and the heap held by the text (as read from a file), the parsed input and the
 * decoded output (strings are shared between the two).
 *
 * @since 0.1.0
 * @category models
 */
export interface Result {
  readonly items: number
  readonly bytes: number
  readonly textHeap: number
  readonly parsedHeap: number
  readonly decodedHeap: number
  /** Parsed input and decoded output together: what is alive when decoding ends. */
  readonly peakHeap: number
}

const config = JSON.parse(process.argv[2] ?? "{}") as Config
const decode = FastDecode.decodeUnknownEither(RecentGet.Response, { errors: "all", onExcessProperty: "ignore" })

const used = (): number => {
  collectGarbage()
  collectGarbage()
  return process.memoryUsage().heapUsed
}

// warm the decoder up on a small response, so that compiled code is not counted
const small = await Payload.responses([20])
decode(JSON.parse(small.get(20)!))

const generated = (await Payload.responses([config.items])).get(config.items)!
const bytes = Buffer.byteLength(generated)
const directory = mkdtempSync(join(tmpdir(), "im-recent-bench-"))
const file = join(directory, "response.json")
writeFileSync(file, generated)

const empty = used()
const text = readFileSync(file, "utf8")
const textHeap = used() - empty
rmSync(directory, { recursive: true, force: true })

const before = used()
let parsed: unknown = JSON.parse(text)
const afterParse = used()
const decoded = decode(parsed)
if (Either.isLeft(decoded)) throw new Error("the payload does not decode")
const afterDecode = used()
parsed = undefined
const decodedOnly = used()

const result: Result = {
  items: config.items,
  bytes,
  textHeap,
  parsedHeap: afterParse - before,
  decodedHeap: decodedOnly - before,
  peakHeap: afterDecode - before
}
if (decoded.right.result.length !== config.items) throw new Error("unexpected item count")
process.stdout.write(`${JSON.stringify(result)}\n`)
process.exit(0)
