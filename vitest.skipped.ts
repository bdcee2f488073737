import type { Reporter, TestModule } from "vitest/node"

/**
 * Ends a run with what a reader of the log needs: every skipped test by its full name (a skipped test's name says
 * why it is skipped, e.g. "… — skipped: this target cannot produce expired_token on demand"), then one plain line
 * `tests: N passed, N failed, N skipped`.
 */
export default class SkippedTests implements Reporter {
  private counts = { passed: 0, failed: 0, skipped: 0 }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    const tests = testModules.flatMap((module) => [...module.children.allTests()])
    const skipped = tests
      .filter((test) => test.result().state === "skipped")
      .map((test) => `  ${test.project.name}: ${test.fullName}`)
    this.counts = {
      passed: tests.filter((test) => test.result().state === "passed").length,
      failed: tests.filter((test) => test.result().state === "failed").length,
      skipped: skipped.length
    }
    if (skipped.length > 0) {
      process.stdout.write(`\nSkipped tests, each with its reason (${skipped.length}):\n${skipped.join("\n")}\n`)
    }
  }

  // Called after every reporter's onTestRunEnd, so the line comes after vitest's own summary.
  onFinished() {
    const { passed, failed, skipped } = this.counts
    process.stdout.write(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`)
  }
}
