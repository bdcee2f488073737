/**
 * The one body every call error class shares: its call context fields, its tag's identifier, and
 * `retryPolicy`, `retryable` and `message` computed from each class's own rules.
 *
 * @internal
 */
import { ErrorEnvelope } from "@im-recent/domain"
import * as Schema from "effect/Schema"

/** The fields of every call error. */
export const callContext = {
  /** The REST method (`im.recent.get`), or `oauth.token` for the token refresh. */
  method: Schema.String,
  /** The id sent as `X-Request-Id`. */
  requestId: Schema.String,
  /** The HTTP status, when a response arrived. */
  status: Schema.optional(Schema.Int)
}

/** The fields of an error decoded from an `{ error, error_description }` envelope. */
export const apiFields = {
  ...callContext,
  /** The code exactly as the server sent it. */
  code: Schema.String,
  /** `error_description` as the server sent it (secrets masked), `""` when missing. */
  description: Schema.String
}

/** The identifier of an error class's schema (kept stable: persisted errors carry it). */
export const errorId = (tag: string): string => `@im-recent/client/Bitrix24Error/${tag}`

interface Context {
  readonly method: string
  readonly requestId: string
  readonly status?: number | undefined
}

interface Coded extends Context {
  readonly code: string
  readonly description: string
}

type RetryPolicy = ErrorEnvelope.RetryPolicy

/** ` [method …, HTTP …, request …]`, the end of every message. */
export const where = (self: Context): string =>
  ` [method ${self.method}${self.status === undefined ? "" : `, HTTP ${self.status}`}, request ${self.requestId}]`

/**
 * What every call error says about itself besides its fields.
 *
 * @since 0.1.0
 * @category models
 */
export interface Behaviour {
  /** When sending the call again can help (`safe`, `idempotent`, `after-reset`, `after-refresh`, `never`). */
  readonly retryPolicy: RetryPolicy
  /** Whether sending it again can help (for an idempotent call). */
  readonly retryable: boolean
  /** What happened, for people: the code, what it means, the method, status and request id. */
  readonly message: string
}

// biome-ignore lint/suspicious/noExplicitAny: TypeScript requires a mixin's constructor to take `...args: any[]`
type Constructor<A> = new (...args: Array<any>) => A

/** The error classes' one body: `retryPolicy`, `retryable` and `message` from the class's own rules. */
export const behaving = <B extends Constructor<Context>>(
  Base: B,
  rules: {
    readonly retryPolicy: (self: InstanceType<B>) => RetryPolicy
    readonly message: (self: InstanceType<B>) => string
  }
): B & Constructor<Behaviour> =>
  class extends Base {
    get retryPolicy(): RetryPolicy {
      return rules.retryPolicy(this as InstanceType<B>)
    }
    get retryable(): boolean {
      return ErrorEnvelope.allowsRetry(this.retryPolicy, true)
    }
    get message(): string {
      return rules.message(this as InstanceType<B>)
    }
  }

/** The catalog's policy for the error's code (`ErrorEnvelope.retryPolicyOf`: by status for an unknown code). */
export const byCode = (self: { readonly code: string; readonly status?: number | undefined }): RetryPolicy =>
  ErrorEnvelope.retryPolicyOf(self.code, self.status)

/** The same policy whatever the error says. */
export const always = (policy: RetryPolicy) => (): RetryPolicy => policy

/** `CODE (description): what it means [method …, HTTP …, request …]`. */
export const explained =
  (meaning: string) =>
  (self: Coded): string =>
    `${self.description === "" ? self.code : `${self.code} (${self.description})`}${meaning === "" ? "" : `: ${meaning}`}${where(self)}`

/** An envelope error that is what its code says: the catalog's policy for the code, `meaning` in the message. */
export const coded = <B extends Constructor<Coded>>(Base: B, meaning: string): B & Constructor<Behaviour> =>
  behaving(Base, { retryPolicy: byCode, message: explained(meaning) })
