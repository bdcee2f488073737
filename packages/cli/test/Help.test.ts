/**
 * `--help` as a user sees it: child processes with stdout piped (and, where util-linux `script` is installed, on a
 * pseudo-terminal), and the layout rules in process.
 */
import { execFileSync } from "node:child_process"
import { assert, describe, it } from "@effect/vitest"
import { Help } from "@im-recent/cli"
import { Effect } from "effect"
import { width } from "../src/internal/text.js"
import { childEnv, cli, cliDir, linesOf } from "./support.js"

const live = { timeout: 90_000 }
const promise = <A>(thunk: () => Promise<A>) => Effect.promise(thunk)

/** Every help page, with the flags its usage line must show. */
const pages: ReadonlyArray<readonly [ReadonlyArray<string>, ReadonlyArray<string>]> = [
  [["--help"], []],
  [
    ["recent", "--help"],
    ["--skip-openlines", "--skip-chat", "--skip-dialog", "--only-openlines", "--since", "--json", "--token-file"]
  ],
  [
    ["watch", "--help"],
    ["--interval", "--skip-openlines", "--skip-chat", "--skip-dialog", "--only-openlines", "--token-file"]
  ],
  [
    ["emulator", "--help"],
    ["--port", "--host", "--state", "--seed", "--users", "--chats", "--locale", "--now", "--timezone", "--rate"]
  ]
]

/** What @effect/cli writes into its own help pages. */
const boilerplate = [
  "A true or false value",
  "This setting is optional",
  "A user-defined piece of text",
  "An integer.",
  "A floating point number",
  "One of the following",
  "--wizard",
  "--completions"
]

/** `im-recent <args>` run on a pseudo-terminal by util-linux `script`; what the terminal showed. */
const onTerminal = (args: ReadonlyArray<string>, env: Record<string, string>): string =>
  execFileSync(
    "script",
    ["-qec", [process.execPath, "--import", "tsx", "src/bin.ts", ...args].join(" "), "/dev/null"],
    { cwd: cliDir, env: childEnv(env), encoding: "utf8" }
  )

const hasScript = (() => {
  try {
    execFileSync("script", ["-V"], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
})()

/** The sections of a page: heading line -> the lines under it. */
const sections = (text: string): ReadonlyMap<string, ReadonlyArray<string>> => {
  const result = new Map<string, Array<string>>()
  let current: Array<string> | undefined
  for (const line of text.split("\n")) {
    if (/^[A-Z]+$/.test(line)) {
      current = []
      result.set(line, current)
    } else if (line === "") current = undefined
    else current?.push(line)
  }
  return result
}

describe("--help, piped (live)", () => {
  it.live(
    "plain text at 80 columns, the program name in every usage line, each option with what it does",
    () =>
      Effect.forEach(
        pages,
        ([args, flags]) =>
          Effect.gen(function* () {
            const run = yield* cli(args, { COLUMNS: "" })
            assert.deepStrictEqual(yield* promise(() => run.exited), { code: 0, signal: null }, run.stderr())
            const page = run.stdout()
            const what = args.join(" ")
            assert.strictEqual(run.stderr(), "")
            assert.notInclude(page, "\u001b", `${what}: no ANSI escape`)
            for (const line of page.split("\n")) {
              assert.isAtMost(width(line), 80, `${what}: ${line}`)
              assert.strictEqual(line, line.trimEnd(), `${what}: no padding: ${JSON.stringify(line)}`)
            }
            for (const text of boilerplate) assert.notInclude(page, text, what)
            const usage = sections(page).get("USAGE") ?? []
            assert.isNotEmpty(usage, what)
            const command = args.length === 1 ? "im-recent" : `im-recent ${args[0]}`
            assert.isTrue(usage[0].startsWith(`  ${command} `), `${what}: ${usage[0]}`)
            for (const flag of flags) assert.include(usage.join(" "), `[${flag}`, `${what}: ${flag} in the usage`)
            // every option listed has a description of its own, on its line or the next
            const options = sections(page).get("OPTIONS") ?? []
            for (const flag of flags) {
              const at = options.findIndex((line) => line.startsWith(`  ${flag}`))
              assert.isAtLeast(at, 0, `${what}: ${flag} listed`)
              const described = options[at].slice(2 + flag.length).trim() || options[at + 1]?.trim()
              assert.isAtLeast(described?.length ?? 0, 10, `${what}: ${flag} says what it does`)
            }
          }),
        { concurrency: 2, discard: true }
      ).pipe(Effect.scoped),
    live
  )

  it.live(
    "wraps to COLUMNS at spaces: 40 and 200 columns",
    () =>
      Effect.gen(function* () {
        for (const columns of [40, 200]) {
          const run = yield* cli(["emulator", "--help"], { COLUMNS: String(columns) })
          assert.strictEqual((yield* promise(() => run.exited)).code, 0)
          const lines = linesOf(run.stdout())
          for (const line of lines) assert.isAtMost(width(line), columns, `${columns}: ${line}`)
          // the flag descriptions are whole: wrapping never cut a word
          const joined = run
            .stdout()
            .split("\n")
            .map((line) => line.trim())
            .join(" ")
          assert.include(joined, "Each method's operating budget: seconds of server time per 10 minutes (default 480)")
          if (columns === 200) assert.strictEqual(lines.filter((line) => line.startsWith("  --")).length, 20)
        }
      }).pipe(Effect.scoped),
    live
  )

  it.live(
    "`im-recent` alone shows the root page; --version prints the version",
    () =>
      Effect.gen(function* () {
        const bare = yield* cli([])
        assert.strictEqual((yield* promise(() => bare.exited)).code, 0)
        assert.match(bare.stdout(), /^im-recent 0\.1\.0: /)
        assert.include(bare.stdout(), "COMMANDS\n  recent ")
        const version = yield* cli(["--version"])
        assert.strictEqual((yield* promise(() => version.exited)).code, 0)
        assert.strictEqual(version.stdout(), "0.1.0\n")
      }).pipe(Effect.scoped),
    live
  )
})

describe("--help on a terminal (live)", () => {
  it.skipIf(!hasScript)(
    "bold headings on a terminal; plain with NO_COLOR or TERM=dumb (skipped without util-linux `script`)",
    () => {
      const styled = onTerminal(["recent", "--help"], { COLUMNS: "" })
      assert.include(styled, "\u001b[1mUSAGE\u001b[22m")
      assert.include(styled, "\u001b[1m--since ATOM|DURATION\u001b[22m")
      for (const env of [{ NO_COLOR: "1" }, { TERM: "dumb" }]) {
        const plain = onTerminal(["recent", "--help"], { COLUMNS: "", ...env })
        assert.notInclude(plain, "\u001b", JSON.stringify(env))
        assert.include(plain, "USAGE")
      }
    },
    live.timeout
  )
})

describe("Help.render", () => {
  const page: Help.Page = {
    summary: "Do one thing well",
    usage: ["im-recent thing [--alpha] [--beta N] [--gamma-with-a-long-name VALUE]"],
    sections: [
      {
        heading: "OPTIONS",
        entries: [
          { term: "--alpha", text: "The first option, with a description long enough to need a second line" },
          { term: "--gamma-with-a-long-name VALUE", text: "Too long a term: the text goes under it" }
        ]
      }
    ],
    footer: "The end."
  }

  it("two columns, continuation lines under the text; a long term puts its text on the next line", () => {
    assert.strictEqual(
      Help.render(page, { width: 60, color: false }),
      [
        "Do one thing well",
        "",
        "USAGE",
        "  im-recent thing [--alpha] [--beta N]",
        "                  [--gamma-with-a-long-name VALUE]",
        "",
        "OPTIONS",
        "  --alpha  The first option, with a description long enough",
        "           to need a second line",
        "  --gamma-with-a-long-name VALUE",
        "           Too long a term: the text goes under it",
        "",
        "The end."
      ].join("\n")
    )
  })

  it("bold headings and terms only with color", () => {
    const styled = Help.render(page, { width: 80, color: true })
    assert.include(styled, "\u001b[1mOPTIONS\u001b[22m")
    assert.include(styled, "  \u001b[1m--alpha\u001b[22m  The first option")
    assert.strictEqual(
      styled.replaceAll("\u001b[1m", "").replaceAll("\u001b[22m", ""),
      Help.render(page, { width: 80, color: false })
    )
  })

  it("color only on a terminal, without NO_COLOR (any non-empty value) and not on TERM=dumb", () => {
    assert.isTrue(Help.colorAllowed({ isTTY: true }))
    assert.isTrue(Help.colorAllowed({ isTTY: true, noColor: "", term: "xterm-256color" }))
    assert.isFalse(Help.colorAllowed({ isTTY: false }))
    assert.isFalse(Help.colorAllowed({ isTTY: true, noColor: "1" }))
    assert.isFalse(Help.colorAllowed({ isTTY: true, noColor: "0" }))
    assert.isFalse(Help.colorAllowed({ isTTY: true, term: "dumb" }))
  })
})
