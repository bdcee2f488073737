import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    projects: ["packages/*", "contracts", "examples"],
    reporters: ["default", "./vitest.skipped.ts"]
  }
})
