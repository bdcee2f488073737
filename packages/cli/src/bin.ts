#!/usr/bin/env node
/**
 * The `im-recent` executable: `tsx src/bin.ts <subcommand> …` (or `pnpm im-recent …` from the workspace root).
 *
 * @since 0.1.0
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Cli from "./Cli.js"

NodeRuntime.runMain(Cli.main(process.argv), {
  disableErrorReporting: true,
  disablePrettyLogger: true,
  teardown: (exit, onExit) => onExit(Cli.exitCode(exit))
})
