/**
 * `--help`: the pages of `im-recent` and its commands, laid out for the reader's terminal.
 *
 * The content comes from the commands themselves (@effect/cli's `Usage` and `HelpDoc`: names, pseudo-names,
 * descriptions); the layout is ours: usage lines that start with `im-recent <command>`, each option with its own
 * description only (not the parser's "A true or false value." / "This setting is optional." notes), the parser's
 * shell-completion and wizard options left out, everything wrapped at spaces to the terminal's width (80 columns when
 * stdout is not a terminal), and bold headings only on a terminal without `NO_COLOR`.
 *
 * @since 0.1.0
 */
import * as CliConfig from "@effect/cli/CliConfig"
import * as Descriptor from "@effect/cli/CommandDescriptor"
import * as Usage from "@effect/cli/Usage"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as HelpDoc from "./internal/helpDoc.js"
import * as Text from "./internal/text.js"

/**
 * One help page: what the command does, how to call it, and its options (or subcommands).
 *
 * @since 0.1.0
 * @category models
 */
export interface Page {
  readonly summary: string
  /** One line per form, starting with the program name: `im-recent recent [--json] …`. */
  readonly usage: ReadonlyArray<string>
  readonly sections: ReadonlyArray<Section>
  readonly footer?: string | undefined
}

/**
 * A titled list of terms (`--since ATOM|DURATION`, `recent`) and what they do.
 *
 * @since 0.1.0
 * @category models
 */
export interface Section {
  readonly heading: string
  readonly entries: ReadonlyArray<{ readonly term: string; readonly text: string }>
}

/**
 * How a page is laid out: the line width, and whether ANSI styles may be used.
 *
 * @since 0.1.0
 * @category models
 */
export interface Style {
  readonly width: number
  readonly color: boolean
}

/**
 * The width help is wrapped to when stdout is not a terminal and `COLUMNS` is not set.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultWidth = 80

/**
 * Whether ANSI styles may be used: stdout is a terminal, `NO_COLOR` is unset or empty (https://no-color.org) and
 * `TERM` is not `dumb`.
 *
 * @since 0.1.0
 * @category utils
 */
export const colorAllowed = (terminal: {
  readonly isTTY: boolean
  readonly noColor?: string | undefined
  readonly term?: string | undefined
}): boolean => terminal.isTTY && (terminal.noColor ?? "") === "" && terminal.term !== "dumb"

/**
 * The style for stdout: its columns (else `COLUMNS`, else {@link defaultWidth}) and {@link colorAllowed}.
 *
 * @since 0.1.0
 * @category utils
 */
export const stdoutStyle: Effect.Effect<Style> = Effect.map(
  Effect.all(
    ["COLUMNS", "NO_COLOR", "TERM"].map((name) =>
      Effect.orElseSucceed(Config.option(Config.string(name)), () => Option.none<string>())
    )
  ),
  ([columns, noColor, term]) => ({
    width: Text.terminalWidth(
      process.stdout.isTTY ? process.stdout.columns : undefined,
      Option.getOrUndefined(columns),
      defaultWidth
    ),
    color: colorAllowed({
      isTTY: process.stdout.isTTY === true,
      noColor: Option.getOrUndefined(noColor),
      term: Option.getOrUndefined(term)
    })
  })
)

/** Every option the parser adds to each command is handled on the root page; none is listed twice. */
const ownOptionsOnly = CliConfig.make({ showBuiltIns: false })

const describe = (descriptor: Descriptor.Command<unknown>): string =>
  HelpDoc.section(Descriptor.getHelp(descriptor, ownOptionsOnly), "DESCRIPTION").map(HelpDoc.paragraphs).join(" ")

/** The program's name in usage lines and references. */
const program = "im-recent"

/**
 * The name of a command (`recent`).
 *
 * @since 0.1.0
 * @category getters
 */
export const nameOf = (descriptor: Descriptor.Command<unknown>): string => [...Descriptor.getNames(descriptor)][0] ?? ""

/**
 * The page of a subcommand (`recent`, `watch`, `mirror`, `emulator`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const commandPage = (descriptor: Descriptor.Command<unknown>): Page => {
  const options = HelpDoc.optionEntries(Descriptor.getHelp(descriptor, ownOptionsOnly)).map(({ doc, term }) => ({
    term,
    text: HelpDoc.ownDescription(doc)
  }))
  return {
    summary: describe(descriptor),
    usage: Usage.enumerate(Descriptor.getUsage(descriptor), ownOptionsOnly).map(
      (span) => `${program} ${HelpDoc.spanText(span).trim()}`
    ),
    sections: options.length === 0 ? [] : [{ heading: "OPTIONS", entries: options }],
    footer: `Before the command: --log-level LEVEL (see ${program} --help).`
  }
}

/**
 * The page of `im-recent` itself: its commands (in the given order) and the options the parser handles for all of
 * them.
 *
 * @since 0.1.0
 * @category constructors
 */
export const rootPage = (
  root: Descriptor.Command<unknown>,
  commands: ReadonlyArray<Descriptor.Command<unknown>>,
  version: string
): Page => ({
  summary: `${program} ${version}: ${describe(root)}`,
  usage: [`${program} [--log-level LEVEL] <command> [options]`, `${program} <command> --help`],
  sections: [
    {
      heading: "COMMANDS",
      entries: commands.map((descriptor) => ({ term: nameOf(descriptor), text: describe(descriptor) }))
    },
    {
      heading: "OPTIONS",
      entries: [
        {
          term: "--log-level LEVEL",
          text: "Which log lines reach stderr: all, trace, debug (the client's retries and token renewals), info (the default), warning, error, fatal or none. Failures are reported whatever the level."
        },
        { term: "-h, --help", text: "Show this help, or with a command its options." },
        { term: "--version", text: "Print the version." }
      ]
    }
  ],
  footer: `Run '${program} <command> --help' for the options of a command.`
})

const indent = "  "
const gap = "  "
const maxTermColumn = 26
const minTextColumn = 24

const bold = (text: string, style: Style): string => (style.color ? `\u001b[1m${text}\u001b[22m` : text)

/** `words` after `lead`, wrapped to `width`; continuation lines start under the first word after the lead. */
const hanging = (lead: string, words: ReadonlyArray<string>, width: number): ReadonlyArray<string> => {
  const column = Text.width(lead) <= width / 2 ? Text.width(lead) : 2 * indent.length
  const lines: Array<string> = []
  let line = lead.trimEnd()
  let placed = 0
  for (const word of words) {
    if (placed > 0 && Text.width(`${line} ${word}`) > width) {
      lines.push(line)
      line = " ".repeat(column - 1)
      placed = 0
    }
    line = `${line} ${word}`
    placed++
  }
  lines.push(line)
  return lines.flatMap((text) => (Text.width(text) <= width ? [text] : Text.wrap(text, width)))
}

/** A usage line's words: bracketed groups (`[--since ATOM|DURATION]`) stay together. */
const usageWords = (usage: string): ReadonlyArray<string> => usage.match(/\[[^\]]*\]|\S+/g) ?? []

const renderSection = (entries: Section["entries"], style: Style): ReadonlyArray<string> => {
  // terms wider than the column get a line of their own
  const termColumn = Math.max(
    0,
    ...entries.map((entry) => Text.width(entry.term)).filter((columns) => columns <= maxTermColumn)
  )
  const textWidth = style.width - indent.length - termColumn - gap.length
  const lines: Array<string> = []
  for (const { term, text } of entries) {
    if (textWidth < minTextColumn) {
      // too narrow for two columns: the text goes under the term
      lines.push(...Text.wrap(term, style.width - indent.length).map((line) => indent + bold(line, style)))
      lines.push(...Text.wrap(text, style.width - indent.length * 2).map((line) => indent + indent + line))
      continue
    }
    const wrapped = Text.wrap(text, textWidth)
    const pad = " ".repeat(indent.length + termColumn + gap.length)
    if (Text.width(term) > termColumn) {
      lines.push(indent + bold(term, style))
      lines.push(...wrapped.map((line) => pad + line))
    } else {
      const [first = "", ...rest] = wrapped
      lines.push(`${indent}${bold(term, style)}${" ".repeat(termColumn - Text.width(term))}${gap}${first}`.trimEnd())
      lines.push(...rest.map((line) => pad + line))
    }
  }
  return lines
}

/**
 * The page as text: no line wider than `style.width` (but for a single word wider than that), ANSI bold on headings
 * and terms only when `style.color`.
 *
 * @since 0.1.0
 * @category rendering
 */
export const render = (page: Page, style: Style): string => {
  const lines: Array<string> = [...Text.wrap(page.summary, style.width), "", bold("USAGE", style)]
  for (const usage of page.usage) {
    const [name = program, ...rest] = usageWords(usage)
    const named = rest[0] !== undefined && /^[a-z]/.test(rest[0])
    const lead = named ? `${indent}${name} ${rest[0]} ` : `${indent}${name} `
    lines.push(...hanging(lead, named ? rest.slice(1) : rest, style.width))
  }
  for (const { entries, heading } of page.sections) {
    if (entries.length === 0) continue
    lines.push("", bold(heading, style), ...renderSection(entries, style))
  }
  if (page.footer !== undefined) lines.push("", ...Text.wrap(page.footer, style.width))
  return lines.join("\n")
}

/**
 * Prints `page` on stdout in {@link stdoutStyle}.
 *
 * @since 0.1.0
 * @category running
 */
export const print = (page: Page): Effect.Effect<void> =>
  Effect.flatMap(stdoutStyle, (style) => Console.log(render(page, style)))
