import type { ViteUserConfig } from "vitest/config"

/**
 * Settings every vitest project in the workspace shares.
 */
export const shared: ViteUserConfig = {
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: [new URL("./vitest.setup.ts", import.meta.url).pathname],
    fakeTimers: { toFake: undefined },
    sequence: { concurrent: true },
    testTimeout: 30_000
  }
}
