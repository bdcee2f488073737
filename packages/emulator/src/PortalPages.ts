/**
 * The portal pages that frame an application, as a Bitrix24 portal does (the BX24.js / `B24Frame` way): set the
 * application's URL (`appUrl` in `Emulator.Options`, `im-recent emulator --app-url`), open a page in a browser, and
 * the application runs inside it with a user's OAuth token.
 *
 * - `/marketplace/app/1/` — the application's own page (`PLACEMENT` `DEFAULT`);
 * - `/placement/{PLACEMENT}/` — the application opened from a placement (`IM_SIDEBAR`, `IM_TEXTAREA`, …).
 *
 * Both take `?user=<id>` (default: the user of the application's first token pair). Any other query parameter goes
 * into `PLACEMENT_OPTIONS`; the messenger placements that open on a dialog (`IM_CONTEXT_MENU`, `IM_SIDEBAR`,
 * `IM_TEXTAREA`, `IM_SMILES_SELECTOR`) get the user's newest recent dialog as `dialogId` unless one is given, and
 * `IM_CONTEXT_MENU` its last message as `messageId` (the docs do not list these placements' fields).
 *
 * The page POSTs `DOMAIN`, `PROTOCOL`, `LANG`, `APP_SID`, `AUTH_ID`, `AUTH_EXPIRES`, `REFRESH_ID`, `member_id`,
 * `status`, `PLACEMENT` and `PLACEMENT_OPTIONS` (a JSON string) to the application's URL (which also gets `DOMAIN`,
 * `PROTOCOL`, `LANG` and `APP_SID` in its query) inside an `iframe` whose `window.name` is `DOMAIN|PROTOCOL|APP_SID`.
 * Every page load issues a fresh token pair of the portal's first OAuth application for that user.
 *
 * The page answers the frame's `postMessage` commands (`command:params:callback:appSid`) with `callback:json`, posted
 * to the application's origin only: `getInitData`, `refreshAuth` (a new pair; the old access token then answers
 * `expired_token`), `resizeWindow`, `setTitle`, `setScroll`, `reloadWindow`, `setAppOption` and `setUserOption` (kept
 * while the emulator runs, in every later `getInitData`), `openApplication` (the application again, in a slider; the
 * answer comes when it closes), `closeApplication`, `imOpenMessenger`, `setInstall` and `setInstallFinish`. It acts on
 * a message only when it comes from the application's origin, from one of its application frames, with that frame's
 * `APP_SID`; everything else is ignored. The page's "Frame log" lists every command answered and every message
 * ignored, with the reason.
 *
 * @since 0.1.0
 */

/**
 * The messenger placements of the chat UI.
 *
 * @since 0.1.0
 * @category constants
 */
export const messengerPlacements = [
  "IM_NAVIGATION",
  "IM_CONTEXT_MENU",
  "IM_SIDEBAR",
  "IM_TEXTAREA",
  "IM_SMILES_SELECTOR"
] as const

/**
 * A portal page: its placement code and URL.
 *
 * @since 0.1.0
 * @category models
 */
export interface Page {
  readonly placement: string
  readonly url: string
}

/**
 * The path of the application's own page.
 *
 * @since 0.1.0
 * @category constants
 */
export const appPath = "/marketplace/app/1/"

/**
 * The path of a placement's page.
 *
 * @since 0.1.0
 * @category constructors
 */
export const placementPath = (placement: string): string => `/placement/${encodeURIComponent(placement)}/`

/**
 * The application's page and one page per messenger placement, at a portal's public URL (`Emulator.Service`'s
 * `publicUrl`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const pages = (publicUrl: string): ReadonlyArray<Page> => [
  { placement: "DEFAULT", url: `${publicUrl}${appPath}` },
  ...messengerPlacements.map((placement) => ({ placement, url: `${publicUrl}${placementPath(placement)}` }))
]
