/**
 * The `im-recent` command: its subcommands (`recent`, `watch`, `mirror`, `emulator`), how a run's outcome becomes an exit
 * status, and what is printed on failure (one line on stderr, never a stack trace).
 *
 * Exit status: 0 on success, on `--help` / `--version`, and when stopped by SIGINT / SIGTERM; 2 for flags or
 * settings that cannot be used (flags the parser refuses are explained by {@link Arguments.refusal}); 1 for anything else
 * (the portal unreachable or refusing the credentials, …).
 *
 * Everything written to stderr (failure lines and logs, whose level `--log-level` sets) is one line starting with
 * `im-recent: `, with the secrets of the portal configuration (`BITRIX24_WEBHOOK_URL` and its code, the OAuth secret
 * and tokens) masked.
 *
 * @since 0.1.0
 */
import type * as CliApp from "@effect/cli/CliApp"
import * as CliConfig from "@effect/cli/CliConfig"
import * as Command from "@effect/cli/Command"
import * as Descriptor from "@effect/cli/CommandDescriptor"
import * as ValidationError from "@effect/cli/ValidationError"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HashMap from "effect/HashMap"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as Arguments from "./Arguments.js"
import * as CliError from "./CliError.js"
import * as Help from "./Help.js"
import * as CommandLine from "./internal/commandLine.js"
import * as HelpDoc from "./internal/helpDoc.js"

/**
 * The version `--version` prints.
 *
 * @since 0.1.0
 * @category constants
 */
export const version = "0.1.0"

const subcommands = [CommandLine.recent, CommandLine.watch, CommandLine.mirror, CommandLine.emulator] as const

/** The help page for `path` (`[]`: the root page). */
const helpPage = (path: ReadonlyArray<string>): Help.Page => {
  const found = subcommands.find((sub) => Help.nameOf(sub.descriptor) === path[0])
  return found === undefined
    ? Help.rootPage(
        command.descriptor,
        subcommands.map((sub) => sub.descriptor),
        version
      )
    : Help.commandPage(found.descriptor)
}

/**
 * The root command; each subcommand lives in its own module. Alone, it prints the help page.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("im-recent", {}, () => Help.print(helpPage([]))).pipe(
  Command.withDescription("Tools for Bitrix24's im.recent.* REST methods"),
  Command.withSubcommands(subcommands)
)

const parseAndRun = Command.run(command, { name: "im-recent", version })

/** The arguments without `--log-level LEVEL` (which the parser also drops before it looks at the rest). */
const withoutLogLevel = (args: ReadonlyArray<string>): ReadonlyArray<string> =>
  args.filter((arg, i) => !(arg === "--log-level" || arg.startsWith("--log-level=") || args[i - 1] === "--log-level"))

/**
 * What the command line asks for: to run a command, or what the parser's own options ask to print instead (a help
 * page, `path` `[]` for the root page and `["recent"]` for a command's, or the version).
 *
 * @since 0.1.0
 * @category models
 */
export type Request =
  | { readonly _tag: "Run" }
  | { readonly _tag: "Help"; readonly path: ReadonlyArray<string> }
  | { readonly _tag: "Version" }

/**
 * Reads the arguments (after the program) as the parser does. When the parser refuses them, fails with a usage error
 * whose one line names the flag (or command), says what was wrong and what is accepted ({@link Arguments.refusal}),
 * or, when that finds nothing more precise, carries the parser's own text. Nothing is printed.
 *
 * @since 0.1.0
 * @category parsing
 */
export const request = (
  args: ReadonlyArray<string>
): Effect.Effect<Request, CliError.UsageError, CliApp.CliApp.Environment> =>
  Effect.gen(function* () {
    const level = yield* Arguments.logLevelRefusal(args)
    if (Option.isSome(level)) return yield* CliError.usage(level.value)
    const rest = withoutLogLevel(args)
    const refuse = (parserSays: string) =>
      Effect.flatMap(
        Arguments.refusal(
          rest,
          subcommands.map((sub) => Arguments.commandOf(sub.descriptor))
        ),
        (line) => CliError.usage(Option.getOrElse(line, () => parserSays))
      )
    const directive = yield* Descriptor.parse(command.descriptor, ["im-recent", ...rest], CliConfig.defaultConfig).pipe(
      Effect.catchAll((error) => refuse(HelpDoc.paragraphs(error.error) || "the arguments cannot be used"))
    )
    if (directive._tag === "UserDefined") {
      return directive.leftover.length === 0
        ? { _tag: "Run" }
        : yield* refuse(`Received unknown argument: '${directive.leftover[0]}'`)
    }
    if (directive.option._tag === "ShowVersion") return { _tag: "Version" }
    if (directive.option._tag !== "ShowHelp") return { _tag: "Run" }
    const names = new Set(subcommands.map((sub) => Help.nameOf(sub.descriptor)))
    const name = rest.find((arg) => names.has(arg))
    return { _tag: "Help", path: name === undefined ? [] : [name] }
  })

/**
 * Parses `argv` (as `process.argv`) and runs the chosen subcommand; `--help` prints {@link Help} pages. Arguments the
 * parser refuses fail with a `UsageError` (see {@link request}).
 *
 * @since 0.1.0
 * @category running
 */
export const run = (argv: ReadonlyArray<string>) =>
  Effect.flatMap(request(argv.slice(2)), (asked) => {
    switch (asked._tag) {
      case "Run":
        return parseAndRun(argv)
      case "Version":
        return Console.log(version)
      case "Help":
        return Help.print(helpPage(asked.path))
    }
  })

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

/**
 * The secrets of the portal configuration (`BITRIX24_WEBHOOK_URL` and its code, the OAuth secret and tokens), to
 * mask out of anything written to stderr: the client never puts them in its errors, and this makes sure.
 *
 * @since 0.1.0
 * @category utils
 */
export const secretsOf = (env: Readonly<Record<string, string | undefined>>): ReadonlyArray<string> => {
  const values: Array<string> = []
  const hook = env.BITRIX24_WEBHOOK_URL?.trim()
  if (hook !== undefined && hook !== "") {
    values.push(hook)
    const code = /\/rest\/\d+\/([^/?#]+)/.exec(hook)?.[1]
    if (code !== undefined) values.push(code)
  }
  for (const name of ["BITRIX24_CLIENT_SECRET", "BITRIX24_ACCESS_TOKEN", "BITRIX24_REFRESH_TOKEN"]) {
    const value = env[name]?.trim()
    if (value !== undefined) values.push(value)
  }
  return values.filter((value) => value.length >= 4).sort((a, b) => b.length - a.length)
}

/**
 * `text` with every secret replaced by `***`.
 *
 * @since 0.1.0
 * @category utils
 */
export const mask = (text: string, secrets: ReadonlyArray<string>): string =>
  secrets.reduce((masked, secret) => masked.split(secret).join("***"), text)

/** Every report on stderr as one line: `im-recent: <text>`, whitespace and newlines collapsed, secrets masked. */
const oneLineErrors = Effect.map(Effect.console, (console): Console.Console => {
  const secrets = secretsOf(process.env)
  return {
    ...console,
    error: (...args) => {
      const text = args
        .map(String)
        .join(" ")
        .replace(/\s*\n\s*/g, " ")
        .trim()
      return text === "" ? Effect.void : console.error(mask(`im-recent: ${text}`, secrets))
    }
  }
})

const textOf = (value: unknown): string =>
  typeof value === "string" ? value : value instanceof Error ? value.message : Inspectable.toStringUnknown(value, 0)

/**
 * Log lines as `im-recent: <level>: <message> (key=value, …)` on one line, secrets masked. The level is set with
 * `--log-level` (default `info`).
 *
 * @since 0.1.0
 * @category logging
 */
export const logger = (secrets: ReadonlyArray<string>): Logger.Logger<unknown, string> =>
  Logger.make(({ annotations, cause, logLevel, message }) => {
    const parts = (Array.isArray(message) ? message : [message]).map(textOf)
    if (!Cause.isEmpty(cause)) parts.push(textOf(Cause.squash(cause)))
    const notes = HashMap.toEntries(annotations).map(([key, value]) => `${key}=${textOf(value)}`)
    const text = `im-recent: ${logLevel.label.toLowerCase()}: ${parts.join(" ")}${notes.length === 0 ? "" : ` (${notes.join(", ")})`}`
    return mask(text.replace(/\s*\n\s*/g, " "), secrets)
  })

/** Logs go to stderr: stdout carries the command's output. */
const logToStderr = Logger.replace(Logger.defaultLogger, Logger.withConsoleError(logger(secretsOf(process.env))))

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
    // what the parser and the commands use of `NodeContext.layer`, without its process and worker services (whose
    // modules a start would load for nothing)
    Effect.provide(Layer.mergeAll(NodeFileSystem.layer, NodePath.layer, NodeTerminal.layer, logToStderr)),
    (effect) => Effect.flatMap(oneLineErrors, (console) => Console.withConsole(effect, console))
  )
