import * as NodeContext from "@effect/platform-node/NodeContext"
import { assert, describe, it } from "@effect/vitest"
import {
  Arguments,
  Cli,
  CliError,
  Connection,
  EmulatorCommand,
  Filters,
  RecentCommand,
  WatchCommand
} from "@im-recent/cli"
import { RecentGet } from "@im-recent/domain"
import {
  ConfigError,
  ConfigProvider,
  Console,
  DateTime,
  Duration,
  Effect,
  Either,
  Exit,
  FastCheck,
  Option,
  Schema,
  TestClock
} from "effect"
import * as Durations from "../src/internal/duration.js"
import { portalNow } from "./support.js"

const now = DateTime.unsafeMake("2026-02-26T06:00:00Z")
const since = (value: string, localOffset = 0) => RecentCommand.parseSince(value, now, localOffset)
const refusal = (value: string, localOffset = 0) =>
  Either.match(since(value, localOffset), {
    onLeft: (error) => error.message,
    onRight: (date) => assert.fail(`accepted ${value} as ${DateTime.formatIso(date)}`)
  })

describe("--since", () => {
  it("takes ATOM date-times, keeping their offset", () => {
    const date = Either.getOrThrow(since("2026-02-25T18:30:00+03:00"))
    assert.strictEqual(date.epochMillis, Date.parse("2026-02-25T15:30:00Z"))
    assert.strictEqual(date._tag === "Zoned" && DateTime.zonedOffsetIso(date), "+03:00")
  })

  it("takes durations ago", () => {
    assert.strictEqual(Either.getOrThrow(since("2h")).epochMillis, now.epochMillis - 2 * 3_600_000)
    assert.strictEqual(Either.getOrThrow(since("30m")).epochMillis, now.epochMillis - 30 * 60_000)
    assert.strictEqual(Either.getOrThrow(since("1d")).epochMillis, now.epochMillis - 86_400_000)
    assert.strictEqual(Either.getOrThrow(since("3 hours")).epochMillis, now.epochMillis - 3 * 3_600_000)
  })

  it("takes a Z zone as UTC: it goes out as +00:00, which the server reads (it ignores a Z)", () => {
    for (const value of ["2026-02-25T18:30:00Z", "2026-02-25T18:30:00z"]) {
      const date = Either.getOrThrow(since(value))
      assert.strictEqual(date.epochMillis, Date.parse("2026-02-25T18:30:00Z"))
      assert.strictEqual(
        Schema.encodeSync(RecentGet.Params)({ LAST_SYNC_DATE: date }).LAST_SYNC_DATE,
        "2026-02-25T18:30:00+00:00"
      )
    }
    // with fractional seconds or without seconds it stays refused, the suggestion in +00:00
    assert.include(refusal("2026-02-25T18:30:00.000Z"), "Write --since 2026-02-25T18:30:00+00:00.")
    assert.include(refusal("2026-02-25T18:30Z"), "seconds are missing")
    assert.include(refusal("2026-02-25T18:30Z"), "Write --since 2026-02-25T18:30:00+00:00.")
    assert.include(refusal("2026-02-30T18:30:00Z"), "day 30 is out of range")
  })

  it("refuses fractional seconds, a missing offset, zone names, a missing time or seconds, each saying why", () => {
    assert.include(refusal("2026-02-25T18:30:00.250+03:00"), "fractional seconds")
    assert.include(refusal("2026-02-25T18:30:00.250+03:00"), "Write --since 2026-02-25T18:30:00+03:00.")
    assert.include(refusal("2026-02-25T18:30:00"), "without an offset")
    // the suggestion uses the local offset
    assert.include(refusal("2026-02-25T18:30:00", 9 * 3_600_000), "Write --since 2026-02-25T18:30:00+09:00.")
    assert.include(refusal("2026-02-25T18:30:00", -(5 * 60 + 30) * 60_000), "2026-02-25T18:30:00-05:30")
    assert.include(refusal("2026-02-25T18:30:00 MSK"), "zone names")
    assert.include(refusal("2026-02-25"), "a date alone")
    assert.include(refusal("2026-02-25T18:30+03:00"), "seconds are missing")
    assert.include(refusal("2026-02-25T18:30:00+0300"), "±hh:mm")
    assert.include(refusal("yesterday"), "neither a date-time nor a duration")
    // a bare number is not taken as seconds ago: it looks too much like a year
    assert.include(refusal("2026"), "neither a date-time nor a duration")
  })

  it("names every field that is out of range, instead of blaming the offset", () => {
    const message = refusal("2026-13-45T99:00:00+03:00")
    assert.include(
      message,
      "is refused: month 13 is out of range (01–12), day 45 is out of range (01–31), hour 99 is out of range (00–23)."
    )
    assert.notInclude(message, "offset")
    assert.include(
      refusal("2026-02-29T23:61:60+24:00"),
      "day 29 is out of range (01–28 in February 2026), minute 61 is out of range (00–59), second 60 is out of range (00–59), offset +24:00 is out of range"
    )
    assert.include(refusal("2028-02-30T10:00:00+03:00"), "day 30 is out of range (01–29 in February 2028)")
    assert.include(refusal("2026-04-31"), "day 31 is out of range (01–30 in April 2026)")
  })

  const pad = (n: number) => String(n).padStart(2, "0")
  const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate()
  const validAtom = FastCheck.record({
    year: FastCheck.integer({ min: 1970, max: 2099 }),
    month: FastCheck.integer({ min: 1, max: 12 }),
    day: FastCheck.integer({ min: 1, max: 31 }),
    hour: FastCheck.integer({ min: 0, max: 23 }),
    minute: FastCheck.integer({ min: 0, max: 59 }),
    second: FastCheck.integer({ min: 0, max: 59 }),
    sign: FastCheck.constantFrom(1, -1),
    offsetHours: FastCheck.integer({ min: 0, max: 23 }),
    offsetMinutes: FastCheck.integer({ min: 0, max: 59 })
  }).map((fields) => ({ ...fields, day: Math.min(fields.day, daysIn(fields.year, fields.month)) }))
  type Fields = typeof validAtom extends FastCheck.Arbitrary<infer A> ? A : never
  const write = (
    f: Fields,
    override: Partial<Record<"month" | "day" | "hour" | "minute" | "second" | "offset", string>> = {}
  ) =>
    `${f.year}-${override.month ?? pad(f.month)}-${override.day ?? pad(f.day)}T${override.hour ?? pad(f.hour)}:${override.minute ?? pad(f.minute)}:${override.second ?? pad(f.second)}${override.offset ?? `${f.sign < 0 ? "-" : "+"}${pad(f.offsetHours)}:${pad(f.offsetMinutes)}`}`

  it.prop("a valid ATOM date-time is taken as that instant, with its offset", [validAtom], ([f]) => {
    const date = Either.getOrThrow(since(write(f)))
    const offsetMillis = f.sign * (f.offsetHours * 60 + f.offsetMinutes) * 60_000
    assert.strictEqual(
      date.epochMillis,
      Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second) - offsetMillis
    )
    assert.strictEqual(date._tag === "Zoned" && DateTime.zonedOffset(date), offsetMillis)
  })

  it.prop(
    "one field out of range: the refusal names that field and its value, and no other",
    [
      validAtom,
      FastCheck.constantFrom("month", "day", "hour", "minute", "second", "offset"),
      FastCheck.integer({ min: 0, max: 99 })
    ],
    ([f, field, n]) => {
      const corrupted: Record<typeof field, number> = {
        month: n === 0 ? 0 : 13 + (n % 87),
        day: n === 0 ? 0 : daysIn(f.year, f.month) + 1 + (n % (99 - daysIn(f.year, f.month))),
        hour: 24 + (n % 76),
        minute: 60 + (n % 40),
        second: 60 + (n % 40),
        offset: 24 + (n % 76)
      }
      const bad = corrupted[field]
      const text = field === "offset" ? `+${pad(bad)}:00` : pad(bad)
      const message = refusal(write(f, { [field]: text }))
      assert.include(message, `: ${field} ${text} is out of range (`)
      assert.strictEqual(message.split("is out of range").length, 2, message)
    }
  )

  it.effect("becomes LAST_SYNC_DATE next to the filters", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(now.epochMillis)
      const params = yield* RecentCommand.params({
        since: Option.some("2026-02-25T18:30:00+03:00"),
        json: false,
        skipOpenlines: true,
        skipChat: false,
        skipDialog: false,
        onlyOpenlines: false,
        tokenFile: Option.none()
      })
      assert.deepStrictEqual(Schema.encodeSync(RecentGet.Params)(params), {
        SKIP_OPENLINES: "Y",
        LAST_SYNC_DATE: "2026-02-25T18:30:00+03:00"
      })
      const utc = yield* RecentCommand.params({
        since: Option.some("2026-02-25T18:30:00Z"),
        json: false,
        skipOpenlines: false,
        skipChat: false,
        skipDialog: false,
        onlyOpenlines: false,
        tokenFile: Option.none()
      })
      assert.deepStrictEqual(Schema.encodeSync(RecentGet.Params)(utc), { LAST_SYNC_DATE: "2026-02-25T18:30:00+00:00" })
    })
  )
})

describe("--interval", () => {
  it("takes short and long durations of at least one second", () => {
    const millis = (value: string) => Duration.toMillis(Either.getOrThrow(WatchCommand.parseInterval(value)))
    assert.strictEqual(millis("5s"), 5000)
    assert.strictEqual(millis("1.5s"), 1500)
    assert.strictEqual(millis("1500ms"), 1500)
    assert.strictEqual(millis("2m"), 120_000)
    assert.strictEqual(millis("10 seconds"), 10_000)
    assert.strictEqual(millis("3"), 3000)
  })

  it("refuses what is not a duration, and less than a second", () => {
    const message = (value: string) => Either.getLeft(WatchCommand.parseInterval(value)).pipe(Option.getOrThrow).message
    assert.include(message("soon"), "--interval must be a duration like 5s")
    assert.include(message("-5s"), "--interval must be a duration")
    assert.include(message("500ms"), "--interval must be at least 1s")
  })

  it("is shown back compactly", () => {
    assert.strictEqual(Durations.format(Duration.seconds(5)), "5s")
    assert.strictEqual(Durations.format(Duration.millis(1500)), "1.5s")
    assert.strictEqual(Durations.format(Duration.minutes(2)), "2m")
    assert.strictEqual(Durations.format(Duration.seconds(3725)), "1h 2m 5s")
  })
})

describe("filters", () => {
  const flags = (changes: Partial<Filters.Flags> = {}): Filters.Flags => ({
    skipOpenlines: false,
    skipChat: false,
    skipDialog: false,
    onlyOpenlines: false,
    ...changes
  })

  it("map to the SKIP_/ONLY_ parameters", () => {
    assert.deepStrictEqual(Either.getOrThrow(Filters.params(flags())), {})
    assert.deepStrictEqual(Either.getOrThrow(Filters.params(flags({ skipChat: true, skipDialog: true }))), {
      SKIP_CHAT: true,
      SKIP_DIALOG: true
    })
    assert.deepStrictEqual(Either.getOrThrow(Filters.params(flags({ onlyOpenlines: true }))), { ONLY_OPENLINES: true })
  })

  it("--only-openlines refuses what the server would ignore next to it", () => {
    const message = (f: Filters.Flags, other?: string) =>
      Either.getLeft(Filters.params(f, other)).pipe(Option.getOrThrow).message
    assert.include(
      message(flags({ onlyOpenlines: true, skipChat: true, skipDialog: true })),
      "--only-openlines cannot be combined with --skip-chat, --skip-dialog"
    )
    assert.include(message(flags({ onlyOpenlines: true }), "--since"), "--since")
  })
})

describe("configuration", () => {
  const withEnv = (env: Record<string, string>) =>
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

  it.effect("a portal is configured by the webhook or by any OAuth variable; blank values do not count", () =>
    Effect.gen(function* () {
      assert.isFalse(yield* Connection.isConfigured.pipe(withEnv({})))
      assert.isFalse(yield* Connection.isConfigured.pipe(withEnv({ BITRIX24_WEBHOOK_URL: "  " })))
      assert.isTrue(yield* Connection.isConfigured.pipe(withEnv({ BITRIX24_WEBHOOK_URL: "https://x.test/rest/1/c/" })))
      assert.isTrue(yield* Connection.isConfigured.pipe(withEnv({ BITRIX24_CLIENT_ID: "app" })))
      assert.isFalse(yield* Connection.isConfigured.pipe(withEnv({ BITRIX24_RATE_LIMIT: "enterprise" })))
    })
  )

  it("incomplete OAuth settings name the missing variables, never their values", () => {
    const error = ConfigError.Or(
      ConfigError.MissingData(["BITRIX24_WEBHOOK_URL"], "Set BITRIX24_WEBHOOK_URL for a webhook, or …"),
      ConfigError.And(
        ConfigError.MissingData(["BITRIX24_CLIENT_ID"], "Expected BITRIX24_CLIENT_ID to exist"),
        ConfigError.MissingData(["BITRIX24_REFRESH_TOKEN"], "Expected BITRIX24_REFRESH_TOKEN to exist")
      )
    )
    const message = CliError.fromConfigError(error).message
    assert.match(
      message,
      /^the portal configuration is incomplete: BITRIX24_CLIENT_ID, BITRIX24_REFRESH_TOKEN are not set \(set BITRIX24_WEBHOOK_URL for a webhook, or all of /
    )
    const invalid = CliError.fromConfigError(
      ConfigError.InvalidData(["BITRIX24_TIMEOUT"], "Expected a duration but received soon")
    )
    assert.strictEqual(
      invalid.message,
      "the portal configuration cannot be used: BITRIX24_TIMEOUT: Expected a duration but received soon"
    )
  })

  it("the secrets of the environment are masked out of stderr", () => {
    const secrets = Cli.secretsOf({
      BITRIX24_WEBHOOK_URL: "https://x.bitrix24.com/rest/1/abcd1234secret/",
      BITRIX24_CLIENT_SECRET: "clientsecret9",
      BITRIX24_ACCESS_TOKEN: "",
      HOME: "/root"
    })
    assert.deepStrictEqual(secrets, [
      "https://x.bitrix24.com/rest/1/abcd1234secret/",
      "abcd1234secret",
      "clientsecret9"
    ])
    assert.strictEqual(
      Cli.mask("GET https://x.bitrix24.com/rest/1/abcd1234secret/im.recent.get failed; code abcd1234secret", secrets),
      "GET ***im.recent.get failed; code ***"
    )
  })
})

/** Runs `im-recent <args>` in this process without a portal configured; what it printed on stdout and stderr. */
const runCli = (args: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const out: Array<string> = []
    const err: Array<string> = []
    const console = yield* Effect.console
    const capture: Console.Console = {
      ...console,
      log: (...parts) => Effect.sync(() => void out.push(parts.join(" "))),
      error: (...parts) => Effect.sync(() => void err.push(parts.join(" ")))
    }
    const exit = yield* Cli.run(["node", "im-recent", ...args]).pipe(
      Effect.provide(NodeContext.layer),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map())),
      (effect) => Console.withConsole(effect, capture),
      Effect.exit
    )
    return { exit, stdout: out.join("\n"), stderr: err.join("\n") }
  })

describe("the command line, in process", () => {
  it.effect("recent --json prints the demo portal's response in the wire encoding", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(portalNow)
      const { exit, stderr, stdout } = yield* runCli(["recent", "--json"])
      assert.isTrue(Exit.isSuccess(exit))
      assert.strictEqual(stderr, Connection.demoNotice)
      const decoded = yield* Schema.decodeUnknown(Schema.parseJson(RecentGet.Response))(stdout)
      assert.isAbove(decoded.result.length, 10)
      // the output is exactly the wire encoding: dates keep the portal's offset (Europe/Moscow)
      assert.strictEqual(JSON.stringify(Schema.encodeSync(RecentGet.Response)(decoded), null, 2), stdout)
      assert.match(JSON.parse(stdout).time.date_start, /^2026-02-26T09:0\d:\d\d\+03:00$/)
    })
  )

  it.effect("recent with filters sends them: --skip-dialog leaves only chats", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(portalNow)
      const { stdout } = yield* runCli(["recent", "--json", "--skip-dialog"])
      const decoded = yield* Schema.decodeUnknown(Schema.parseJson(RecentGet.Response))(stdout)
      assert.isAbove(decoded.result.length, 0)
      assert.isTrue(decoded.result.every((item) => item.type === "chat"))
      const only = yield* runCli(["recent", "--json", "--only-openlines"])
      const lines = yield* Schema.decodeUnknown(Schema.parseJson(RecentGet.Response))(only.stdout)
      assert.isAbove(lines.result.length, 0)
      assert.isTrue(lines.result.every((item) => item.type === "chat" && item.chat.message_type === "L"))
    })
  )

  it.effect("bad values fail with a usage error (exit status 2), before anything is requested", () =>
    Effect.gen(function* () {
      for (const args of [
        ["recent", "--since", "2026-02-25T18:30:00.000Z"],
        ["recent", "--only-openlines", "--skip-chat"],
        ["watch", "--interval", "100ms"],
        ["recent", "--bogus"],
        ["recent", "--json", "extra"]
      ]) {
        const { exit, stderr } = yield* runCli(args)
        assert.strictEqual(Cli.exitCode(exit), 2, args.join(" "))
        assert.notInclude(stderr, Connection.demoNotice, args.join(" "))
      }
    })
  )
})

/** `im-recent <args>` as the executable runs it (`Cli.main`: one-line stderr), in this process, without a portal. */
const runMain = (args: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const out: Array<string> = []
    const err: Array<string> = []
    const console = yield* Effect.console
    const capture: Console.Console = {
      ...console,
      log: (...parts) => Effect.sync(() => void out.push(parts.join(" "))),
      error: (...parts) => Effect.sync(() => void err.push(parts.join(" ")))
    }
    const exit = yield* Cli.main(["node", "im-recent", ...args]).pipe(
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map())),
      (effect) => Console.withConsole(effect, capture),
      Effect.exit
    )
    return { status: Cli.exitCode(exit), stdout: out.join("\n"), stderr: err }
  })

/** The one stderr line of a refused command line (status 2, nothing on stdout), without the `im-recent: ` prefix. */
const refusedWith = (args: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const { status, stderr, stdout } = yield* runMain(args)
    const what = args.join(" ")
    assert.strictEqual(status, 2, what)
    assert.strictEqual(stdout, "", what)
    assert.strictEqual(stderr.length, 1, `${what}: ${stderr.join(" | ")}`)
    assert.match(stderr[0], /^im-recent: /, what)
    return stderr[0].slice("im-recent: ".length)
  })

const commands = [RecentCommand.command, WatchCommand.command, EmulatorCommand.command].map((command) =>
  Arguments.commandOf(command.descriptor)
)

describe("flag errors name the flag, what was wrong and what is accepted", () => {
  it.effect("--since without a value (the parser: \"Received unknown argument: '--since'\")", () =>
    Effect.gen(function* () {
      const line = yield* refusedWith(["recent", "--since"])
      assert.match(line, /^--since needs a value\. Accepted: ATOM\|DURATION: Show only the chats changed since then/)
      assert.include(line, "2026-02-25T18:30:00+03:00")
      assert.notInclude(line, "unknown argument")
      assert.strictEqual(yield* refusedWith(["recent", "--json", "--since="]), line)
    })
  )

  it.effect('a bad --log-level, before or after the command (the parser: "Invalid subcommand")', () =>
    Effect.gen(function* () {
      const accepted = "Accepted: all, trace, debug, info, warning, error, fatal or none"
      assert.strictEqual(
        yield* refusedWith(["--log-level", "bogus", "recent"]),
        `--log-level bogus is refused: not one of its values. ${accepted}`
      )
      assert.strictEqual(
        yield* refusedWith(["--log-level=DEBUG", "recent"]),
        `--log-level DEBUG is refused: not one of its values. ${accepted}`
      )
      assert.strictEqual(
        yield* refusedWith(["recent", "--log-level", "loud"]),
        `--log-level loud is refused: not one of its values. ${accepted}`
      )
      assert.strictEqual(yield* refusedWith(["recent", "--log-level"]), `--log-level needs a value. ${accepted}`)
      // the levels listed are the ones the parser takes
      for (const level of Arguments.logLevels) {
        assert.deepStrictEqual(yield* Cli.request(["--log-level", level, "--version"]), { _tag: "Version" }, level)
      }
    }).pipe(Effect.provide(NodeContext.layer))
  )

  it.effect('--locale fr (the parser: "Expected one of the following cases: ru, en")', () =>
    Effect.gen(function* () {
      assert.strictEqual(
        yield* refusedWith(["emulator", "--locale", "fr"]),
        "--locale fr is refused: not one of its values. Accepted: ru or en"
      )
      assert.strictEqual(
        yield* refusedWith(["emulator", "--locale", "--users", "3"]),
        "--locale needs a value. Accepted: ru or en"
      )
    })
  )

  it.effect("--portals abc, --portals 1.5, --install-to without a URL: each names the flag", () =>
    Effect.gen(function* () {
      const accepted = "Accepted: N, an integer: Serve N independent portals (1 to 256)"
      assert.include(
        yield* refusedWith(["emulator", "--portals", "abc"]),
        `--portals abc is refused: not an integer. ${accepted}`
      )
      assert.include(yield* refusedWith(["emulator", "--portals=1.5"]), "--portals 1.5 is refused: not an integer.")
      assert.match(
        yield* refusedWith(["emulator", "--install-to"]),
        /^--install-to needs a value\. Accepted: URL: Once up, /
      )
      assert.match(
        yield* refusedWith(["emulator", "--install-to", "--portals", "2"]),
        /^--install-to needs a value\. Accepted: URL: /
      )
    })
  )

  it("the flags come from the commands' descriptors, with their types", () => {
    const emulator = commands.find((command) => command.name === "emulator")!
    const flag = (name: string) => emulator.flags.find((candidate) => candidate.names.includes(name))
    assert.deepStrictEqual(flag("--locale")?.choices, ["ru", "en"])
    assert.strictEqual(flag("--port")?.kind, "integer")
    assert.strictEqual(flag("--port")?.placeholder, "N")
    assert.strictEqual(flag("--operating-limit")?.kind, "float")
    assert.strictEqual(flag("--state")?.kind, "text")
    assert.strictEqual(flag("--tls")?.kind, "switch")
    assert.strictEqual(flag("--portals")?.kind, "integer")
    assert.strictEqual(flag("--install-to")?.placeholder, "URL")
    assert.deepStrictEqual(
      commands.map((command) => command.name),
      ["recent", "watch", "emulator"]
    )
    assert.includeMembers(
      commands.find((command) => command.name === "recent")!.flags.map((flag) => flag.names[0]),
      ["--skip-openlines", "--skip-chat", "--skip-dialog", "--only-openlines", "--since", "--json"]
    )
  })

  it.effect("every flag with a value: without it, and (where the parser checks it) with a wrong one", () =>
    Effect.gen(function* () {
      let checked = 0
      for (const command of commands) {
        for (const flag of command.flags.filter((candidate) => candidate.kind !== "switch")) {
          const name = flag.names[0]
          const missing = yield* refusedWith([command.name, name])
          assert.match(missing, new RegExp(`^${name} needs a value\\. Accepted: .+`), missing)
          const wrong = flag.kind === "text" ? undefined : "1.5x"
          if (wrong !== undefined) {
            const refused = yield* refusedWith([command.name, `${name}=${wrong}`])
            assert.match(refused, new RegExp(`^${name} 1\\.5x is refused: not [a-z ]+\\. Accepted: .+`), refused)
            assert.strictEqual(yield* refusedWith([command.name, name, wrong]), refused)
          }
          checked++
        }
      }
      // recent: --since; watch: --interval; emulator: --port … --key
      assert.isAtLeast(checked, 14)
    })
  )

  it.effect("unknown flags and commands, repeated flags, switches given a value, stray arguments", () =>
    Effect.gen(function* () {
      // every flag of the command, as its usage line writes it
      const recentFlags = `Accepted: ${commands
        .find((command) => command.name === "recent")!
        .flags.map((flag) => (flag.kind === "switch" ? flag.names[0] : `${flag.names[0]} ${flag.placeholder}`))
        .join(", ")}`
      assert.include(
        recentFlags,
        "--skip-openlines, --skip-chat, --skip-dialog, --only-openlines, --since ATOM|DURATION, --json"
      )
      assert.strictEqual(
        yield* refusedWith(["recent", "--sinse", "2h"]),
        `--sinse is not a flag of im-recent recent (did you mean --since?). ${recentFlags}`
      )
      assert.strictEqual(
        yield* refusedWith(["recent", "--bogus"]),
        `--bogus is not a flag of im-recent recent. ${recentFlags}`
      )
      assert.strictEqual(
        yield* refusedWith(["recent", "--json", "extra"]),
        `extra is not a flag: im-recent recent takes flags only. ${recentFlags}`
      )
      assert.strictEqual(
        yield* refusedWith(["recnet"]),
        "recnet is not a command of im-recent (did you mean recent?). Accepted: recent, watch, mirror or emulator"
      )
      assert.match(yield* refusedWith(["--json", "recent"]), /^--json is not an option of im-recent itself: /)
      assert.strictEqual(
        yield* refusedWith(["emulator", "--port", "1", "--port", "2"]),
        "--port is given more than once. Accepted: --port once"
      )
      assert.strictEqual(
        yield* refusedWith(["recent", "--json=maybe"]),
        "--json=maybe is refused: --json is a switch and takes no value. Accepted: --json alone (or --json=true, --json=false)"
      )
    })
  )

  it.effect("what the parser accepts is never refused: a refusal is only looked for once the parser refuses", () =>
    Effect.gen(function* () {
      for (const args of [
        ["emulator", "--timezone", "-05:00", "--port", "0", "--locale=en"],
        ["recent", "--JSON", "--skip-chat=no", "--since", "2h"]
      ]) {
        assert.deepStrictEqual(yield* Cli.request(args), { _tag: "Run" }, args.join(" "))
        // and the explanation would not refuse them either
        assert.isTrue(Option.isNone(yield* Arguments.refusal(args, commands)), args.join(" "))
      }
    }).pipe(Effect.provide(NodeContext.layer))
  )
})
