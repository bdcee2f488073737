import { defineConfig } from "vitest/config"

// Not part of `pnpm test`: `pnpm test:packages` packs, installs from npm and runs the consumer (minutes).
export default defineConfig({
  test: {
    name: "@im-recent/packaging",
    include: ["test/**/*.test.ts"],
    reporters: ["default", "../vitest.skipped.ts"],
    testTimeout: 180_000,
    hookTimeout: 1_800_000
  }
})
