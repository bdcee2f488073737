/**
 * Injected faults: the failures a client meets in production, on demand and reproducibly.
 *
 * Faults apply to REST requests (`/rest/…`), after the rate limit and before anything else. Each kind has its own
 * rule: a `probability` per request drawn from a PRNG seeded by `seed` (never
 * `Math.random`), or `every` N-th eligible request; a rule may be limited to some methods. The same seed and the
 * same sequence of requests give the same faults on every run.
 *
 * - `dropConnection`: the connection is closed without an answer (a web handler rejects like `fetch` does);
 * - `badGateway`: HTTP 502 with nginx's HTML page (`text/html`);
 * - `internalError`: HTTP 500 `INTERNAL_SERVER_ERROR` as a JSON envelope;
 * - `overload`: HTTP 503 `OVERLOAD_LIMIT` as a JSON envelope;
 * - `truncatedJson`: the call runs, and its answer's body is cut in the middle (status and headers intact);
 * - `latency`: the answer is delayed by `millis` (combines with any of the others).
 *
 * When several of the first five fire on one request, the earlier one in that list wins.
 *
 * @since 0.1.0
 */
import * as Random from "./internal/fixtures/random.js"

/**
 * The body of a `badGateway` answer: nginx's 502 page, as a proxy in front of a portal sends it.
 *
 * @since 0.1.0
 * @category constants
 */
export const badGatewayPage = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
`

/**
 * When a fault fires: exactly one of `probability` (0–1, per eligible request) or `every` (each N-th eligible
 * request, N ≥ 1); `methods` limits it to those REST methods (case-insensitive, `batch` included).
 *
 * @since 0.1.0
 * @category models
 */
export interface Rule {
  readonly probability?: number | undefined
  readonly every?: number | undefined
  readonly methods?: ReadonlyArray<string> | undefined
}

/**
 * A latency rule: when it fires, the answer waits `millis` milliseconds (on the emulator's clock).
 *
 * @since 0.1.0
 * @category models
 */
export interface LatencyRule extends Rule {
  readonly millis: number
}

/**
 * The faults to inject; kinds left out never fire.
 *
 * @since 0.1.0
 * @category models
 */
export interface Settings {
  readonly seed?: number | undefined
  readonly dropConnection?: Rule | undefined
  readonly badGateway?: Rule | undefined
  readonly internalError?: Rule | undefined
  readonly overload?: Rule | undefined
  readonly truncatedJson?: Rule | undefined
  readonly latency?: LatencyRule | undefined
}

/**
 * The faults that replace or damage an answer, in precedence order.
 *
 * @since 0.1.0
 * @category models
 */
export type Kind = "dropConnection" | "badGateway" | "internalError" | "overload" | "truncatedJson"

/**
 * The kinds in precedence order.
 *
 * @since 0.1.0
 * @category constants
 */
export const kinds: ReadonlyArray<Kind> = ["dropConnection", "badGateway", "internalError", "overload", "truncatedJson"]

/**
 * What happens to one request.
 *
 * @since 0.1.0
 * @category models
 */
export interface Decision {
  readonly fault: Kind | undefined
  readonly latencyMillis: number
}

/**
 * The generator's state and how many eligible requests each rule has seen.
 *
 * @since 0.1.0
 * @category models
 */
export interface State {
  /** The seeded generator's four 32-bit words. */
  readonly random: readonly [number, number, number, number]
  readonly seen: Readonly<Record<Kind | "latency", number>>
}

/**
 * The state before the first request.
 *
 * @since 0.1.0
 * @category constructors
 */
export const initial = (settings: Settings): State => ({
  random: Random.seed(settings.seed ?? 0),
  seen: { dropConnection: 0, badGateway: 0, internalError: 0, overload: 0, truncatedJson: 0, latency: 0 }
})

const appliesTo = (rule: Rule, method: string): boolean =>
  rule.methods === undefined || rule.methods.some((name) => name.toLowerCase() === method)

/**
 * Decides the faults of one request to `method` (lower-case). Every eligible probability rule draws one number,
 * whether or not an earlier kind already fired, so one rule's outcome never shifts another's sequence.
 *
 * @since 0.1.0
 * @category combinators
 */
export const decide = (settings: Settings, state: State, method: string): readonly [Decision, State] => {
  let random = state.random
  const seen = { ...state.seen }
  const fires = (name: Kind | "latency", rule: Rule | undefined): boolean => {
    if (rule === undefined || !appliesTo(rule, method)) return false
    const count = ++seen[name]
    if (rule.every !== undefined) return count % rule.every === 0
    const [value, advanced] = Random.next(random)
    random = advanced
    return value < (rule.probability ?? 0)
  }
  let fault: Kind | undefined
  for (const kind of kinds) {
    if (fires(kind, settings[kind]) && fault === undefined) fault = kind
  }
  const latencyMillis = fires("latency", settings.latency) ? (settings.latency?.millis ?? 0) : 0
  return [
    { fault, latencyMillis },
    { random, seen }
  ]
}

/**
 * What is wrong with a settings object, one message per problem (empty when valid).
 *
 * @since 0.1.0
 * @category validation
 */
export const validate = (settings: Settings): ReadonlyArray<string> => {
  const problems: Array<string> = []
  if (settings.seed !== undefined && !Number.isFinite(settings.seed)) problems.push("faults.seed must be a number")
  const check = (name: string, rule: Rule | undefined) => {
    if (rule === undefined) return
    if ((rule.probability === undefined) === (rule.every === undefined)) {
      problems.push(`faults.${name} needs exactly one of probability or every`)
    }
    if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1)) {
      problems.push(`faults.${name}.probability must be between 0 and 1`)
    }
    if (rule.every !== undefined && !(Number.isInteger(rule.every) && rule.every >= 1)) {
      problems.push(`faults.${name}.every must be a whole number of at least 1`)
    }
  }
  for (const kind of kinds) check(kind, settings[kind])
  check("latency", settings.latency)
  if (settings.latency !== undefined && !(Number.isFinite(settings.latency.millis) && settings.latency.millis >= 0)) {
    problems.push("faults.latency.millis must be a non-negative number")
  }
  return problems
}
