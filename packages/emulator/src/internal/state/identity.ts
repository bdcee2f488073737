/**
 * What identifies a portal and its applications to an app: the portal's `member_id` and an application's
 * `application_token`, the secret its events carry.
 *
 * @internal
 */
import { createHash } from "node:crypto"
import type { OAuthApp } from "../../PortalState.js"

/**
 * The portal's `member_id`: the MD5 of its host (`127.0.0.1:41777`, `company.bitrix24.test`), as every answer that
 * carries one (the token endpoint, the portal pages) writes it.
 *
 * @internal
 */
export const memberIdOf = (host: string): string => createHash("md5").update(host).digest("hex")

/**
 * An application's `application_token`: the state's, or else one derived from the application's id and secret, 32
 * hexadecimal digits like a portal's, the same for the same application on every run.
 *
 * @internal
 */
export const applicationTokenOf = (app: OAuthApp): string =>
  app.applicationToken ??
  createHash("sha256")
    .update(`application_token\u0000${app.clientId}\u0000${app.clientSecret}`)
    .digest("hex")
    .slice(0, 32)
