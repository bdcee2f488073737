/**
 * msw handlers backed by the emulator: an app under test sees filters, date windows, mutations,
 * auth, limits and faults behave like a portal, without a socket.
 *
 * ```ts
 * import { Stateful } from "@im-recent/contracts"
 * import { setupServer } from "msw/node"
 *
 * const portal = Stateful.make({ baseUrl: "https://demo.bitrix24.test", generator: { seed: 7 } })
 * const server = setupServer(...portal.handlers)
 * // portal.webhooks[0].url is a webhook URL that works against it
 * ```
 *
 * @since 0.1.0
 */
import { Emulator, Generator, type PortalState } from "@im-recent/emulator"
import * as DateTime from "effect/DateTime"
import { type HttpHandler, HttpResponse, http } from "msw"

/**
 * The emulator's options, and the origin the app calls (it becomes the portal's public URL).
 *
 * @since 0.1.0
 * @category models
 */
export interface Options extends Omit<Emulator.Options, "publicUrl"> {
  readonly baseUrl: string
}

/**
 * A running emulated portal behind msw.
 *
 * @since 0.1.0
 * @category models
 */
export interface Stateful {
  readonly handlers: ReadonlyArray<HttpHandler>
  /** The portal it started from (generated unless `state` was given). */
  readonly state: PortalState.PortalState
  /** Webhook URLs that authenticate against it, one per webhook of the state. */
  readonly webhooks: ReadonlyArray<{
    readonly userId: number
    readonly url: string
    readonly scopes: ReadonlyArray<string>
  }>
  /** Stops the emulator's runtime. */
  readonly dispose: () => Promise<void>
}

/**
 * Starts an emulated portal and returns msw handlers for everything under `baseUrl` (`/rest/…` and
 * `/oauth/token/`). A dropped-connection fault becomes msw's network error.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Stateful => {
  const baseUrl = options.baseUrl.replace(/\/+$/, "")
  const initial =
    options.state ??
    Generator.generate({
      ...Generator.defaults(DateTime.unsafeMake(options.startAt ?? Date.now())),
      ...options.generator
    })
  const state = { ...initial, portal: { ...initial.portal, publicUrl: baseUrl, domain: new URL(baseUrl).host } }
  const { dispose, handler } = Emulator.webHandler({ ...options, state, publicUrl: baseUrl })
  // The emulator reads the body itself: hand it a request whose body msw has not locked.
  const forward = async (request: Request): Promise<Response> => {
    const body = request.method === "GET" || request.method === "HEAD" ? null : await request.arrayBuffer()
    return handler(new Request(request.url, { method: request.method, headers: request.headers, body }))
  }
  return {
    handlers: [http.all(`${baseUrl}/*`, ({ request }) => forward(request).catch(() => HttpResponse.error()))],
    state,
    webhooks: state.webhooks.map((hook) => ({
      userId: hook.userId,
      scopes: hook.scopes,
      url: `${baseUrl}/rest/${hook.userId}/${encodeURIComponent(hook.code)}/`
    })),
    dispose
  }
}
