#!/usr/bin/env node
/**
 * The `im-recent` executable, published as one bundled file (`scripts/bundle.mjs`); in the workspace
 * `tsx src/bin.ts <subcommand> …` (or `pnpm im-recent …` from the root, where pnpm adds lines of its own).
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
