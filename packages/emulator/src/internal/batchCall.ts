/**
 * `batch`: up to 50 commands in one request, each `method?query` run as the batch's caller.
 *
 * - `cmd` is a record (named commands) or a list; each command's query is decoded like a query string (values
 *   URL-encoded inside the command; a form-encoded batch therefore encodes them twice);
 * - `halt` (`true`, `1`, `"1"`, `"true"`, `"Y"`) stops at the first failed command; by default all run;
 * - commands past the 50th fail with `ERROR_BATCH_LENGTH_EXCEEDED`, a nested `batch` with
 *   `ERROR_BATCH_METHOD_NOT_ALLOWED`, each in `result_error` under its key (the batch itself answers 200, as
 *   `batch.md` documents for failed sub-requests);
 * - a command without the method's scope fails with `insufficient_scope` and an empty description, as the
 *   documented batch examples show;
 * - `$result[name][field]…` in a command's values is replaced by the earlier command's result;
 * - each command counts against its own method's operating limit; the batch counts once against the rate
 *   limit (upstream) and not against any operating limit.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as PhpQuery from "../PhpQuery.js"
import { type Engine, invoke } from "./callMethod.js"
import { type Credential, hasScope, stripTransport } from "./httpAuth.js"
import { failure, hoist, type RestFailure, timeObject } from "./httpEnvelope.js"

/** The most commands one batch runs. @internal */
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

const findParam = (params: PhpQuery.Params, name: string): unknown => {
  for (const key of Object.keys(params)) if (key.toLowerCase() === name) return params[key]
  return undefined
}

const haltValues = new Set<unknown>([true, 1, "1", "true", "Y", "y"])

const commandsOf = (value: unknown): Entries =>
  Array.isArray(value)
    ? value.map((command, index) => [String(index), command] as const)
    : value !== null && typeof value === "object"
      ? Object.entries(value)
      : []

/** The method name of a command or a path: lower-case, without a `.json` suffix. @internal */
export const normalizeMethod = (raw: string): string =>
  raw
    .trim()
    .toLowerCase()
    .replace(/\.json$/, "")

const REFERENCE = /\$result\[([^\]]+)\]((?:\[[^\]]*\])*)/g

const resolve = (
  results: ReadonlyMap<string, unknown>,
  name: string,
  path: string
): { found: boolean; value: unknown } => {
  if (!results.has(name)) return { found: false, value: undefined }
  let value: unknown = results.get(name)
  for (const segment of path.match(/\[[^\]]*\]/g) ?? []) {
    const key = segment.slice(1, -1)
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, key))
      return { found: false, value: undefined }
    value = (value as Record<string, unknown>)[key]
  }
  return { found: true, value }
}

/** Replaces `$result[…]` references in every string of a command's parameters. @internal */
export const substitute = (value: unknown, results: ReadonlyMap<string, unknown>): unknown => {
  if (typeof value === "string") {
    if (!value.includes("$result[")) return value
    const whole = new RegExp(`^${REFERENCE.source}$`).exec(value)
    if (whole !== null) {
      const resolved = resolve(results, whole[1], whole[2])
      return resolved.found ? resolved.value : value
    }
    return value.replace(REFERENCE, (text, name: string, path: string) => {
      const resolved = resolve(results, name, path)
      return resolved.found && (typeof resolved.value === "string" || typeof resolved.value === "number")
        ? String(resolved.value)
        : text
    })
  }
  if (Array.isArray(value)) return value.map((item) => substitute(item, results))
  if (value !== null && typeof value === "object") {
    const record: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(record, key, {
        value: substitute(item, results),
        enumerable: true,
        writable: true,
        configurable: true
      })
    }
    return record
  }
  return value
}

/** The batch's `result` and the processing time of its commands. @internal */
export interface BatchOutcome {
  readonly result: Record<string, unknown>
  readonly processing: number
}

/** Runs a batch for `credential`. @internal */
export const run = (engine: Engine, credential: Credential, params: PhpQuery.Params): Effect.Effect<BatchOutcome> =>
  Effect.gen(function* () {
    const commands = commandsOf(findParam(params, "cmd"))
    const halt = haltValues.has(findParam(params, "halt"))
    const results: Entries = []
    const errors: Entries = []
    const totals: Entries = []
    const nexts: Entries = []
    const times: Entries = []
    const byName = new Map<string, unknown>()
    let processing = 0

    const fail = (key: string, error: RestFailure) => {
      errors.push([key, { error: error.code, error_description: error.description }])
    }

    for (let index = 0; index < commands.length; index++) {
      const [key, command] = commands[index]
      let error: RestFailure | undefined
      if (index >= maxCommands) {
        error = failure(400, "ERROR_BATCH_LENGTH_EXCEEDED")
      } else if (typeof command !== "string") {
        error = failure(400, "INVALID_REQUEST", 'A batch command must be a string "method?query"')
      } else {
        const separator = command.indexOf("?")
        const name = normalizeMethod(separator === -1 ? command : command.slice(0, separator))
        const query = PhpQuery.parse(separator === -1 ? "" : command.slice(separator + 1), engine.limits.params)
        const method = engine.portal.methods.get(name)
        if (name === "batch") {
          error = failure(405, "ERROR_BATCH_METHOD_NOT_ALLOWED")
        } else if (Either.isLeft(query)) {
          error = failure(400, "INVALID_REQUEST", query.left.message)
        } else if (method === undefined) {
          error = failure(404, "ERROR_METHOD_NOT_FOUND")
        } else if (!hasScope(credential, method.scope)) {
          error = failure(403, "insufficient_scope", "")
        } else {
          const outcome = yield* invoke(
            engine,
            credential,
            name,
            method,
            stripTransport(substitute(query.right, byName) as PhpQuery.Params)
          )
          processing += outcome.timing.processing
          if (Either.isRight(outcome.result)) {
            const split = hoist(outcome.result.right)
            results.push([key, split.result])
            byName.set(key, split.result)
            if ("total" in split) totals.push([key, split.total])
            if ("next" in split) nexts.push([key, split.next])
            times.push([key, timeObject(engine.zone, outcome.timing)])
          } else {
            error = outcome.result.left
          }
        }
      }
      if (error !== undefined) {
        fail(key, error)
        if (halt) break
      }
    }

    return {
      result: {
        result: section(results),
        result_error: section(errors),
        result_total: section(totals),
        result_next: section(nexts),
        result_time: section(times)
      },
      processing
    }
  })
