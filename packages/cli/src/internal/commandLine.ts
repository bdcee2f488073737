/**
 * The subcommands as the parser and the help pages see them: their names, flags and descriptions. Each one's
 * implementation (`RecentCommand`, `WatchCommand`, `MirrorCommand`, `internal/portals`, `EmulatorCommand`, and with them the client, the emulator and the
 * schemas) is loaded with `import()` when it runs, so that `--help`, `--version` and refused flags load none of it:
 * in the published bin (`scripts/bundle.mjs`) they are chunks of their own, which a cold start does not read.
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Filters from "../Filters.js"
import * as Help from "../Help.js"
import * as ConnectionFlags from "./connectionFlags.js"

/** The `recent` subcommand (`RecentCommand.run`). */
export const recent = Command.make(
  "recent",
  {
    ...Filters.options,
    since: Options.text("since").pipe(
      Options.withPseudoName("ATOM|DURATION"),
      Options.withDescription(
        "Show only the chats changed since then (LAST_SYNC_DATE): an ATOM date-time like 2026-02-25T18:30:00+03:00, or a duration ago like 2h, 30m, 1d"
      ),
      Options.optional
    ),
    json: Options.boolean("json").pipe(
      Options.withDescription("Print the response ({ result, time }) as JSON in the wire encoding instead of a table")
    ),
    ...ConnectionFlags.options
  },
  (flags) =>
    Effect.flatMap(
      Effect.promise(() => import("../RecentCommand.js")),
      (module) => module.run(flags)
    )
).pipe(Command.withDescription("Show the user's recent chats (im.recent.get)"))

/** The `watch` subcommand (`WatchCommand.run`). */
export const watch = Command.make(
  "watch",
  {
    ...Filters.options,
    ...ConnectionFlags.options,
    interval: Options.text("interval").pipe(
      Options.withPseudoName("DURATION"),
      Options.withDescription('Time between two syncs, at least 1s: 5s (the default), 1500ms, 2m, "10 seconds"'),
      Options.withDefault("5s")
    )
  },
  (flags) =>
    Effect.flatMap(
      Effect.promise(() => import("../WatchCommand.js")),
      (module) => module.run(flags)
    )
).pipe(
  Command.withDescription(
    "Keep the recent list in sync (a full load, then deltas with LAST_SYNC_DATE) and print what changes, until Ctrl-C"
  )
)

/** The database `mirror --db` names when it is not given. */
export const defaultDatabase = "sqlite:./im-recent.db"

/** The `mirror` subcommand (`MirrorCommand.run`; the mirror and the database drivers load only when it runs). */
export const mirror = Command.make(
  "mirror",
  {
    db: Options.text("db").pipe(
      Options.withPseudoName("URL"),
      Options.withDescription(
        "Where to keep the list: sqlite:<file> or postgres://user:password@host:port/database (also postgresql://)"
      ),
      Options.withDefault(defaultDatabase)
    ),
    once: Options.boolean("once").pipe(Options.withDescription("Run one sync and exit")),
    listen: Options.text("listen").pipe(
      Options.withPseudoName("HOST:PORT"),
      Options.withDescription(
        "Mirror every registered portal as a runner of a cluster reached at this address (required with Postgres: every runner on it joins one cluster)"
      ),
      Options.optional
    ),
    http: Options.text("http").pipe(
      Options.withPseudoName("HOST:PORT"),
      Options.withDescription(
        "Mirror every registered portal, serving GET /health, POST /install, POST /sync and GET /portals there"
      ),
      Options.optional
    ),
    interval: Options.text("interval").pipe(
      Options.withPseudoName("DURATION"),
      Options.withDescription('Time between two syncs, at least 1s: 30s (the default), 5s, 2m, "10 seconds"'),
      Options.withDefault("30s")
    ),
    ...Filters.options,
    ...ConnectionFlags.options
  },
  (flags) =>
    Effect.flatMap(
      Effect.promise(() => import("../MirrorCommand.js")),
      (module) => module.run(flags)
    )
).pipe(
  Command.withDescription(
    "Keep the recent list in a database an app can query (SQLite or Postgres), one transaction per sync, with a change outbox, until Ctrl-C; with registered portals (im-recent portals), all of them, as a runner of a cluster"
  )
)

const optionalInteger = (name: string, description: string) =>
  Options.integer(name).pipe(Options.withPseudoName("N"), Options.withDescription(description), Options.optional)

const optionalText = (name: string, pseudoName: string, description: string) =>
  Options.text(name).pipe(Options.withPseudoName(pseudoName), Options.withDescription(description), Options.optional)

/** The `emulator` subcommand (`EmulatorCommand.settings`, then `EmulatorCommand.serve`). */
export const emulator = Command.make(
  "emulator",
  {
    port: Options.integer("port").pipe(
      Options.withPseudoName("N"),
      Options.withDefault(0),
      Options.withDescription(
        "TCP port to listen on; 0 (the default) picks a free one. Ports fetch refuses to connect to (the Fetch standard's bad ports: 9, 6000, …) are refused"
      )
    ),
    host: Options.text("host").pipe(
      Options.withPseudoName("HOST"),
      Options.withDefault("127.0.0.1"),
      Options.withDescription("Interface to listen on (default 127.0.0.1: loopback only)")
    ),
    state: optionalText(
      "state",
      "FILE",
      "Serve this portal state (a JSON file: PortalState, as --save writes it) instead of a generated portal; without --save, its changes are lost at exit"
    ),
    save: optionalText(
      "save",
      "FILE",
      "Write the portal's state to FILE (atomically) at start, every --save-interval when it changed, and at exit; --state FILE --save FILE continues where the last run stopped"
    ),
    saveInterval: Options.float("save-interval").pipe(
      Options.withPseudoName("SECONDS"),
      Options.withDescription("Seconds between two saves of a changed portal (default 5; needs --save)"),
      Options.optional
    ),
    seed: optionalInteger("seed", "Seed of the generated portal (default 1): the same seed, the same portal"),
    users: optionalInteger("users", "Employees in the generated portal (default 30)"),
    chats: optionalInteger("chats", "Group chats in the generated portal (default 20)"),
    locale: Options.choice("locale", ["ru", "en"]).pipe(
      Options.withDescription("Language of the generated portal's names and messages (default ru)"),
      Options.optional
    ),
    now: optionalText(
      "now",
      "ATOM",
      "Start the portal's clock at this instant, like 2026-02-26T09:07:18+03:00, where the generated history ends (default: now)"
    ),
    timezone: optionalText(
      "timezone",
      "ZONE",
      "The portal's time zone, an IANA name or an offset (default Europe/Moscow, or the state file's)"
    ),
    rate: optionalText(
      "rate",
      "LIMIT/PER_SECOND",
      "The request-rate limit: LIMIT requests at once, then PER_SECOND a second (default 50/2)"
    ),
    noRateLimit: Options.boolean("no-rate-limit").pipe(Options.withDescription("Switch the request-rate limit off")),
    operatingLimit: Options.float("operating-limit").pipe(
      Options.withPseudoName("SECONDS"),
      Options.withDescription("Each method's operating budget: seconds of server time per 10 minutes (default 480)"),
      Options.optional
    ),
    tls: Options.boolean("tls").pipe(
      Options.withDescription("Serve HTTPS with a certificate made at start for 127.0.0.1 and localhost (see caFile)")
    ),
    cert: optionalText("cert", "FILE", "Serve HTTPS with this certificate (PEM)"),
    key: optionalText("key", "FILE", "The private key of --cert (PEM)"),
    appUrl: optionalText(
      "app-url",
      "URL",
      "Frame this application in the portal pages (/marketplace/app/1/, /placement/IM_SIDEBAR/, …; see pages)"
    ),
    // 256 is Fleet.maxPortals, written out: importing the emulator here would load it for --help
    portals: optionalInteger(
      "portals",
      `Serve N independent portals (1 to 256), each on its own port (--port P puts portal i on P+i) with its own data (from --seed + i), limits, OAuth app and tokens; the handshake is then {"portals": [...]}, one element per portal; --state/--save FILE then mean FILE-0.json, FILE-1.json, ...`
    ),
    installTo: optionalText(
      "install-to",
      "URL",
      "Once up, each portal POSTs its ONAPPINSTALL event to URL (form-encoded: its OAuth tokens, member_id and application_token), as a portal does when its admin installs the app; again with backoff while URL is not up"
    )
  },
  (flags) =>
    Effect.flatMap(
      Effect.promise(() => import("../EmulatorCommand.js")),
      (module) => Effect.flatMap(module.settings(flags), module.serve)
    )
).pipe(
  Command.withDescription(
    'Run a local Bitrix24 portal for im.recent.* until SIGINT/SIGTERM. The first stdout line is a JSON handshake: "webhook" is the URL to read the recent list with (as BITRIX24_WEBHOOK_URL), "webhooks" lists every webhook with its scopes'
  )
)

/** The `--db` flag of `portals`. */
export const db = Options.text("db").pipe(
  Options.withPseudoName("URL"),
  Options.withDescription(
    "The database: sqlite:<file> or postgres://user:password@host:port/database (also postgresql://)"
  ),
  Options.withDefault(defaultDatabase)
)

const portalsAdd = Command.make(
  "add",
  {
    db,
    webhook: Args.text({ name: "webhook-url" }).pipe(
      Args.withDescription("The user's incoming webhook: https://<portal>/rest/<userId>/<code>/")
    )
  },
  (flags) =>
    Effect.flatMap(
      Effect.promise(() => import("./portals.js")),
      (module) => module.add(flags.db, flags.webhook)
    )
).pipe(Command.withDescription("Register a portal user by webhook URL, and exit"))

const portalsList = Command.make("list", { db }, (flags) =>
  Effect.flatMap(
    Effect.promise(() => import("./portals.js")),
    (module) => module.list(flags.db)
  )
).pipe(Command.withDescription("Print the registered portals and users, secrets masked"))

const portalsPage: Help.Page = {
  summary: "The portals and users im-recent mirror keeps",
  usage: ["im-recent portals add [--db URL] WEBHOOK-URL", "im-recent portals list [--db URL]"],
  sections: [
    {
      heading: "COMMANDS",
      entries: [portalsAdd, portalsList].map((sub) => ({
        term: Help.nameOf(sub.descriptor),
        text: Help.commandPage(sub.descriptor).summary
      }))
    }
  ],
  footer: "Portals whose application is installed register themselves: POST /install of im-recent mirror --http."
}

/** The `portals` subcommand (`add`, `list`; `internal/portals`); alone, it prints its help page. */
export const portals = Command.make("portals", {}, () => Help.print(portalsPage)).pipe(
  Command.withDescription("The portals and users im-recent mirror keeps (add, list)"),
  Command.withSubcommands([portalsAdd, portalsList])
)
