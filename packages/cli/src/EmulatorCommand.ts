/**
 * `im-recent emulator`: runs a local Bitrix24 portal for `im.recent.*` until SIGINT / SIGTERM.
 *
 * The first line on stdout is the handshake, one JSON object:
 * `{"baseUrl": "http://127.0.0.1:PORT", "webhook": "<baseUrl>/rest/1/<code>/", "webhooks": [{"userId": 1, "scopes":
 * ["im", …], "url": "<baseUrl>/rest/1/<code>/"}, …], "oauth": {"clientId", "clientSecret", "userId", "accessToken",
 * "refreshToken", "expires", "restUrl", "tokenUrl"}}`: `webhook` is the one to read the recent list with
 * (`BITRIX24_WEBHOOK_URL` of `im-recent recent`; see {@link readerWebhook}), `webhooks` every webhook with its scopes
 * (a call outside them answers `401 insufficient_scope`), `oauth` an OAuth application with a token pair (when the
 * portal has one); plus `"caFile"` (a PEM file clients can trust, e.g. through `NODE_EXTRA_CA_CERTS`) with `--tls`, and `"pages"` (`[{"placement", "url"}, …]`, the portal pages
 * that frame the application) with `--app-url`; `memberId` is the portal's `member_id`, and `oauth` also carries the
 * application's `applicationToken` (the secret its events carry). Nothing is written to stdout before it; logs go to
 * stderr, one line per message (the emulator's warnings about input the server would silently ignore among them).
 *
 * `--portals N` serves N independent portals from the one process ({@link Fleet}): each on its own port (`--port P`
 * puts portal i on P + i; 0, the default, picks free ones), generated from `--seed` + i, with its own limits, OAuth
 * application and tokens. The handshake is then `{"portals": [<handshake of portal 0>, …]}`, each element shaped as
 * above. `--state FILE` / `--save FILE` then name one file per portal, FILE with `-<i>` before its extension
 * (`portal.json`: `portal-0.json`, `portal-1.json`, …; see {@link portalFile}).
 *
 * `--install-to URL`: once the handshake is out, each portal POSTs its `ONAPPINSTALL` event to URL, as a portal does
 * when its administrator installs the app (`AppInstall`: form-encoded, with the portal's token pair, `member_id` and
 * `application_token`), again with backoff while the receiver is not up; each attempt and its outcome are logged on
 * stderr, secrets masked.
 *
 * The portal is the `--state` file, or one generated from `--seed`, `--users`, `--chats` and `--locale` with
 * its history ending at `--now` (default: the current time); `--now` also sets the portal's clock, which then
 * runs on from there. The portal lives in memory: without `--save` its changes are lost at exit. `--save FILE`
 * writes it to FILE (atomically, see `StateFile`) at start, every `--save-interval` seconds when it changed, and
 * after the server stopped on SIGINT / SIGTERM; `--state FILE --save FILE` continues where the last run stopped.
 *
 * @since 0.1.0
 */

import type * as Http from "node:http"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { AtomDateTime, BadPort } from "@im-recent/domain"
import {
  AppInstall,
  Emulator,
  Fleet,
  NodeServer,
  PortalPages,
  type PortalState,
  StateFile,
  Tls
} from "@im-recent/emulator"
import * as Console from "effect/Console"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Scope from "effect/Scope"
import * as CliError from "./CliError.js"
import * as CommandLine from "./internal/commandLine.js"

/**
 * A flag value the command cannot use; `message` is the one line printed on stderr (the same class as
 * `CliError.UsageError`).
 *
 * @since 0.1.0
 * @category errors
 */
export const UsageError = CliError.UsageError

/**
 * @since 0.1.0
 * @category errors
 */
export type UsageError = CliError.UsageError

/**
 * The emulator could not start or stopped unexpectedly (the port is taken, a file cannot be read, …).
 *
 * @since 0.1.0
 * @category errors
 */
export class EmulatorError extends Schema.TaggedError<EmulatorError>("@im-recent/cli/EmulatorError")("EmulatorError", {
  message: Schema.String
}) {}

/**
 * The parsed flags.
 *
 * @since 0.1.0
 * @category models
 */
export interface Flags {
  readonly port: number
  readonly host: string
  readonly state: Option.Option<string>
  readonly save: Option.Option<string>
  readonly saveInterval: Option.Option<number>
  readonly seed: Option.Option<number>
  readonly users: Option.Option<number>
  readonly chats: Option.Option<number>
  readonly locale: Option.Option<"ru" | "en">
  readonly now: Option.Option<string>
  readonly timezone: Option.Option<string>
  readonly rate: Option.Option<string>
  readonly noRateLimit: boolean
  readonly operatingLimit: Option.Option<number>
  readonly tls: boolean
  readonly cert: Option.Option<string>
  readonly key: Option.Option<string>
  /** The application the portal pages frame. */
  readonly appUrl: Option.Option<string>
  /** How many portals to serve (a fleet; the handshake is then `{"portals": […]}`). */
  readonly portals: Option.Option<number>
  /** Where each portal sends its `ONAPPINSTALL` event. */
  readonly installTo: Option.Option<string>
}

/**
 * The first stdout line.
 *
 * @since 0.1.0
 * @category models
 */
export interface Handshake {
  readonly baseUrl: string
  /** The portal's `member_id`. */
  readonly memberId: string
  /** The webhook to read the recent list with ({@link readerWebhook}); absent when no webhook has the `im` scope. */
  readonly webhook?: string
  /** Every webhook of the portal, with its user and scopes. */
  readonly webhooks: ReadonlyArray<Emulator.WebhookUrl>
  /** An OAuth application (its `applicationToken` too) and a user's token pair, with the REST and token endpoints. */
  readonly oauth?: Emulator.OAuthCredentials
  readonly caFile?: string
  /** With `--app-url`: the portal pages that frame the application (`PortalPages.pages`). */
  readonly pages?: ReadonlyArray<PortalPages.Page>
}

/**
 * The first stdout line with `--portals`: one {@link Handshake} per portal, in index order.
 *
 * @since 0.1.0
 * @category models
 */
export interface FleetHandshake {
  readonly portals: ReadonlyArray<Handshake>
}

/**
 * The webhook a client reads the recent list with, as the commands' demo portal does: the first with the `im` scope
 * of user 1 (the generated portal's administrator, with the richest list), else the first with `im` of any user
 * (`Emulator.readerWebhook`).
 *
 * @since 0.1.0
 * @category utils
 */
export const readerWebhook: (webhooks: ReadonlyArray<Emulator.WebhookUrl>) => Emulator.WebhookUrl | undefined =
  Emulator.readerWebhook

/**
 * The file of portal `index` when `--state` / `--save` name `path` for a fleet: `-<index>` before the extension
 * (`portal.json` → `portal-0.json`), or at the end when the name has none.
 *
 * @since 0.1.0
 * @category utils
 */
export const portalFile = (path: string, index: number): string => {
  const match = /^(.*[^/\\])(\.[^./\\]+)$/.exec(path)
  return match === null ? `${path}-${index}` : `${match[1]}-${index}${match[2]}`
}

/**
 * What the flags amount to: the emulator's options, where to listen, and how to do TLS.
 *
 * @since 0.1.0
 * @category models
 */
export interface Settings {
  readonly port: number
  readonly host: string
  readonly tls:
    | { readonly _tag: "None" }
    | { readonly _tag: "Generate" }
    | { readonly _tag: "Files"; readonly cert: string; readonly key: string }
  readonly options: Emulator.Options
  /** Where and how often to save the portal (`--save`, `--save-interval`); with a fleet, the path of the files. */
  readonly save: Option.Option<{ readonly path: string; readonly intervalSeconds: number }>
  /** With `--portals`: how many, and each portal's state when `--state` gave files (else they are generated). */
  readonly fleet: Option.Option<{
    readonly portals: number
    readonly seed: number
    readonly states: ReadonlyArray<PortalState.PortalState> | undefined
  }>
  /** Where each portal sends its `ONAPPINSTALL` event (`--install-to`). */
  readonly installTo: Option.Option<string>
}

const usage = CliError.usage

const RATE = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)\s*$/

/**
 * Checks the flags and reads the `--state` file.
 *
 * @since 0.1.0
 * @category constructors
 */
export const settings = (flags: Flags): Effect.Effect<Settings, UsageError, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function* () {
    if (!Number.isInteger(flags.port) || flags.port < 0 || flags.port > 65_535) {
      return yield* usage(`--port must be between 0 and 65535, got ${flags.port}`)
    }
    const blocked = BadPort.reason(flags.port)
    if (blocked !== undefined) {
      return yield* usage(`--port ${flags.port}: ${blocked}; pick another port (0 picks a free one)`)
    }
    const portals = Option.getOrUndefined(flags.portals)
    if (portals !== undefined) {
      if (portals < 1 || portals > Fleet.maxPortals) {
        return yield* usage(`--portals must be from 1 to ${Fleet.maxPortals}, got ${portals}`)
      }
      if (flags.port !== 0) {
        const last = flags.port + portals - 1
        const within = `--port ${flags.port} with --portals ${portals}`
        if (last > 65_535) {
          return yield* usage(
            `${within}: the ports ${flags.port}…${last} go past 65535; pick a lower port (0 picks free ones)`
          )
        }
        for (let port = flags.port; port <= last; port++) {
          const refused = BadPort.reason(port)
          if (refused !== undefined) {
            return yield* usage(
              `${within}: portal ${port - flags.port} would listen on ${port}: ${refused}; pick another port (0 picks free ones)`
            )
          }
        }
      }
    }
    if (Option.isSome(flags.installTo)) {
      const problem = Fleet.receiverProblem(flags.installTo.value)
      if (problem !== undefined) return yield* usage(`--install-to ${problem}`)
    }
    const generatorFlags: ReadonlyArray<readonly [string, boolean]> = [
      ["--seed", Option.isSome(flags.seed)],
      ["--users", Option.isSome(flags.users)],
      ["--chats", Option.isSome(flags.chats)],
      ["--locale", Option.isSome(flags.locale)]
    ]
    if (Option.isSome(flags.state)) {
      const given = generatorFlags.filter(([, present]) => present).map(([name]) => name)
      if (given.length > 0) return yield* usage(`--state cannot be combined with ${given.join(", ")}`)
    }
    for (const [name, value, min] of [
      ["--users", flags.users, 2],
      ["--chats", flags.chats, 1]
    ] as const) {
      if (Option.isSome(value) && value.value < min) return yield* usage(`${name} must be at least ${min}`)
    }
    let startAt: DateTime.Zoned | undefined
    if (Option.isSome(flags.now)) {
      const parsed = AtomDateTime.parse(flags.now.value)
      if (Option.isNone(parsed)) {
        return yield* usage(`--now must be an ATOM date-time like 2026-02-26T09:07:18+03:00, got ${flags.now.value}`)
      }
      startAt = parsed.value
    }
    if (Option.isSome(flags.timezone) && Option.isNone(DateTime.zoneFromString(flags.timezone.value))) {
      return yield* usage(`--timezone ${flags.timezone.value} is neither an IANA zone nor an offset`)
    }
    if (flags.noRateLimit && Option.isSome(flags.rate))
      return yield* usage("--rate cannot be combined with --no-rate-limit")
    let rateLimit: Emulator.Options["rateLimit"]
    if (flags.noRateLimit) rateLimit = false
    if (Option.isSome(flags.rate)) {
      const match = RATE.exec(flags.rate.value)
      const burst = Number(match?.[1])
      const drainPerSecond = Number(match?.[2])
      if (match === null || !(burst >= 1) || !(drainPerSecond > 0)) {
        return yield* usage(`--rate must be LIMIT/PER_SECOND like 50/2, got ${flags.rate.value}`)
      }
      rateLimit = { burst, drainPerSecond }
    }
    if (Option.isSome(flags.operatingLimit) && !(flags.operatingLimit.value > 0)) {
      return yield* usage("--operating-limit must be a positive number of seconds")
    }
    if (Option.isSome(flags.cert) !== Option.isSome(flags.key)) return yield* usage("--cert and --key go together")
    if (flags.tls && Option.isSome(flags.cert)) return yield* usage("--tls generates a certificate; omit --cert/--key")

    if (Option.isNone(flags.save) && Option.isSome(flags.saveInterval)) {
      return yield* usage("--save-interval needs --save FILE")
    }
    const intervalSeconds = Option.getOrElse(flags.saveInterval, () => Duration.toSeconds(StateFile.defaultInterval))
    if (!(Number.isFinite(intervalSeconds) && intervalSeconds > 0)) {
      return yield* usage("--save-interval must be a positive number of seconds")
    }
    if (Option.isSome(flags.save)) {
      const fs = yield* FileSystem.FileSystem
      const directory = (yield* Path.Path).dirname(flags.save.value)
      const info = yield* Effect.option(fs.stat(directory))
      if (Option.isNone(info) || info.value.type !== "Directory") {
        return yield* usage(`--save ${flags.save.value}: the directory ${directory} does not exist`)
      }
    }

    let state: PortalState.PortalState | undefined
    let states: Array<PortalState.PortalState> | undefined
    if (Option.isSome(flags.state)) {
      const read = (path: string) =>
        StateFile.read(path).pipe(Effect.mapError((error) => usage(`--state ${error.message}`)))
      if (portals === undefined) state = yield* read(flags.state.value)
      else {
        states = []
        for (let index = 0; index < portals; index++) states.push(yield* read(portalFile(flags.state.value, index)))
      }
    }

    const options: Emulator.Options = {
      state,
      ...(state === undefined
        ? {
            generator: {
              ...Option.match(flags.seed, { onNone: () => ({}), onSome: (seed) => ({ seed }) }),
              ...Option.match(flags.users, { onNone: () => ({}), onSome: (users) => ({ users }) }),
              ...Option.match(flags.chats, { onNone: () => ({}), onSome: (chats) => ({ chats }) }),
              ...Option.match(flags.locale, { onNone: () => ({}), onSome: (locale) => ({ locale }) })
            }
          }
        : {}),
      startAt,
      timeZone: Option.getOrUndefined(flags.timezone),
      rateLimit,
      operatingLimit: Option.match(flags.operatingLimit, {
        onNone: () => undefined,
        onSome: (limitSeconds) => ({ limitSeconds })
      }),
      scheme: flags.tls || Option.isSome(flags.cert) ? "https" : "http",
      appUrl: Option.getOrUndefined(flags.appUrl)
    }
    const tls: Settings["tls"] = flags.tls
      ? { _tag: "Generate" }
      : Option.isSome(flags.cert) && Option.isSome(flags.key)
        ? { _tag: "Files", cert: flags.cert.value, key: flags.key.value }
        : { _tag: "None" }
    yield* Emulator.validate(options).pipe(Effect.mapError((error) => usage(error.message)))
    const save = Option.map(flags.save, (path) => ({ path, intervalSeconds }))
    const fleet =
      portals === undefined
        ? Option.none()
        : Option.some({ portals, seed: Option.getOrElse(flags.seed, () => 1), states })
    return { port: flags.port, host: flags.host, tls, options, save, fleet, installTo: flags.installTo }
  })

/** The certificate and key to serve HTTPS with, and the CA file to announce (`--tls`); none without TLS. */
const tlsOf = (
  settings: Settings
): Effect.Effect<
  { readonly tls: { readonly cert: string; readonly key: string } | undefined; readonly caFile: string | undefined },
  EmulatorError,
  FileSystem.FileSystem | Scope.Scope
> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    switch (settings.tls._tag) {
      case "None":
        return { tls: undefined, caFile: undefined }
      case "Generate": {
        const generated = yield* Tls.selfSigned().pipe(
          Effect.mapError((error) => new EmulatorError({ message: error.message }))
        )
        const directory = yield* fs.makeTempDirectoryScoped({ prefix: "im-recent-emulator-" })
        const caFile = `${directory}/ca.pem`
        yield* fs.writeFileString(caFile, generated.ca)
        return { tls: { cert: generated.cert, key: generated.key }, caFile }
      }
      case "Files": {
        const read = (path: string) =>
          fs.readFileString(path).pipe(Effect.mapError(() => new EmulatorError({ message: `${path} cannot be read` })))
        return { tls: { cert: yield* read(settings.tls.cert), key: yield* read(settings.tls.key) }, caFile: undefined }
      }
    }
  }).pipe(
    Effect.mapError((error) => (error._tag === "EmulatorError" ? error : new EmulatorError({ message: error.message })))
  )

/** The handshake of one portal. */
const handshakeOf = (
  emulator: Emulator.Service,
  caFile: string | undefined,
  appUrl: string | undefined
): Effect.Effect<Handshake> =>
  Effect.gen(function* () {
    const oauth = yield* Emulator.oauthCredentials(emulator)
    const webhooks = yield* Emulator.webhookUrls(emulator)
    const reader = readerWebhook(webhooks)
    return {
      baseUrl: emulator.publicUrl,
      memberId: emulator.memberId,
      ...(reader === undefined ? {} : { webhook: reader.url }),
      webhooks,
      ...(oauth === undefined ? {} : { oauth }),
      ...(caFile === undefined ? {} : { caFile }),
      ...(appUrl === undefined ? {} : { pages: PortalPages.pages(emulator.publicUrl) })
    }
  })

/** Sends each emulator's `ONAPPINSTALL` event to `--install-to`, in the background of the scope (each logs itself). */
const installAll = (settings: Settings, emulators: ReadonlyArray<Emulator.Service>) =>
  Option.match(settings.installTo, {
    onNone: () => Effect.void,
    onSome: (url) =>
      Effect.asVoid(
        Effect.forkScoped(
          Effect.forEach(emulators, (emulator) => Effect.ignore(AppInstall.deliver(emulator, url)), {
            concurrency: "unbounded",
            discard: true
          })
        )
      )
  })

/**
 * Starts the emulator (or the fleet), prints the handshake, sends the install events, and runs until interrupted;
 * closing connections on the way out.
 *
 * @since 0.1.0
 * @category constructors
 */
export const serve = (settings: Settings): Effect.Effect<never, EmulatorError, FileSystem.FileSystem | Path.Path> =>
  Effect.scoped(
    Effect.gen(function* () {
      // Closed last (its finalizer is added first): the final save runs after the server stopped taking requests.
      const saving = yield* Scope.make()
      yield* Effect.addFinalizer((exit) => Scope.close(saving, exit))
      const { caFile, tls } = yield* tlsOf(settings)
      /** Keeps the portal saved with `--save` (a fleet's portal `index` to its own file). */
      const autosave = (emulator: Emulator.Service, index?: number) =>
        Option.match(settings.save, {
          onNone: () => Effect.void,
          onSome: ({ intervalSeconds, path }) =>
            StateFile.autosave(emulator.portal.state, {
              path: index === undefined ? path : portalFile(path, index),
              interval: Duration.seconds(intervalSeconds)
            }).pipe(
              Scope.extend(saving),
              Effect.mapError((error) => new EmulatorError({ message: `--save ${error.message}` }))
            )
        })

      if (Option.isSome(settings.fleet)) {
        const { portals, seed, states } = settings.fleet.value
        const fleet = yield* Fleet.make({
          portals,
          seed,
          emulator: (index) =>
            states === undefined ? settings.options : { ...settings.options, state: states[index] },
          host: settings.host,
          port: settings.port,
          tls
        }).pipe(Effect.mapError((error) => new EmulatorError({ message: error.message })))
        const emulators = fleet.portals.map((portal) => portal.emulator)
        for (const [index, emulator] of emulators.entries()) yield* autosave(emulator, index)
        const handshake: FleetHandshake = {
          portals: yield* Effect.forEach(emulators, (emulator) =>
            handshakeOf(emulator, caFile, settings.options.appUrl)
          )
        }
        yield* Console.log(JSON.stringify(handshake))
        yield* installAll(settings, emulators)
        return yield* Effect.never
      }

      const server: Http.Server = NodeServer.make(tls === undefined ? {} : { tls })
      const context = yield* Layer.build(
        Emulator.layer(settings.options).pipe(
          Layer.provide(NodeHttpServer.layer(() => server, { port: settings.port, host: settings.host }))
        )
      ).pipe(
        Effect.mapError(
          (error) =>
            new EmulatorError({
              message:
                error._tag === "ServeError"
                  ? `cannot listen on ${settings.host}:${settings.port}: ${String((error.cause as Error)?.message ?? error.cause)}`
                  : error.message
            })
        )
      )
      // Runs before the server's own finalizer: keep-alive clients must not hold the shutdown.
      yield* Effect.addFinalizer(() => Effect.sync(() => server.closeAllConnections()))
      const emulator = Context.get(context, Emulator.Emulator)
      yield* autosave(emulator)
      yield* Console.log(JSON.stringify(yield* handshakeOf(emulator, caFile, settings.options.appUrl)))
      yield* installAll(settings, [emulator])
      return yield* Effect.never
    })
  ).pipe(
    Effect.mapError((error) => (error._tag === "EmulatorError" ? error : new EmulatorError({ message: error.message })))
  )

/**
 * The `emulator` subcommand.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = CommandLine.emulator
