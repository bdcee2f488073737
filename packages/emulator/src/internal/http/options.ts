/**
 * The emulator's options checked and resolved: every problem is found (not only the first), defaults are filled in,
 * and the engine's settings derived (zone, rate limit, operating limit, faults, token lifetimes, request limits).
 *
 * @internal
 */
import { OperatingLimit, RateLimit } from "@im-recent/domain"
import * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type { Options } from "../../Emulator.js"
import * as Faults from "../../Faults.js"
import type * as Generator from "../../Generator.js"
import * as PhpQuery from "../../PhpQuery.js"
import type { Engine, OperatingSettings } from "./call.js"
import type { RequestLimits } from "./request.js"

/**
 * The options resolved: what the engine is made of, besides its portal and its mutable state.
 *
 * @internal
 */
export interface Resolved {
  readonly zoneName: string
  readonly publicUrl: string | undefined
  readonly engine: Omit<
    Engine,
    "portal" | "clock" | "bucket" | "ledgers" | "faultState" | "retiredTokens" | "publicUrl"
  >
  readonly startAtMillis: number | undefined
}

const DAY = 86_400

/**
 * The zone of a portal whose state and options name none.
 *
 * @internal
 */
export const defaultTimeZone = "Europe/Moscow"

/**
 * Resolves options, or says everything that is wrong with them.
 *
 * @internal
 */
export const resolve = (options: Options): Either.Either<Resolved, ReadonlyArray<string>> => {
  const problems: Array<string> = []
  const zoneName = options.timeZone ?? options.state?.portal.timeZone ?? options.generator?.timeZone ?? defaultTimeZone
  const zone = Option.getOrUndefined(DateTime.zoneFromString(zoneName))
  if (zone === undefined) problems.push(`timeZone ${JSON.stringify(zoneName)} is neither an IANA zone nor an offset`)
  const url = options.publicUrl ?? options.state?.portal.publicUrl
  const publicUrl = url === undefined ? undefined : normalizeUrl(problems, url)
  if (options.state === undefined) checkGenerator(problems, options.generator)
  const startAtMillis = startAtOf(problems, options.startAt)
  const rateLimit = rateLimitOf(problems, options.rateLimit)
  const operating = operatingOf(problems, options.operatingLimit)
  if (options.faults !== undefined) problems.push(...Faults.validate(options.faults))
  const limits = requestLimitsOf(problems, options)
  const accessTokenLifetime = positive(problems, "accessTokenLifetime", options.accessTokenLifetime, 3_600)
  const refreshTokenLifetime = positive(problems, "refreshTokenLifetime", options.refreshTokenLifetime, 180 * DAY)
  const appUrl = options.appUrl === undefined ? undefined : appUrlOf(problems, options.appUrl)
  if (problems.length > 0 || zone === undefined) return Either.left(problems)
  return Either.right({
    zoneName,
    publicUrl,
    engine: {
      zone,
      rateLimit,
      operating,
      faults: options.faults,
      accessTokenLifetime,
      refreshTokenLifetime,
      limits,
      appUrl
    },
    startAtMillis
  })
}

const positive = (problems: Array<string>, name: string, value: number | undefined, fallback: number): number => {
  if (value === undefined) return fallback
  if (!(Number.isFinite(value) && value > 0)) problems.push(`${name} must be a positive number`)
  return value
}

/**
 * The scheme, host and port of a URL (what the emulator announces).
 *
 * @internal
 */
export const normalizeUrl = (problems: Array<string>, url: string): string => {
  try {
    const parsed = new URL(url)
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") problems.push("publicUrl must be http or https")
    return `${parsed.protocol}//${parsed.host}`
  } catch {
    problems.push(`publicUrl ${JSON.stringify(url)} is not a URL`)
    return url
  }
}

/** An application URL the portal pages can frame: absolute http or https, without credentials. */
const appUrlOf = (problems: Array<string>, url: string): string | undefined => {
  try {
    const parsed = new URL(url)
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      problems.push(`appUrl ${JSON.stringify(url)} must be http or https`)
    } else if (parsed.username !== "" || parsed.password !== "") {
      problems.push("appUrl must not carry a user name or password")
    } else return parsed.toString()
  } catch {
    problems.push(`appUrl ${JSON.stringify(url)} is not a URL`)
  }
  return undefined
}

const checkGenerator = (problems: Array<string>, generator: Partial<Generator.Options> | undefined) => {
  if (generator === undefined) return
  const whole = (name: string, value: number | undefined, min: number) => {
    if (value !== undefined && !(Number.isInteger(value) && value >= min)) {
      problems.push(`generator.${name} must be a whole number of at least ${min}`)
    }
  }
  whole("seed", generator.seed, Number.MIN_SAFE_INTEGER)
  whole("users", generator.users, 2)
  whole("chats", generator.chats, 1)
  if (generator.locale !== undefined && generator.locale !== "ru" && generator.locale !== "en") {
    problems.push("generator.locale must be ru or en")
  }
}

const startAtOf = (problems: Array<string>, startAt: Options["startAt"]): number | undefined => {
  if (startAt === undefined) return undefined
  const parsed = DateTime.make(startAt)
  if (Option.isSome(parsed)) return parsed.value.epochMillis
  problems.push(`startAt ${JSON.stringify(String(startAt))} is not a date`)
  return undefined
}

const rateLimitOf = (problems: Array<string>, rateLimit: Options["rateLimit"]): RateLimit.Settings | undefined => {
  if (rateLimit === false) return undefined
  const { burst, drainPerSecond } = RateLimit.standard
  return {
    burst: positive(problems, "rateLimit.burst", rateLimit?.burst, burst),
    drainPerSecond: positive(problems, "rateLimit.drainPerSecond", rateLimit?.drainPerSecond, drainPerSecond)
  }
}

const operatingOf = (
  problems: Array<string>,
  operatingLimit: Options["operatingLimit"]
): OperatingSettings | undefined => {
  if (operatingLimit === false) return undefined
  const limitSeconds = positive(
    problems,
    "operatingLimit.limitSeconds",
    operatingLimit?.limitSeconds,
    OperatingLimit.defaultLimitSeconds
  )
  const cost = operatingLimit?.cost
  if (typeof cost === "number" && !(Number.isFinite(cost) && cost >= 0)) {
    problems.push("operatingLimit.cost must be a non-negative number")
  }
  return { limitSeconds, cost: typeof cost === "number" ? () => cost : cost }
}

const requestLimitsOf = (problems: Array<string>, options: Options): RequestLimits => {
  const defaults = PhpQuery.defaultLimits
  return {
    maxBodyBytes: positive(problems, "maxBodyBytes", options.maxBodyBytes, 1024 * 1024),
    maxUrlLength: positive(problems, "maxUrlLength", options.maxUrlLength, 65_536),
    maxJsonDepth: positive(problems, "maxJsonDepth", options.maxJsonDepth, 512),
    params: {
      maxDepth: positive(problems, "params.maxDepth", options.params?.maxDepth, defaults.maxDepth),
      maxParams: positive(problems, "params.maxParams", options.params?.maxParams, defaults.maxParams),
      maxKeyLength: positive(problems, "params.maxKeyLength", options.params?.maxKeyLength, defaults.maxKeyLength)
    }
  }
}
