/**
 * The command line's flags, read from the commands' own descriptors, and the one line that says why the parser
 * refused a command line: the flag (or command) by name, what was wrong with it, and what is accepted.
 *
 * @effect/cli reports these cases in its own terms, which do not name the flag: a flag without its value is "Received
 * unknown argument: '--since'", a value out of its choices is "Expected one of the following cases: ru, en", a bad
 * `--log-level` is "Invalid subcommand for im-recent". {@link refusal} explains the same refusal per flag, for every
 * flag that takes a value (including those a command adds later: it reads the descriptors). The parser stays the
 * judge: `Cli` asks for a refusal only when the parser refuses, and keeps the parser's own text when this module
 * finds nothing more precise to say.
 *
 * @since 0.1.0
 */
import * as AutoCorrect from "@effect/cli/AutoCorrect"
import * as CliConfig from "@effect/cli/CliConfig"
import * as Descriptor from "@effect/cli/CommandDescriptor"
import * as Primitive from "@effect/cli/Primitive"
import type * as Usage from "@effect/cli/Usage"
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as HelpDoc from "./internal/helpDoc.js"

/**
 * What a flag's value must be, as the parser checks it (`text`: anything; the command checks it further).
 *
 * @since 0.1.0
 * @category models
 */
export type Kind = "switch" | "integer" | "float" | "choice" | "date" | "text"

/**
 * A flag of a command: its names (`--since`, aliases after it), the placeholder of its value (`ATOM|DURATION`; none
 * for a switch), what the value must be, and the flag's description.
 *
 * @since 0.1.0
 * @category models
 */
export interface Flag {
  readonly names: ReadonlyArray<string>
  readonly placeholder: string
  readonly kind: Kind
  readonly choices: ReadonlyArray<string>
  readonly description: string
}

/**
 * A command (`recent`) and its flags.
 *
 * @since 0.1.0
 * @category models
 */
export interface Command {
  readonly name: string
  readonly flags: ReadonlyArray<Flag>
}

/** The flags a usage tree names (the command's own name is not a flag). */
const named = (usage: Usage.Usage): ReadonlyArray<Usage.Named> => {
  switch (usage._tag) {
    case "Named":
      return usage.names.some((name) => name.startsWith("-")) ? [usage] : []
    case "Optional":
    case "Repeated":
      return named(usage.usage)
    case "Alternation":
    case "Concat":
      return [...named(usage.left), ...named(usage.right)]
    default:
      return []
  }
}

const kindOf = (note: string, takesValue: boolean): Kind => {
  if (!takesValue) return "switch"
  if (note.startsWith("An integer")) return "integer"
  if (note.startsWith("A floating point number")) return "float"
  if (note.startsWith("One of the following")) return "choice"
  if (note.startsWith("A date")) return "date"
  return "text"
}

const ownOptionsOnly = CliConfig.make({ showBuiltIns: false })

/**
 * The flags of a command, as its descriptor documents them (its usage for names and placeholders, its help for the
 * type and the description).
 *
 * @since 0.1.0
 * @category constructors
 */
export const commandOf = (descriptor: Descriptor.Command<unknown>): Command => {
  const entries = HelpDoc.optionEntries(Descriptor.getHelp(descriptor, ownOptionsOnly))
  const flags = named(Descriptor.getUsage(descriptor)).map((usage): Flag => {
    const entry = entries.find(({ term }) => term.split(/[\s,]+/).some((word) => usage.names.includes(word)))
    const accepted = Option.getOrElse(usage.acceptedValues, () => "")
    const kind = kindOf(entry === undefined ? "" : HelpDoc.typeNote(entry.doc), Option.isSome(usage.acceptedValues))
    return {
      names: [...usage.names].sort((a, b) => b.length - a.length),
      placeholder: accepted,
      kind,
      choices: kind === "choice" ? accepted.split(" | ") : [],
      description: entry === undefined ? "" : HelpDoc.ownDescription(entry.doc)
    }
  })
  return { name: [...Descriptor.getNames(descriptor)][0] ?? "", flags }
}

/**
 * The levels `--log-level` accepts (the parser's own option, one per `LogLevel`), lowest first.
 *
 * @since 0.1.0
 * @category constants
 */
export const logLevels: ReadonlyArray<string> = [...LogLevel.allLevels]
  .sort((a, b) => a.ordinal - b.ordinal)
  .map((level) => level._tag.toLowerCase())

/**
 * `--log-level`, which the parser accepts before the command and after it.
 *
 * @since 0.1.0
 * @category constants
 */
export const logLevelFlag: Flag = {
  names: ["--log-level"],
  placeholder: "LEVEL",
  kind: "choice",
  choices: logLevels,
  description: "which log lines reach stderr"
}

/** The parser's own options: `-h`/`--help`, `--version`, `--wizard` and `--completions SHELL`. */
const builtIns: ReadonlyArray<string> = ["-h", "--help", "--version", "--wizard"]

const isBuiltIn = (name: string): boolean => builtIns.includes(name)

/** `a, b or c`. */
const either = (words: ReadonlyArray<string>): string =>
  words.length <= 1 ? words.join("") : `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`

const usageOf = (flag: Flag): string =>
  flag.kind === "switch" ? flag.names[0] : `${flag.names[0]} ${flag.placeholder}`

/** What a flag accepts: its choices, or its placeholder, type and description. */
const acceptedBy = (flag: Flag): string => {
  if (flag.kind === "choice") return either(flag.choices)
  const type = flag.kind === "integer" ? ", an integer" : flag.kind === "float" ? ", a number" : ""
  return `${flag.placeholder}${type}${flag.description === "" ? "" : `: ${flag.description}`}`
}

const whyNot: Record<Exclude<Kind, "switch" | "text">, string> = {
  integer: "not an integer",
  float: "not a number",
  choice: "not one of its values",
  date: "not a date"
}

const primitiveOf = (flag: Flag): Option.Option<Primitive.Primitive<unknown>> => {
  switch (flag.kind) {
    case "switch":
      return Option.some(Primitive.boolean(Option.none()))
    case "integer":
      return Option.some(Primitive.integer)
    case "float":
      return Option.some(Primitive.float)
    case "date":
      return Option.some(Primitive.date)
    case "choice":
      return Option.some(Primitive.choice(flag.choices.map((choice) => [choice, choice] as [string, unknown])))
    case "text":
      return Option.none()
  }
}

/** Whether the parser takes `value` for `flag` (with its own rules: `Primitive.validate`). */
const valid = (flag: Flag, value: string): Effect.Effect<boolean, never, FileSystem.FileSystem> =>
  Option.match(primitiveOf(flag), {
    onNone: () => Effect.succeed(true),
    onSome: (primitive) =>
      Primitive.validate(primitive, Option.some(value), CliConfig.defaultConfig).pipe(
        Effect.as(true),
        Effect.orElseSucceed(() => false)
      )
  })

/** The flag the parser would take `name` for: names are not case-sensitive (its default configuration). */
const lookup = (flags: ReadonlyArray<Flag>, name: string): Flag | undefined =>
  flags.find((flag) => flag.names.some((candidate) => candidate.toLowerCase() === name.toLowerCase()))

const closest = (word: string, candidates: ReadonlyArray<string>): string => {
  const near = candidates
    .map((candidate) => ({
      candidate,
      distance: AutoCorrect.levensteinDistance(word, candidate, CliConfig.defaultConfig)
    }))
    .filter(({ distance }) => distance <= CliConfig.defaultConfig.autoCorrectLimit)
    .sort((a, b) => a.distance - b.distance)
  return near.length === 0 ? "" : ` (did you mean ${near[0].candidate}?)`
}

/**
 * The refusal of `flag` given as `written` with `value` (`undefined`: no value follows it), if the parser refuses
 * it: `--port abc is refused: not an integer. Accepted: N, an integer: …`.
 */
const refuseValue = (
  flag: Flag,
  written: string,
  value: string | undefined
): Effect.Effect<Option.Option<string>, never, FileSystem.FileSystem> => {
  const name = flag.names[0]
  if (value === undefined || value === "")
    return Effect.succeed(Option.some(`${name} needs a value. Accepted: ${acceptedBy(flag)}`))
  return Effect.map(valid(flag, value), (ok) => {
    if (ok) return Option.none()
    if (flag.kind === "switch") {
      return Option.some(
        `${written}=${value} is refused: ${name} is a switch and takes no value. Accepted: ${name} alone (or ${name}=true, ${name}=false)`
      )
    }
    return Option.some(
      `${name} ${value} is refused: ${whyNot[flag.kind as keyof typeof whyNot] ?? "not accepted"}. Accepted: ${acceptedBy(flag)}`
    )
  })
}

/**
 * Every `--log-level` of the command line (the parser takes it anywhere) with a value the parser refuses: `--log-level`
 * at the end, or a level it does not know.
 *
 * @since 0.1.0
 * @category checks
 */
export const logLevelRefusal = (
  args: ReadonlyArray<string>
): Effect.Effect<Option.Option<string>, never, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]
      if (arg === "--log-level") {
        const refused = yield* refuseValue(logLevelFlag, arg, args[i + 1])
        if (Option.isSome(refused)) return refused
        i++
      } else if (arg.startsWith("--log-level=")) {
        const refused = yield* refuseValue(logLevelFlag, "--log-level", arg.slice("--log-level=".length))
        if (Option.isSome(refused)) return refused
      }
    }
    return Option.none()
  })

/**
 * Why the parser refuses `args` (the command line after the program, without `--log-level`), for `commands`: the
 * first problem, read left to right, as one line. `None` when none of the cases below applies (the caller then keeps
 * the parser's own message):
 *
 * - an option before the command, or an unknown command;
 * - an unknown flag, with the closest known one when a typo is likely;
 * - a flag given more than once;
 * - a flag without its value (at the end, or followed by another of the command's flags);
 * - a value the parser refuses for its flag (not an integer, not a number, not one of the choices, a switch given a
 *   value);
 * - an argument that is not a flag (the commands take flags only).
 *
 * @since 0.1.0
 * @category checks
 */
export const refusal = (
  args: ReadonlyArray<string>,
  commands: ReadonlyArray<Command>,
  program = "im-recent"
): Effect.Effect<Option.Option<string>, never, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const names = commands.map((command) => command.name)
    const [first, ...rest] = args
    if (first === undefined) return Option.none()
    if (first.startsWith("-")) {
      if (isBuiltIn(first) || first.startsWith("--completions")) return Option.none()
      return Option.some(
        `${first} is not an option of ${program} itself: a command's options go after the command. Accepted before the command: --log-level LEVEL, --help, --version; then one of ${either(names)}`
      )
    }
    const command = commands.find((candidate) => candidate.name === first)
    if (command === undefined) {
      return Option.some(`${first} is not a command of ${program}${closest(first, names)}. Accepted: ${either(names)}`)
    }
    const where = `${program} ${command.name}`
    const all = command.flags.map(usageOf).join(", ")
    const seen = new Set<Flag>()
    for (let i = 0; i < rest.length; i++) {
      const arg = rest[i]
      if (arg === "--") return Option.none()
      if (!arg.startsWith("-") || arg === "-") {
        return Option.some(`${arg} is not a flag: ${where} takes flags only. Accepted: ${all}`)
      }
      const equals = arg.indexOf("=")
      const written = equals === -1 ? arg : arg.slice(0, equals)
      const inline = equals === -1 ? undefined : arg.slice(equals + 1)
      if (isBuiltIn(written)) continue
      if (written === "--completions") {
        if (inline === undefined) i++
        continue
      }
      const flag = lookup(command.flags, written)
      if (flag === undefined) {
        const known = command.flags.flatMap((candidate) => candidate.names)
        return Option.some(`${written} is not a flag of ${where}${closest(written, known)}. Accepted: ${all}`)
      }
      if (seen.has(flag))
        return Option.some(`${flag.names[0]} is given more than once. Accepted: ${flag.names[0]} once`)
      seen.add(flag)
      if (flag.kind === "switch") {
        if (inline === undefined) continue
        const refused = yield* refuseValue(flag, written, inline)
        if (Option.isSome(refused)) return refused
        continue
      }
      let value = inline
      if (value === undefined) {
        const next = rest[i + 1]
        // another flag of the command is not this one's value (`--locale --users 3`)
        const isFlag = next?.startsWith("--") === true && lookup(command.flags, next.split("=")[0]) !== undefined
        value = isFlag ? undefined : next
        if (!isFlag) i++
      }
      const refused = yield* refuseValue(flag, written, value)
      if (Option.isSome(refused)) return refused
    }
    return Option.none()
  })
