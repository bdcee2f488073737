/**
 * The type filters of `im.recent.get` as flags: `--skip-openlines`, `--skip-chat`, `--skip-dialog` and
 * `--only-openlines` (`SKIP_OPENLINES`, `SKIP_CHAT`, `SKIP_DIALOG`, `ONLY_OPENLINES`).
 *
 * With `ONLY_OPENLINES=Y` the server ignores the three `SKIP_` flags and the sync date: combining them is refused
 * rather than silently ignored. For the same reason `watch --only-openlines` loads the whole list at every step
 * (`RecentSync` never sends `LAST_SYNC_DATE` next to `ONLY_OPENLINES`).
 *
 * @since 0.1.0
 */
import * as Options from "@effect/cli/Options"
import type { RecentGet } from "@im-recent/domain"
import * as Either from "effect/Either"
import * as CliError from "./CliError.js"

/**
 * The parsed flags.
 *
 * @since 0.1.0
 * @category models
 */
export interface Flags {
  readonly skipOpenlines: boolean
  readonly skipChat: boolean
  readonly skipDialog: boolean
  readonly onlyOpenlines: boolean
}

/**
 * The flags' definitions, to spread into a command's options.
 *
 * @since 0.1.0
 * @category options
 */
export const options = {
  skipOpenlines: Options.boolean("skip-openlines").pipe(
    Options.withDescription("Leave out open lines (customer conversations): SKIP_OPENLINES=Y")
  ),
  skipChat: Options.boolean("skip-chat").pipe(Options.withDescription("Leave out group and open chats: SKIP_CHAT=Y")),
  skipDialog: Options.boolean("skip-dialog").pipe(
    Options.withDescription("Leave out one-to-one dialogs: SKIP_DIALOG=Y")
  ),
  onlyOpenlines: Options.boolean("only-openlines").pipe(
    Options.withDescription(
      "Show only open lines: ONLY_OPENLINES=Y (cannot be combined with --skip-* or --since: the server ignores them then; watch loads the whole list at every step)"
    )
  )
} as const

/**
 * The request parameters the flags stand for, or the reason they cannot be combined. `since` names the other flag
 * that sets a date, when one is given (the server ignores it with `--only-openlines`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const params = (
  flags: Flags,
  since?: string | undefined
): Either.Either<Omit<RecentGet.Params, "LAST_SYNC_DATE" | "LAST_UPDATE">, CliError.UsageError> => {
  const skips = [
    ["--skip-openlines", flags.skipOpenlines],
    ["--skip-chat", flags.skipChat],
    ["--skip-dialog", flags.skipDialog]
  ] as const
  if (flags.onlyOpenlines) {
    const given: Array<string> = skips.filter(([, on]) => on).map(([name]) => name)
    if (since !== undefined) given.push(since)
    if (given.length > 0) {
      return Either.left(
        CliError.usage(
          `--only-openlines cannot be combined with ${given.join(", ")}: with ONLY_OPENLINES=Y the server ignores the SKIP_ flags and the sync date`
        )
      )
    }
    return Either.right({ ONLY_OPENLINES: true })
  }
  return Either.right({
    ...(flags.skipOpenlines ? { SKIP_OPENLINES: true } : {}),
    ...(flags.skipChat ? { SKIP_CHAT: true } : {}),
    ...(flags.skipDialog ? { SKIP_DIALOG: true } : {})
  })
}
