/**
 * Everything a Bitrix24 call can fail with, as `Schema.TaggedError` classes: the errors decoded from
 * the `{ error, error_description }` envelope ({@link ApiError}, all re-exported here) and the
 * transport problems: `NetworkError`, `Timeout`, `InvalidResponseBody` (HTML pages, truncated JSON)
 * and `DecodeError` (a 200 body of the wrong shape); `PortalMoved` is a redirect to another host,
 * which the client does not follow; `InvalidParams` is a call the client refused to send.
 *
 * Every call error carries the REST `method`, the HTTP `status` (when a response arrived), the
 * `requestId` sent as `X-Request-Id`, a readable `message`, and says whether sending it again can
 * help (`retryPolicy`, `retryable`). No secret is ever part of an error: webhook codes and tokens are
 * masked out of every text kept here.
 *
 * @since 0.1.0
 */
import { BadPort, ErrorEnvelope } from "@im-recent/domain"
import * as Schema from "effect/Schema"
import { ApiError, isApiError } from "./ApiError.js"
import { always, behaving, callContext, errorId as id, where } from "./internal/errorBody.js"

export * from "./ApiError.js"

/**
 * What every call error says about itself besides its fields.
 *
 * @since 0.1.0
 * @category models
 */
export type { Behaviour } from "./internal/errorBody.js"

/**
 * When a failed call may be sent again (the domain catalog's policy):
 * `safe` (refused before running), `idempotent` (may have run; retry reads and idempotent writes),
 * `after-reset` (the method's operating budget is spent), `after-refresh` (renew the token first),
 * `never`.
 *
 * @since 0.1.0
 * @category models
 */
export type RetryPolicy = ErrorEnvelope.RetryPolicy

/**
 * The portal answered with a redirect to another host (scheme, host or port). Bitrix24 answers `302`
 * this way when a portal's address changes (a renamed cloud portal, a new domain). The client does not
 * follow it: the webhook code (in the path) or the OAuth token (in the body) would go along to a host
 * it was not configured for. `location` is the new origin only (`https://new-name.bitrix24.com`), never
 * a path: point the webhook URL or portal URL at it.
 *
 * @since 0.1.0
 * @category errors
 */
export class PortalMoved extends behaving(
  Schema.TaggedError<PortalMoved>(id("PortalMoved"))("PortalMoved", { ...callContext, location: Schema.String }),
  {
    retryPolicy: always("never"),
    message: (self) =>
      `The portal redirected the call to another host, ${self.location}: Bitrix24 does this when a portal's address changes. The call was not sent there (the webhook code or token would go with it); point the webhook URL or portal URL at the new address${where(self)}`
  }
) {}

interface NetworkFacts {
  readonly code?: string | undefined
  readonly loopback?: boolean | undefined
  readonly blockedPort?: number | undefined
}

/** Why no immediate retry can help a network error, when none can. */
const hopeless = (self: NetworkFacts) =>
  self.blockedPort !== undefined
    ? `${BadPort.reason(self.blockedPort) ?? `port ${self.blockedPort} is refused by fetch`}; use another port`
    : self.code === "ENOTFOUND"
      ? "the host name does not resolve"
      : self.code === "ECONNREFUSED" && self.loopback === true
        ? "nothing listens on that port of this machine"
        : undefined

/**
 * Whether the cause can go away by itself (a service started again, a network back): a host name that does not
 * resolve, a loopback port nothing listens on. A blocked port never does.
 */
const passing = (self: NetworkFacts) =>
  self.blockedPort === undefined &&
  (self.code === "ENOTFOUND" || (self.code === "ECONNREFUSED" && self.loopback === true))

/**
 * The request or the response body could not travel (connection refused or reset, DNS, TLS). The
 * call may have run; idempotent calls are retried, except when no immediate retry can help: the host
 * name does not resolve (`ENOTFOUND`), a loopback host refused the connection (`ECONNREFUSED`: nothing
 * listens on that port of this machine), or `fetch` refuses the port (`blockedPort`: one of the Fetch
 * standard's "bad ports", `BadPort` of `@im-recent/domain`). A long-running loop may still try the
 * first two again later ({@link isRetryableLater}).
 *
 * @since 0.1.0
 * @category errors
 */
export class NetworkError extends behaving(
  Schema.TaggedError<NetworkError>(id("NetworkError"))("NetworkError", {
    ...callContext,
    description: Schema.String,
    /** The system error code, when the platform gave one: `ECONNREFUSED`, `ENOTFOUND`, `ECONNRESET`, … */
    code: Schema.optional(Schema.String),
    /** Whether the request went to a loopback host (`localhost`, `127.0.0.0/8`, `::1`). */
    loopback: Schema.optional(Schema.Boolean),
    /** The port `fetch` refused to connect to (a Fetch standard "bad port", such as 6000 or 9). */
    blockedPort: Schema.optional(Schema.Int)
  }),
  {
    retryPolicy: (self) => (hopeless(self) === undefined ? "idempotent" : "never"),
    message: (self) => {
      const why = hopeless(self)
      return `Network error: ${self.description}${why === undefined ? "" : ` (${why}: not retried)`}${where(self)}`
    }
  }
) {
  /**
   * Why retrying at once cannot help, when it cannot.
   *
   * @since 0.1.0
   */
  get hopeless(): string | undefined {
    return hopeless(this)
  }

  /**
   * Whether what makes it hopeless now can go away by itself (a service starting again on a loopback port, a
   * network or DNS coming back), so that a long-running loop may try again later.
   *
   * @since 0.1.0
   */
  get passing(): boolean {
    return passing(this)
  }
}

/**
 * No complete response within the per-request timeout (60 s by default, the server's own cap). The
 * request was interrupted; idempotent calls are retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class Timeout extends behaving(
  Schema.TaggedError<Timeout>(id("Timeout"))("Timeout", { ...callContext, timeoutMillis: Schema.Number }),
  {
    retryPolicy: always("idempotent"),
    message: (self) => `No response within ${self.timeoutMillis} ms; the request was cancelled${where(self)}`
  }
) {}

/**
 * Why a body was unusable: an HTML page (proxies, maintenance pages), text that is not JSON (or
 * truncated JSON), an empty body, JSON that is neither a result nor an error envelope, or a redirect
 * within the portal that cannot be followed (no usable `Location`, or more than 5 in a row).
 *
 * @since 0.1.0
 * @category models
 */
export const InvalidBodyReason = Schema.Literal("Html", "NotJson", "Empty", "UnexpectedJson", "Redirect")

const bodyKinds: Record<Exclude<typeof InvalidBodyReason.Type, "Redirect">, string> = {
  Html: "an HTML page",
  Empty: "an empty body",
  NotJson: "a body that is not valid JSON",
  UnexpectedJson: "JSON that is neither a result nor an error envelope"
}

/**
 * The response body was not a Bitrix24 answer: `snippet` keeps its first characters (secrets
 * masked). Retried for idempotent calls when the status is 5xx or 429 (proxies and gateways) or 2xx
 * (a body cut in transit).
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidResponseBody extends behaving(
  Schema.TaggedError<InvalidResponseBody>(id("InvalidResponseBody"))("InvalidResponseBody", {
    ...callContext,
    reason: InvalidBodyReason,
    contentType: Schema.optional(Schema.String),
    snippet: Schema.String
  }),
  {
    retryPolicy: ({ status }) =>
      status === undefined || status >= 500 || status === 429 || (status >= 200 && status < 300)
        ? "idempotent"
        : "never",
    message: (self) =>
      self.reason === "Redirect"
        ? `The server answered with a redirect the client cannot follow (${self.snippet === "" ? "no usable Location" : self.snippet})${where(self)}`
        : `The server answered with ${bodyKinds[self.reason]}${self.contentType === undefined ? "" : ` (${self.contentType})`}: ${
            self.snippet === "" ? "<empty>" : JSON.stringify(self.snippet)
          }${where(self)}`
  }
) {}

/**
 * One schema issue: where (`result[0].message.date`), what was expected, and the offending value
 * (JSON, shortened, secrets masked).
 *
 * @since 0.1.0
 * @category models
 */
export const Issue = Schema.Struct({
  path: Schema.String,
  message: Schema.String,
  actual: Schema.optional(Schema.String)
}).annotations({ identifier: "Issue" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Issue extends Schema.Schema.Type<typeof Issue> {}

const renderIssues = (issues: ReadonlyArray<Issue>): string =>
  issues
    .slice(0, 5)
    .map((issue) => `${issue.path === "" ? "<root>" : issue.path}: ${issue.message}`)
    .join("; ") + (issues.length > 5 ? `; and ${issues.length - 5} more` : "")

/**
 * A successful response whose body does not match the expected schema.
 *
 * @since 0.1.0
 * @category errors
 */
export class DecodeError extends behaving(
  Schema.TaggedError<DecodeError>(id("DecodeError"))("DecodeError", { ...callContext, issues: Schema.Array(Issue) }),
  {
    retryPolicy: always("never"),
    message: (self) => `The response does not match the expected shape: ${renderIssues(self.issues)}${where(self)}`
  }
) {}

/**
 * The client refused to send a call: parameters that do not encode (an invalid dialog id, a
 * `LIMIT` over 200) or a malformed method name.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidParams extends behaving(
  Schema.TaggedError<InvalidParams>(id("InvalidParams"))("InvalidParams", {
    ...callContext,
    issues: Schema.Array(Issue)
  }),
  {
    retryPolicy: always("never"),
    message: (self) => `Invalid parameters, the call was not sent: ${renderIssues(self.issues)}${where(self)}`
  }
) {}

const transportErrors = [PortalMoved, NetworkError, Timeout, InvalidResponseBody, DecodeError, InvalidParams] as const

/**
 * Everything a call can fail with.
 *
 * @since 0.1.0
 * @category models
 */
export type Bitrix24Error = ApiError | InstanceType<(typeof transportErrors)[number]>

/**
 * The schema of {@link Bitrix24Error} (to persist or send errors).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Bitrix24Error = Schema.Union(...ApiError.members, ...transportErrors)

/**
 * @since 0.1.0
 * @category guards
 */
export const isBitrix24Error = (u: unknown): u is Bitrix24Error =>
  isApiError(u) || transportErrors.some((cls) => u instanceof cls)

/**
 * Whether sending the call again can help: always for `safe` and `after-reset` errors, and for
 * `idempotent` ones when the call is idempotent (every `im.recent.*` call is).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isRetryable = (error: Bitrix24Error, idempotent = true): boolean =>
  ErrorEnvelope.allowsRetry(error.retryPolicy, idempotent)

/**
 * Whether a long-running loop (a sync every interval, a mirror, `RecentSync.changesRetrying`) should try a failed
 * step again later, after a back-off: whatever {@link isRetryable} says, and the network errors no immediate retry
 * can fix but time can (`NetworkError.passing`: nothing listens on a loopback port — a local portal or emulator
 * restarting —, a host name that does not resolve). Refused credentials (`AuthError`, `OAuthError`), `Overloaded`,
 * `PortalMoved`, a blocked port, `InvalidParams`, `DecodeError` and the other errors a retry cannot fix stay final:
 * the loop should stop and tell someone.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isRetryableLater = (error: Bitrix24Error): boolean =>
  isRetryable(error) || (error._tag === "NetworkError" && error.passing)

/**
 * A portal, webhook or OAuth server URL that cannot be used: malformed, not https on a non-loopback
 * host, or not of the webhook shape. Raised when a layer is built; the message never shows a secret.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidEndpoint extends Schema.TaggedError<InvalidEndpoint>(id("InvalidEndpoint"))("InvalidEndpoint", {
  reason: Schema.Literal("HttpsRequired", "MalformedUrl", "MalformedWebhook"),
  description: Schema.String
}) {
  /** @since 0.1.0 */
  override get message(): string {
    return this.description
  }
}

/**
 * The token store failed to load, save or renew the OAuth tokens (`renew`: the store's cross-process renewal, see
 * `TokenStore.Service.renew`, could not take its lock or read the stored pair; nothing was sent to the portal).
 *
 * @since 0.1.0
 * @category errors
 */
export class TokenStoreError extends Schema.TaggedError<TokenStoreError>(id("TokenStoreError"))("TokenStoreError", {
  operation: Schema.Literal("load", "save", "renew"),
  description: Schema.String
}) {
  /** @since 0.1.0 */
  override get message(): string {
    return `The token store failed to ${this.operation} the OAuth tokens: ${this.description}`
  }
}
