/**
 * The flags of the commands that talk to a portal, apart from `Connection` (which loads the client and the demo
 * portal's emulator), so that the command line can be parsed and `--help` printed without loading them.
 */
import * as Options from "@effect/cli/Options"

/** `--token-file FILE`. */
export const options = {
  tokenFile: Options.text("token-file").pipe(
    Options.withPseudoName("FILE"),
    Options.withDescription(
      "OAuth: keep the token pair in this JSON file (mode 0600); its pair wins over BITRIX24_ACCESS_TOKEN and BITRIX24_REFRESH_TOKEN, and every renewed pair is saved to it. Also BITRIX24_TOKEN_FILE. Without it an expired access token is not renewed"
    ),
    Options.optional
  )
} as const
