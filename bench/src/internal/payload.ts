/**
 * Realistic `im.recent.get` response texts: what the emulator answers user 1 of a generated portal, cut to the first
 * `items` items.
 *
 * @since 0.1.0
 */
import { Emulator } from "@im-recent/emulator"
import * as Portal from "./portal.js"

/**
 * The response texts for each size in `sizes`, from one portal large enough for the largest.
 *
 * @since 0.1.0
 * @category constructors
 */
export const responses = async (sizes: ReadonlyArray<number>): Promise<ReadonlyMap<number, string>> => {
  const largest = Math.max(...sizes)
  // ~80 % of the generated rows fall in the default 30-day window
  const state = Portal.withRows(Math.ceil(largest * 1.3) + 50)
  const { handler, dispose } = Emulator.webHandler({
    state,
    startAt: Portal.historyEnd.epochMillis,
    rateLimit: false
  })
  try {
    const response = await handler(
      `${state.portal.publicUrl}/rest/${Portal.callerId}/${encodeURIComponent(Portal.webhookCode(state))}/im.recent.get`,
      { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }
    )
    const text = await response.text()
    const body = JSON.parse(text) as { result: Array<unknown>; time: unknown }
    if (response.status !== 200 || body.result.length < largest) {
      throw new Error(`the generated portal answered ${response.status} with ${body.result?.length} items`)
    }
    return new Map(sizes.map((size) => [size, JSON.stringify({ result: body.result.slice(0, size), time: body.time })]))
  } finally {
    await dispose()
  }
}
