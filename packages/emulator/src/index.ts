/**
 * The `ONAPPINSTALL` event: what a portal POSTs to an application's install handler once the application is
 * installed, with the portal's tokens, `member_id` and `application_token`; delivered again while the receiver is not up.
 *
 * @since 0.1.0
 */

/**
 * The methods that change a portal: `im.recent.pin`, `im.recent.unread`, `im.recent.hide`, `im.message.add` and
 * `im.dialog.read`, as pure functions of a state.
 *
 * @since 0.1.0
 */
export * as Actions from "./Actions.js"
export * as AppInstall from "./AppInstall.js"
/**
 * Chat membership: `im.chat.add`, `im.chat.leave` and `im.chat.mute`.
 *
 * @since 0.1.0
 */
export * as ChatMembership from "./ChatMembership.js"
/**
 * `im.dialog.get` and `im.counters.get` as pure functions of a portal state and the caller.
 *
 * @since 0.1.0
 */
export * as DialogRead from "./DialogRead.js"
/**
 * The emulated portal's HTTP surface: Bitrix24's REST endpoint and OAuth token endpoint, as an `HttpApp`, an
 * `HttpServer` layer and a web handler.
 *
 * @since 0.1.0
 */
export * as Emulator from "./Emulator.js"
/**
 * The portal behind the documented examples: a state that answers the documented requests with exactly the
 * documented `result`.
 *
 * @since 0.1.0
 */
export * as ExamplePortal from "./ExamplePortal.js"
/**
 * Injected faults: the failures a client meets in production, on demand and reproducibly.
 *
 * @since 0.1.0
 */
export * as Faults from "./Faults.js"
/**
 * Many portals from one process, each on its own port with its own data, limits, OAuth application and tokens.
 *
 * @since 0.1.0
 */
export * as Fleet from "./Fleet.js"
/**
 * A realistic portal from a seed.
 *
 * @since 0.1.0
 */
export * as Generator from "./Generator.js"
/**
 * `im.message.update` and `im.message.delete`: the author changes or deletes a message.
 *
 * @since 0.1.0
 */
export * as MessageEdit from "./MessageEdit.js"
/**
 * The REST methods the emulated portal answers, by lower-case name.
 *
 * @since 0.1.0
 */
export * as Methods from "./Methods.js"
/**
 * The `node:http` / `node:https` server the emulator listens on, answering malformed HTTP with an error envelope.
 *
 * @since 0.1.0
 */
export * as NodeServer from "./NodeServer.js"
/**
 * PHP's `parse_str`: how a portal turns a query string or form body into request parameters.
 *
 * @since 0.1.0
 */
export * as PhpQuery from "./PhpQuery.js"
/**
 * The emulated portal's engine: its state and the REST methods that read and change it.
 *
 * @since 0.1.0
 */
export * as Portal from "./Portal.js"
/**
 * The portal pages that frame an application, as a Bitrix24 portal does (the BX24.js / `B24Frame` way).
 *
 * @since 0.1.0
 */
export * as PortalPages from "./PortalPages.js"
/**
 * The whole state of an emulated portal.
 *
 * @since 0.1.0
 */
export * as PortalState from "./PortalState.js"
/**
 * `im.dialog.unread` and `im.dialog.read.all`.
 *
 * @since 0.1.0
 */
export * as ReadState from "./ReadState.js"
/**
 * The read side of the recent list: `im.recent.get` and `im.recent.list` as pure functions of a portal state.
 *
 * @since 0.1.0
 */
export * as RecentRead from "./RecentRead.js"
/**
 * A portal state in a file: read it, write it atomically, and keep a running emulator's portal saved to it, so a
 * restart continues where the last run stopped (the posted messages are there, and new ids continue after theirs).
 *
 * @since 0.1.0
 */
export * as StateFile from "./StateFile.js"
/**
 * A throw-away certificate authority and server certificate for serving the emulator over HTTPS.
 *
 * @since 0.1.0
 */
export * as Tls from "./Tls.js"
