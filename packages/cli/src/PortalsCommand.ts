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
import * as CommandLine from "./internal/commandLine.js"

/**
 * The database `--db` names when it is not given.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultDatabase = CommandLine.defaultDatabase

/**
 * The `portals` subcommand; alone, it prints its help page.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = CommandLine.portals
