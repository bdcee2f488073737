import { defineProject, mergeConfig } from "vitest/config"
import { shared } from "../vitest.shared.js"

// One Chromium for the whole file: its tests run one after another.
export default mergeConfig(
  shared,
  defineProject({ test: { name: "@im-recent/browser", sequence: { concurrent: false }, testTimeout: 60_000 } })
)
