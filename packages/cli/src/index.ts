/**
 * The command line's flags, read from the commands' descriptors, and the one line explaining why the parser refused
 * a command line (the flag, what was wrong, what is accepted).
 *
 * @since 0.1.0
 */
export * as Arguments from "./Arguments.js"
/**
 * The `im-recent` command: its subcommands, exit statuses and failure reports.
 *
 * @since 0.1.0
 */
export * as Cli from "./Cli.js"
/**
 * What a command can fail with, each error carrying the one line printed on stderr.
 *
 * @since 0.1.0
 */
export * as CliError from "./CliError.js"
/**
 * Which portal the commands talk to: the configured one, or the demo portal.
 *
 * @since 0.1.0
 */
export * as Connection from "./Connection.js"
/**
 * The demo portal: the emulator in process, with a generated portal and colleagues who post now and then.
 *
 * @since 0.1.0
 */
export * as DemoPortal from "./DemoPortal.js"
/**
 * `im-recent emulator`: runs a local Bitrix24 portal for `im.recent.*` until SIGINT / SIGTERM.
 *
 * @since 0.1.0
 */
export * as EmulatorCommand from "./EmulatorCommand.js"
/**
 * The type filters of `im.recent.get` as flags.
 *
 * @since 0.1.0
 */
export * as Filters from "./Filters.js"

/**
 * `--help`: the pages of `im-recent` and its commands, laid out for the reader's terminal.
 *
 * @since 0.1.0
 */
export * as Help from "./Help.js"
/**
 * `im-recent mirror`: the recent list kept in a SQLite or Postgres database, with a change outbox.
 *
 * @since 0.1.0
 */
export * as MirrorCommand from "./MirrorCommand.js"
/**
 * `im-recent portals add|list`: the portals and users `im-recent mirror` keeps.
 *
 * @since 0.1.0
 */
export * as PortalsCommand from "./PortalsCommand.js"
/**
 * `im-recent recent`: the user's recent chats as a table, or as JSON.
 *
 * @since 0.1.0
 */
export * as RecentCommand from "./RecentCommand.js"
/**
 * The recent list as a terminal table.
 *
 * @since 0.1.0
 */
export * as RecentTable from "./RecentTable.js"
/**
 * `im-recent watch`: delta sync, printing what changes.
 *
 * @since 0.1.0
 */
export * as WatchCommand from "./WatchCommand.js"
