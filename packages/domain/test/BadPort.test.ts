import { assert, describe, it } from "@effect/vitest"
import { BadPort } from "@im-recent/domain"
import { Effect } from "effect"

/** What Node's own `fetch` says about a port on loopback: refused up front as a bad port, or anything else. */
const fetchVerdict = (port: number) =>
  Effect.promise(() =>
    fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) }).then(
      () => "reached",
      (error: { readonly cause?: { readonly message?: string } }) =>
        error.cause?.message === "bad port" ? "bad port" : "other"
    )
  )

describe("BadPort", () => {
  it("lists each port once, ascending, and answers isBad from it", () => {
    assert.deepStrictEqual(
      [...BadPort.ports].sort((a, b) => a - b),
      BadPort.ports
    )
    assert.strictEqual(new Set(BadPort.ports).size, BadPort.ports.length)
    for (const port of [9, 6000, 6667, 10080]) assert.isTrue(BadPort.isBad(port), String(port))
    for (const port of [0, 80, 443, 3000, 6001, 8080, 65535]) assert.isFalse(BadPort.isBad(port), String(port))
  })

  it.live("is exactly what Node's fetch refuses: every listed port, and none of the others tried", () =>
    Effect.gen(function* () {
      for (const port of BadPort.ports) assert.strictEqual(yield* fetchVerdict(port), "bad port", String(port))
      for (const port of [2, 8, 10, 5000, 5062, 6001, 10081, 65535]) {
        assert.notStrictEqual(yield* fetchVerdict(port), "bad port", String(port))
      }
    })
  )

  it("portOf: the explicit port or the scheme's default; reason names the port", () => {
    assert.strictEqual(BadPort.portOf("http://127.0.0.1:6000/rest/"), 6000)
    assert.strictEqual(BadPort.portOf("https://portal.test/rest/"), 443)
    assert.strictEqual(BadPort.portOf(new URL("http://portal.test")), 80)
    assert.isUndefined(BadPort.portOf("not a url"))
    assert.include(BadPort.reason(6000), "port 6000")
    assert.include(BadPort.reason(6000), "fetch")
    assert.isUndefined(BadPort.reason(8080))
  })
})
