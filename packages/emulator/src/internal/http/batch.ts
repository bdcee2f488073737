/**
 * `batch`, as `CRestProvider::methodsBatch` runs it: up to 50 commands, each `method?query`, as the batch's caller.
 *
 * - parameter names are read upper-cased (`cmd`, `CMD`, `Halt`…); `halt` stops at the first failed command when PHP
 *   finds it truthy (`"false"` and `"N"` included; `""`, `"0"`, `0`, `false` not);
 * - `cmd` is a record (named commands) or a list; anything else runs nothing. A command that is not a string is
 *   skipped without an entry, but counts towards the 50;
 * - each command is split by `parse_url`: the path is the method, matched after lower-casing, with no `.json` /
 *   `.xml` suffix stripping (`im.recent.get.json` is an unknown method); `batch` (as written), `download` and
 *   `upload`: `ERROR_BATCH_METHOD_NOT_ALLOWED`; `BATCH` in another case reaches the batch method itself and runs a
 *   nested batch, as on the server;
 * - the query is read with `parse_str`, then references are replaced (`CRestUtil::processBatchElement`):
 *   `$result[name][key]…`, `$next[…]`, `$total[…]`, `$time[…]`, `$error[…]`, matched case-insensitively but looked up
 *   as written, so `$RESULT[…]` finds nothing; a path stops at the first missing key and keeps what it reached; a
 *   value that is a whole reference becomes the value itself (any type, `null` when nothing was found), a reference
 *   inside a longer string is replaced only by a string or number;
 * - commands past the 50th fail with `ERROR_BATCH_LENGTH_EXCEEDED`, each in `result_error` under its key (the batch
 *   itself answers 200); a command without the method's scope fails with `insufficient_scope` and an empty
 *   description (`CRestServerBatchItem::checkAuth`);
 * - each command counts against its own method's operating limit; the batch counts once against the rate limit
 *   (upstream) and not against any operating limit.
 *
 * @internal
 */

import { PhpValue as Php } from "@im-recent/domain"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as PhpQuery from "../../PhpQuery.js"
import { type Credential, hasScope, stripTransport } from "./auth.js"
import { type Engine, invoke, operatingAt } from "./call.js"
import { toSeconds } from "./clock.js"
import { failure, hoist, type RestFailure, timeObject } from "./envelope.js"
import * as ServerErrors from "./serverErrors.js"

/** The most commands one batch runs (`CRestUtil::BATCH_MAX_LENGTH`). @internal */
export const maxCommands = 50

type Entries = Array<readonly [string, unknown]>

/** A section: `[]` when empty, a list for keys `0..n-1`, else a record. @internal */
export const section = (entries: Entries): unknown => {
  if (entries.length === 0) return []
  if (entries.every(([key], index) => key === String(index))) return entries.map(([, value]) => value)
  const record: Record<string, unknown> = {}
  for (const [key, value] of entries) {
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true })
  }
  return record
}

const commandsOf = (value: unknown): Entries | undefined =>
  Array.isArray(value)
    ? value.map((command, index) => [String(index), command] as const)
    : value !== null && typeof value === "object"
      ? Object.entries(value)
      : undefined

/**
 * `$arResult` of `methodsBatch`: per key (`result`, `next`, `total`, `time`, `error`, and `error_description` once a
 * command failed), the values by command name, in insertion order.
 *
 * @internal
 */
export type Results = Map<string, Map<string, unknown>>

/** PCRE's `\s` without the `u` flag. */
const NOT_SPACE = "[^ \\t\\n\\x0B\\f\\r]*"

/** `isset($r[$key])` then `$r[$key]`, on a PHP array (a JS array or record) or a string offset. */
const step = (value: unknown, key: string): { readonly found: boolean; readonly value: unknown } => {
  if (typeof value === "string") {
    const index = /^(?:0|[1-9][0-9]*)$/.test(key) ? Number(key) : -1
    return index >= 0 && index < value.length ? { found: true, value: value[index] } : { found: false, value }
  }
  if (value !== null && typeof value === "object" && Object.hasOwn(value, key)) {
    const child = (value as Record<string, unknown>)[key]
    if (child !== null && child !== undefined) return { found: true, value: child }
  }
  return { found: false, value }
}

/**
 * `CRestUtil::processBatchElement` for one string value: its references replaced.
 *
 * @internal
 */
export const substituteString = (query: string, results: Results): unknown => {
  const keys = [...results.keys()]
  if (keys.length === 0 || !query.includes("$")) return query
  const pattern = new RegExp(`\\$(${keys.join("|")})(${NOT_SPACE})`, "gi")
  let current: unknown = query
  for (const match of query.matchAll(pattern)) {
    const segments = [...match[2].matchAll(/\[([^\]]+)\]/g)].map((segment) => segment[1])
    if (segments.length === 0) continue
    // the key as written: `$RESULT` matches the pattern but `$arResult['RESULT']` does not exist
    const root = results.get(match[1])
    let reached: unknown = root === undefined ? null : Object.fromEntries(root)
    for (const segment of segments) {
      const next = step(reached, segment)
      if (!next.found) break
      reached = next.value
    }
    if (match[0] === current) {
      current = reached
    } else {
      const replacement = typeof reached === "number" ? Php.toPhpString(reached) : reached
      if (typeof replacement !== "string" || typeof current !== "string") continue
      current = current.split(match[0]).join(replacement)
    }
  }
  return current
}

/**
 * `CRestUtil::processBatchStructure`: every value of a command's parsed query, references replaced. (Names are
 * passed through: after `parse_str` a name cannot hold a complete `[…]` reference.)
 *
 * @internal
 */
export const substitute = (value: unknown, results: Results): unknown => {
  if (typeof value === "string") return substituteString(value, results)
  if (value === null || typeof value !== "object") return value
  const record: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    Object.defineProperty(record, key, {
      value: substitute(item, results),
      enumerable: true,
      writable: true,
      configurable: true
    })
  }
  return Array.isArray(value) ? Object.values(record) : record
}

/** `parse_url($call)`: the path and the query, without a fragment. @internal */
export const splitCommand = (command: string): { readonly path: string; readonly query: string } => {
  const hash = command.indexOf("#")
  const text = hash === -1 ? command : command.slice(0, hash)
  const question = text.indexOf("?")
  return question === -1
    ? { path: text, query: "" }
    : { path: text.slice(0, question), query: text.slice(question + 1) }
}

/** What a JSON value is, for a note. */
const kindOf = (value: unknown): string =>
  value === null
    ? "null"
    : Array.isArray(value)
      ? "a list"
      : typeof value === "object"
        ? "an object"
        : `a ${typeof value}`

/** The batch's `result`, the processing time of its commands, and what was ignored. @internal */
export interface BatchOutcome {
  readonly result: Record<string, unknown>
  readonly processing: number
  readonly notes: ReadonlyArray<string>
}

const record = (results: Results, key: string, name: string, value: unknown) => {
  let entries = results.get(key)
  if (entries === undefined) {
    entries = new Map()
    results.set(key, entries)
  }
  entries.set(name, value)
}

const sectionOf = (results: Results, key: string): unknown => section([...(results.get(key) ?? new Map())])

/** Runs a batch for `credential`. @internal */
export const run = (engine: Engine, credential: Credential, params: PhpQuery.Params): Effect.Effect<BatchOutcome> =>
  Effect.gen(function* () {
    const upper = Php.upperKeys(params)
    const halt = Php.isTruthy(upper.get("HALT"))
    const rawCommands = upper.get("CMD")
    const commands = commandsOf(rawCommands)
    const notes: Array<string> = []
    if (commands === undefined && Php.isSet(rawCommands)) {
      notes.push(`cmd is ${kindOf(rawCommands)}, not a list or record of commands: nothing ran`)
    }
    const results: Results = new Map(["result", "next", "total", "time", "error"].map((key) => [key, new Map()]))
    let processing = 0

    let count = 0
    for (const [name, command] of commands ?? []) {
      let error: RestFailure | undefined
      if (count++ < maxCommands) {
        if (typeof command !== "string") {
          notes.push(`cmd[${name}] is ${kindOf(command)}, not a "method?query" string: skipped`)
          continue
        }
        const { path, query } = splitCommand(command)
        const parsed = query === "" ? Either.right({}) : PhpQuery.parse(query, engine.limits.params)
        const method = path.toLowerCase()
        const handler = engine.portal.methods.get(method)
        if (path === "batch" || path === "download" || path === "upload") {
          error = ServerErrors.batchMethodNotAllowed()
        } else if (Either.isLeft(parsed)) {
          // the emulator's own limits (PHP's parse_str reads anything)
          error = failure(400, "INVALID_REQUEST", parsed.left.message)
        } else if (method === "batch") {
          const start = toSeconds(yield* engine.clock.nanos)
          const nested = yield* run(
            engine,
            credential,
            stripTransport(substitute(parsed.right, results) as PhpQuery.Params)
          )
          const finish = toSeconds(yield* engine.clock.nanos)
          processing += nested.processing
          notes.push(...nested.notes.map((note) => `cmd[${name}] ${note}`))
          record(results, "result", name, nested.result)
          const operating = yield* operatingAt(engine, credential, method, start)
          record(
            results,
            "time",
            name,
            timeObject(engine.zone, { start, finish, processing: nested.processing, operating })
          )
        } else if (handler === undefined) {
          error = ServerErrors.methodNotFound()
        } else if (!hasScope(credential.scopes, handler.scope)) {
          error = ServerErrors.batchInsufficientScope()
        } else {
          const outcome = yield* invoke(
            engine,
            credential,
            method,
            handler,
            stripTransport(substitute(parsed.right, results) as PhpQuery.Params)
          )
          processing += outcome.timing.processing
          notes.push(...outcome.notes.map((note) => `cmd[${name}] ${method}: ${note}`))
          if (Either.isRight(outcome.result)) {
            const split = hoist(outcome.result.right)
            record(results, "result", name, split.result)
            if ("next" in split) record(results, "next", name, split.next)
            if ("total" in split) record(results, "total", name, split.total)
            record(results, "time", name, timeObject(engine.zone, outcome.timing))
          } else {
            error = outcome.result.left
          }
        }
      } else {
        error = ServerErrors.batchLengthExceeded()
      }
      if (error !== undefined) {
        record(results, "error", name, { error: error.code, error_description: error.description })
        record(results, "error_description", name, error.description)
        if (halt) break
      }
    }

    return {
      result: {
        result: sectionOf(results, "result"),
        result_error: sectionOf(results, "error"),
        result_total: sectionOf(results, "total"),
        result_next: sectionOf(results, "next"),
        result_time: sectionOf(results, "time")
      },
      processing,
      notes
    }
  })
