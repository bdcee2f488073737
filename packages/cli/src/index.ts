/**
 * The `im-recent` command: its subcommands, exit statuses and failure reports.
 *
 * @since 0.1.0
 */
export * as Cli from "./Cli.js"
/**
 * `im-recent emulator`: runs a local Bitrix24 portal for `im.recent.*` until SIGINT / SIGTERM.
 *
 * @since 0.1.0
 */
export * as EmulatorCommand from "./EmulatorCommand.js"
