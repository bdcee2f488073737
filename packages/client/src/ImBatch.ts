/**
 * `batch`: up to 50 `ImCommand`s in one HTTP request, each result decoded with its own command's schema.
 *
 * ```ts
 * import { ImBatch, ImCommand } from "@im-recent/client"
 *
 * const program = ImBatch.run({
 *   counters: ImCommand.counters.get(),
 *   dialog: ImCommand.dialog.get("chat1451"),
 *   leave: ImCommand.chat.leave(7)
 * })
 * // Effect<{ counters: Either<Counters, Bitrix24Error>, dialog: Either<Dialog, Bitrix24Error>, leave: Either<boolean, …> }>
 *
 * const all = ImBatch.run({ counters: ImCommand.counters.get(), dialog: ImCommand.dialog.get(5) }, { halt: true })
 * // Effect<{ counters: Counters, dialog: Dialog }, Bitrix24Error>: the first failed command fails it, the rest do not run
 * ```
 *
 * Each command travels as `method?query` with its parameters in PHP's query form (`USERS[0]=2&USERS[1]=3`); the
 * batch itself is one call on the `Bitrix24` transport (one slot of the rate limit, retried as a whole only when every
 * command is idempotent). A command's own failure (its entry in `result_error`) is that command's typed
 * `Bitrix24Error` with the batch's `requestId`; it is not retried.
 *
 * @since 0.1.0
 */
import { Batch } from "@im-recent/domain"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { Bitrix24 } from "./Bitrix24.js"
import { type Bitrix24Error, DecodeError, fromEnvelope, InvalidParams, type Issue } from "./Bitrix24Error.js"
import type * as ImCommand from "./ImCommand.js"
import { decodeBody, makeRequestId } from "./internal/http.js"
import { maskPatterns } from "./internal/secrets.js"

/**
 * Commands by name.
 *
 * @since 0.1.0
 * @category models
 */
export type Commands = { readonly [name: string]: ImCommand.Any }

/**
 * What each command's `result` decodes to.
 *
 * @since 0.1.0
 * @category models
 */
export type Results<C extends Commands> = { readonly [K in keyof C]: ImCommand.Success<C[K]> }

/**
 * Each command's result or failure.
 *
 * @since 0.1.0
 * @category models
 */
export type Outcomes<C extends Commands> = {
  readonly [K in keyof C]: Either.Either<ImCommand.Success<C[K]>, Bitrix24Error>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * Stop at the first command that fails (`halt=1`): the batch then fails with that command's error, and the
   * commands after it do not run. Default: every command runs and each answers for itself.
   */
  readonly halt?: boolean | undefined
}

const segment = (key: string): string => encodeURIComponent(key)

const pairs = (key: string, value: unknown, out: Array<string>): void => {
  if (value === null || value === undefined) return
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) pairs(`${key}[${index}]`, item, out)
  } else if (typeof value === "object") {
    for (const [name, item] of Object.entries(value)) pairs(`${key}[${segment(name)}]`, item, out)
  } else {
    const text = typeof value === "boolean" ? (value ? "1" : "0") : String(value)
    out.push(`${key}=${encodeURIComponent(text)}`)
  }
}

/**
 * Parameters in PHP's query form (`http_build_query`): nested arrays and objects as `A[0]`, `A[B]`, booleans as
 * `1`/`0`, `null` left out; names and values percent-encoded, brackets kept.
 *
 * @since 0.1.0
 * @category encoding
 */
export const toQuery = (params: Readonly<Record<string, unknown>>): string => {
  const out: Array<string> = []
  for (const [name, value] of Object.entries(params)) pairs(segment(name), value, out)
  return out.join("&")
}

const refuse = (requestId: string, issues: ReadonlyArray<Issue>) =>
  Effect.fail(new InvalidParams({ method: Batch.method, requestId, issues }))

/**
 * Runs up to 50 commands in one `batch` call on the `Bitrix24` transport in context. Without commands nothing is
 * sent; more than 50, or a command whose parameters cannot be sent, fail with `InvalidParams` before anything is.
 *
 * @since 0.1.0
 * @category running
 */
export const run: {
  <const C extends Commands>(
    commands: C,
    options: Options & { readonly halt: true }
  ): Effect.Effect<Results<C>, Bitrix24Error, Bitrix24>
  <const C extends Commands>(
    commands: C,
    options?: Options & { readonly halt?: false | undefined }
  ): Effect.Effect<Outcomes<C>, Bitrix24Error, Bitrix24>
} = (commands: Commands, options?: Options): Effect.Effect<never, Bitrix24Error, Bitrix24> =>
  Effect.gen(function* () {
    const halt = options?.halt === true
    const names = Object.keys(commands)
    const requestId = makeRequestId()
    if (names.length === 0) return {}
    if (names.length > Batch.maxCommands) {
      return yield* refuse(requestId, [
        { path: "cmd", message: `a batch carries at most ${Batch.maxCommands} commands, got ${names.length}` }
      ])
    }
    const cmd: Record<string, string> = {}
    const issues: Array<Issue> = []
    for (const name of names) {
      const command = commands[name]!
      Either.match(command.params, {
        onLeft: (refused) => {
          for (const issue of refused) issues.push({ ...issue, path: `cmd.${name}.${issue.path}` })
        },
        onRight: (params) => {
          const query = toQuery(params)
          cmd[name] = query === "" ? command.method : `${command.method}?${query}`
        }
      })
    }
    if (issues.length > 0) return yield* refuse(requestId, issues)
    const bitrix = yield* Bitrix24
    const response = yield* bitrix.call(Batch.method, { halt: halt ? 1 : 0, cmd }, Batch.Response, {
      idempotent: names.every((name) => commands[name]!.idempotent),
      requestId
    })
    const results = new Map(Batch.entries(response.result.result))
    const errors = new Map(Batch.entries(response.result.result_error ?? []))
    const out: Record<string, unknown> = {}
    for (const name of names) {
      const command = commands[name]!
      const context = { method: command.method, requestId }
      const error = errors.get(name)
      const outcome: Either.Either<unknown, Bitrix24Error> =
        error !== undefined
          ? Either.left(fromEnvelope(error, context))
          : results.has(name)
            ? yield* Effect.either(
                decodeBody({ ...context, mask: maskPatterns, source: "rest" }, 200, command.result, results.get(name))
              )
            : Either.left(
                new DecodeError({
                  ...context,
                  status: 200,
                  issues: [
                    {
                      path: `result.${name}`,
                      message: "the batch answered neither a result nor an error for this command"
                    }
                  ]
                })
              )
      if (halt && Either.isLeft(outcome)) return yield* Effect.fail(outcome.left)
      out[name] = halt ? Either.getOrThrow(outcome) : outcome
    }
    return out
  }).pipe(Effect.withSpan("ImBatch.run")) as Effect.Effect<never, Bitrix24Error, Bitrix24>
