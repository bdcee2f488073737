import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    projects: ["packages/*", "contracts", "examples", "browser"],
    reporters: ["default", "./vitest.skipped.ts"]
  }
})
