/**
 * The `im-recent` command: its subcommands, how a run's outcome becomes an exit status, and what is printed on
 * failure (one line on stderr, never a stack trace).
 *
 * Exit status: 0 on success, on `--help` / `--version`, and when stopped by SIGINT / SIGTERM; 2 for flags that
 * cannot be used (the line is printed by the flag parser or by the subcommand); 1 for anything else.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as ValidationError from "@effect/cli/ValidationError"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as EmulatorCommand from "./EmulatorCommand.js"

/**
 * The root command; each subcommand lives in its own module.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("im-recent").pipe(
  Command.withDescription("Tools for Bitrix24's im.recent.* REST methods"),
  Command.withSubcommands([EmulatorCommand.command])
)

/**
 * Parses `argv` (as `process.argv`) and runs the chosen subcommand.
 *
 * @since 0.1.0
 * @category running
 */
export const run = Command.run(command, { name: "im-recent", version: "0.1.0" })

/**
 * The exit status of a finished run.
 *
 * @since 0.1.0
 * @category running
 */
export const exitCode = <E, A>(exit: Exit.Exit<A, E>): number => {
  if (Exit.isSuccess(exit) || Cause.isInterruptedOnly(exit.cause)) return 0
  const failure = Cause.failureOption(exit.cause)
  if (Option.isSome(failure)) {
    const error = failure.value
    if (ValidationError.isValidationError(error)) return 2
    if (typeof error === "object" && error !== null && "_tag" in error && error._tag === "UsageError") return 2
  }
  return 1
}

/** The one line for a failure; flag-parser errors were already printed by the parser. */
const describe = (cause: Cause.Cause<unknown>): Option.Option<string> => {
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure)) {
    const error = failure.value
    if (ValidationError.isValidationError(error)) return Option.none()
    if (typeof error === "object" && error !== null && "message" in error) return Option.some(String(error.message))
    return Option.some(String(error))
  }
  const defect = Cause.squash(cause)
  return Option.some(defect instanceof Error ? defect.message : String(defect))
}

/** Every report on stderr as one line: `im-recent: <text>`, whitespace and newlines collapsed. */
const oneLineErrors = Effect.map(
  Effect.console,
  (console): Console.Console => ({
    ...console,
    error: (...args) => {
      const text = args
        .map(String)
        .join(" ")
        .replace(/\s*\n\s*/g, " ")
        .trim()
      return text === "" ? Effect.void : console.error(`im-recent: ${text}`)
    }
  })
)

/** Logs go to stderr: stdout carries the handshake line. */
const logToStderr = Logger.replace(Logger.defaultLogger, Logger.withConsoleError(Logger.logfmtLogger))

/**
 * `run` with Node's file system, path and terminal, logs on stderr, and a one-line report of any failure.
 *
 * @since 0.1.0
 * @category running
 */
export const main = (argv: ReadonlyArray<string>) =>
  run(argv).pipe(
    Effect.tapErrorCause((cause) =>
      Cause.isInterruptedOnly(cause)
        ? Effect.void
        : Option.match(describe(cause), {
            onNone: () => Effect.void,
            onSome: (line) => Console.error(line)
          })
    ),
    Effect.provide(Layer.merge(NodeContext.layer, logToStderr)),
    (effect) => Effect.flatMap(oneLineErrors, (console) => Console.withConsole(effect, console))
  )
