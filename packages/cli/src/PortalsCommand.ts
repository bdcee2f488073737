/**
 * `im-recent portals`: the portals and users `im-recent mirror` keeps, in its database.
 *
 * - `im-recent portals add --db URL WEBHOOK-URL` registers the webhook's user (and its portal) and exits; registering
 *   it again replaces the URL. Portals whose application is installed register themselves (`POST /install` of
 *   `im-recent mirror --http`).
 * - `im-recent portals list --db URL` prints every registered portal and its users, webhook codes and tokens masked.
 *
 * `@im-recent/cluster`, `@im-recent/sql` and the database driver are loaded only when one of these runs.
 *
 * @since 0.1.0
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Help from "./Help.js"

/**
 * The database `--db` names when it is not given.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultDatabase = "sqlite:./im-recent.db"

/**
 * The `--db` flag of the portal commands and `mirror`.
 *
 * @since 0.1.0
 * @category options
 */
export const db = Options.text("db").pipe(
  Options.withPseudoName("URL"),
  Options.withDescription(
    "The database: sqlite:<file> or postgres://user:password@host:port/database (also postgresql://)"
  ),
  Options.withDefault(defaultDatabase)
)

const add = Command.make(
  "add",
  {
    db,
    webhook: Args.text({ name: "webhook-url" }).pipe(
      Args.withDescription("The user's incoming webhook: https://<portal>/rest/<userId>/<code>/")
    )
  },
  (flags) =>
    Effect.flatMap(
      Effect.promise(() => import("./internal/portals.js")),
      (portals) => portals.add(flags.db, flags.webhook)
    )
).pipe(Command.withDescription("Register a portal user by webhook URL, and exit"))

const list = Command.make("list", { db }, (flags) =>
  Effect.flatMap(
    Effect.promise(() => import("./internal/portals.js")),
    (portals) => portals.list(flags.db)
  )
).pipe(Command.withDescription("Print the registered portals and users, secrets masked"))

const page: Help.Page = {
  summary: "The portals and users im-recent mirror keeps",
  usage: ["im-recent portals add [--db URL] WEBHOOK-URL", "im-recent portals list [--db URL]"],
  sections: [
    {
      heading: "COMMANDS",
      entries: [add, list].map((sub) => ({
        term: Help.nameOf(sub.descriptor),
        text: Help.commandPage(sub.descriptor).summary
      }))
    }
  ],
  footer: "Portals whose application is installed register themselves: POST /install of im-recent mirror --http."
}

/**
 * The `portals` subcommand; alone, it prints its help page.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("portals", {}, (): Effect.Effect<void> => Help.print(page)).pipe(
  Command.withDescription("The portals and users im-recent mirror keeps (add, list)"),
  Command.withSubcommands([add, list])
)
