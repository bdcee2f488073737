import { defineProject, mergeConfig } from "vitest/config"
import { shared } from "../../vitest.shared.js"

export default mergeConfig(
  shared,
  defineProject({ test: { name: "@im-recent/cluster", globalSetup: ["../sql/test/support/postgresGlobalSetup.ts"] } })
)
