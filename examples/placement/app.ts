/**
 * Example: an application inside a Bitrix24 portal page that lists the user's recent chats. It is the page the
 * portal frames (its own page, or a placement such as `IM_SIDEBAR`): it asks the portal window for the user's token
 * over `postMessage` (`Frame.layer`), then calls `im.recent.get` with it through the usual `ImRecent` service.
 *
 * Bundled for the browser by `serve.ts`; see README.md for running it inside the emulator's portal page.
 */
import { FetchHttpClient } from "@effect/platform"
import { ImRecent } from "@im-recent/client"
import * as Frame from "@im-recent/client/Frame"
import { AtomDateTime, RecentItem } from "@im-recent/domain"
import { Effect, Layer } from "effect"

const root = document.getElementById("app") as HTMLElement

const row = (item: RecentItem.RecentItem): HTMLLIElement => {
  const line = document.createElement("li")
  const title = document.createElement("b")
  title.textContent = RecentItem.title(item)
  const text = document.createElement("span")
  text.textContent = item.message.text === "" ? "" : ` ${item.message.text}`
  const date = document.createElement("time")
  // the portal's own offset, as the portal wrote it
  date.textContent = AtomDateTime.format(item.message.date).slice(0, 16).replace("T", " ")
  line.append(title, text, date)
  // pinned items come first, as in the portal's own list
  if (item.pinned) line.classList.add("pinned")
  if ((item.counter ?? 0) > 0) {
    const counter = document.createElement("em")
    counter.textContent = String(item.counter)
    line.append(counter)
  }
  return line
}

const program = Effect.gen(function* () {
  const frame = yield* Frame.Frame
  const recent = yield* ImRecent.ImRecent
  const { items } = yield* recent.get({ SKIP_OPENLINES: true })

  const heading = document.createElement("h2")
  heading.textContent = `${items.length} recent chats (${frame.placement})`
  const list = document.createElement("ol")
  list.append(...items.map(row))
  root.replaceChildren(heading, list)

  // ask the portal to show our title and to fit the frame to the list
  yield* frame.setTitle("Recent chats")
  yield* frame.resizeWindow("100%", document.documentElement.scrollHeight)
})

// Frame.layer: the Bitrix24 transport with the frame's token (renewed through the portal when it expires)
const AppLive = ImRecent.layer.pipe(Layer.provideMerge(Frame.layer()), Layer.provide(FetchHttpClient.layer))

Effect.runPromise(
  program.pipe(
    Effect.provide(AppLive),
    // FrameError (not inside a portal page) or a Bitrix24Error (the portal refused): say it on the page
    Effect.catchAll((error) =>
      Effect.sync(() => root.replaceChildren(`Cannot list the recent chats: ${error.message}`))
    )
  )
)
